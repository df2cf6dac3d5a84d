#include "tools/eventctl/accessibility_printer.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/time/local_time.h"
#include "tools/eventctl/zones.h"

namespace events::eventctl {
namespace {

// Who did it: the person's (or the API key's) name, or for entries written before names were
// kept, the id that was recorded ("key key_01..."; "attendee" and "system" as they are).
std::string Who(const std::string& name, const std::string& actor) {
  if (!name.empty()) return name;
  if (actor.empty() || actor == "attendee" || actor == "system") return actor;
  return absl::StrCat("key ", actor);
}

using events::v1::RequestStatus;

struct StatusName {
  RequestStatus status;
  const char* word;
};

constexpr StatusName kStatuses[] = {
    {events::v1::REQUEST_STATUS_SUBMITTED, "submitted"},
    {events::v1::REQUEST_STATUS_ACKNOWLEDGED, "acknowledged"},
    {events::v1::REQUEST_STATUS_IN_PROGRESS, "in-progress"},
    {events::v1::REQUEST_STATUS_FULFILLED, "fulfilled"},
    {events::v1::REQUEST_STATUS_UNFULFILLABLE, "cannot-fulfil"},
    {events::v1::REQUEST_STATUS_WITHDRAWN, "withdrawn"},
    {events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION, "needs-reconfirmation"},
};

// UTC, to the minute, for the audit log: it spans events and their zones.
std::string When(int64_t unix_ms) {
  if (unix_ms == 0) return "-";
  return events::time::FormatRfc3339(unix_ms, "UTC").substr(0, 16) + "Z";
}

std::string Needs(const events::v1::AccessibilityRequest& r) {
  std::vector<std::string> needs;
  for (const auto& n : r.needs()) needs.push_back(n.need());
  return absl::StrJoin(needs, ",");
}

std::string ContactWords(const events::v1::RequestDetails& d) {
  switch (d.contact_method()) {
    case events::v1::CONTACT_METHOD_EMAIL:
      return "e-mail " + d.contact_value();
    case events::v1::CONTACT_METHOD_PHONE:
      return "phone " + d.contact_value();
    case events::v1::CONTACT_METHOD_TEXT_MESSAGE:
      return "text message " + d.contact_value();
    case events::v1::CONTACT_METHOD_REGISTRATION_EMAIL:
      return "the e-mail on the registration";
    default:
      return "not given";
  }
}

}  // namespace

std::string RequestStatusWord(RequestStatus status) {
  for (const auto& s : kStatuses) {
    if (s.status == status) return s.word;
  }
  return "unspecified";
}

absl::StatusOr<RequestStatus> ParseRequestStatus(absl::string_view word) {
  if (word.empty() || word == "all") return events::v1::REQUEST_STATUS_UNSPECIFIED;
  std::vector<std::string> words;
  for (const auto& s : kStatuses) {
    if (word == s.word) return s.status;
    words.emplace_back(s.word);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--status must be one of ", absl::StrJoin(words, ", "), " or all, not \"", word, "\""));
}

absl::StatusOr<RequestStatus> ParseTransition(absl::string_view word) {
  if (word == "acknowledge") return events::v1::REQUEST_STATUS_ACKNOWLEDGED;
  if (word == "progress") return events::v1::REQUEST_STATUS_IN_PROGRESS;
  if (word == "fulfil") return events::v1::REQUEST_STATUS_FULFILLED;
  if (word == "cannot") return events::v1::REQUEST_STATUS_UNFULFILLABLE;
  return absl::InvalidArgumentError(
      absl::StrCat("the step must be acknowledge, progress, fulfil or cannot, not \"", word, "\""));
}

absl::StatusOr<events::v1::RequestDetails> ParseContact(absl::string_view spec) {
  events::v1::RequestDetails d;
  if (spec.empty() || spec == "registration-email") {
    d.set_contact_method(events::v1::CONTACT_METHOD_REGISTRATION_EMAIL);
    return d;
  }
  const size_t colon = spec.find(':');
  const absl::string_view kind = spec.substr(0, colon);
  if (colon != absl::string_view::npos && colon + 1 < spec.size()) {
    d.set_contact_value(std::string(spec.substr(colon + 1)));
    if (kind == "email") d.set_contact_method(events::v1::CONTACT_METHOD_EMAIL);
    if (kind == "phone") d.set_contact_method(events::v1::CONTACT_METHOD_PHONE);
    if (kind == "text") d.set_contact_method(events::v1::CONTACT_METHOD_TEXT_MESSAGE);
    if (d.contact_method() != events::v1::CONTACT_METHOD_UNSPECIFIED) return d;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--contact must be email:ADDRESS, phone:NUMBER, text:NUMBER or registration-email, not \"",
      spec, "\""));
}

