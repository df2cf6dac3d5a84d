// AccessDesk: construction, shared helpers, the catalogue and the attendees' calls.
#include "services/accessibility/domain/access_desk.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "common/util/status_macros.h"
#include "services/accessibility/rules/deadlines.h"
#include "services/accessibility/rules/request_rules.h"
#include "services/accessibility/rules/workflow.h"

namespace events::accessibility {

using events::v1::AccessibilityRequest;
using events::v1::RequestStatus;

namespace {

constexpr int64_t kDayMs = 86400000;

}  // namespace

std::string EventKindFor(RequestStatus status) {
  switch (status) {
    case events::v1::REQUEST_STATUS_SUBMITTED:
      return "request_submitted";
    case events::v1::REQUEST_STATUS_ACKNOWLEDGED:
      return "request_acknowledged";
    case events::v1::REQUEST_STATUS_IN_PROGRESS:
      return "request_in_progress";
    case events::v1::REQUEST_STATUS_FULFILLED:
      return "request_fulfilled";
    case events::v1::REQUEST_STATUS_UNFULFILLABLE:
      return "request_unfulfillable";
    case events::v1::REQUEST_STATUS_WITHDRAWN:
      return "request_withdrawn";
    case events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION:
      return "request_needs_reconfirmation";
    default:
      return "request_changed";
  }
}

AccessDesk::AccessDesk(AccessibilityStore& store, EventDirectory& events,
                       RegistrationDirectory& registrations, const DetailCipher& cipher,
                       const Clock& clock, const IdGenerator& ids, DeskOptions options)
    : store_(store),
      events_(events),
      registrations_(registrations),
      cipher_(cipher),
      clock_(clock),
      ids_(ids),
      options_(options) {}

// --- Helpers -------------------------------------------------------------------------------

absl::StatusOr<EventFacts> AccessDesk::Facts(const std::string& event_id) {
  EVENTS_ASSIGN_OR_RETURN(std::optional<EventFacts> stored, store_.GetFacts(event_id));
  if (stored.has_value()) return *stored;
  return events_.Fetch(event_id);
}

absl::StatusOr<EventFacts> AccessDesk::OwnEvent(const std::string& org_id,
                                                const std::string& event_id) {
  EVENTS_RETURN_IF_ERROR(ValidateEventId(event_id));
  absl::StatusOr<EventFacts> facts = Facts(event_id);
  if (absl::IsNotFound(facts.status()) || (facts.ok() && facts->org_id != org_id)) {
    return absl::NotFoundError(absl::StrCat("event ", event_id, " not found"));
  }
  return facts;
}

absl::StatusOr<StoredRequest> AccessDesk::OwnRequest(const std::string& org_id,
                                                     const std::string& id) {
  EVENTS_RETURN_IF_ERROR(ValidateChildId(id, "ar", "request_id"));
  absl::StatusOr<StoredRequest> stored = store_.GetRequest(id);
  if (stored.ok() && stored->org_id != org_id) {
    return absl::NotFoundError(absl::StrCat("accessibility request ", id, " not found"));
  }
  return stored;
}

absl::StatusOr<AccessibilityRequest> AccessDesk::View(const StoredRequest& stored,
                                                      bool with_details) const {
  AccessibilityRequest out = stored.request;
  out.clear_details();
  out.set_details_deleted(stored.sealed.key_id.empty());
  if (with_details && !stored.sealed.key_id.empty()) {
    EVENTS_ASSIGN_OR_RETURN(*out.mutable_details(),
                            cipher_.Open(stored.sealed, stored.request.id()));
  }
  return out;
}

void AccessDesk::AddName(AccessibilityRequest& request) const {
  if (request.registration_id().empty()) return;
  absl::StatusOr<std::string> name = registrations_.NameOf(request.registration_id());
  if (name.ok()) {
    request.set_attendee_name(*name);
  } else if (!absl::IsNotFound(name.status())) {
    spdlog::warn("accessibility request {}: the attendee's name was left out: {}", request.id(),
                 name.status().ToString());
  }
}

RequestWrite AccessDesk::Move(const StoredRequest& stored, RequestStatus to,
                              const std::string& actor, const std::string& actor_name) const {
  RequestWrite w;
  w.after = stored;
  w.after.request.clear_history();
  // Unchanged details are not written again (an empty key id keeps what is stored), so a
  // write racing their deletion cannot bring them back.
  w.after.sealed = SealedDetails{};
  w.after.request.set_status(to);
  w.after.request.set_version(stored.request.version() + 1);
  w.after.request.set_updated_unix_ms(clock_.NowUnixMs());
  w.expected_version = stored.request.version();
  events::v1::RequestTransition t;
  t.set_from(stored.request.status());
  t.set_to(to);
  t.set_actor(actor);
  t.set_actor_name(actor_name);
  t.set_at_unix_ms(clock_.NowUnixMs());
  w.transition = t;
  w.event_kind = EventKindFor(to);
  w.previous_status = stored.request.status();
  return w;
}

absl::Status AccessDesk::Prepare(StoredRequest& stored, const EventFacts& facts,
                                 const google::protobuf::RepeatedPtrField<std::string>& needs,
                                 const events::v1::RequestDetails& details) {
  AccessibilityRequest& r = stored.request;
  r.clear_needs();
  for (const std::string& n : needs) r.add_needs()->set_need(n);
  EVENTS_ASSIGN_OR_RETURN(LeadTimes lead_times, store_.GetLeadTimes(facts.org_id));
  EVENTS_RETURN_IF_ERROR(
      ApplyDeadlines(r, facts.start_unix_ms, facts.time_zone, lead_times, clock_.NowUnixMs()));
  EVENTS_ASSIGN_OR_RETURN(stored.sealed, cipher_.Seal(details, r.id()));
  return absl::OkStatus();
}

int64_t AccessDesk::PurgeDue(const EventFacts& facts) const {
  return std::max(facts.end_unix_ms, clock_.NowUnixMs()) + options_.retention_days * kDayMs;
}

int64_t AccessDesk::RetentionMs() const { return options_.retention_days * kDayMs; }

absl::Status AccessDesk::OpenForRequests(const EventFacts& facts) const {
  if (facts.status != events::v1::EVENT_STATUS_PUBLISHED) {
    return absl::FailedPreconditionError(
        absl::StrCat("event ", facts.event_id, " is not open for requests (it is ",
                     events::v1::EventStatus_Name(facts.status), ")"));
  }
  if (facts.end_unix_ms <= clock_.NowUnixMs()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "event ", facts.event_id, " has ended, so its requests can no longer be made or changed"));
  }
  return absl::OkStatus();
}

