#include "services/web/pages/register_pages.h"

#include <spdlog/spdlog.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/web/http/form.h"
#include "services/web/pages/event_view.h"
#include "services/web/pages/registration_form.h"

namespace events::web {
namespace {

// What every step needs to know about the event.
struct Journey {
  std::string event_id;
  events::v1::Event event;
  events::v1::RegistrationSettings settings;
  std::string base;  // "/events/<id>/register"
};

// Loads the event and its form; a page instead when it cannot (unknown, closed...).
std::optional<Response> Load(Site& site, const Request& request, Journey* j) {
  j->event_id = request.params.at(0);
  if (!IsPathId(j->event_id)) return ErrorPage(site, 404, request);
  j->base = absl::StrCat(EventPath(j->event_id), "/register");
  grpc::Status status = site.data.Event(request, j->event_id, &j->event);
  if (!status.ok()) return PathLookupErrorPage(site, status, request, "GetEvent");
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  // Closed (or not open yet): the event's page says why.
  if (!RegistrationOpen(j->event, now)) return Response::Redirect(EventPath(j->event_id));
  status = site.data.Form(request, j->event_id, &j->settings);
  if (!status.ok()) return RpcErrorPage(site, status, request, "GetRegistrationForm");
  return std::nullopt;
}

std::optional<Response> LoadNeeds(Site& site, const Request& request, const Journey& j,
                                  events::v1::Catalogue* needs) {
  events::v1::GetCatalogueRequest req;
  req.set_event_id(j.event_id);
  auto context = site.backends.Context(request);
  const grpc::Status status = site.backends.accessibility().GetCatalogue(context.get(), req, needs);
  if (!status.ok()) return RpcErrorPage(site, status, request, "GetCatalogue");
  return std::nullopt;
}

Data Common(const Site& site, const Journey& j, const std::vector<FieldError>& errors) {
  Data data(Data::type::object);
  data.set("event_title", j.event.details().title());
  data.set("event_path", EventPath(j.event_id));
  data.set("base", j.base);
  SetErrors(data, errors);
  (void)site;
  return data;
}

Response DetailsPage(Site& site, const Request& request, const Journey& j,
                     const RegistrationAnswers& answers, const std::vector<FieldError>& errors) {
  Data data =
      DetailsFormData(Common(site, j, errors), site.messages(), answers, j.settings, errors);
  // The access answers, when there are any, wait in hidden fields for the next step.
  if (!answers.needs.empty() || answers.consent) {
    data.set("carry", HiddenFields(answers, false, true));
  }
  return FormPage(site, request, "register", data,
                  {site.messages().Format("register_title", {{"event", j.event.details().title()}}),
                   !errors.empty()});
}

Response AccessPage(Site& site, const Request& request, const Journey& j,
                    const RegistrationAnswers& answers, const events::v1::Catalogue& needs,
                    const std::vector<FieldError>& errors) {
  Data data = AccessFormData(Common(site, j, errors), site.messages(), answers, needs, errors);
  data.set("hidden", HiddenFields(answers, true, false));
  return FormPage(site, request, "register_access", data,
                  {site.messages().Format("access_title", {{"event", j.event.details().title()}}),
                   !errors.empty()});
}

Response CheckPage(Site& site, const Request& request, const Journey& j,
                   const RegistrationAnswers& answers, const events::v1::Catalogue& needs) {
  Data data = Common(site, j, {});
  data.set("rows", SummaryRows(site.messages(), answers, j.settings, needs));
  data.set("hidden", HiddenFields(answers, true, answers.support == "yes"));
  // A double click, a retry after a timeout or the back button then submit again: the same
  // key, so registration answers as it did the first time and nobody is registered twice.
  data.set("idempotency_key", RandomToken(18));
  return FormPage(
      site, request, "register_check", data,
      {site.messages().Format("check_title", {{"event", j.event.details().title()}}), false});
}

Response Start(Site& site, const Request& request) {
  Journey j;
  if (auto page = Load(site, request, &j)) return *page;
  return DetailsPage(site, request, j, RegistrationAnswers{}, {});
}

// POST of the details step (and "Change your answers", which shows it again).
Response Details(Site& site, const Request& request) {
  Form form;
  if (auto page = ReadPostedForm(site, request, &form)) return *page;
  Journey j;
  if (auto page = Load(site, request, &j)) return *page;
  RegistrationAnswers answers = ReadAnswers(form, j.settings);
  if (form.Get("change") == "yes") return DetailsPage(site, request, j, answers, {});
  std::vector<FieldError> errors = CheckDetails(site.messages(), answers, j.settings);
  if (!errors.empty()) return DetailsPage(site, request, j, answers, errors);
  events::v1::Catalogue needs;
  if (answers.support == "yes") {
    if (auto page = LoadNeeds(site, request, j, &needs)) return *page;
    return AccessPage(site, request, j, answers, needs, {});
  }
  return CheckPage(site, request, j, answers, needs);
}

Response Access(Site& site, const Request& request) {
  Form form;
  if (auto page = ReadPostedForm(site, request, &form)) return *page;
  Journey j;
  if (auto page = Load(site, request, &j)) return *page;
  RegistrationAnswers answers = ReadAnswers(form, j.settings);
  std::vector<FieldError> errors = CheckDetails(site.messages(), answers, j.settings);
  if (!errors.empty()) return DetailsPage(site, request, j, answers, errors);
  events::v1::Catalogue needs;
  if (auto page = LoadNeeds(site, request, j, &needs)) return *page;
  errors = CheckAccess(site.messages(), answers, needs);
  if (!errors.empty()) return AccessPage(site, request, j, answers, needs, errors);
  return CheckPage(site, request, j, answers, needs);
}

bool IsIdempotencyKey(absl::string_view key) {
  if (key.size() < 16 || key.size() > 64) return false;
  for (char c : key) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

Response Confirm(Site& site, const Request& request) {
  Form form;
  if (auto page = ReadPostedForm(site, request, &form)) return *page;
  Journey j;
  if (auto page = Load(site, request, &j)) return *page;
  RegistrationAnswers answers = ReadAnswers(form, j.settings);
  std::vector<FieldError> errors = CheckDetails(site.messages(), answers, j.settings);
  if (!errors.empty()) return DetailsPage(site, request, j, answers, errors);
  events::v1::Catalogue needs;
  if (answers.support == "yes") {
    if (auto page = LoadNeeds(site, request, j, &needs)) return *page;
    errors = CheckAccess(site.messages(), answers, needs);
    if (!errors.empty()) return AccessPage(site, request, j, answers, needs, errors);
  }
  const std::string key = form.Get("idempotency_key");
  if (!IsIdempotencyKey(key)) return ErrorPage(site, 400, request);

  events::v1::RegisterRequest req = ToRegisterRequest(j.event_id, answers, j.settings);
  req.set_idempotency_key(key);
  events::v1::RegisterResponse resp;
  auto context = site.backends.Context(request);
  const grpc::Status status = site.backends.registration().Register(context.get(), req, &resp);
  if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
    Data data = Common(site, j, {});
    data.set("lost_link_path", absl::StrCat(EventPath(j.event_id), "/lost-link"));
    return HtmlPage(site, "register_duplicate", data, {site.Text("duplicate_title"), false});
  }
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    // The checks above mirror registration's rules, so this is a rule they missed: say what
    // the service said, on the form.
    LogServiceFailure(spdlog::level::warn, "Register refused what the form accepted", "Register",
                      status);
    return DetailsPage(
        site, request, j, answers,
        {{"name", site.messages().Format("err_service", {{"message", status.error_message()}})}});
  }
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return Response::Redirect(EventPath(j.event_id));  // closed meanwhile: the page says so
  }
  if (!status.ok()) return RpcErrorPage(site, status, request, "Register");