std::string DescribeRequest(const events::v1::AccessibilityRequest& r, const std::string& zone) {
  std::string out =
      absl::StrCat("Accessibility request ", r.id(), ": ", RequestStatusWord(r.status()));
  if (r.late()) absl::StrAppend(&out, " (asked after a deadline)");
  if (r.at_risk()) absl::StrAppend(&out, " - AT RISK");
  absl::StrAppend(&out, "\n  Event:        ", r.event_id(), "\n");
  if (!r.registration_id().empty()) {
    absl::StrAppend(&out, "  Registration: ", r.registration_id(), "\n");
  }
  absl::StrAppend(&out, "  Needs:\n");
  for (const auto& n : r.needs()) {
    absl::StrAppend(
        &out, absl::StrFormat("    %-26s due %s%s\n", n.need(),
                              FormatInZone(n.deadline_unix_ms(), zone), n.late() ? "  late" : ""));
  }
  const events::v1::RequestDetails& d = r.details();
  if (r.details_deleted()) {
    absl::StrAppend(&out, "  Details:      deleted\n");
  } else if (r.has_details()) {
    if (!d.details().empty()) absl::StrAppend(&out, "  Details:      ", d.details(), "\n");
    if (!d.other_need().empty()) absl::StrAppend(&out, "  Other need:   ", d.other_need(), "\n");
    absl::StrAppend(&out, "  Contact:      ", ContactWords(d), "\n");
    if (!d.unfulfillable_reason().empty()) {
      absl::StrAppend(&out, "  Why not:      ", d.unfulfillable_reason(), "\n");
    }
    if (!d.offered_instead().empty()) {
      absl::StrAppend(&out, "  Offered:      ", d.offered_instead(), "\n");
    }
  }
  if (!r.provision_ids().empty()) {
    absl::StrAppend(&out, "  Provisions:   ", absl::StrJoin(r.provision_ids(), ", "), "\n");
  }
  if (!r.history().empty()) {
    absl::StrAppend(&out, "  History:\n");
    for (const auto& t : r.history()) {
      absl::StrAppend(&out, "    ", FormatInZone(t.at_unix_ms(), zone), "  ",
                      t.from() == events::v1::REQUEST_STATUS_UNSPECIFIED
                          ? std::string("")
                          : RequestStatusWord(t.from()) + " -> ",
                      RequestStatusWord(t.to()), " by ", Who(t.actor_name(), t.actor()), "\n");
    }
  }
  return out;
}

std::string RequestTable(const std::vector<events::v1::AccessibilityRequest>& requests,
                         const EventZones& zones) {
  if (requests.empty()) return "No accessibility requests.\n";
  std::string out =
      absl::StrFormat("%-58s %-20s %-9s %-34s %s\n", "ID", "STATUS", "FLAGS", "DEADLINE", "NEEDS");
  for (const auto& r : requests) {
    std::string flags = r.late() ? "late" : "";
    if (r.at_risk()) flags += flags.empty() ? "at-risk" : ",risk";
    absl::StrAppend(
        &out,
        absl::StrFormat("%-58s %-20s %-9s %-34s %s\n", r.id(), RequestStatusWord(r.status()),
                        flags.empty() ? "-" : flags,
                        FormatInZone(r.deadline_unix_ms(), ZoneOf(zones, r.event_id())), Needs(r)));
  }
  return out;
}

std::string DescribeCounts(const events::v1::RequestCounts& c) {
  // Counts below the minimum group are withheld by the server (docs/accessibility.md).
  const std::string few = absl::StrCat("fewer than ", c.min_group());
  const auto shown = [&few](int count, bool withheld) {
    return withheld ? few : absl::StrCat(count);
  };
  std::string out = absl::StrCat("Accessibility requests for ", c.event_id(), ": ", c.requests(),
                                 " (", shown(c.late(), c.late_withheld()), " late, ",
                                 shown(c.at_risk(), c.at_risk_withheld()), " at risk)\n");
  if (c.min_group() > 0) {
    // 0 may mean "none yet" or "fewer than a group": say so, rather than let an organiser
    // think nobody asked for anything.
    absl::StrAppend(&out, "  Counted in groups of at least ", c.min_group(),
                    " changes, so that no one person's needs can be picked out; the newest "
                    "requests show once a group is complete.\n");
  }
  if (c.counts().empty()) return out;
  absl::StrAppend(&out, absl::StrFormat("  %-26s %-20s %s\n", "NEED", "STATUS", "COUNT"));
  for (const auto& n : c.counts()) {
    absl::StrAppend(&out,
                    absl::StrFormat("  %-26s %-20s %s\n", n.need(), RequestStatusWord(n.status()),
                                    shown(n.count(), n.withheld())));
  }
  return out;
}

std::string DescribeCatalogue(const events::v1::Catalogue& c) {
  std::string out = absl::StrFormat("%-26s %-10s %s\n", "NEED", "LEAD TIME", "WHAT");
  for (const auto& n : c.needs()) {
    absl::StrAppend(
        &out,
        absl::StrFormat("%-26s %-10s %s\n", n.need(),
                        absl::StrCat(n.lead_time_days(), n.customised() ? "d*" : "d"), n.label()));
  }
  absl::StrAppend(&out, "(* changed by the organisation)\n");
  return out;
}

std::string ProvisionTable(const std::vector<events::v1::Provision>& provisions) {
  if (provisions.empty()) return "No provisions booked.\n";
  std::string out = absl::StrFormat("%-58s %-20s %-22s %-8s %s\n", "ID", "NEED", "STATUS",
                                    "REQUESTS", "DESCRIPTION");
  for (const auto& p : provisions) {
    const char* status = p.status() == events::v1::PROVISION_STATUS_BOOKED ? "booked"
                         : p.status() == events::v1::PROVISION_STATUS_NEEDS_RECONFIRMATION
                             ? "needs-reconfirmation"
                             : "unspecified";
    absl::StrAppend(&out, absl::StrFormat("%-58s %-20s %-22s %-8d %s\n", p.id(), p.need(), status,
                                          p.request_ids_size(), p.description()));
  }
  return out;
}

std::string AuditTable(const std::vector<events::v1::AuditEntry>& entries) {
  if (entries.empty()) return "No reads of request details yet.\n";
  std::string out = absl::StrFormat("%-17s %-30s %-12s %s\n", "WHEN", "WHO", "CALL", "REQUEST");
  for (const auto& e : entries) {
    absl::StrAppend(
        &out,
        absl::StrFormat(
            "%-17s %-30s %-12s %s\n", When(e.at_unix_ms()), Who(e.actor_name(), e.actor()), e.rpc(),
            e.request_ids().empty() ? e.request_id() : absl::StrJoin(e.request_ids(), ", ")));
  }
  return out;
}

}  // namespace events::eventctl
