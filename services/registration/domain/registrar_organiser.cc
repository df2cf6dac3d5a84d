// The organisers' side of Registrar: settings, lists, capacity, decisions, attendance.
#include <algorithm>
#include <map>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/time/local_time.h"
#include "common/util/clock.h"
#include "common/util/page_size.h"
#include "common/util/status_macros.h"
#include "common/util/text_rules.h"
#include "services/registration/domain/registrar.h"
#include "services/registration/rules/csv.h"
#include "services/registration/rules/registration_rules.h"

namespace events::registration {

using events::v1::Registration;

namespace {

// How long before an event's start attendance can be marked (check-in opens).
constexpr int64_t kCheckInBeforeStartMs = int64_t{30} * 60 * 1000;

std::vector<std::string> PoolIds(const events::v1::RegistrationSettings& s) {
  std::vector<std::string> ids;
  for (const auto& p : s.pools()) ids.push_back(p.id());
  return ids;
}

int64_t Taken(const EventCounts& c, const std::string& pool) {
  if (pool == "general") return c.taken_general;
  for (const auto& [id, n] : c.taken_by_pool) {
    if (id == pool) return n;
  }
  return 0;
}

int64_t Waiting(const EventCounts& c, const std::string& pool) {
  for (const auto& [id, n] : c.waiting_by_pool) {
    if (id == pool) return n;
  }
  return 0;
}

absl::Status RegistrationIdError(const std::string& id) {
  if (IsRegistrationId(id)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("registration_id ", QuoteForMessage(id), " is not a registration id (rg_...)"));
}

}  // namespace

absl::StatusOr<events::v1::RegistrationSettings> Registrar::Configure(
    const std::string& org_id, const events::v1::RegistrationSettings& settings,
    int64_t expected_version) {
  EVENTS_ASSIGN_OR_RETURN(EventFacts facts, OwnedFacts(org_id, settings.event_id()));
  if (expected_version < 0) {
    return absl::InvalidArgumentError("expected_version must be 0 (no check) or a version");
  }
  EVENTS_RETURN_IF_ERROR(ValidateSettings(settings, facts.capacity));
  EVENTS_ASSIGN_OR_RETURN(int64_t version,
                          store_.PutSettings(settings, expected_version, clock_.NowUnixMs()));
  events::v1::RegistrationSettings out = settings;
  out.set_version(version);
  MutexLock lock(&cache_mu_);
  settings_cache_.erase(settings.event_id());
  return out;
}

absl::StatusOr<events::v1::Registration> Registrar::GetOne(const std::string& org_id,
                                                           const std::string& event_id,
                                                           const std::string& registration_id) {
  EVENTS_RETURN_IF_ERROR(OwnedFacts(org_id, event_id).status());
  EVENTS_RETURN_IF_ERROR(RegistrationIdError(registration_id));
  absl::StatusOr<StoredRegistration> stored = store_.Get(registration_id);
  // Another event's registration is as unknown as no registration: ids do not leak.
  if (absl::IsNotFound(stored.status()) ||
      (stored.ok() && stored->registration.event_id() != event_id)) {
    return absl::NotFoundError("registration_id is not a registration of this event");
  }
  if (!stored.ok()) return stored.status();
  EVENTS_ASSIGN_OR_RETURN(std::vector<events::v1::RegistrationHistoryEntry> history,
                          store_.History(registration_id));
  for (auto& entry : history) *stored->registration.add_history() = std::move(entry);
  return std::move(stored->registration);
}

absl::StatusOr<events::v1::ListRegistrationsResponse> Registrar::List(
    const std::string& org_id, const events::v1::ListRegistrationsRequest& request) {
  EVENTS_RETURN_IF_ERROR(OwnedFacts(org_id, request.event_id()).status());
  EVENTS_ASSIGN_OR_RETURN(const int size,
                          events::PageSize(request.page().page_size(),
                                           {options_.default_page_size, options_.max_page_size}));
  if (!events::v1::RegistrationStatus_IsValid(request.status())) {
    return absl::InvalidArgumentError("status is not a registration status");
  }
  int64_t after = 0;
  if (!request.page().page_token().empty()) {
    std::string decoded;
    if (!absl::WebSafeBase64Unescape(request.page().page_token(), &decoded) ||
        decoded.rfind("seq:", 0) != 0 || !absl::SimpleAtoi(decoded.substr(4), &after)) {
      return absl::InvalidArgumentError(
          "page.page_token is not one this service issued; pass the previous "
          "next_page_token or leave it empty");
    }
  }
  EVENTS_ASSIGN_OR_RETURN(RegistrationPage page, store_.List(request.event_id(), request.status(),
                                                             request.pool(), after, size));
  events::v1::ListRegistrationsResponse out;
  // The store gives waitlisted registrations their positions, as Get does.
  for (auto& r : page.registrations) *out.add_registrations() = std::move(r);
  if (page.next_after_sequence != 0) {
    out.set_next_page_token(
        absl::WebSafeBase64Escape(absl::StrCat("seq:", page.next_after_sequence)));
  }
  return out;
}

absl::StatusOr<events::v1::CapacitySummary> Registrar::Capacity(const std::string& org_id,
                                                                const std::string& event_id) {
  EVENTS_ASSIGN_OR_RETURN(EventFacts facts, OwnedFacts(org_id, event_id));
  EVENTS_ASSIGN_OR_RETURN(events::v1::RegistrationSettings settings, Settings(event_id, true));
  return Summarise(event_id, facts, settings);
}

absl::StatusOr<events::v1::Availability> Registrar::Availability(const std::string& event_id) {
  EVENTS_ASSIGN_OR_RETURN(EventFacts facts, PublicFacts(event_id));
  EVENTS_ASSIGN_OR_RETURN(events::v1::RegistrationSettings settings, Settings(event_id, false));
  EVENTS_ASSIGN_OR_RETURN(events::v1::CapacitySummary summary,
                          Summarise(event_id, facts, settings));
  events::v1::Availability out;
  out.set_event_id(event_id);
  out.set_capacity(summary.capacity());
  out.set_requires_approval(settings.requires_approval());
  int64_t left = 0;
  int64_t waiting = 0;
  for (const auto& p : summary.pools()) {
    const int64_t pool_left = std::max<int64_t>(0, int64_t{p.places()} - p.taken());
    left += pool_left;
    waiting += p.waitlisted();
    auto* pool = out.add_pools();
    pool->set_pool(p.pool());
    pool->set_places_left(static_cast<int32_t>(pool_left));
    if (p.pool() == "general") out.set_general_full(pool_left == 0);
    for (const auto& configured : settings.pools()) {
      if (configured.id() == p.pool()) pool->set_name(configured.name());
    }
  }
  out.set_places_left(static_cast<int32_t>(std::min<int64_t>(left, summary.capacity())));
  out.set_waitlisted(static_cast<int32_t>(waiting));
  return out;
}

absl::StatusOr<events::v1::CapacitySummary> Registrar::Summarise(
    const std::string& event_id, const EventFacts& facts,
    const events::v1::RegistrationSettings& settings) {
  EVENTS_ASSIGN_OR_RETURN(EventCounts counts, store_.Counts(event_id, PoolIds(settings)));
  events::v1::CapacitySummary out;
  out.set_event_id(event_id);
  out.set_capacity(facts.capacity);
  // Every place held, in whatever seat pool the store counts it (not only today's pools).
  int64_t taken = counts.taken_general;
  for (const auto& [id, n] : counts.taken_by_pool) taken += n;
  // The places each pool can hold (lua/common.lua, effective_pools): pools keep theirs in
  // order while the capacity lasts, so that pools and general places add up to it.
  int64_t left = facts.capacity;
  std::vector<int64_t> places;
  for (const auto& p : settings.pools()) {
    places.push_back(std::clamp<int64_t>(p.places(), 0, std::max<int64_t>(0, left)));
    left -= places.back();
  }
  out.set_confirmed_places(static_cast<int32_t>(taken));
  out.set_waitlisted(static_cast<int32_t>(counts.waitlisted));
  out.set_pending_approval(static_cast<int32_t>(counts.pending));
  auto* general = out.add_pools();
  general->set_pool("general");
  general->set_places(static_cast<int32_t>(std::max<int64_t>(0, left)));
  general->set_taken(static_cast<int32_t>(counts.taken_general));
  general->set_waitlisted(static_cast<int32_t>(Waiting(counts, "general")));
  for (int i = 0; i < settings.pools_size(); ++i) {
    const auto& p = settings.pools(i);
    auto* pool = out.add_pools();
    pool->set_pool(p.id());
    pool->set_places(static_cast<int32_t>(places[i]));
    pool->set_taken(static_cast<int32_t>(Taken(counts, p.id())));
    pool->set_waitlisted(static_cast<int32_t>(Waiting(counts, p.id())));
  }
  return out;
}

absl::StatusOr<events::v1::CapacitySummary> Registrar::ChangeCapacity(
    const std::string& org_id, const std::string& event_id, int32_t capacity,
    const std::string& authorization) {
  EVENTS_RETURN_IF_ERROR(OwnedFacts(org_id, event_id).status());
  EVENTS_ASSIGN_OR_RETURN(events::v1::RegistrationSettings settings, Settings(event_id, true));
  int64_t reserved = 0;
  for (const auto& p : settings.pools()) reserved += p.places();
  if (capacity < 1 || capacity > 100000) {
    return absl::InvalidArgumentError("capacity must be between 1 and 100000");
  }
  if (capacity < reserved) {
    return absl::FailedPreconditionError(
        absl::StrCat("capacity ", capacity, " is less than the ", reserved,
                     " places held in reserved pools; shrink the pools first"));
  }
  EVENTS_ASSIGN_OR_RETURN(EventFacts facts,
                          directory_.SetCapacity(event_id, capacity, authorization));
  // At once, not when the projection catches up: a rise promotes people now.
  EVENTS_RETURN_IF_ERROR(store_.UpsertFacts(facts));
  return Capacity(org_id, event_id);
}

absl::StatusOr<Registration> Registrar::Decide(const std::string& org_id,
                                               const std::string& event_id,
                                               const std::string& registration_id, bool approve,
                                               const ChangeBy& by) {
  EVENTS_RETURN_IF_ERROR(OwnedFacts(org_id, event_id).status());
  EVENTS_RETURN_IF_ERROR(RegistrationIdError(registration_id));
  ChangeBy who = by;
  who.reason.clear();
  return Changed(event_id, registration_id,
                 approve ? ChangeAction::kApprove : ChangeAction::kReject, "", "", std::nullopt,
                 who);
}

absl::StatusOr<Registration> Registrar::CancelByOrganiser(const std::string& org_id,
                                                          const std::string& event_id,
                                                          const std::string& registration_id,
                                                          const ChangeBy& by) {
  // Told to the attendee by e-mail and shown in the history: the text rules of every
  // reason (several lines allowed), an optional field.
  EVENTS_RETURN_IF_ERROR(CheckText(by.reason, "reason", 0, kMaxCancelReasonChars, true));
  EVENTS_RETURN_IF_ERROR(OwnedFacts(org_id, event_id).status());
  EVENTS_RETURN_IF_ERROR(RegistrationIdError(registration_id));
  ChangeBy who = by;
  who.reason = std::string(absl::StripAsciiWhitespace(by.reason));
  return Changed(event_id, registration_id, ChangeAction::kCancel, "", "", std::nullopt, who);
}

absl::StatusOr<events::v1::MarkAttendanceResponse> Registrar::MarkAttendance(
    const std::string& org_id, const events::v1::MarkAttendanceRequest& request,
    const ChangeBy& by) {
  EVENTS_ASSIGN_OR_RETURN(EventFacts facts, OwnedFacts(org_id, request.event_id()));
  // Nobody has attended an event that has not begun; check-in opens a little before the
  // start, as people arrive early (docs/registration.md, "Attendance").
  const int64_t check_in_opens = facts.start_unix_ms - kCheckInBeforeStartMs;
  if (clock_.NowUnixMs() < check_in_opens) {
    return absl::FailedPreconditionError(absl::StrCat(
        "attendance of event ", request.event_id(), " can be marked from ",
        kCheckInBeforeStartMs / 60000, " minutes before it starts, at ",
        time::FormatRfc3339(check_in_opens, facts.time_zone.empty() ? "UTC" : facts.time_zone)));
  }
  const int total = request.registration_ids_size() + request.emails_size();
  if (total == 0) {
    return absl::InvalidArgumentError("give registration_ids or emails to mark");
  }
  if (total > options_.max_attendance_marks) {
    return absl::InvalidArgumentError(absl::StrCat("at most ", options_.max_attendance_marks,
                                                   " registration_ids and emails at once"));
  }
  std::vector<std::pair<std::string, std::string>> targets;  // (id, as given)
  for (const std::string& id : request.registration_ids()) {
    EVENTS_RETURN_IF_ERROR(RegistrationIdError(id));
    targets.emplace_back(id, id);
  }
  events::v1::MarkAttendanceResponse out;
  for (const std::string& email : request.emails()) {
    EVENTS_ASSIGN_OR_RETURN(std::string id,
                            store_.FindByEmail(request.event_id(), NormaliseEmail(email)));
    if (id.empty()) {
      out.add_not_found(email);
    } else {
      targets.emplace_back(id, email);
    }
  }
  const ChangeAction action = request.attended() ? ChangeAction::kAttend : ChangeAction::kUnattend;
  ChangeBy who = by;
  who.reason.clear();
  for (const auto& [id, given] : targets) {
    EVENTS_ASSIGN_OR_RETURN(ChangeResult result,
                            store_.Change(request.event_id(), id, action, "", "", std::nullopt, who,
                                          clock_.NowUnixMs()));
    if (result.outcome == ChangeResult::Outcome::kDone) {
      out.set_marked(out.marked() + 1);
    } else {
      out.add_not_found(given);
    }
  }
  return out;
}

absl::StatusOr<events::v1::MarkAttendanceResponse> Registrar::ImportAttendance(
    const std::string& org_id, const std::string& event_id, const std::string& csv,
    const ChangeBy& by) {
  EVENTS_ASSIGN_OR_RETURN(std::vector<std::string> emails, EmailsFromAttendanceCsv(csv));
  events::v1::MarkAttendanceRequest request;
  request.set_event_id(event_id);
  request.set_attended(true);
  for (auto& e : emails) request.add_emails(std::move(e));
  if (request.emails_size() == 0) {
    return absl::InvalidArgumentError("csv: no e-mail addresses found under the email column");
  }
  return MarkAttendance(org_id, request, by);
}

absl::StatusOr<events::v1::ExportFile> Registrar::Export(const std::string& org_id,
                                                         const std::string& event_id) {
  EVENTS_RETURN_IF_ERROR(OwnedFacts(org_id, event_id).status());
  EVENTS_ASSIGN_OR_RETURN(events::v1::RegistrationSettings settings, Settings(event_id, true));
  std::vector<Registration> all;
  int64_t after = 0;
  do {
    EVENTS_ASSIGN_OR_RETURN(
        RegistrationPage page,
        store_.List(event_id, events::v1::REGISTRATION_STATUS_UNSPECIFIED, "", after, 500));
    for (auto& r : page.registrations) all.push_back(std::move(r));
    after = page.next_after_sequence;
  } while (after != 0);
  // Waiting-list positions, as the lists hold them: by sequence within each pool.
  std::vector<Registration*> waiting;
  for (auto& r : all) {
    if (r.status() == events::v1::REGISTRATION_STATUS_WAITLISTED) waiting.push_back(&r);
  }
  std::sort(waiting.begin(), waiting.end(), [](const Registration* a, const Registration* b) {
    return a->sequence() < b->sequence();
  });
  std::map<std::string, int32_t> next_position;
  for (Registration* r : waiting) r->set_waitlist_position(++next_position[r->pool()]);
  events::v1::ExportFile file;
  file.set_filename(absl::StrCat(event_id, "-registrations.csv"));
  file.set_content_type("text/csv; charset=utf-8");
  file.set_content(RegistrationsCsv(all, settings));
  return file;
}

}  // namespace events::registration
