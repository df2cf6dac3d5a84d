#include "services/scheduling/domain/event_rules.h"

#include <algorithm>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/time/local_time.h"
#include "common/util/closest_name.h"
#include "common/util/status_macros.h"
#include "common/util/text_rules.h"
#include "services/accessibility/rules/catalogue.h"
#include "services/scheduling/domain/public_view.h"

namespace events::scheduling {
namespace {

using events::v1::EventDetails;

std::string F(absl::string_view prefix, absl::string_view field) {
  return absl::StrCat(prefix, ".", field);
}

absl::StatusOr<int64_t> ResolveLocal(const events::v1::LocalDateTime& value,
                                     const std::string& zone, const std::string& field) {
  if (value.value().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " is required, e.g. 2026-12-10T10:00 (local time in the event's zone)"));
  }
  auto local = time::ParseLocalDateTime(value.value(), field);
  if (!local.ok()) return local.status();
  return time::ToUnixMs(*local, zone, field);
}

// A copy of the join link in any text of `message` would publish it (the public view replaces
// it, but the organiser should learn that the text they wrote is not what the public sees).
absl::Status RefuseJoinLinkCopy(const google::protobuf::Message& message, const std::string& link,
                                absl::string_view prefix) {
  std::optional<std::string> field = FindJoinLinkCopy(message, link);
  if (!field.has_value()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      prefix, *field,
      " contains the event's join link; the link is sent only to registered attendees, so "
      "leave it out of text anyone can read"));
}

bool IsNeedCode(absl::string_view code) {
  if (code.size() < 2 || code.size() > 48 || !absl::ascii_islower(code[0])) return false;
  for (char c : code) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_')) return false;
  }
  return true;
}

absl::Status ValidateVenue(const EventDetails& d, absl::string_view prefix) {
  const bool needs_venue = d.format() == events::v1::EVENT_FORMAT_IN_PERSON ||
                           d.format() == events::v1::EVENT_FORMAT_HYBRID;
  const auto& v = d.venue();
  if (!needs_venue) {
    if (!v.name().empty() || !v.address().empty() || !v.postcode().empty() ||
        !v.access_information().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(F(prefix, "venue"),
                       " is only for in-person or hybrid events; leave it empty for an "
                       "online event"));
    }
    return absl::OkStatus();
  }
  EVENTS_RETURN_IF_ERROR(CheckText(v.name(), F(prefix, "venue.name"), 1, 200));
  EVENTS_RETURN_IF_ERROR(CheckText(v.address(), F(prefix, "venue.address"), 1, 500, true));
  EVENTS_RETURN_IF_ERROR(CheckText(v.postcode(), F(prefix, "venue.postcode"), 0, 16));
  return CheckText(v.access_information(), F(prefix, "venue.access_information"), 0, 2000, true);
}

absl::Status ValidateAccessibility(const events::v1::AccessibilityOffer& a,
                                   absl::string_view prefix) {
  if (a.provisions_size() > kMaxProvisions) {
    return absl::InvalidArgumentError(
        absl::StrCat(F(prefix, "accessibility.provisions"), " may list at most ", kMaxProvisions));
  }
  std::set<std::string> seen;
  for (int i = 0; i < a.provisions_size(); ++i) {
    const auto& p = a.provisions(i);
    std::string field = absl::StrCat(prefix, ".accessibility.provisions[", i, "]");
    if (!IsNeedCode(p.need())) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".need ", QuoteForMessage(p.need()),
          " is not a need code: lower_snake_case, 2 to 48 characters, e.g. bsl_interpreter"));
    }
    // The codes are accessibility's catalogue: an offer of a need nobody can ask for (a typo
    // such as "bsl") would be shown to attendees and matched by nothing.
    if (events::accessibility::FindNeed(p.need()) == nullptr) {
      std::vector<std::string> codes;
      for (const auto& n : events::accessibility::DefaultNeeds()) codes.emplace_back(n.code);
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".need \"", p.need(), "\" is not in the accessibility catalogue",
          DidYouMean(p.need(), codes), " (AccessibilityService.GetCatalogue lists the codes)"));
    }
    if (!seen.insert(p.need()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".need \"", p.need(), "\" is listed twice"));
    }
    if (p.availability() == events::v1::PROVISION_AVAILABILITY_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          absl::StrCat(field,
                       ".availability is required: PROVISION_AVAILABILITY_ALWAYS or "
                       "PROVISION_AVAILABILITY_ON_REQUEST"));
    }
    EVENTS_RETURN_IF_ERROR(CheckText(p.note(), field + ".note", 0, 500, true));
  }
  if (a.request_deadline_days() < 0 || a.request_deadline_days() > kMaxRequestDeadlineDays) {
    return absl::InvalidArgumentError(absl::StrCat(F(prefix, "accessibility.request_deadline_days"),
                                                   " must be between 0 and ",
                                                   kMaxRequestDeadlineDays));
  }
  return absl::OkStatus();
}