absl::Status AccessDesk::RegistrationActive(const Attendee& attendee) {
  if (attendee.status == events::v1::REGISTRATION_STATUS_CANCELLED ||
      attendee.status == events::v1::REGISTRATION_STATUS_REJECTED) {
    return absl::FailedPreconditionError(
        "the registration is cancelled or rejected, so it cannot have accessibility requests");
  }
  return absl::OkStatus();
}

absl::Status AccessDesk::AuditListing(const Staff& staff, const std::string& event_id,
                                      const std::string& rpc,
                                      const std::vector<std::string>& request_ids) {
  if (request_ids.empty()) return absl::OkStatus();
  events::v1::AuditEntry entry;
  entry.set_at_unix_ms(clock_.NowUnixMs());
  entry.set_actor(staff.key_id);
  entry.set_actor_name(staff.actor_name);
  entry.set_event_id(event_id);
  entry.set_rpc(rpc);
  for (const std::string& id : request_ids) entry.add_request_ids(id);
  return store_.AppendAudit(staff.org_id, entry);
}

int64_t AccessDesk::RiskDue(const AccessibilityRequest& request) const {
  return AtRiskDue(request.deadline_unix_ms(), options_.at_risk_window_ms, clock_.NowUnixMs());
}

// --- Catalogue -----------------------------------------------------------------------------

absl::StatusOr<events::v1::Catalogue> AccessDesk::CatalogueOf(const std::string& org_id) {
  EVENTS_ASSIGN_OR_RETURN(LeadTimes lead_times, store_.GetLeadTimes(org_id));
  return BuildCatalogue(org_id, lead_times);
}

absl::StatusOr<events::v1::Catalogue> AccessDesk::CatalogueForEvent(const std::string& event_id) {
  EVENTS_RETURN_IF_ERROR(ValidateEventId(event_id));
  EVENTS_ASSIGN_OR_RETURN(EventFacts facts, Facts(event_id));
  if (facts.status != events::v1::EVENT_STATUS_PUBLISHED &&
      facts.status != events::v1::EVENT_STATUS_COMPLETED &&
      facts.status != events::v1::EVENT_STATUS_CANCELLED) {
    // Drafts are not public.
    return absl::NotFoundError(absl::StrCat("event ", event_id, " not found"));
  }
  return CatalogueOf(facts.org_id);
}

absl::StatusOr<events::v1::Catalogue> AccessDesk::SetLeadTime(
    const std::string& org_id, const events::v1::SetLeadTimeRequest& request) {
  EVENTS_RETURN_IF_ERROR(ValidateLeadTime(request.need(), request.lead_time_days()));
  EVENTS_RETURN_IF_ERROR(store_.SetLeadTime(org_id, request.need(), request.lead_time_days()));
  return CatalogueOf(org_id);
}

