// An event's agenda and co-facilitators (/manage/events/{id}/agenda): sessions inside the
// event, each with a title, times and the people who lead it, any of whom may be a
// co-facilitator with lived experience (scheduling's SPEAKER_ROLE_LIVED_EXPERIENCE_...).
#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/util/text_rules.h"
#include "services/web/console/event_common.h"
#include "services/web/console/event_form.h"
#include "services/web/console/event_time.h"
#include "services/web/console/fields.h"
#include "services/web/pages/format.h"

namespace events::web::console {
namespace {

using events::v1::AgendaSession;
using events::v1::Event;
using events::v1::Speaker;

constexpr int kMaxSessions = 50;
constexpr int kMaxSpeakers = 20;
// Empty rows offered below the sessions, and empty facilitator places in each session.
constexpr int kBlankSessions = 2;
constexpr int kMinFacilitators = 2;

std::string Key(int i, absl::string_view field) { return absl::StrCat("s", i, "_", field); }
std::string Key(int i, int j, absl::string_view field) {
  return absl::StrCat("s", i, "_f", j, "_", field);
}

std::string Trimmed(const Form& form, const std::string& key) {
  return std::string(absl::StripAsciiWhitespace(form.Get(key)));
}

// The session's times as the form shows them ("10:00"), from its local values.
std::string TimeOf(const events::v1::LocalDateTime& t) {
  auto m = ParseLocalValue(t.value());
  return m ? FormTimeText(*m) : "";
}

// The form's rows: the sessions as they are (or as posted) and blank ones to add.
Data Rows(const std::vector<AgendaSession>& sessions, const std::vector<FieldError>& errors) {
  Data rows(Data::type::list);
  const int count = std::min(kMaxSessions, static_cast<int>(sessions.size()) + kBlankSessions);
  for (int i = 0; i < count; ++i) {
    const AgendaSession blank;
    const AgendaSession& s = i < static_cast<int>(sessions.size()) ? sessions[i] : blank;
    Data row(Data::type::object);
    row.set("number", absl::StrCat(i + 1));
    row.set("id_key", Key(i, "id"));
    row.set("id", s.id());
    row.set("title", TextField(Key(i, "title"), s.title(), errors));
    row.set("start", TextField(Key(i, "start"), TimeOf(s.start()), errors));
    row.set("end", TextField(Key(i, "end"), TimeOf(s.end()), errors));
    const int slots = std::max(kMinFacilitators, s.speakers_size());
    row.set("slots_key", Key(i, "slots"));
    row.set("slots", absl::StrCat(slots));
    Data people(Data::type::list);
    for (int j = 0; j < slots; ++j) {
      const Speaker none;
      const Speaker& p = j < s.speakers_size() ? s.speakers(j) : none;
      Data person = TextField(Key(i, j, "name"), p.name(), errors);
      person.set("number", absl::StrCat(j + 1));
      person.set("lived_id", Key(i, j, "lived"));
      person.set("lived", p.role() == events::v1::SPEAKER_ROLE_LIVED_EXPERIENCE_CO_FACILITATOR);
      person.set("role_key", Key(i, j, "role"));
      person.set("role", absl::StrCat(static_cast<int>(p.role())));
      person.set("bio_key", Key(i, j, "bio"));
      person.set("bio", p.bio());
      people.push_back(person);
    }
    row.set("people", people);
    rows.push_back(row);
  }
  return rows;
}

Response AgendaPage(Console& console, const Request& request, const Person& person, const Event& e,
                    const std::vector<AgendaSession>& sessions, const std::string& version,
                    const std::vector<FieldError>& errors) {
  const Site& site = console.site;
  Data data(Data::type::object);
  data.set("title", e.details().title());
  data.set("href", EventPath(e));
  data.set("when", WhenText(site.messages(), e.start_rfc3339(), e.end_rfc3339()));
  data.set("zone", ZoneText(site.messages(), e.details().time_zone()));
  data.set("rows", Rows(sessions, errors));
  data.set("row_count", absl::StrCat(std::min(kMaxSessions,
                                              static_cast<int>(sessions.size()) + kBlankSessions)));
  data.set("version", version);
  SetErrors(data, errors);
  SetConflict(data, errors);
  return ConsolePage(console, request, person, "console_events_agenda", data,
                     {site.Text("console_events_agenda_title"), !errors.empty()}, "events");
}

bool Changeable(const Event& e) {
  return e.status() == events::v1::EVENT_STATUS_DRAFT ||
         e.status() == events::v1::EVENT_STATUS_PUBLISHED;
}

Response ShowAgenda(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  Event event;
  if (auto page = LoadEvent(console, request, person, &event)) return *page;
  if (!Changeable(event)) return Response::Redirect(EventPath(event));
  return AgendaPage(console, request, person, event, {event.agenda().begin(), event.agenda().end()},
                    absl::StrCat(event.version()), {});
}

// The sessions posted, in order, leaving out rows with nothing in them; the errors at their
// fields. Times are on the event's first day, and must be inside the event.
std::vector<AgendaSession> ReadSessions(const Site& site, const Form& form, const Event& e,
                                        std::vector<FieldError>* errors,
                                        std::vector<AgendaSession>* as_typed) {
  const Catalogue& m = site.messages();
  std::vector<AgendaSession> sessions;
  int rows = 0;
  if (!absl::SimpleAtoi(form.Get("rows"), &rows)) rows = 0;
  rows = std::clamp(rows, 0, kMaxSessions);
  const auto event_start = ParseLocalValue(e.details().start().value());
  const auto event_end = ParseLocalValue(e.details().end().value());
  if (!event_start || !event_end) return sessions;
  const absl::CivilDay day(*event_start);
  for (int i = 0; i < rows; ++i) {
    AgendaSession s;
    s.set_id(Trimmed(form, Key(i, "id")).substr(0, 64));
    s.set_title(Trimmed(form, Key(i, "title")));
    const std::string start_text = Trimmed(form, Key(i, "start"));
    const std::string end_text = Trimmed(form, Key(i, "end"));
    int slots = 0;
    if (!absl::SimpleAtoi(form.Get(Key(i, "slots")), &slots)) slots = kMinFacilitators;
    slots = std::clamp(slots, 0, kMaxSpeakers);
    for (int j = 0; j < slots; ++j) {
      const std::string name = Trimmed(form, Key(i, j, "name"));
      if (name.empty()) continue;
      Speaker* p = s.add_speakers();
      p->set_name(name);
      p->set_bio(form.Get(Key(i, j, "bio")));
      int role = 0;
      if (!absl::SimpleAtoi(form.Get(Key(i, j, "role")), &role) ||
          !events::v1::SpeakerRole_IsValid(role) || role == events::v1::SPEAKER_ROLE_UNSPECIFIED ||
          role == events::v1::SPEAKER_ROLE_LIVED_EXPERIENCE_CO_FACILITATOR) {
        role = events::v1::SPEAKER_ROLE_HOST;
      }
      // The box decides: ticked is a co-facilitator with lived experience; unticked keeps
      // the role given through the API (an interpreter stays one), or is a host.
      p->set_role(form.Get(Key(i, j, "lived")) == "yes"
                      ? events::v1::SPEAKER_ROLE_LIVED_EXPERIENCE_CO_FACILITATOR
                      : static_cast<events::v1::SpeakerRole>(role));
      if (!CheckText(name, "name", 1, 200).ok()) {
        errors->push_back({Key(i, j, "name"), m.Text("console_events_err_speaker_rule")});
      }
    }
    const auto start = ParseFormTime(day, start_text);
    const auto end = ParseFormTime(day, end_text);
    AgendaSession typed = s;
    typed.mutable_start()->set_value(start ? LocalValue(*start) : "");
    typed.mutable_end()->set_value(end ? LocalValue(*end) : "");
    if (s.title().empty() && start_text.empty() && end_text.empty() && s.speakers().empty()) {
      continue;  // an empty row
    }
    as_typed->push_back(typed);
    if (s.title().empty()) {
      errors->push_back({Key(i, "title"), m.Text("console_events_err_session_title")});
    } else if (!CheckText(s.title(), "title", 1, 200).ok()) {
      errors->push_back({Key(i, "title"), m.Text("console_events_err_title_rule")});
    }
    if (!start) {
      errors->push_back(
          {Key(i, "start"), m.Text(start_text.empty() ? "console_events_err_start_required"
                                                      : "console_events_err_start_format")});
    }
    if (!end) {
      errors->push_back(
          {Key(i, "end"), m.Text(end_text.empty() ? "console_events_err_end_required"
                                                  : "console_events_err_end_format")});
    }
    if (start && end) {
      if (*end <= *start) {
        errors->push_back({Key(i, "end"), m.Text("console_events_err_end_before_start")});
      } else if (*start < *event_start || *end > *event_end) {
        errors->push_back(
            {Key(i, "start"), m.Format("console_events_err_session_outside",
                                       {{"when", TimeRangeText(m, e.details().start().value(),
                                                               e.details().end().value())}})});
      }
    }
    *s.mutable_start() = typed.start();
    *s.mutable_end() = typed.end();
    sessions.push_back(s);
  }
  return sessions;
}

Response SaveAgenda(Console& console, const Request& request) {
  Site& site = console.site;
  Form form;
  Person person;
  if (auto page = ReadPostedAsPerson(console, request, &form, &person)) return *page;
  Event event;
  if (auto page = LoadEvent(console, request, person, &event)) return *page;
  if (!Changeable(event)) return Response::Redirect(EventPath(event));
  std::vector<FieldError> errors;
  std::vector<AgendaSession> typed;
  std::vector<AgendaSession> sessions = ReadSessions(site, form, event, &errors, &typed);
  if (!errors.empty()) {
    return AgendaPage(console, request, person, event, typed, form.Get("version"), errors);
  }
  events::v1::SetAgendaRequest req;
  req.set_event_id(event.id());
  req.set_expected_version(PostedVersion(form));
  for (AgendaSession& s : sessions) *req.add_sessions() = std::move(s);
  Event saved;
  auto context = AsPerson(console, request, person);
  const grpc::Status status = site.backends.scheduling().SetAgenda(context.get(), req, &saved);
  if (status.error_code() == grpc::StatusCode::ABORTED) {
    return AgendaPage(console, request, person, event, typed, absl::StrCat(event.version()),
                      {{"conflict", site.Text("console_events_err_conflict")}});
  }
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
      status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return AgendaPage(
        console, request, person, event, typed, form.Get("version"),
        {{"s0_title", site.messages().Format("console_events_err_service",
                                             {{"message", status.error_message()}})}});
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "SetAgenda");
  return Response::Redirect(absl::StrCat(EventPath(event), "?agenda=yes"));
}

}  // namespace

void AddAgendaPages(WebServer& server, Console& console) {
  server.Route("GET", "/manage/events/{id}/agenda",
               [&console](const Request& r) { return ShowAgenda(console, r); });
  server.Route("POST", "/manage/events/{id}/agenda",
               [&console](const Request& r) { return SaveAgenda(console, r); });
}

}  // namespace events::web::console
