#include "services/web/console/registration_page.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/web/console/registrations_common.h"
#include "services/web/console/time_text.h"
#include "services/web/pages/format.h"

namespace events::web::console {
namespace {

using events::v1::Registration;
using events::v1::RegistrationHistoryEntry;

// What happened, in words: "Approved: got a place", "Moved from the waiting list to a place".
std::string ChangeText(const Site& site, const RegistrationHistoryEntry& e) {
  const bool placed = e.status() == events::v1::REGISTRATION_STATUS_CONFIRMED;
  switch (e.change()) {
    case events::v1::REGISTRATION_CHANGE_REGISTERED:
      if (e.status() == events::v1::REGISTRATION_STATUS_PENDING_APPROVAL) {
        return site.Text("console_reg_hist_registered_pending");
      }
      return site.Text(placed ? "console_reg_hist_registered_place"
                              : "console_reg_hist_registered_waiting");
    case events::v1::REGISTRATION_CHANGE_APPROVED:
      return site.Text(placed ? "console_reg_hist_approved_place"
                              : "console_reg_hist_approved_waiting");
    case events::v1::REGISTRATION_CHANGE_REJECTED:
      return site.Text("console_reg_hist_rejected");
    case events::v1::REGISTRATION_CHANGE_CANCELLED_BY_ATTENDEE:
      return site.Text("console_reg_hist_cancelled_by_attendee");
    case events::v1::REGISTRATION_CHANGE_CANCELLED_BY_ORGANISER:
      return site.Text("console_reg_hist_cancelled_by_organiser");
    case events::v1::REGISTRATION_CHANGE_PROMOTED:
      return site.Text("console_reg_hist_promoted");
    case events::v1::REGISTRATION_CHANGE_ATTENDED:
      return site.Text("console_reg_hist_attended");
    case events::v1::REGISTRATION_CHANGE_NOT_ATTENDED:
      return site.Text("console_reg_hist_not_attended");
    default:
      return site.Text("console_reg_hist_other");
  }
}

// Who made the change: the person's name, an API key by its name, the attendee, or nobody.
std::string WhoText(const Site& site, const RegistrationHistoryEntry& e) {
  switch (e.actor()) {
    case events::v1::REGISTRATION_ACTOR_PERSON:
      return e.actor_name().empty() ? site.Text("console_reg_hist_by_member") : e.actor_name();
    case events::v1::REGISTRATION_ACTOR_API_KEY:
      return site.messages().Format("console_reg_hist_by_key", {{"name", e.actor_name()}});
    case events::v1::REGISTRATION_ACTOR_ATTENDEE:
      return site.Text("console_reg_hist_by_attendee");
    case events::v1::REGISTRATION_ACTOR_AUTOMATIC:
      return site.Text("console_reg_hist_by_service");
    default:
      return "";
  }
}

// The answer to a question in words; "" when it was not answered.
std::string AnswerText(const Site& site, const events::v1::RegistrationQuestion* q,
                       const events::v1::Answer& a) {
  if (q != nullptr && q->type() == events::v1::QUESTION_TYPE_YES_NO) {
    return site.Text(a.yes() ? "yes" : "no");
  }
  if (!a.text().empty()) return a.text();
  return absl::StrJoin(a.choices(), ", ");
}

// The event's questions, each with this registration's answer, then any answers to
// questions removed since (labelled by their id, all that is left of them).
Data Answers(const Site& site, const events::v1::RegistrationSettings& settings,
             const Registration& r) {
  Data rows(Data::type::list);
  auto row = [&](const std::string& question, std::string answer) {
    Data d(Data::type::object);
    d.set("question", question);
    if (answer.empty()) {
      d.set("unanswered", true);
      answer = site.Text("console_reg_page_not_answered");
    }
    d.set("answer", answer);
    rows.push_back(d);
  };
  for (const auto& q : settings.questions()) {
    std::string text;
    bool answered = false;
    for (const auto& a : r.answers()) {
      if (a.question_id() != q.id()) continue;
      answered = true;
      text = AnswerText(site, &q, a);
    }
    row(q.text(), answered ? text : "");
  }
  for (const auto& a : r.answers()) {
    bool asked = false;
    for (const auto& q : settings.questions()) asked = asked || q.id() == a.question_id();
    if (!asked) row(a.question_id(), AnswerText(site, nullptr, a));
  }
  return rows;
}

Response Show(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  Site& site = console.site;
  events::v1::Event event;
  if (auto page = LoadEvent(console, request, person, &event)) return *page;
  Registration r;
  if (auto page = LoadConsoleRegistration(console, request, person, event, &r)) return *page;
  events::v1::RegistrationSettings settings;
  {
    events::v1::GetRegistrationFormRequest req;
    req.set_event_id(event.id());
    auto context = AsPerson(console, request, person);
    const grpc::Status status =
        site.backends.registration().GetRegistrationForm(context.get(), req, &settings);
    if (!status.ok()) return ConsoleRpcError(console, request, status, "GetRegistrationForm");
  }

  Data data(Data::type::object);
  data.set("event", EventHeading(site, event));
  data.set("name", r.name());
  data.set("email", r.email());
  data.set("organisation", r.organisation());
  data.set("has_organisation", !r.organisation().empty());
  data.set("status", StatusWord(site, r));
  data.set("pool", r.pool().empty() || r.pool() == "general" ? site.Text("console_reg_pool_general")
                                                             : r.pool());
  data.set("companion", r.companion());
  data.set("registered", ConsoleTimeText(site, r.created_unix_ms(), console.zone));
  const bool pending = r.status() == events::v1::REGISTRATION_STATUS_PENDING_APPROVAL;
  const bool confirmed = r.status() == events::v1::REGISTRATION_STATUS_CONFIRMED;
  data.set("pending", pending);
  data.set("confirmed", confirmed);
  data.set("attended", r.attended());
  data.set("grey", !confirmed && !pending);
  Data answers = Answers(site, settings, r);
  data.set("has_answers", !answers.is_empty_list());
  data.set("answers", answers);

  const std::string zone = ZoneText(site.messages(), console.zone);
  data.set("registered_label",
           site.messages().Format("console_reg_page_registered", {{"zone", zone}}));
  data.set("when_heading", site.messages().Format("console_reg_page_when", {{"zone", zone}}));
  data.set("history_intro",
           site.messages().Format("console_reg_page_history_intro", {{"zone", zone}}));
  Data history(Data::type::list);
  for (const RegistrationHistoryEntry& e : r.history()) {
    Data row(Data::type::object);
    row.set("when", ConsoleTimeText(site, e.at_unix_ms(), console.zone));
    row.set("what", ChangeText(site, e));
    row.set("who", WhoText(site, e));
    row.set("reason", e.reason());
    history.push_back(row);
  }
  data.set("no_history", history.is_empty_list());
  data.set("history", history);

  // The actions, as in the list's row; each returns here (from=page).
  data.set("can_change", person.IsOrganiser());
  const std::string base = absl::StrCat(RegistrationsHref(event), "/", r.id());
  data.set("action_base", base);
  if (confirmed || pending || r.status() == events::v1::REGISTRATION_STATUS_WAITLISTED) {
    data.set("cancel_href", absl::StrCat(base, "/cancel?from=page"));
  }
  data.set("back_href", RegistrationsHref(event));
  const std::string done = request.Query("done");
  for (absl::string_view word :
       {"approved", "rejected", "cancelled", "attended", "unattended", "stale", "too_early"}) {
    if (done == word) data.set("done", site.Text(absl::StrCat("console_reg_done_", word)));
  }
  return ConsolePage(
      console, request, person, "console_registration", data,
      {site.messages().Format("console_reg_page_title", {{"name", r.name()}}), false}, "overview");
}

}  // namespace

void AddRegistrationPage(WebServer& server, Console& console) {
  server.Route("GET", "/manage/events/{id}/registrations/{rid}",
               [&console](const Request& r) { return Show(console, r); });
}

}  // namespace events::web::console