// --- Attendees -----------------------------------------------------------------------------

absl::StatusOr<AccessibilityRequest> AccessDesk::Submit(
    const events::v1::SubmitRequestRequest& request) {
  EVENTS_RETURN_IF_ERROR(ValidateToken(request.registration_token()));
  EVENTS_RETURN_IF_ERROR(ValidateNeeds(request.needs(), request.details()));
  EVENTS_RETURN_IF_ERROR(ValidateAttendeeDetails(request.details()));
  if (!request.consent()) {
    return absl::InvalidArgumentError(
        "consent must be true: we hold access needs only with the attendee's explicit "
        "agreement to the catalogue's consent_wording");
  }
  EVENTS_ASSIGN_OR_RETURN(Attendee attendee, registrations_.Verify(request.registration_token()));
  EVENTS_RETURN_IF_ERROR(RegistrationActive(attendee));
  // Scheduling's own answer decides whether the event takes requests.
  EVENTS_ASSIGN_OR_RETURN(EventFacts fresh, events_.Fetch(attendee.event_id));
  EVENTS_RETURN_IF_ERROR(OpenForRequests(fresh));
  const int64_t now = clock_.NowUnixMs();

  StoredRequest stored;
  stored.org_id = fresh.org_id;
  AccessibilityRequest& r = stored.request;
  r.set_id(ChildId("ar", fresh.event_id, ids_.New("ar")));
  r.set_event_id(fresh.event_id);
  r.set_registration_id(attendee.registration_id);
  r.set_status(events::v1::REQUEST_STATUS_SUBMITTED);
  r.set_version(1);
  r.set_consent_unix_ms(now);
  r.set_consent_wording(kConsentWording);
  r.set_created_unix_ms(now);
  r.set_updated_unix_ms(now);
  events::v1::RequestTransition t;
  t.set_to(events::v1::REQUEST_STATUS_SUBMITTED);
  t.set_actor("attendee");
  t.set_at_unix_ms(now);

  absl::Status last;
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    // Deadlines follow the stored facts when there are: only the schedule listener advances
    // them, and it recomputes every request's deadlines when it does. The first request
    // stores scheduling's facts. Either way the batch expects the facts it used.
    EVENTS_ASSIGN_OR_RETURN(std::optional<EventFacts> known, store_.GetFacts(fresh.event_id));
    const EventFacts& facts = known.has_value() ? *known : fresh;
    EVENTS_RETURN_IF_ERROR(Prepare(stored, facts, request.needs(), request.details()));
    RequestWrite w;
    w.after = stored;
    w.expected_version = 0;
    w.transition = t;
    w.event_kind = "request_submitted";
    w.at_risk_due_ms = RiskDue(r);
    Batch batch;
    batch.event_id = fresh.event_id;
    if (!known.has_value()) batch.facts = fresh;
    batch.facts_write = FactsWrite::kIfNone;
    batch.expected_facts_version = known.has_value() ? known->version : 0;
    batch.purge_due_ms = PurgeDue(facts);
    batch.retention_ms = RetentionMs();
    batch.requests.push_back(w);
    last = store_.Apply(batch, now);
    if (last.ok()) {
      *r.add_history() = t;
      AccessibilityRequest out = r;
      *out.mutable_details() = request.details();
      return out;
    }
    if (!absl::IsAborted(last)) return last;
  }
  return last;
}

absl::StatusOr<AccessDesk::Mine> AccessDesk::FindMine(const std::string& token) {
  EVENTS_RETURN_IF_ERROR(ValidateToken(token));
  EVENTS_ASSIGN_OR_RETURN(Attendee attendee, registrations_.Verify(token));
  EVENTS_ASSIGN_OR_RETURN(std::string id,
                          store_.FindByRegistration(attendee.event_id, attendee.registration_id));
  if (id.empty()) {
    return absl::NotFoundError(
        "this registration has no accessibility request (or it was erased); submit one");
  }
  EVENTS_ASSIGN_OR_RETURN(StoredRequest stored, store_.GetRequest(id));
  return Mine{attendee, stored};
}

absl::StatusOr<AccessibilityRequest> AccessDesk::GetMine(const std::string& token) {
  EVENTS_ASSIGN_OR_RETURN(Mine mine, FindMine(token));
  return View(mine.stored, true);
}

