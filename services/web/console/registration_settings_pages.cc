#include "services/web/console/registration_settings_pages.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/web/console/fields.h"
#include "services/web/console/registration_settings_edits.h"
#include "services/web/console/registrations_common.h"

namespace events::web::console {
namespace {

using events::v1::RegistrationSettings;

// What the page shows: the settings, the capacity, and the forms (with what was typed when
// one of them has errors).
struct Loaded {
  std::optional<Person> person;
  events::v1::Event event;
  RegistrationSettings settings;
  int capacity = 0;
};

std::optional<Response> Load(Console& console, const Request& request, Loaded* l) {
  auto signed_in = SignedIn(console, request);
  if (auto* r = std::get_if<Response>(&signed_in)) return *r;
  l->person = std::get<Person>(signed_in);
  if (auto page = LoadEvent(console, request, *l->person, &l->event)) return *page;
  auto& registration = console.site.backends.registration();
  events::v1::GetRegistrationFormRequest req;
  req.set_event_id(l->event.id());
  auto context = AsPerson(console, request, *l->person);
  grpc::Status status = registration.GetRegistrationForm(context.get(), req, &l->settings);
  if (!status.ok()) return ConsoleRpcError(console, request, status, "GetRegistrationForm");
  events::v1::GetCapacityRequest creq;
  creq.set_event_id(l->event.id());
  events::v1::CapacitySummary capacity;
  context = AsPerson(console, request, *l->person);
  status = registration.GetCapacity(context.get(), creq, &capacity);
  if (!status.ok()) return ConsoleRpcError(console, request, status, "GetCapacity");
  l->capacity = capacity.capacity();
  return std::nullopt;
}

std::string TypeWord(const Site& site, events::v1::QuestionType type) {
  switch (type) {
    case events::v1::QUESTION_TYPE_TEXT:
      return site.Text("console_reg_question_type_text");
    case events::v1::QUESTION_TYPE_SINGLE_CHOICE:
      return site.Text("console_reg_question_type_single_choice");
    case events::v1::QUESTION_TYPE_MULTIPLE_CHOICE:
      return site.Text("console_reg_question_type_multiple_choice");
    case events::v1::QUESTION_TYPE_YES_NO:
      return site.Text("console_reg_question_type_yes_no");
    default:
      return "";
  }
}

Response Page(Console& console, const Request& request, const Loaded& l, const Form* form,
              const std::vector<FieldError>& errors) {
  const Site& site = console.site;
  const std::string base = SettingsHref(l.event);
  Data data(Data::type::object);
  data.set("event", EventHeading(site, l.event));
  data.set("action_base", base);
  data.set("version", absl::StrCat(l.settings.version()));
  // Only what the person can use: the services refuse a viewer's changes anyway.
  data.set("can_change", l.person->IsOrganiser());
  const bool approval = form && form->Has("approval_form") ? form->Get("requires_approval") == "yes"
                                                           : l.settings.requires_approval();
  data.set("requires_approval", approval);
  data.set("approval", TextField("requires_approval", "", errors));
  data.set("capacity", TextField("capacity",
                                 form && form->Has("capacity") ? form->Get("capacity")
                                                               : absl::StrCat(l.capacity),
                                 errors));
  Data pools(Data::type::list);
  for (const auto& p : l.settings.pools()) {
    Data row(Data::type::object);
    row.set("id", p.id());
    row.set("name", p.name());
    row.set("places", absl::StrCat(p.places()));
    row.set("remove_action", absl::StrCat(base, "/pools/", p.id(), "/remove"));
    pools.push_back(row);
  }
  data.set("pools", pools);
  data.set("has_pools", l.settings.pools_size() > 0);
  Data questions(Data::type::list);
  for (const auto& q : l.settings.questions()) {
    Data row(Data::type::object);
    row.set("text", q.text());
    row.set("type", TypeWord(site, q.type()));
    row.set("required", site.Text(q.required() ? "yes" : "no"));
    row.set("options", absl::StrJoin(q.options(), ", "));
    row.set("remove_action", absl::StrCat(base, "/questions/", q.id(), "/remove"));
    questions.push_back(row);
  }
  data.set("questions", questions);
  data.set("has_questions", l.settings.questions_size() > 0);
  auto typed = [form](const char* id) { return form ? form->Get(id) : std::string(); };
  for (const char* id : {"pool_id", "pool_name", "pool_places", "question_text", "question_options",
                         "question_max"}) {
    data.set(id, TextField(id, typed(id), errors));
  }
  Data types(Data::type::list);
  for (const char* t : {"text", "single_choice", "multiple_choice", "yes_no"}) {
    Data o(Data::type::object);
    o.set("value", std::string(t));
    o.set("id", absl::StrCat("question_type-", t));
    o.set("label", site.Text(absl::StrCat("console_reg_question_type_", t)));
    if (typed("question_type") == t) o.set("checked", true);
    types.push_back(o);
  }
  data.set("question_types", types);
  data.set("question_type", TextField("question_type-text", "", errors));
  data.set("question_required", typed("question_required") == "yes");
  const std::string saved = request.Query("saved");
  for (absl::string_view word : {"approval", "capacity", "pool", "question", "removed"}) {
    if (saved == word)
      data.set("saved", site.Text(absl::StrCat("console_reg_settings_saved_", word)));
  }
  SetErrors(data, errors);
  return ConsolePage(
      console, request, *l.person, "console_reg_settings", data,
      {site.messages().Format("console_reg_settings_title", {{"title", l.event.details().title()}}),
       !errors.empty()},
      "overview");
}

Response Show(Console& console, const Request& request) {
  Loaded l;
  if (auto page = Load(console, request, &l)) return *page;
  return Page(console, request, l, nullptr, {});
}

// Sends changed settings with the version the form was drawn from: a colleague's change in
// between is ABORTED, shown at `field` rather than overwritten.
Response Configure(Console& console, const Request& request, Loaded& l, const Form& form,
                   const RegistrationSettings& changed, const std::string& field,
                   absl::string_view saved) {
  events::v1::ConfigureRegistrationRequest req;
  *req.mutable_settings() = changed;
  req.mutable_settings()->set_event_id(l.event.id());
  int64_t version = 0;
  if (!absl::SimpleAtoi(form.Get("version"), &version) || version < 0) version = -1;
  req.set_expected_version(version);
  RegistrationSettings result;
  auto context = AsPerson(console, request, *l.person);
  const grpc::Status status =
      console.site.backends.registration().ConfigureRegistration(context.get(), req, &result);
  if (status.error_code() == grpc::StatusCode::ABORTED) {
    return Page(console, request, l, nullptr,
                {{field, console.site.Text("err_console_settings_changed")}});
  }
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
      status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return Page(console, request, l, &form,
                {{field, console.site.Text("err_console_settings_refused")}});
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "ConfigureRegistration");
  return Response::Redirect(absl::StrCat(SettingsHref(l.event), "?saved=", saved));
}

// The POST handlers: the form (CSRF first), the person, the event and its settings.
template <typename Edit>
Response Posted(Console& console, const Request& request, Edit edit) {
  Form form;
  if (auto page = ReadPostedForm(console.site, request, &form)) return *page;
  Loaded l;
  if (auto page = Load(console, request, &l)) return *page;
  return edit(l, form);
}

Response SaveApproval(Console& console, const Request& request) {
  return Posted(console, request, [&](Loaded& l, const Form& form) {
    RegistrationSettings changed = l.settings;
    changed.set_requires_approval(form.Get("requires_approval") == "yes");
    return Configure(console, request, l, form, changed, "requires_approval", "approval");
  });
}

Response SaveCapacity(Console& console, const Request& request) {
  return Posted(console, request, [&](Loaded& l, const Form& form) {
    std::vector<FieldError> errors;
    const int capacity = ReadWholeNumber(console.site, form, "capacity", 1, 100000,
                                         "console_reg_settings_capacity_word", &errors);
    int64_t reserved = 0;
    for (const auto& p : l.settings.pools()) reserved += p.places();
    if (errors.empty() && capacity < reserved) {
      errors.push_back(
          {"capacity", console.site.messages().Format("err_console_capacity_below_pools",
                                                      {{"reserved", absl::StrCat(reserved)}})});
    }
    if (!errors.empty()) return Page(console, request, l, &form, errors);
    events::v1::ChangeCapacityRequest req;
    req.set_event_id(l.event.id());
    req.set_capacity(capacity);
    events::v1::CapacitySummary result;
    auto context = AsPerson(console, request, *l.person);
    const grpc::Status status =
        console.site.backends.registration().ChangeCapacity(context.get(), req, &result);
    if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION ||
        status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
      return Page(console, request, l, &form,
                  {{"capacity", console.site.Text("err_console_settings_refused")}});
    }
    if (!status.ok()) return ConsoleRpcError(console, request, status, "ChangeCapacity");
    return Response::Redirect(absl::StrCat(SettingsHref(l.event), "?saved=capacity"));
  });
}

