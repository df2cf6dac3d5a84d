#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "events/v1/accessibility.pb.h"
#include "events/v1/domain_events.pb.h"
#include "services/accessibility/domain/detail_cipher.h"
#include "services/accessibility/peers/directories.h"
#include "services/accessibility/store/accessibility_store.h"

namespace events {
class Clock;
class IdGenerator;
}  // namespace events

namespace events::accessibility {

// AccessDesk's options (at namespace scope so that `= {}` works as a default argument).
struct DeskOptions {
  // Details are deleted this many days after the event ends.
  int retention_days = 30;
  // A request not met is at risk this long before its deadline.
  int64_t at_risk_window_ms = 48LL * 3600 * 1000;
  // Attempts when a change races another (ABORTED from the store).
  int max_attempts = 4;
  // The smallest group GetRequestCounts shows or publishes a change of
  // (ACCESSIBILITY_MIN_GROUP; rules/count_publication.h).
  int min_group = 5;
};

// Who is asking, for coordinator and organiser calls (already authenticated and authorised
// by the handler): their organisation, their key id and the name to show for them (a person's
// name, or the API key's name), both recorded in history and audit.
struct Staff {
  std::string org_id;
  std::string key_id;
  std::string actor_name;
};

// The accessibility-requests domain: the catalogue, attendees' requests, the fulfilment
// workflow and deadlines, provisions, the audit of reads, and the reaction to scheduling's
// reschedules and cancellations. Plain code over the store, the directories and the cipher;
// no gRPC or Redis types. Thread-safe (its collaborators are).
//
// Errors: INVALID_ARGUMENT naming the field; NOT_FOUND for unknown ids and for another
// organisation's things; FAILED_PRECONDITION for refused transitions (from what to what)
// and closed events; ALREADY_EXISTS for a second request of a registration; ABORTED when a
// change kept racing others or expected_version did not match; UNAVAILABLE from the store
// or the directories.
class AccessDesk {
 public:
  AccessDesk(AccessibilityStore& store, EventDirectory& events,
             RegistrationDirectory& registrations, const DetailCipher& cipher, const Clock& clock,
             const IdGenerator& ids, DeskOptions options = {});

  // --- Catalogue
  absl::StatusOr<events::v1::Catalogue> CatalogueOf(const std::string& org_id);
  // The catalogue of the event's organisation (public).
  absl::StatusOr<events::v1::Catalogue> CatalogueForEvent(const std::string& event_id);
  absl::StatusOr<events::v1::Catalogue> SetLeadTime(const std::string& org_id,
                                                    const events::v1::SetLeadTimeRequest& request);

  // --- Attendees (with their registration token)
  absl::StatusOr<events::v1::AccessibilityRequest> Submit(
      const events::v1::SubmitRequestRequest& request);
  absl::StatusOr<events::v1::AccessibilityRequest> GetMine(const std::string& token);
  absl::StatusOr<events::v1::AccessibilityRequest> UpdateMine(
      const events::v1::UpdateMyRequestRequest& request);
  absl::StatusOr<events::v1::AccessibilityRequest> WithdrawMine(const std::string& token);
  absl::StatusOr<events::v1::AccessibilityRequest> EraseMine(const std::string& token);

  // --- Access coordinators
  // List, AtRisk and Fulfil return needs tied to registration ids: each appends one audit
  // entry listing the request ids it returns before answering, and answers nothing (Fulfil:
  // after its change) if it cannot.
  absl::StatusOr<events::v1::ListRequestsResponse> List(const Staff& staff,
                                                        const events::v1::ListRequestsRequest& r);
  // With the details; appends an audit entry (naming `rpc`) before anything is returned, and
  // returns nothing if it cannot.
  absl::StatusOr<events::v1::AccessibilityRequest> Read(const Staff& staff,
                                                        const std::string& request_id,
                                                        const std::string& rpc);
  absl::StatusOr<events::v1::AccessibilityRequest> Transition(
      const Staff& staff, const events::v1::TransitionRequestRequest& request);
  absl::StatusOr<events::v1::ListRequestsResponse> AtRisk(const Staff& staff,
                                                          const events::v1::PageRequest& page);
  absl::StatusOr<events::v1::Provision> AddProvision(const Staff& staff,
                                                     const events::v1::AddProvisionRequest& r);
  absl::StatusOr<events::v1::ListProvisionsResponse> Provisions(const Staff& staff,
                                                                const std::string& event_id);
  absl::StatusOr<events::v1::FulfilWithProvisionResponse> Fulfil(
      const Staff& staff, const events::v1::FulfilWithProvisionRequest& request);
  absl::StatusOr<events::v1::ListAuditLogResponse> Audit(const Staff& staff,
                                                         const events::v1::PageRequest& page);

