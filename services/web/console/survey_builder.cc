#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/web/console/feedback_common.h"
#include "services/web/console/feedback_pages.h"
#include "services/web/console/fields.h"
#include "services/web/console/survey_edits.h"

// The survey builder: the questions in order with buttons to move and remove each, a form to
// add a question of any type the service has, and the survey's settings. Each change is the
// whole survey sent back with UpdateSurvey and the version the page was drawn from.
namespace events::web::console {
namespace {

struct Loaded {
  Person person;
  events::v1::Event event;
  events::v1::Survey survey;
};

std::string SurveyHref(const events::v1::Event& event) { return FeedbackHref(event, "survey"); }

Response Page(Console& console, const Request& request, const Loaded& l, const Form* form,
              const std::vector<FieldError>& errors) {
  const Site& site = console.site;
  const auto& definition = l.survey.definition();
  const bool scheduled = l.survey.state() == events::v1::SURVEY_STATE_SCHEDULED;
  // Only what the person can use: the service refuses a viewer's change anyway, and any
  // structural change once the survey has opened.
  const bool can_change = scheduled && l.person.IsOrganiser();
  Data data(Data::type::object);
  data.set("event", FeedbackHeading(site, l.event));
  data.set("action", SurveyHref(l.event));
  data.set("version", absl::StrCat(l.survey.version()));
  data.set("can_change", can_change);
  data.set("not_scheduled", !scheduled);
  data.set("state", SurveyStateWords(site, l.survey.state()));
  Data questions(Data::type::list);
  for (int i = 0; i < definition.questions_size(); ++i) {
    const auto& q = definition.questions(i);
    Data row(Data::type::object);
    row.set("number", absl::StrCat(i + 1));
    row.set("id", q.id());
    row.set("text", q.text());
    if (!q.plain_text().empty()) row.set("plain_text", q.plain_text());
    if (!q.help().empty()) row.set("help", q.help());
    row.set("type", SurveyTypeWords(site, q.type()));
    row.set("required", site.Text(q.required() ? "console_fb_required" : "console_fb_optional"));
    std::vector<std::string> choices;
    for (const auto& c : q.choices()) choices.push_back(c.text());
    if (!choices.empty()) row.set("choices", absl::StrJoin(choices, ", "));
    if (q.allow_comment()) row.set("comment", true);
    if (q.type() == events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT) {
      row.set("max", site.messages().Format(
                         "console_fb_max_chars",
                         {{"max", absl::StrCat(q.max_length() > 0 ? q.max_length() : 500)}}));
    }
    if (i > 0) row.set("can_up", true);
    if (i + 1 < definition.questions_size()) row.set("can_down", true);
    row.set("remove_href", absl::StrCat(SurveyHref(l.event), "/remove?question=", q.id()));
    questions.push_back(row);
  }
  data.set("questions", questions);
  data.set("questions_field", TextField("questions", "", errors));
  auto typed = [form](const char* id) { return form ? form->Get(id) : std::string(); };
  for (const char* id : {"question_text", "question_plain", "question_help", "question_choices",
                         "question_max", "window_days", "anonymous"}) {
    data.set(id, TextField(id, typed(id), errors));
  }
  if (form == nullptr || !form->Has("window_days")) {
    data.set("window_days",
             TextField("window_days",
                       definition.window_days() > 0 ? absl::StrCat(definition.window_days())
                                                    : std::string(),
                       errors));
  }
  const bool anonymous = form != nullptr && form->Get("action") == "settings"
                             ? form->Get("anonymous") == "yes"
                             : definition.anonymous();
  data.set("is_anonymous", anonymous);
  Data types(Data::type::list);
  for (absl::string_view t : kSurveyTypeValues) {
    Data o(Data::type::object);
    o.set("value", std::string(t));
    o.set("id", absl::StrCat("question_type-", t));
    o.set("label", site.Text(absl::StrCat("console_fb_add_type_", t)));
    o.set("hint", site.Text(absl::StrCat("console_fb_add_type_", t, "_hint")));
    if (typed("question_type") == t) o.set("checked", true);
    types.push_back(o);
  }
  data.set("question_types", types);
  data.set("question_type", TextField("question_type-rating", "", errors));
  data.set("question_required", typed("question_required") == "yes");
  data.set("question_comment", typed("question_comment") == "yes");
  const std::string saved = request.Query("saved");
  for (absl::string_view word : {"added", "moved", "removed", "settings"}) {
    if (saved == word) data.set("saved", site.Text(absl::StrCat("console_fb_saved_", word)));
  }
  SetErrors(data, errors);
  return ConsolePage(
      console, request, l.person, "console_feedback_survey", data,
      {site.messages().Format("console_fb_survey_title", {{"title", l.event.details().title()}}),
       !errors.empty()},
      "feedback");
}

std::optional<Response> Load(Console& console, const Request& request, Loaded* l) {
  auto signed_in = SignedIn(console, request);
  if (auto* r = std::get_if<Response>(&signed_in)) return *r;
  l->person = std::get<Person>(signed_in);
  return LoadSurvey(console, request, l->person, &l->event, &l->survey);
}

Response Show(Console& console, const Request& request) {
  Loaded l;
  if (auto page = Load(console, request, &l)) return *page;
  return Page(console, request, l, nullptr, {});
}

// "Are you sure?" before a question goes, with its wording.
Response ConfirmRemove(Console& console, const Request& request) {
  Loaded l;
  if (auto page = Load(console, request, &l)) return *page;
  const std::string id = request.Query("question");
  for (const auto& q : l.survey.definition().questions()) {
    if (q.id() != id) continue;
    Data data(Data::type::object);
    data.set("event", FeedbackHeading(console.site, l.event));
    data.set("action", SurveyHref(l.event));
    data.set("version", absl::StrCat(l.survey.version()));
    data.set("question", q.id());
    data.set("text", q.text());
    data.set("back", SurveyHref(l.event));
    return ConsolePage(console, request, l.person, "console_feedback_remove", data,
                       {console.site.Text("console_fb_remove_title"), false}, "feedback");
  }
  return ErrorPage(console.site, 404, request);
}

// Sends the changed survey with the version the form was drawn from. A colleague's change in
// between (ABORTED), or the survey opening meanwhile (FAILED_PRECONDITION), is said at
// `field`, with what was typed kept; nothing is overwritten.
Response Update(Console& console, const Request& request, Loaded& l, const Form& form,
                const events::v1::SurveyDefinition& changed, const std::string& field,
                absl::string_view saved) {
  int64_t version = 0;
  if (!absl::SimpleAtoi(form.Get("version"), &version) || version < 0) {
    return Page(console, request, l, &form, {{field, console.site.Text("err_console_fb_changed")}});
  }
  events::v1::UpdateSurveyRequest req;
  req.set_event_id(l.event.id());
  *req.mutable_definition() = changed;
  req.set_expected_version(version);
  events::v1::Survey result;
  auto context = AsPerson(console, request, l.person);
  const grpc::Status status =
      console.site.backends.feedback().UpdateSurvey(context.get(), req, &result);
  if (status.error_code() == grpc::StatusCode::ABORTED) {
    return Page(console, request, l, &form, {{field, console.site.Text("err_console_fb_changed")}});
  }
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return Page(console, request, l, &form, {{field, console.site.Text("err_console_fb_opened")}});
  }
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return Page(console, request, l, &form, {{field, console.site.Text("err_console_fb_refused")}});
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "UpdateSurvey");
  return Response::Redirect(absl::StrCat(SurveyHref(l.event), "?saved=", saved));
}

