#include "services/web/pages/feedback_pages.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/web/http/form.h"
#include "services/web/pages/event_view.h"
#include "services/web/pages/format.h"
#include "services/web/pages/survey_form.h"

namespace events::web {
namespace {

// The survey behind a survey link and its event.
struct Survey {
  std::string token;
  std::string base;  // "/feedback/<token>"
  events::v1::MySurvey mine;
  events::v1::Event event;

  const events::v1::SurveyDefinition& definition() const { return mine.survey().definition(); }
  bool anonymous() const { return definition().anonymous(); }
};

Response LinkNotFound(Site& site) {
  Response r = HtmlPage(site, "feedback_unknown", Data(Data::type::object),
                        {site.Text("feedback_unknown_title"), false});
  r.status = 404;
  return r;
}

std::optional<Response> Load(Site& site, const Request& request, Survey* s) {
  s->token = request.params.at(0);
  if (!IsPathId(s->token)) return LinkNotFound(site);
  s->base = absl::StrCat("/feedback/", s->token);
  events::v1::GetMySurveyRequest req;
  req.set_registration_token(s->token);
  auto context = site.backends.Context(request);
  grpc::Status status = site.backends.feedback().GetMySurvey(context.get(), req, &s->mine);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND ||
      status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return LinkNotFound(site);
  }
  if (!status.ok()) return RpcErrorPage(site, status, request, "GetMySurvey");
  status = site.data.Event(request, s->mine.survey().event_id(), &s->event);
  if (!status.ok()) return RpcErrorPage(site, status, request, "GetEvent");
  return std::nullopt;
}

// "Monday 30 March 2026 at 3pm" in the event's zone; "" when unknown.
std::string MomentText(const Site& site, int64_t unix_ms, const std::string& zone) {
  absl::TimeZone tz;
  if (unix_ms <= 0 || !absl::LoadTimeZone(zone, &tz)) return "";
  const absl::CivilMinute local = absl::ToCivilMinute(absl::FromUnixMillis(unix_ms), tz);
  const std::string date = DateText(
      site.messages(), absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixMillis(unix_ms), tz));
  return site.messages().Format(
      "survey_moment",
      {{"date", date}, {"time", ClockText(site.messages(), local.hour(), local.minute())}});
}

Data Common(Site& site, const Survey& s) {
  Data data(Data::type::object);
  data.set("base", s.base);
  data.set("event_title", s.event.details().title());
  data.set("event_path", EventPath(s.event.id()));
  data.set("when", WhenText(site.messages(), s.event.start_rfc3339(), s.event.end_rfc3339()));
  data.set("zone", ZoneText(site.messages(), s.event.details().time_zone()));
  data.set("anonymous", s.anonymous());
  const std::string& zone = s.event.details().time_zone();
  const std::string opens = MomentText(site, s.mine.survey().opens_unix_ms(), zone);
  const std::string closes = MomentText(site, s.mine.survey().closes_unix_ms(), zone);
  if (!opens.empty()) data.set("opens", opens);
  if (!closes.empty()) data.set("closes", closes);
  return data;
}

// The page for a survey that cannot be answered now, or nullopt when it can.
std::optional<Response> NotAnswerable(Site& site, const Survey& s) {
  std::string kind;
  switch (s.mine.survey().state()) {
    case events::v1::SURVEY_STATE_SCHEDULED:
      kind = "not_open";
      break;
    case events::v1::SURVEY_STATE_CLOSED:
      kind = "closed";
      break;
    case events::v1::SURVEY_STATE_CANCELLED:
      kind = "cancelled";
      break;
    case events::v1::SURVEY_STATE_OPEN:
      if (s.mine.can_submit()) return std::nullopt;
      // Open, but not for this registration: anonymous and answered, or not able to answer
      // (not confirmed, or attendance was taken and this person is not marked).
      kind = s.mine.responded() ? "answered" : "not_eligible";
      break;
    default:
      kind = "not_open";
  }
  Data data = Common(site, s);
  data.set(absl::StrCat("is_", kind), true);
  return HtmlPage(site, "feedback_status", data,
                  {site.Text(absl::StrCat("feedback_", kind, "_title")), false});
}

Response SurveyPage(Site& site, const Request& request, const Survey& s,
                    const SurveyAnswers& answers, const std::vector<FieldError>& errors,
                    bool easy_read) {
  Data data =
      SurveyFormData(Common(site, s), site.messages(), answers, s.definition(), errors, easy_read);
  data.set("answered_before", s.mine.responded());
  bool has_plain = false;
  for (const auto& q : s.definition().questions()) has_plain = has_plain || !q.plain_text().empty();
  if (has_plain) {
    data.set("wording_link", easy_read ? s.base : absl::StrCat(s.base, "?easy-read=yes"));
  }
  return FormPage(site, request, "feedback", data,
                  {site.messages().Format("feedback_title", {{"event", s.event.details().title()}}),
                   !errors.empty()});
}

Response Show(Site& site, const Request& request) {
  Survey s;
  if (auto page = Load(site, request, &s)) return *page;
  if (auto page = NotAnswerable(site, s)) return *page;
  return SurveyPage(site, request, s, SurveyAnswersFrom(s.mine.answers()), {},
                    request.Query("easy-read") == "yes");
}

Response Submit(Site& site, const Request& request) {
  Form form;
  if (auto page = ReadPostedForm(site, request, &form)) return *page;
  Survey s;
  if (auto page = Load(site, request, &s)) return *page;
  if (auto page = NotAnswerable(site, s)) return *page;
  const SurveyAnswers answers = ReadSurveyAnswers(form, s.definition());
  const bool easy_read = form.Get("easy_read") == "yes";
  const std::vector<FieldError> errors =
      CheckSurveyAnswers(site.messages(), answers, s.definition());
  if (!errors.empty()) return SurveyPage(site, request, s, answers, errors, easy_read);
  // SubmitResponse has no idempotency key, and needs none: on a named survey a repeat
  // replaces the answers with the same ones; on an anonymous one it is refused as answered
  // already, and the page then says the answers are in.
  const events::v1::SubmitResponseRequest req = ToSubmitResponse(s.token, answers, s.definition());
  events::v1::SubmitResponseResponse resp;
  auto context = site.backends.Context(request);
  const grpc::Status status = site.backends.feedback().SubmitResponse(context.get(), req, &resp);
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    // Closed, answered or not eligible since the page was loaded: say which.
    Survey again;
    if (auto page = Load(site, request, &again)) return *page;
    if (auto page = NotAnswerable(site, again)) return *page;
  }
  if (!status.ok()) return RpcErrorPage(site, status, request, "SubmitResponse");
  return Response::Redirect(absl::StrCat(s.base, "/thanks", resp.replaced() ? "?changed=yes" : ""));
}

Response Thanks(Site& site, const Request& request) {
  Survey s;
  if (auto page = Load(site, request, &s)) return *page;
  if (!s.mine.responded()) return Response::Redirect(s.base);
  Data data = Common(site, s);
  data.set("changed", request.Query("changed") == "yes");
  data.set("can_change", !s.anonymous() && s.mine.can_submit());
  return HtmlPage(site, "feedback_thanks", data, {site.Text("feedback_thanks_title"), false});
}

}  // namespace

void AddFeedbackPages(WebServer& server, Site& site) {
  server.Route("GET", "/feedback/{token}", [&site](const Request& r) { return Show(site, r); });
  server.Route("POST", "/feedback/{token}", [&site](const Request& r) { return Submit(site, r); });
  server.Route("GET", "/feedback/{token}/thanks",
               [&site](const Request& r) { return Thanks(site, r); });
}

}  // namespace events::web
