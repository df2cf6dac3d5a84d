#include "services/web/pages/event_view.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/web/pages/format.h"

namespace events::web {
namespace {

// Free text as paragraphs: blank lines separate them.
DataList Paragraphs(absl::string_view text) {
  DataList out;
  for (absl::string_view p : absl::StrSplit(text, absl::ByString("\n\n"))) {
    p = absl::StripAsciiWhitespace(p);
    if (!p.empty()) out.emplace_back(Data("text", std::string(p)));
  }
  return out;
}

std::string NeedName(const Site& site, const std::string& need) {
  const std::string key = absl::StrCat("need_", need);
  if (site.messages().Has(key)) return site.Text(key);
  // A need the catalogue of messages does not know yet: its code, readable.
  std::string words = absl::StrReplaceAll(need, {{"_", " "}});
  if (!words.empty()) words[0] = absl::ascii_toupper(static_cast<unsigned char>(words[0]));
  return words;
}

std::string FormatText(const Site& site, events::v1::EventFormat format) {
  switch (format) {
    case events::v1::EVENT_FORMAT_ONLINE:
      return site.Text("format_online");
    case events::v1::EVENT_FORMAT_IN_PERSON:
      return site.Text("format_in_person");
    case events::v1::EVENT_FORMAT_HYBRID:
      return site.Text("format_hybrid");
    default:
      return "";
  }
}

std::string RoleText(const Site& site, events::v1::SpeakerRole role) {
  switch (role) {
    case events::v1::SPEAKER_ROLE_HOST:
      return site.Text("role_host");
    case events::v1::SPEAKER_ROLE_SPEAKER:
      return site.Text("role_speaker");
    case events::v1::SPEAKER_ROLE_LIVED_EXPERIENCE_CO_FACILITATOR:
      return site.Text("role_co_facilitator");
    case events::v1::SPEAKER_ROLE_INTERPRETER:
      return site.Text("role_interpreter");
    case events::v1::SPEAKER_ROLE_PANELLIST:
      return site.Text("role_panellist");
    case events::v1::SPEAKER_ROLE_CAPTIONER:
      return site.Text("role_captioner");
    default:
      return "";
  }
}

// Sets KEY only when VALUE is not empty: to mustache an empty string is still "true", so
// {{#key}}: {{key}}{{/key}} would print its separators around nothing.
void SetIfNotEmpty(Data& data, const std::string& key, const std::string& value) {
  if (!value.empty()) data.set(key, value);
}

}  // namespace

std::string EventPath(absl::string_view event_id) { return absl::StrCat("/events/", event_id); }

bool RegistrationOpen(const events::v1::Event& event, int64_t now_ms) {
  return event.status() == events::v1::EVENT_STATUS_PUBLISHED &&
         now_ms >= event.registration_opens_unix_ms() &&
         (event.registration_closes_unix_ms() == 0 || now_ms < event.registration_closes_unix_ms());
}

std::string PlacesText(const Site& site, const events::v1::Availability& a) {
  if (a.general_full() || a.places_left() == 0) return site.Text("places_waiting_list");
  if (a.places_left() == 1) return site.Text("places_one_left");
  return site.messages().Format("places_left", {{"count", std::to_string(a.places_left())}});
}

Data EventData(const Site& site, const events::v1::Event& event) {
  const auto& d = event.details();
  Data data(Data::type::object);
  data.set("id", event.id());
  data.set("path", EventPath(event.id()));
  data.set("title", d.title());
  data.set("when", WhenText(site.messages(), event.start_rfc3339(), event.end_rfc3339()));
  data.set("zone", ZoneText(site.messages(), d.time_zone()));
  data.set("format", FormatText(site, d.format()));
  data.set("description", Paragraphs(d.description()));
  data.set("cancelled", event.status() == events::v1::EVENT_STATUS_CANCELLED);
  data.set("completed", event.status() == events::v1::EVENT_STATUS_COMPLETED);
  if (!event.cancellation_reason().empty()) {
    data.set("cancellation_reason", event.cancellation_reason());
  }
  if (d.format() != events::v1::EVENT_FORMAT_ONLINE && !d.venue().name().empty()) {
    Data venue(Data::type::object);
    venue.set("name", d.venue().name());
    venue.set("address", d.venue().address());
    SetIfNotEmpty(venue, "postcode", d.venue().postcode());
    venue.set("access_information", Paragraphs(d.venue().access_information()));
    venue.set("has_access_information", !d.venue().access_information().empty());
    data.set("venue", venue);
  }
  DataList always;
  DataList on_request;
  for (const auto& p : d.accessibility().provisions()) {
    Data item(Data::type::object);
    item.set("name", NeedName(site, p.need()));
    SetIfNotEmpty(item, "note", p.note());
    if (p.availability() == events::v1::PROVISION_AVAILABILITY_ALWAYS) {
      always.push_back(item);
    } else {
      on_request.push_back(item);
    }
  }
  if (!always.empty()) data.set("provided", always);
  if (!on_request.empty()) data.set("on_request", on_request);
  DataList agenda;
  for (const auto& s : event.agenda()) {
    Data item(Data::type::object);
    item.set("title", s.title());
    item.set("when", TimeRangeText(site.messages(), s.start().value(), s.end().value()));
    item.set("description", Paragraphs(s.description()));
    DataList speakers;
    for (const auto& sp : s.speakers()) {
      Data person(Data::type::object);
      person.set("name", sp.name());
      SetIfNotEmpty(person, "role", RoleText(site, sp.role()));
      SetIfNotEmpty(person, "bio", sp.bio());
      speakers.push_back(person);
    }
    if (!speakers.empty()) {
      item.set("speakers", speakers);
      item.set("has_speakers", true);
    }
    agenda.push_back(item);
  }
  if (!agenda.empty()) data.set("agenda", agenda);
  const auto& c = d.organiser_contact();
  if (!c.name().empty() || !c.email().empty()) {
    Data contact(Data::type::object);
    contact.set("name", c.name());
    SetIfNotEmpty(contact, "email", c.email());
    SetIfNotEmpty(contact, "phone", c.phone());
    data.set("contact", contact);
  }
  return data;
}

Response CalendarDownload(Site& site, const Request& request, const std::string& event_id,
                          Caching caching) {
  events::v1::GetEventCalendarRequest req;
  req.set_event_id(event_id);
  events::v1::CalendarFile file;
  auto context = site.backends.Context(request);
  const grpc::Status status =
      site.backends.scheduling().GetEventCalendar(context.get(), req, &file);
  if (!status.ok()) return PathLookupErrorPage(site, status, request, "GetEventCalendar");
  Response r;
  r.content_type = "text/calendar; charset=utf-8";
  r.body = file.content();
  r.caching = caching;
  const std::string name = IsPathId(file.filename()) ? file.filename() : "event.ics";
  r.headers.emplace_back("Content-Disposition",
                         absl::StrCat("attachment; filename=\"", name, "\""));
  return r;
}

}  // namespace events::web