  // --- Organisers: counts per need and status, never names or details.
  absl::StatusOr<events::v1::RequestCounts> Counts(const Staff& staff, const std::string& event_id);

  // --- Scheduling's events
  // event.rescheduled or event.cancelled: provisions of the event go back to "needs
  // re-confirmation", fulfilled requests too (each emits an event the requester is notified
  // of), and deadlines, at-risk jobs and the retention job follow the new time. So does any
  // other change (event.updated...) whose start, end, zone or cancelled status differs from
  // the stored facts: a reschedule overtaken by a later change is not lost. Other changes
  // only refresh the stored facts. Idempotent: a change at a version already seen does
  // nothing. OK without effect for events nobody asked anything for.
  absl::Status OnEventChanged(const std::string& type, const events::v1::EventChanged& change);

  // Fires the due at-risk and retention jobs of `partition` at the clock's now (at most
  // `limit`); returns how many fired. JobWorker calls it for every partition.
  absl::StatusOr<int> FireDueJobs(int partition, int limit);
  // How many partitions FireDueJobs takes (0 to partitions() - 1).
  int partitions() const;

 private:
  struct Mine {
    Attendee attendee;
    StoredRequest stored;
  };
  // The attendee's request, by token. NOT_FOUND when they have none.
  absl::StatusOr<Mine> FindMine(const std::string& token);
  // The event's facts: stored ones when there are, otherwise scheduling's.
  absl::StatusOr<EventFacts> Facts(const std::string& event_id);
  // The facts of an event of `org_id`; NOT_FOUND otherwise.
  absl::StatusOr<EventFacts> OwnEvent(const std::string& org_id, const std::string& event_id);
  // The request of `org_id`; NOT_FOUND otherwise.
  absl::StatusOr<StoredRequest> OwnRequest(const std::string& org_id, const std::string& id);
  // The attendee's view (with details unless deleted) or a list view (without).
  absl::StatusOr<events::v1::AccessibilityRequest> View(const StoredRequest& stored,
                                                        bool with_details) const;
  // Builds a request write moving `stored` to `to` (by `actor`, shown as `actor_name`: empty
  // for "attendee" and "system"), with its event kind.
  RequestWrite Move(const StoredRequest& stored, events::v1::RequestStatus to,
                    const std::string& actor, const std::string& actor_name = "") const;
  // Adds the attendee's name (registration's, looked up now) to a request for coordinators.
  // The name stays empty after erasure, for a registration registration does not know, and
  // when registration does not answer (logged: the request is shown without it rather than
  // refused).
  void AddName(events::v1::AccessibilityRequest& request) const;
  // Needs and deadlines of a new or changed request; seals the details.
  absl::Status Prepare(StoredRequest& stored, const EventFacts& facts,
                       const google::protobuf::RepeatedPtrField<std::string>& needs,
                       const events::v1::RequestDetails& details);
  // When details are deleted: the event's end plus the retention time.
  int64_t PurgeDue(const EventFacts& facts) const;
  // The retention time in milliseconds (Batch::retention_ms).
  int64_t RetentionMs() const;
  // OK when scheduling's `facts` take requests (published, not ended); FAILED_PRECONDITION
  // saying why otherwise.
  absl::Status OpenForRequests(const EventFacts& facts) const;
  // The registration may still have requests: FAILED_PRECONDITION when cancelled or rejected.
  static absl::Status RegistrationActive(const Attendee& attendee);
  // Appends one audit entry naming every request id a listing call returns (nothing when it
  // returns none). Its error means the answer must not be given.
  absl::Status AuditListing(const Staff& staff, const std::string& event_id, const std::string& rpc,
                            const std::vector<std::string>& request_ids);
  // At-risk job time for an open request.
  int64_t RiskDue(const events::v1::AccessibilityRequest& request) const;
  absl::StatusOr<events::v1::AccessibilityRequest> Withdraw(const std::string& token, bool erase);

  AccessibilityStore& store_;
  EventDirectory& events_;
  RegistrationDirectory& registrations_;
  const DetailCipher& cipher_;
  const Clock& clock_;
  const IdGenerator& ids_;
  const DeskOptions options_;
};

// "request_acknowledged"... : the domain-event kind of a move to `status`.
std::string EventKindFor(events::v1::RequestStatus status);

}  // namespace events::accessibility
