#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "events/v1/accessibility.pb.h"
#include "services/accessibility/domain/detail_cipher.h"
#include "services/accessibility/peers/directories.h"
#include "services/accessibility/rules/catalogue.h"
#include "services/accessibility/rules/count_publication.h"

namespace events::accessibility {

// A request as stored. `request` holds the plain parts (never `details`); `sealed` the
// encrypted details (key_id "" once they are deleted).
struct StoredRequest {
  events::v1::AccessibilityRequest request;
  std::string org_id;
  SealedDetails sealed;
};

struct StoredProvision {
  events::v1::Provision provision;
  std::string org_id;
};

// One request changed by a Batch: its whole new state.
struct RequestWrite {
  StoredRequest after;
  // The version it was read at; 0 for a new request.
  int64_t expected_version = 0;
  // Appended to the request's history.
  std::optional<events::v1::RequestTransition> transition;
  // "request_submitted"...: the domain event accessibility.<kind>; "" for none.
  std::string event_kind;
  events::v1::RequestStatus previous_status = events::v1::REQUEST_STATUS_UNSPECIFIED;
  // The at-risk job: nullopt keeps it; 0 removes it (and clears at_risk); > 0 (re)sets it to
  // fire then (and clears at_risk until it fires).
  std::optional<int64_t> at_risk_due_ms;
  // Deletes the encrypted details (after.sealed is ignored).
  bool delete_details = false;
  // Forgets the registration (erasure): this request and every earlier request of the same
  // registration no longer say whose they were, and lose their details.
  bool unlink_registration = false;
};

struct ProvisionWrite {
  StoredProvision after;
  int64_t expected_version = 0;
  std::string event_kind;  // "provision_booked"...; "" for none
};

// How Batch::facts are stored.
enum class FactsWrite {
  // Only when the event has no stored facts yet (a first request or provision). Once facts
  // are stored, only scheduling's changes (the schedule listener) advance them, so that a
  // change is never taken as "seen" before its consequences were applied.
  kIfNone,
  // Unless the stored facts are as new or newer (the schedule listener).
  kIfNewer,
};

// Changes to one event's requests and provisions, applied atomically with their domain
// events (transactional outbox), or not at all.
struct Batch {
  std::string event_id;
  std::optional<EventFacts> facts;
  FactsWrite facts_write = FactsWrite::kIfNone;
  // Set by batches whose deadlines or jobs were computed from stored facts: ABORTED unless
  // the stored facts are at this version (0: none stored).
  std::optional<int64_t> expected_facts_version;
  // ABORTED unless the event has exactly this many requests (the schedule listener, so a
  // request submitted meanwhile is not left with the old deadlines).
  std::optional<int64_t> expected_request_count;
  // > 0: (re)schedules the deletion of every request's details of the event.
  int64_t purge_due_ms = 0;
  // The retention time (0: details go as soon as the event ends). Required when the batch
  // writes details: the store then re-arms the event's purge job at the stored event end
  // plus this (unless purge_due_ms is set), so no details written at any time escape
  // retention. INTERNAL without (NoRetention(): a bug of the caller, not bad input).
  std::optional<int64_t> retention_ms;
  std::vector<RequestWrite> requests;
  std::vector<ProvisionWrite> provisions;
};

// What a store answers for a batch that writes details without Batch::retention_ms.
inline absl::Status NoRetention() {
  return absl::InternalError(
      "a batch that writes details carries no retention time (a bug: the desk sets it from "
      "ACCESSIBILITY_RETENTION_DAYS)");
}

// What GetRequestCounts last published for an event (rules/count_publication.h).
struct PublishedCounts {
  int64_t version = 0;  // 0: nothing published yet
  int64_t published_unix_ms = 0;
  Fingerprints requests;
};

// One organisation's open requests marked at risk (the at-risk job fired: within
// ACCESSIBILITY_AT_RISK_HOURS of the deadline), split by whether the deadline has passed.
struct RiskCounts {
  int64_t at_risk = 0;        // deadline not passed yet
  int64_t past_deadline = 0;  // deadline passed
};

struct AuditPage {
  std::vector<events::v1::AuditEntry> entries;
  std::string next_token;  // "" at the end
};

// Requests, provisions, the catalogue overrides, the audit log and the delayed jobs.
//
// Every change is one Lua script that also appends its domain events. Thread-safe, and safe
// with any number of processes. Errors: UNAVAILABLE when Redis is down.
class AccessibilityStore {
 public:
  virtual ~AccessibilityStore() = default;

  // ABORTED (nothing written) when a request or provision is not at its expected version,
  // or the event's facts or request count are not as expected; ALREADY_EXISTS when a new request's
  // registration already has one that is not withdrawn.
  virtual absl::Status Apply(const Batch& batch, int64_t now_ms) = 0;

  // nullopt when no request was ever made for the event.
  virtual absl::StatusOr<std::optional<EventFacts>> GetFacts(const std::string& event_id) = 0;
  // NOT_FOUND when unknown. With its history.
  virtual absl::StatusOr<StoredRequest> GetRequest(const std::string& request_id) = 0;
  // The request of a registration ("" when none).
  virtual absl::StatusOr<std::string> FindByRegistration(const std::string& event_id,
                                                         const std::string& registration_id) = 0;
  // Every request of the event, oldest first, without history.
  virtual absl::StatusOr<std::vector<StoredRequest>> ListRequests(const std::string& event_id) = 0;
  // The organisation's requests marked at risk, across its events, earliest deadline first.
  virtual absl::StatusOr<std::vector<StoredRequest>> ListAtRisk(const std::string& org_id) = 0;
  virtual absl::StatusOr<StoredProvision> GetProvision(const std::string& provision_id) = 0;
  virtual absl::StatusOr<std::vector<StoredProvision>> ListProvisions(
      const std::string& event_id) = 0;

  virtual absl::StatusOr<LeadTimes> GetLeadTimes(const std::string& org_id) = 0;
  virtual absl::Status SetLeadTime(const std::string& org_id, const std::string& need,
                                   int days) = 0;

  virtual absl::Status AppendAudit(const std::string& org_id,
                                   const events::v1::AuditEntry& entry) = 0;
  // Newest first, from `page_token` ("" for the newest).
  virtual absl::StatusOr<AuditPage> ListAudit(const std::string& org_id,
                                              const std::string& page_token, int limit) = 0;

  // The event's published counts (version 0 and nothing when none were published).
  virtual absl::StatusOr<PublishedCounts> GetPublishedCounts(const std::string& event_id) = 0;
  // Replaces them with `next` when the stored version is still next.version - 1, so that
  // publications form one history; ABORTED when another publication came first.
  virtual absl::Status PublishCounts(const std::string& event_id, const PublishedCounts& next) = 0;
  // Fires the jobs of `partition` due at `now_ms` (at most `limit`): an at-risk job marks its
  // request at risk and emits accessibility.request_at_risk if it is still open; a purge job
  // deletes the details of every request of its event. Returns how many fired.
  virtual absl::StatusOr<int> FireDueJobs(int partition, int64_t now_ms, int limit) = 0;
  // RiskCounts at `now_ms` of every organisation with a request at risk, across partitions
  // (read-only, one round trip per Redis node). Organisations with none are absent.
  virtual absl::StatusOr<std::map<std::string, RiskCounts>> CountRisk(int64_t now_ms) = 0;
  // How many partitions FireDueJobs takes (0 to partitions() - 1).
  virtual int partitions() const = 0;
};

}  // namespace events::accessibility