absl::StatusOr<AccessibilityRequest> AccessDesk::UpdateMine(
    const events::v1::UpdateMyRequestRequest& request) {
  EVENTS_RETURN_IF_ERROR(ValidateToken(request.registration_token()));
  EVENTS_RETURN_IF_ERROR(ValidateNeeds(request.needs(), request.details()));
  EVENTS_RETURN_IF_ERROR(ValidateAttendeeDetails(request.details()));
  absl::Status last;
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    EVENTS_ASSIGN_OR_RETURN(Mine mine, FindMine(request.registration_token()));
    EVENTS_RETURN_IF_ERROR(AttendeeMayChange(mine.stored.request.status(), "changed"));
    // Submit's checks: a change is a new request in all but its id.
    EVENTS_RETURN_IF_ERROR(RegistrationActive(mine.attendee));
    EVENTS_ASSIGN_OR_RETURN(EventFacts fresh, events_.Fetch(mine.stored.request.event_id()));
    EVENTS_RETURN_IF_ERROR(OpenForRequests(fresh));
    EVENTS_ASSIGN_OR_RETURN(std::optional<EventFacts> known, store_.GetFacts(fresh.event_id));
    const EventFacts& facts = known.has_value() ? *known : fresh;
    RequestWrite w = Move(mine.stored, events::v1::REQUEST_STATUS_SUBMITTED, "attendee");
    w.event_kind = "request_updated";
    // Changed needs are looked at afresh: nothing booked so far is assumed to meet them.
    w.after.request.clear_provision_ids();
    EVENTS_RETURN_IF_ERROR(Prepare(w.after, facts, request.needs(), request.details()));
    // A need asked for before keeps the late flag it had then: lateness compares with when
    // the need was first asked for, not with this change.
    std::map<std::string, bool> was_late;
    for (const auto& n : mine.stored.request.needs()) was_late[n.need()] = n.late();
    bool late = false;
    for (events::v1::RequestedNeed& n : *w.after.request.mutable_needs()) {
      auto it = was_late.find(n.need());
      if (it != was_late.end()) n.set_late(it->second);
      late = late || n.late();
    }
    w.after.request.set_late(late);
    w.at_risk_due_ms = RiskDue(w.after.request);
    if (mine.stored.request.status() == events::v1::REQUEST_STATUS_SUBMITTED) {
      w.transition.reset();
    }
    Batch batch;
    batch.event_id = facts.event_id;
    if (!known.has_value()) batch.facts = fresh;
    batch.expected_facts_version = known.has_value() ? known->version : 0;
    batch.retention_ms = RetentionMs();
    batch.requests.push_back(w);
    last = store_.Apply(batch, clock_.NowUnixMs());
    if (last.ok()) {
      EVENTS_ASSIGN_OR_RETURN(StoredRequest now, store_.GetRequest(w.after.request.id()));
      return View(now, true);
    }
    if (!absl::IsAborted(last)) return last;
  }
  return last;
}

absl::StatusOr<AccessibilityRequest> AccessDesk::Withdraw(const std::string& token, bool erase) {
  absl::Status last;
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    EVENTS_ASSIGN_OR_RETURN(Mine mine, FindMine(token));
    const bool withdrawn = mine.stored.request.status() == events::v1::REQUEST_STATUS_WITHDRAWN;
    if (withdrawn && !erase) {
      return absl::FailedPreconditionError("the request is withdrawn already");
    }
    RequestWrite w = Move(mine.stored, events::v1::REQUEST_STATUS_WITHDRAWN, "attendee");
    if (withdrawn) {
      // Erasure after withdrawal: no new status, so no event and no history entry.
      w.transition.reset();
      w.event_kind.clear();
    }
    w.delete_details = true;
    w.at_risk_due_ms = 0;
    w.unlink_registration = erase;
    if (erase) w.after.request.clear_registration_id();
    Batch batch;
    batch.event_id = mine.stored.request.event_id();
    batch.retention_ms = RetentionMs();
    batch.requests.push_back(w);
    last = store_.Apply(batch, clock_.NowUnixMs());
    if (last.ok()) {
      AccessibilityRequest out = w.after.request;
      *out.mutable_history() = mine.stored.request.history();
      if (w.transition.has_value()) *out.add_history() = *w.transition;
      out.set_details_deleted(true);
      out.set_at_risk(false);
      return out;
    }
    if (!absl::IsAborted(last)) return last;
  }
  return last;
}

absl::StatusOr<AccessibilityRequest> AccessDesk::WithdrawMine(const std::string& token) {
  return Withdraw(token, false);
}

absl::StatusOr<AccessibilityRequest> AccessDesk::EraseMine(const std::string& token) {
  return Withdraw(token, true);
}

absl::StatusOr<int> AccessDesk::FireDueJobs(int partition, int limit) {
  return store_.FireDueJobs(partition, clock_.NowUnixMs(), limit);
}

int AccessDesk::partitions() const { return store_.partitions(); }

}  // namespace events::accessibility