Response Save(Console& console, const Request& request) {
  Form form;
  Loaded l;
  if (auto page = ReadPostedAsPerson(console, request, &form, &l.person)) return *page;
  if (auto page = LoadSurvey(console, request, l.person, &l.event, &l.survey)) return *page;
  const Catalogue& messages = console.site.messages();
  events::v1::SurveyDefinition changed = l.survey.definition();
  std::vector<FieldError> errors;
  const std::string action = form.Get("action");
  if (action == "add") {
    AddSurveyQuestion(messages, form, &changed, &errors);
    if (!errors.empty()) return Page(console, request, l, &form, errors);
    return Update(console, request, l, form, changed, "question_text", "added");
  }
  if (action == "settings") {
    ApplySurveySettings(messages, form, &changed, &errors);
    if (!errors.empty()) return Page(console, request, l, &form, errors);
    return Update(console, request, l, form, changed, "anonymous", "settings");
  }
  const std::string question = form.Get("question");
  if (action == "up" || action == "down") {
    // Already first or last (a second click): nothing to change.
    if (!MoveSurveyQuestion(&changed, question, action == "up" ? -1 : 1)) {
      return Response::Redirect(SurveyHref(l.event));
    }
    return Update(console, request, l, form, changed, "questions", "moved");
  }
  if (action == "remove") {
    if (!RemoveSurveyQuestion(&changed, question)) return ErrorPage(console.site, 404, request);
    if (changed.questions_size() == 0) {
      return Page(console, request, l, nullptr,
                  {{"questions", console.site.Text("err_console_fb_last_question")}});
    }
    return Update(console, request, l, form, changed, "questions", "removed");
  }
  return ErrorPage(console.site, 400, request);
}

}  // namespace

void AddSurveyBuilderPages(WebServer& server, Console& console) {
  const std::string base = "/manage/events/{id}/feedback/survey";
  server.Route("GET", base, [&console](const Request& r) { return Show(console, r); });
  server.Route("POST", base, [&console](const Request& r) { return Save(console, r); });
  server.Route("GET", base + "/remove",
               [&console](const Request& r) { return ConfirmRemove(console, r); });
}

}  // namespace events::web::console