  Data data = Common(site, j, {});
  const auto& r = resp.registration();
  data.set("status_text", RegistrationStatusText(site, r));
  data.set("confirmed", r.status() == events::v1::REGISTRATION_STATUS_CONFIRMED);
  data.set("waitlisted", r.status() == events::v1::REGISTRATION_STATUS_WAITLISTED);
  data.set("pending", r.status() == events::v1::REGISTRATION_STATUS_PENDING_APPROVAL);
  data.set("manage_url", absl::StrCat(site.public_url, "/manage/", resp.registration_token()));
  data.set("calendar_path", absl::StrCat(EventPath(j.event_id), "/calendar.ics"));
  if (answers.support == "yes") {
    events::v1::SubmitRequestRequest areq = ToAccessRequest(resp.registration_token(), answers);
    events::v1::AccessibilityRequest aresp;
    auto acontext = site.backends.Context(request);
    const grpc::Status astatus =
        site.backends.accessibility().SubmitRequest(acontext.get(), areq, &aresp);
    // A retry of the same submit finds the request already made: that is success too.
    if (astatus.ok() || astatus.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      data.set("access_sent", true);
    } else {
      LogServiceFailure(spdlog::level::warn, "SubmitRequest failed after Register", "SubmitRequest",
                        astatus);
      data.set("access_failed", true);
    }
  }
  return HtmlPage(site, "register_done", data, {site.Text("done_title"), false});
}

}  // namespace

void AddRegisterPages(WebServer& server, Site& site) {
  server.Route("GET", "/events/{id}/register",
               [&site](const Request& r) { return Start(site, r); });
  server.Route("POST", "/events/{id}/register",
               [&site](const Request& r) { return Details(site, r); });
  server.Route("POST", "/events/{id}/register/access",
               [&site](const Request& r) { return Access(site, r); });
  server.Route("POST", "/events/{id}/register/confirm",
               [&site](const Request& r) { return Confirm(site, r); });
}

}  // namespace events::web
