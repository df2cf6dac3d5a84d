#include "services/web/console/event_form.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/util/text_rules.h"
#include "services/web/console/event_time.h"
#include "services/web/console/fields.h"
#include "services/web/pages/format.h"

namespace events::web::console {
namespace {

using events::v1::EventDetails;

constexpr absl::string_view kZones[] = {
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Amsterdam",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
};

constexpr std::pair<absl::string_view, events::v1::EventFormat> kFormats[] = {
    {"online", events::v1::EVENT_FORMAT_ONLINE},
    {"in_person", events::v1::EVENT_FORMAT_IN_PERSON},
    {"hybrid", events::v1::EVENT_FORMAT_HYBRID},
};

// A zone as the select offers it: the words the pages use, and the IANA name ("UK time
// (Europe/London)", "Europe/Paris time").
std::string ZoneLabel(const Catalogue& m, absl::string_view zone) {
  const std::string words = ZoneText(m, zone);
  return absl::StrContains(words, zone) ? words : absl::StrCat(words, " (", zone, ")");
}

std::string Get(const EventValues& v, absl::string_view key) {
  auto it = v.find(key);
  return it == v.end() ? "" : std::string(absl::StripAsciiWhitespace(it->second));
}

// A text field: required (when min 1) and within its length; `required_key` and `rule_key`
// name the messages.
void CheckField(const Catalogue& m, const std::string& value, absl::string_view field, size_t min,
                size_t max, bool multiline, absl::string_view required_key,
                absl::string_view rule_key, std::vector<FieldError>* errors) {
  if (value.empty()) {
    if (min > 0) errors->push_back({std::string(field), m.Text(required_key)});
    return;
  }
  if (!CheckText(value, field, min, max, multiline).ok()) {
    errors->push_back({std::string(field), m.Text(rule_key)});
  }
}

}  // namespace

EventValues ValuesFromForm(const Form& form) {
  EventValues v;
  for (const auto& [name, value] : form.fields()) v.emplace(name, value);  // first one wins
  return v;
}

EventValues ValuesFromEvent(const events::v1::Event& event) {
  const EventDetails& d = event.details();
  EventValues v;
  v["title"] = d.title();
  v["description"] = d.description();
  for (const auto& [name, format] : kFormats) {
    if (d.format() == format) v["format"] = std::string(name);
  }
  v["time_zone"] = d.time_zone();
  if (auto start = ParseLocalValue(d.start().value())) {
    v["date"] = FormDateText(absl::CivilDay(*start));
    v["start_time"] = FormTimeText(*start);
  }
  if (auto end = ParseLocalValue(d.end().value())) {
    v["end_time"] = FormTimeText(*end);
    // An event made through the API may end on a later day: the form keeps that many days.
    if (auto start = ParseLocalValue(d.start().value())) {
      v["end_days"] = absl::StrCat(absl::CivilDay(*end) - absl::CivilDay(*start));
    }
  }
  v["capacity"] = d.capacity() > 0 ? absl::StrCat(d.capacity()) : "";
  v["venue_name"] = d.venue().name();
  v["venue_address"] = d.venue().address();
  v["venue_postcode"] = d.venue().postcode();
  v["venue_access"] = d.venue().access_information();
  v["join_link"] = d.join_link();
  v["contact_name"] = d.organiser_contact().name();
  v["contact_email"] = d.organiser_contact().email();
  v["contact_phone"] = d.organiser_contact().phone();
  v["request_deadline_days"] = absl::StrCat(d.accessibility().request_deadline_days());
  for (const auto& p : d.accessibility().provisions()) {
    v[absl::StrCat("need_", p.need())] =
        p.availability() == events::v1::PROVISION_AVAILABILITY_ALWAYS ? "always" : "on_request";
  }
  v["version"] = absl::StrCat(event.version());
  return v;
}

CheckedTimes CheckTimes(const Catalogue& m, const EventValues& v, absl::string_view zone,
                        bool must_be_future) {
  CheckedTimes out;
  const std::string date_text = Get(v, "date");
  const auto day = ParseFormDate(date_text);
  if (date_text.empty()) {
    out.errors.push_back({"date", m.Text("console_events_err_date_required")});
  } else if (!day) {
    out.errors.push_back({"date", m.Text("console_events_err_date_format")});
  }
  const absl::CivilDay on = day.value_or(absl::CivilDay(2000, 1, 1));
  int end_days = 0;
  if (!absl::SimpleAtoi(Get(v, "end_days"), &end_days) || end_days < 0 || end_days > 14) {
    end_days = 0;
  }
  std::optional<absl::CivilMinute> times[2];
  const absl::string_view names[2] = {"start_time", "end_time"};
  for (int i = 0; i < 2; ++i) {
    const std::string text = Get(v, names[i]);
    times[i] = ParseFormTime(i == 0 ? on : on + end_days, text);
    if (text.empty()) {
      out.errors.push_back(
          {std::string(names[i]), m.Text(i == 0 ? "console_events_err_start_required"
                                                : "console_events_err_end_required")});
    } else if (!times[i]) {
      out.errors.push_back(
          {std::string(names[i]),
           m.Text(i == 0 ? "console_events_err_start_format" : "console_events_err_end_format")});
    }
  }
  if (!day || !times[0] || !times[1]) return out;
  if (*times[1] <= *times[0]) {
    out.errors.push_back({"end_time", m.Text("console_events_err_end_before_start")});
  }
  const bool repeated_ok = Get(v, "repeated_ok") == "yes";
  for (int i = 0; i < 2; ++i) {
    const std::string when = TimeOnDateText(m, *times[i]);
    const std::string clock = ClockText(m, times[i]->hour(), times[i]->minute());
    switch (CheckWallTime(zone, *times[i])) {
      case WallTime::kSkipped:
        out.errors.push_back(
            {std::string(names[i]),
             m.Format("console_events_err_gap", {{"when", when}, {"zone", ZonePhrase(m, zone)}})});
        break;
      case WallTime::kRepeated:
        out.repeated = true;
        if (!repeated_ok) {
          out.errors.push_back(
              {std::string(names[i]),
               m.Format("console_events_err_repeated",
                        {{"when", when}, {"zone", ZonePhrase(m, zone)}, {"time", clock}})});
        }
        break;
      default:
        break;
    }
  }
  if (must_be_future && out.errors.empty()) {
    absl::TimeZone tz;
    if (absl::LoadTimeZone(std::string(zone), &tz) &&
        tz.At(absl::CivilSecond(*times[0])).pre <= absl::Now()) {
      out.errors.push_back({"date", m.Text("console_events_err_past")});
    }
  }
  out.start.set_value(LocalValue(*times[0]));
  out.end.set_value(LocalValue(*times[1]));
  return out;
}

CheckedEvent CheckEventForm(const Catalogue& m, const EventValues& v,
                            const events::v1::Catalogue& needs, bool times_locked,
                            bool must_be_future, EventDetails* d) {
  CheckedEvent out;
  std::vector<FieldError>& errors = out.errors;
  const std::string title = Get(v, "title");
  CheckField(m, title, "title", 1, 200, false, "console_events_err_title_required",
             "console_events_err_title_rule", &errors);
  d->set_title(title);
  const std::string description = Get(v, "description");
  CheckField(m, description, "description", 0, 5000, true, "",
             "console_events_err_description_rule", &errors);
  d->set_description(description);

  const std::string format = Get(v, "format");
  d->set_format(events::v1::EVENT_FORMAT_UNSPECIFIED);
  for (const auto& [name, value] : kFormats) {
    if (format == name) d->set_format(value);
  }
  if (d->format() == events::v1::EVENT_FORMAT_UNSPECIFIED) {
    errors.push_back({"format-online", m.Text("console_events_err_format_required")});
  }

  if (!times_locked) {
    const std::string zone = Get(v, "time_zone");
    absl::TimeZone tz;
    if (zone.empty() || !absl::LoadTimeZone(zone, &tz)) {
      errors.push_back({"time_zone", m.Text("console_events_err_zone_required")});
    } else {
      CheckedTimes times = CheckTimes(m, v, zone, must_be_future);
      out.repeated = times.repeated;
      errors.insert(errors.end(), times.errors.begin(), times.errors.end());
      d->set_time_zone(zone);
      *d->mutable_start() = times.start;
      *d->mutable_end() = times.end;
    }
  }

  const std::string capacity_text = Get(v, "capacity");
  int capacity = 0;
  if (capacity_text.empty()) {
    errors.push_back({"capacity", m.Text("console_events_err_capacity_required")});
  } else if (!absl::SimpleAtoi(capacity_text, &capacity) || capacity < 1 || capacity > 100000) {
    errors.push_back({"capacity", m.Text("console_events_err_capacity_rule")});
  }
  d->set_capacity(capacity);

  const bool online = d->format() == events::v1::EVENT_FORMAT_ONLINE;
  const bool in_person = d->format() == events::v1::EVENT_FORMAT_IN_PERSON;
  events::v1::Venue venue;
  venue.set_name(Get(v, "venue_name"));
  venue.set_address(Get(v, "venue_address"));
  venue.set_postcode(Get(v, "venue_postcode"));
  venue.set_access_information(Get(v, "venue_access"));
  if (online) {
    if (!venue.name().empty() || !venue.address().empty()) {
      errors.push_back({"venue_name", m.Text("console_events_err_venue_online")});
    }
    d->clear_venue();
  } else if (d->format() != events::v1::EVENT_FORMAT_UNSPECIFIED) {
    CheckField(m, venue.name(), "venue_name", 1, 200, false,
               "console_events_err_venue_name_required", "console_events_err_venue_name_rule",
               &errors);
    CheckField(m, venue.address(), "venue_address", 1, 500, true,
               "console_events_err_venue_address_required", "console_events_err_venue_address_rule",
               &errors);
    CheckField(m, venue.postcode(), "venue_postcode", 0, 16, false, "",
               "console_events_err_postcode_rule", &errors);
    CheckField(m, venue.access_information(), "venue_access", 0, 2000, true, "",
               "console_events_err_venue_access_rule", &errors);
    *d->mutable_venue() = venue;
  }

  const std::string join_link = Get(v, "join_link");
  if (!join_link.empty()) {
    if (in_person) {
      errors.push_back({"join_link", m.Text("console_events_err_join_link_in_person")});
    } else if (!CheckHttpsUrl(join_link, "join_link").ok()) {
      errors.push_back({"join_link", m.Text("console_events_err_join_link_rule")});
    }
  }
  d->set_join_link(in_person ? "" : join_link);

  events::v1::Contact* contact = d->mutable_organiser_contact();
  contact->set_name(Get(v, "contact_name"));
  CheckField(m, contact->name(), "contact_name", 0, 200, false, "",
             "console_events_err_contact_name_rule", &errors);
  const std::string email = Get(v, "contact_email");
  if (!email.empty() && !CheckEmail(NormaliseEmailAddress(email), "email").ok()) {
    errors.push_back({"contact_email", m.Text("console_events_err_contact_email")});
  }
  contact->set_email(email);
  const std::string phone = Get(v, "contact_phone");
  bool phone_ok = phone.size() <= 32;
  for (char c : phone) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) &&
        absl::string_view(" +-()").find(c) == absl::string_view::npos) {
      phone_ok = false;
    }
  }
  if (!phone_ok) errors.push_back({"contact_phone", m.Text("console_events_err_contact_phone")});
  contact->set_phone(phone);

  // Access support: the catalogue's needs, each not offered, always provided, or on request.
  // A note written through the API for a need that stays offered is kept.
  events::v1::AccessibilityOffer* offer = d->mutable_accessibility();
  std::map<std::string, std::string> notes;
  for (const auto& p : offer->provisions()) notes[p.need()] = p.note();
  offer->clear_provisions();
  for (const auto& need : needs.needs()) {
    const std::string choice = Get(v, absl::StrCat("need_", need.need()));
    if (choice != "always" && choice != "on_request") continue;
    auto* p = offer->add_provisions();
    p->set_need(need.need());
    p->set_availability(choice == "always" ? events::v1::PROVISION_AVAILABILITY_ALWAYS
                                           : events::v1::PROVISION_AVAILABILITY_ON_REQUEST);
    p->set_note(notes[need.need()]);
  }
  const std::string deadline_text = Get(v, "request_deadline_days");
  int deadline = 0;
  if (!deadline_text.empty() &&
      (!absl::SimpleAtoi(deadline_text, &deadline) || deadline < 0 || deadline > 90)) {
    errors.push_back({"request_deadline_days", m.Text("console_events_err_deadline_rule")});
  }
  offer->set_request_deadline_days(deadline);
  return out;
}

