#pragma once

#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "services/accessibility/store/accessibility_store.h"

namespace events::accessibility {

// AccessibilityStore on Redis; the data layout is described in lua/common.lua. The lead
// times (hash "acc:org:<org>:leadtimes") and the audit log (stream "acc:org:<org>:audit")
// are per organisation, outside the partitions.
class RedisAccessibilityStore final : public AccessibilityStore {
 public:
  struct Options {
    int64_t stream_maxlen = 1000000;
    // The most entries an organisation's audit log holds (ACCESSIBILITY_AUDIT_MAX_ENTRIES).
    // Nothing is ever trimmed: at the maximum, AppendAudit is refused (so is every read it
    // would record) until an operator archives and trims the log.
    int64_t audit_max_entries = 10000000;
  };
  RedisAccessibilityStore(events::redis::RedisClient& redis, const events::bus::Keyspace& keys,
                          Options options);

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
  absl::StatusOr<int> FireDueJobs(int partition, int64_t now_ms, int limit) override;
  absl::StatusOr<std::map<std::string, RiskCounts>> CountRisk(int64_t now_ms) override;
  int partitions() const override;

  // "<prefix>{p<N>}:acc:" for any id of an event (the event's, a request's, a provision's).
  std::string PartitionPrefix(const std::string& any_id) const;

 private:
  // "<prefix>{p<N>}:acc:e:<event>:counts": hash v (version), at (published ms), and
  // r:<request id> -> fingerprint (rules/count_publication.h) per published request.
  std::string CountsKey(const std::string& event_id) const;
  absl::StatusOr<std::vector<StoredRequest>> LoadRequests(const std::string& prefix,
                                                          const std::vector<std::string>& ids);

  events::redis::RedisClient& redis_;
  const events::bus::Keyspace& keys_;
  Options options_;
};

}  // namespace events::accessibility