Response SavePool(Console& console, const Request& request) {
  return Posted(console, request, [&](Loaded& l, const Form& form) {
    RegistrationSettings changed = l.settings;
    std::vector<FieldError> errors;
    AddPool(console.site, form, l.capacity, &changed, &errors);
    if (!errors.empty()) return Page(console, request, l, &form, errors);
    return Configure(console, request, l, form, changed, "pool_id", "pool");
  });
}

Response SaveQuestion(Console& console, const Request& request) {
  return Posted(console, request, [&](Loaded& l, const Form& form) {
    RegistrationSettings changed = l.settings;
    std::vector<FieldError> errors;
    AddQuestion(console.site, form, &changed, &errors);
    if (!errors.empty()) return Page(console, request, l, &form, errors);
    return Configure(console, request, l, form, changed, "question_text", "question");
  });
}

// Removes the pool or question named by the path's second parameter; an unknown one is a
// 404 (removed already, by a colleague or a second click).
Response Remove(Console& console, const Request& request, bool pool) {
  return Posted(console, request, [&](Loaded& l, const Form& form) {
    const std::string& id = request.params.at(1);
    RegistrationSettings changed = l.settings;
    bool found = false;
    if (pool) {
      changed.clear_pools();
      for (const auto& p : l.settings.pools()) {
        if (p.id() == id)
          found = true;
        else
          *changed.add_pools() = p;
      }
    } else {
      changed.clear_questions();
      for (const auto& q : l.settings.questions()) {
        if (q.id() == id)
          found = true;
        else
          *changed.add_questions() = q;
      }
    }
    if (!found) return ErrorPage(console.site, 404, request);
    return Configure(console, request, l, form, changed, pool ? "pool_id" : "question_text",
                     "removed");
  });
}

}  // namespace

void AddRegistrationSettingsPages(WebServer& server, Console& console) {
  const std::string base = "/manage/events/{id}/registration-settings";
  server.Route("GET", base, [&console](const Request& r) { return Show(console, r); });
  server.Route("POST", base + "/approval",
               [&console](const Request& r) { return SaveApproval(console, r); });
  server.Route("POST", base + "/capacity",
               [&console](const Request& r) { return SaveCapacity(console, r); });
  server.Route("POST", base + "/pools",
               [&console](const Request& r) { return SavePool(console, r); });
  server.Route("POST", base + "/questions",
               [&console](const Request& r) { return SaveQuestion(console, r); });
  server.Route("POST", base + "/pools/{pool}/remove",
               [&console](const Request& r) { return Remove(console, r, true); });
  server.Route("POST", base + "/questions/{question}/remove",
               [&console](const Request& r) { return Remove(console, r, false); });
}

}  // namespace events::web::console
