// An event's own console page (/manage/events/{id}) and publishing it.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/web/console/event_common.h"
#include "services/web/console/events_pages.h"
#include "services/web/http/form.h"
#include "services/web/pages/format.h"

namespace events::web::console {
namespace {

using events::v1::Event;

// Mustache renders a section for any string, even an empty one: optional text is left out.
void SetText(Data& data, const std::string& key, const std::string& value) {
  if (!value.empty()) data.set(key, value);
}

std::string FormatWords(const Site& site, events::v1::EventFormat format) {
  switch (format) {
    case events::v1::EVENT_FORMAT_ONLINE:
      return site.Text("console_events_format_online");
    case events::v1::EVENT_FORMAT_IN_PERSON:
      return site.Text("console_events_format_in_person");
    case events::v1::EVENT_FORMAT_HYBRID:
      return site.Text("console_events_format_hybrid");
    default:
      return "";
  }
}

std::string SpeakerText(const Site& site, const events::v1::Speaker& s) {
  if (s.role() == events::v1::SPEAKER_ROLE_LIVED_EXPERIENCE_CO_FACILITATOR) {
    return site.messages().Format("console_events_speaker_lived", {{"name", s.name()}});
  }
  return s.name();
}

Data Provisions(const Site& site, const Event& e, const events::v1::Catalogue& needs) {
  Data rows(Data::type::list);
  for (const auto& p : e.details().accessibility().provisions()) {
    std::string label = p.need();
    for (const auto& n : needs.needs()) {
      if (n.need() == p.need()) label = n.label();
    }
    Data row(Data::type::object);
    row.set("label", label);
    row.set("availability", site.Text(p.availability() == events::v1::PROVISION_AVAILABILITY_ALWAYS
                                          ? "console_events_need_always"
                                          : "console_events_need_on_request"));
    SetText(row, "note", p.note());
    rows.push_back(row);
  }
  return rows;
}

Data Agenda(const Site& site, const Event& e) {
  Data rows(Data::type::list);
  for (const auto& s : e.agenda()) {
    Data row(Data::type::object);
    row.set("title", s.title());
    row.set("time", TimeRangeText(site.messages(), s.start().value(), s.end().value()));
    std::vector<std::string> names;
    for (const auto& speaker : s.speakers()) names.push_back(SpeakerText(site, speaker));
    row.set("speakers", absl::StrJoin(names, ", "));
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

Response EventPage(Console& console, const Request& request, const Person& person, const Event& e,
                   const std::vector<FieldError>& errors) {
  const Site& site = console.site;
  const auto& d = e.details();
  Data data(Data::type::object);
  data.set("id", e.id());
  data.set("href", EventPath(e));
  data.set("title", d.title());
  data.set("status", EventStatusWords(site, e.status()));
  data.set("status_class", EventStatusClass(e.status()));
  data.set("when", WhenText(site.messages(), e.start_rfc3339(), e.end_rfc3339()));
  data.set("zone", ZoneText(site.messages(), d.time_zone()));
  data.set("format", FormatWords(site, d.format()));
  SetText(data, "description", d.description());
  data.set("capacity", absl::StrCat(d.capacity()));
  events::v1::GetCapacityRequest creq;
  creq.set_event_id(e.id());
  events::v1::CapacitySummary capacity;
  auto context = AsPerson(console, request, person);
  if (site.backends.registration().GetCapacity(context.get(), creq, &capacity).ok()) {
    data.set("places", site.messages().Format("console_events_places_of",
                                              {{"taken", absl::StrCat(capacity.confirmed_places())},
                                               {"capacity", absl::StrCat(capacity.capacity())}}));
    data.set("waiting", absl::StrCat(capacity.waitlisted()));
  }
  if (d.has_venue() && !d.venue().name().empty()) {
    data.set("has_venue", true);
    data.set("venue_name", d.venue().name());
    data.set("venue_address", d.venue().address());
    SetText(data, "venue_postcode", d.venue().postcode());
    SetText(data, "venue_access", d.venue().access_information());
  }
  SetText(data, "join_link", d.join_link());
  const auto& c = d.organiser_contact();
  data.set("has_contact", !c.name().empty() || !c.email().empty() || !c.phone().empty());
  data.set("contact_name", c.name());
  SetText(data, "contact_email", c.email());
  SetText(data, "contact_phone", c.phone());
  events::v1::Catalogue needs;
  if (auto page = LoadNeeds(console, request, person, &needs)) return *page;
  Data provisions = Provisions(site, e, needs);
  data.set("has_provisions", !provisions.is_empty_list());
  data.set("provisions", provisions);
  data.set("deadline_days", absl::StrCat(d.accessibility().request_deadline_days()));
  Data agenda = Agenda(site, e);
  data.set("has_agenda", !agenda.is_empty_list());
  data.set("agenda", agenda);
  SetText(data, "cancellation_reason", e.cancellation_reason());
  data.set("version", absl::StrCat(e.version()));
  const bool draft = e.status() == events::v1::EVENT_STATUS_DRAFT;
  const bool published = e.status() == events::v1::EVENT_STATUS_PUBLISHED;
  data.set("draft", draft);
  data.set("published", published);
  data.set("changeable", (draft || published) && person.IsOrganiser());
  data.set("can_publish", draft && person.IsOrganiser());
  data.set("can_reschedule", published && person.IsOrganiser());
  if (!draft) data.set("public_href", absl::StrCat("/events/", e.id()));
  data.set("registrations_href", absl::StrCat(EventPath(e), "/registrations"));
  if (person.HasCoordinatorRole()) {
    data.set("access_href", absl::StrCat("/manage/access?event=", e.id()));
  }
  for (absl::string_view flash :
       {"created", "saved", "published", "rescheduled", "cancelled", "agenda"}) {
    if (request.Query(std::string(flash)) == "yes") {
      data.set("flash", site.Text(absl::StrCat("console_events_flash_", flash)));
    }
  }
  SetErrors(data, errors);
  if (!errors.empty()) data.set("error", errors.front().message);
  return ConsolePage(console, request, person, "console_events_event", data,
                     {d.title(), !errors.empty()}, "events");
}

namespace {

Response Show(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  Event event;
  if (auto page = LoadEvent(console, request, person, &event)) return *page;
  return EventPage(console, request, person, event, {});
}

Response Publish(Console& console, const Request& request) {
  Site& site = console.site;
  Form form;
  Person person;
  if (auto page = ReadPostedAsPerson(console, request, &form, &person)) return *page;
  Event event;
  if (auto page = LoadEvent(console, request, person, &event)) return *page;
  events::v1::PublishEventRequest req;
  req.set_event_id(event.id());
  req.set_expected_version(PostedVersion(form));
  Event published;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      site.backends.scheduling().PublishEvent(context.get(), req, &published);
  if (status.error_code() == grpc::StatusCode::ABORTED) {
    return EventPage(console, request, person, event,
                     {{"publish", site.Text("console_events_err_changed")}});
  }
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
      status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return EventPage(console, request, person, event,
                     {{"publish", site.messages().Format("console_events_err_publish",
                                                         {{"message", status.error_message()}})}});
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "PublishEvent");
  return Response::Redirect(absl::StrCat(EventPath(event), "?published=yes"));
}

}  // namespace

void AddEventPage(WebServer& server, Console& console) {
  server.Route("GET", "/manage/events/{id}",
               [&console](const Request& r) { return Show(console, r); });
  server.Route("POST", "/manage/events/{id}/publish",
               [&console](const Request& r) { return Publish(console, r); });
}

}  // namespace events::web::console
