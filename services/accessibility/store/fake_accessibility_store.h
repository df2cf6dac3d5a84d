#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "events/v1/domain_events.pb.h"
#include "services/accessibility/store/accessibility_store.h"

namespace events::accessibility {

// AccessibilityStore in memory, with the semantics of the Redis store (lua/*.lua), for
// domain tests without Redis. Records the domain events it would have appended.
// Thread-safe.
class FakeAccessibilityStore final : public AccessibilityStore {
 public:
  absl::Status Apply(const Batch& batch, int64_t now_ms) override;
  absl::StatusOr<std::optional<EventFacts>> GetFacts(const std::string& event_id) override;
  absl::StatusOr<StoredRequest> GetRequest(const std::string& request_id) override;
  absl::StatusOr<std::string> FindByRegistration(const std::string& event_id,
                                                 const std::string& registration_id) override;
  absl::StatusOr<std::vector<StoredRequest>> ListRequests(const std::string& event_id) override;
  absl::StatusOr<std::vector<StoredRequest>> ListAtRisk(const std::string& org_id) override;
  absl::StatusOr<StoredProvision> GetProvision(const std::string& provision_id) override;
  absl::StatusOr<std::vector<StoredProvision>> ListProvisions(const std::string& event_id) override;
  absl::StatusOr<LeadTimes> GetLeadTimes(const std::string& org_id) override;
  absl::Status SetLeadTime(const std::string& org_id, const std::string& need, int days) override;
  absl::Status AppendAudit(const std::string& org_id, const events::v1::AuditEntry& entry) override;
  absl::StatusOr<AuditPage> ListAudit(const std::string& org_id, const std::string& page_token,
                                      int limit) override;
  absl::StatusOr<PublishedCounts> GetPublishedCounts(const std::string& event_id) override;
  absl::Status PublishCounts(const std::string& event_id, const PublishedCounts& next) override;
  absl::StatusOr<int> FireDueJobs(int64_t now_ms, int limit) override;

  // The domain events appended so far, oldest first.
  std::vector<events::v1::DomainEvent> Events() const;

 private:
  void Emit(const std::string& kind, const StoredRequest& s, events::v1::RequestStatus previous,
            int64_t now_ms);
  void ClearRisk(const std::string& request_id);

  mutable std::mutex mu_;
  std::map<std::string, EventFacts> facts_;
  std::map<std::string, StoredRequest> requests_;
  std::map<std::string, std::vector<std::string>> event_requests_;  // in creation order
  std::map<std::string, std::map<std::string, std::string>> by_registration_;
  // event -> registration -> every request id it ever had
  std::map<std::string, std::map<std::string, std::set<std::string>>> registration_requests_;
  std::map<std::string, StoredProvision> provisions_;
  std::map<std::string, std::vector<std::string>> event_provisions_;
  std::map<std::string, LeadTimes> lead_times_;
  std::map<std::string, std::vector<events::v1::AuditEntry>> audit_;
  std::map<std::string, int64_t> jobs_;
  std::map<std::string, PublishedCounts>
      published_counts_;  // by event  // "risk:<id>" / "purge:<event>" -> due
  std::vector<events::v1::DomainEvent> events_;
};

}  // namespace events::accessibility