void SetConflict(Data& data, const std::vector<FieldError>& errors) {
  for (const FieldError& e : errors) {
    if (e.field != "conflict") continue;
    data.set("has_conflict", true);
    data.set("conflict_text", e.message);
  }
}

Data ZoneOptions(const Catalogue& m, absl::string_view selected) {
  Data options(Data::type::list);
  bool found = false;
  for (absl::string_view zone : kZones) {
    Data o(Data::type::object);
    o.set("value", std::string(zone));
    o.set("label", ZoneLabel(m, zone));
    if (zone == selected) {
      o.set("selected", true);
      found = true;
    }
    options.push_back(o);
  }
  // An event made through the API in another zone keeps it.
  if (!found && !selected.empty()) {
    Data o(Data::type::object);
    o.set("value", std::string(selected));
    o.set("label", ZoneLabel(m, selected));
    o.set("selected", true);
    options.push_back(o);
  }
  return options;
}

Data EventFormData(const Site& site, const EventValues& v, const events::v1::Catalogue& needs,
                   const std::vector<FieldError>& errors, bool show_repeated) {
  const Catalogue& m = site.messages();
  Data data(Data::type::object);
  for (absl::string_view id :
       {"title", "description", "date", "start_time", "end_time", "time_zone", "capacity",
        "venue_name", "venue_address", "venue_postcode", "venue_access", "join_link",
        "contact_name", "contact_email", "contact_phone", "request_deadline_days"}) {
    data.set(std::string(id), TextField(id, Get(v, id), errors));
  }
  Data format = TextField("format-online", Get(v, "format"), errors);
  Data formats(Data::type::list);
  for (const auto& [name, value] : kFormats) {
    Data o(Data::type::object);
    o.set("value", std::string(name));
    o.set("id", absl::StrCat("format-", name));
    o.set("label", m.Text(absl::StrCat("console_events_format_", name)));
    if (Get(v, "format") == name) o.set("checked", true);
    formats.push_back(o);
  }
  format.set("options", formats);
  data.set("format", format);
  data.set("zones",
           ZoneOptions(m, Get(v, "time_zone").empty() ? "Europe/London" : Get(v, "time_zone")));
  Data need_rows(Data::type::list);
  for (const auto& need : needs.needs()) {
    const std::string choice = Get(v, absl::StrCat("need_", need.need()));
    Data row(Data::type::object);
    row.set("id", absl::StrCat("need_", need.need()));
    row.set("label", need.label());
    row.set("none", choice != "always" && choice != "on_request");
    row.set("always", choice == "always");
    row.set("on_request", choice == "on_request");
    need_rows.push_back(row);
  }
  data.set("needs", need_rows);
  if (show_repeated) {
    data.set("show_repeated", true);
    data.set("repeated_ok", Get(v, "repeated_ok") == "yes");
  }
  data.set("version", Get(v, "version"));
  data.set("end_days", Get(v, "end_days"));
  data.set("ends_later", !Get(v, "end_days").empty() && Get(v, "end_days") != "0");
  SetErrors(data, errors);
  SetConflict(data, errors);
  return data;
}

FieldError ServiceFieldError(const Site& site, absl::string_view message) {
  static constexpr std::pair<absl::string_view, absl::string_view> kFields[] = {
      {"details.title", "title"},
      {"details.description", "description"},
      {"details.format", "format-online"},
      {"details.time_zone", "time_zone"},
      {"details.start", "start_time"},
      {"details.end", "end_time"},
      {"new_start", "start_time"},
      {"new_end", "end_time"},
      {"details.capacity", "capacity"},
      {"details.join_link", "join_link"},
      {"details.venue.address", "venue_address"},
      {"details.venue.postcode", "venue_postcode"},
      {"details.venue.access_information", "venue_access"},
      {"details.venue", "venue_name"},
      {"details.organiser_contact.email", "contact_email"},
      {"details.organiser_contact.phone", "contact_phone"},
      {"details.organiser_contact", "contact_name"},
      {"details.accessibility.request_deadline_days", "request_deadline_days"},
      {"reason", "reason"},
  };
  std::string field = "title";
  for (const auto& [prefix, id] : kFields) {
    if (absl::StartsWith(message, prefix)) {
      field = std::string(id);
      break;
    }
  }
  return {field, site.messages().Format("console_events_err_service", {{"message", message}})};
}

}  // namespace events::web::console