absl::Status ValidateContact(const events::v1::Contact& c, absl::string_view prefix) {
  EVENTS_RETURN_IF_ERROR(CheckText(c.name(), F(prefix, "organiser_contact.name"), 0, 200));
  if (!c.email().empty())
    EVENTS_RETURN_IF_ERROR(CheckEmail(c.email(), F(prefix, "organiser_contact.email")));
  if (c.phone().size() > 32 || !std::all_of(c.phone().begin(), c.phone().end(), [](char ch) {
        return absl::ascii_isdigit(ch) || ch == '+' || ch == ' ' || ch == '(' || ch == ')' ||
               ch == '-';
      })) {
    return absl::InvalidArgumentError(
        absl::StrCat(F(prefix, "organiser_contact.phone"),
                     " may hold at most 32 digits, spaces, '+', '-', '(' and ')'"));
  }
  return absl::OkStatus();
}

absl::Status ValidateReminders(const events::v1::ReminderPolicy& r, absl::string_view prefix) {
  std::string field = F(prefix, "reminders.minutes_before");
  if (r.disabled() && r.minutes_before_size() > 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be empty when reminders are disabled"));
  }
  if (r.minutes_before_size() > kMaxReminders) {
    return absl::InvalidArgumentError(absl::StrCat(field, " may list at most ", kMaxReminders));
  }
  std::set<int> seen;
  for (int m : r.minutes_before()) {
    if (m < 1 || m > kMaxReminderMinutes) {
      return absl::InvalidArgumentError(absl::StrCat(field, " values must be between 1 and ",
                                                     kMaxReminderMinutes, " (60 days); got ", m));
    }
    if (!seen.insert(m).second) {
      return absl::InvalidArgumentError(absl::StrCat(field, " lists ", m, " twice"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ResolvedTimes> ValidateDetails(const EventDetails& d, absl::string_view prefix,
                                              int64_t now_unix_ms,
                                              const events::v1::Event* current) {
  EVENTS_RETURN_IF_ERROR(CheckText(d.title(), F(prefix, "title"), 1, kMaxTitleChars));
  EVENTS_RETURN_IF_ERROR(
      CheckText(d.description(), F(prefix, "description"), 0, kMaxDescriptionChars, true));
  if (d.format() == events::v1::EVENT_FORMAT_UNSPECIFIED ||
      !events::v1::EventFormat_IsValid(d.format())) {
    return absl::InvalidArgumentError(absl::StrCat(
        F(prefix, "format"),
        " is required: EVENT_FORMAT_ONLINE, EVENT_FORMAT_IN_PERSON or EVENT_FORMAT_HYBRID"));
  }
  const std::string zone_field = F(prefix, "time_zone");
  EVENTS_RETURN_IF_ERROR(time::ValidateTimeZone(d.time_zone(), zone_field));

  ResolvedTimes t;
  auto start = ResolveLocal(d.start(), d.time_zone(), F(prefix, "start"));
  if (!start.ok()) return start.status();
  auto end = ResolveLocal(d.end(), d.time_zone(), F(prefix, "end"));
  if (!end.ok()) return end.status();
  t.start_unix_ms = *start;
  t.end_unix_ms = *end;
  if (current != nullptr && current->details().time_zone() == d.time_zone() &&
      current->details().start().value() == d.start().value() &&
      current->details().end().value() == d.end().value()) {
    t.start_unix_ms = current->start_unix_ms();
    t.end_unix_ms = current->end_unix_ms();
  }
  if (t.end_unix_ms <= t.start_unix_ms) {
    return absl::InvalidArgumentError(
        absl::StrCat(F(prefix, "end"), " must be after ", F(prefix, "start")));
  }
  if (t.end_unix_ms - t.start_unix_ms > kMaxDurationMinutes * 60000) {
    return absl::InvalidArgumentError(
        absl::StrCat(F(prefix, "end"), " must be at most 14 days after the start"));
  }
  if (t.start_unix_ms <= now_unix_ms) {
    return absl::InvalidArgumentError(
        absl::StrCat(F(prefix, "start"), " ", d.start().value(), " (", d.time_zone(),
                     ") is in the past; events are scheduled for the future"));
  }
  if (d.capacity() < 1 || d.capacity() > kMaxCapacity) {
    return absl::InvalidArgumentError(absl::StrCat(F(prefix, "capacity"), " must be between 1 and ",
                                                   kMaxCapacity, "; got ", d.capacity()));
  }
  if (!d.registration_opens().value().empty()) {
    auto opens =
        ResolveLocal(d.registration_opens(), d.time_zone(), F(prefix, "registration_opens"));
    if (!opens.ok()) return opens.status();
    if (*opens >= t.start_unix_ms) {
      return absl::InvalidArgumentError(
          absl::StrCat(F(prefix, "registration_opens"), " must be before the start"));
    }
    t.registration_opens_unix_ms = *opens;
  }
  t.registration_closes_unix_ms = t.start_unix_ms;
  if (!d.registration_closes().value().empty()) {
    auto closes =
        ResolveLocal(d.registration_closes(), d.time_zone(), F(prefix, "registration_closes"));
    if (!closes.ok()) return closes.status();
    if (*closes > t.end_unix_ms || *closes <= t.registration_opens_unix_ms) {
      return absl::InvalidArgumentError(
          absl::StrCat(F(prefix, "registration_closes"),
                       " must be after registration opens and no later than the end"));
    }
    t.registration_closes_unix_ms = *closes;
  }
  if (!d.join_link().empty()) {
    if (d.format() == events::v1::EVENT_FORMAT_IN_PERSON) {
      return absl::InvalidArgumentError(
          absl::StrCat(F(prefix, "join_link"), " is only for online or hybrid events"));
    }
    EVENTS_RETURN_IF_ERROR(CheckHttpsUrl(d.join_link(), F(prefix, "join_link")));
    EVENTS_RETURN_IF_ERROR(RefuseJoinLinkCopy(d, d.join_link(), absl::StrCat(prefix, ".")));
  }
  EVENTS_RETURN_IF_ERROR(ValidateVenue(d, prefix));
  EVENTS_RETURN_IF_ERROR(ValidateAccessibility(d.accessibility(), prefix));
  EVENTS_RETURN_IF_ERROR(ValidateContact(d.organiser_contact(), prefix));
  EVENTS_RETURN_IF_ERROR(ValidateReminders(d.reminders(), prefix));
  return t;
}

absl::StatusOr<std::vector<events::v1::AgendaSession>> ValidateAgenda(
    const std::vector<events::v1::AgendaSession>& sessions, const events::v1::Event& event,
    const std::function<std::string()>& new_id) {
  if (sessions.size() > static_cast<size_t>(kMaxSessions)) {
    return absl::InvalidArgumentError(
        absl::StrCat("sessions may list at most ", kMaxSessions, " sessions"));
  }
  const std::string& zone = event.details().time_zone();
  std::vector<events::v1::AgendaSession> out;
  std::set<std::string> ids;
  for (size_t i = 0; i < sessions.size(); ++i) {
    events::v1::AgendaSession s = sessions[i];
    std::string field = absl::StrCat("sessions[", i, "]");
    if (s.id().empty()) s.set_id(new_id());
    if (s.id().size() > 64 || !std::all_of(s.id().begin(), s.id().end(), [](char c) {
          return absl::ascii_isalnum(c) || c == '_' || c == '-';
        })) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".id may hold at most 64 letters, digits, '_' and '-'"));
    }
    if (!ids.insert(s.id()).second) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".id \"", s.id(), "\" is used twice"));
    }
    EVENTS_RETURN_IF_ERROR(CheckText(s.title(), field + ".title", 1, kMaxTitleChars));
    EVENTS_RETURN_IF_ERROR(CheckText(s.description(), field + ".description", 0, 2000, true));
    auto start = ResolveLocal(s.start(), zone, field + ".start");
    if (!start.ok()) return start.status();
    auto end = ResolveLocal(s.end(), zone, field + ".end");
    if (!end.ok()) return end.status();
    if (*end <= *start) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".end must be after its start"));
    }
    if (*start < event.start_unix_ms() || *end > event.end_unix_ms()) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " (", s.start().value(), " to ", s.end().value(), ") must lie inside the event (",
          event.details().start().value(), " to ", event.details().end().value(), ")"));
    }
    if (s.speakers_size() > kMaxSpeakersPerSession) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".speakers may list at most ", kMaxSpeakersPerSession));
    }
    for (int k = 0; k < s.speakers_size(); ++k) {
      std::string sf = absl::StrCat(field, ".speakers[", k, "]");
      EVENTS_RETURN_IF_ERROR(CheckText(s.speakers(k).name(), sf + ".name", 1, 200));
      EVENTS_RETURN_IF_ERROR(CheckText(s.speakers(k).bio(), sf + ".bio", 0, 1000, true));
      if (s.speakers(k).role() == events::v1::SPEAKER_ROLE_UNSPECIFIED ||
          !events::v1::SpeakerRole_IsValid(s.speakers(k).role())) {
        return absl::InvalidArgumentError(
            absl::StrCat(sf,
                         ".role is required, e.g. SPEAKER_ROLE_HOST or "
                         "SPEAKER_ROLE_LIVED_EXPERIENCE_CO_FACILITATOR"));
      }
    }
    EVENTS_RETURN_IF_ERROR(
        RefuseJoinLinkCopy(s, event.details().join_link(), absl::StrCat(field, ".")));
    s.set_start_unix_ms(*start);
    s.set_end_unix_ms(*end);
    out.push_back(std::move(s));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.start_unix_ms() < b.start_unix_ms();
  });
  return out;
}

absl::Status ValidateReason(const std::string& reason, const events::v1::Event& event) {
  EVENTS_RETURN_IF_ERROR(CheckText(reason, "reason", 0, kMaxReasonChars, true));
  if (ContainsJoinLink(reason, event.details().join_link())) {
    return absl::InvalidArgumentError(
        "reason contains the event's join link; the reason is shown to everyone, so leave the "
        "link out");
  }
  return absl::OkStatus();
}

std::vector<int> ReminderMinutes(const events::v1::ReminderPolicy& policy) {
  if (policy.disabled()) return {};
  if (policy.minutes_before_size() == 0) {
    return {kDefaultReminderMinutes.begin(), kDefaultReminderMinutes.end()};
  }
  return {policy.minutes_before().begin(), policy.minutes_before().end()};
}

}  // namespace events::scheduling
