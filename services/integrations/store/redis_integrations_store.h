#pragma once

#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "services/integrations/store/integrations_store.h"

namespace events::integrations {

// IntegrationsStore on Redis. Organisation keys: "<prefix>int:{<org>}:..." (one hash slot
// per organisation); deliveries: "<prefix>{p<N>}:int:dlv:<id>", the due zset
// "<prefix>{p<N>}:int:due" and each organisation's dead letters in that partition
// "<prefix>{p<N>}:int:dead:<org>" (docs/integrations.md lists every key).
class RedisIntegrationsStore final : public IntegrationsStore {
 public:
  struct Options {
    int64_t keep_finished_ms = 7LL * 24 * 3600 * 1000;
    // A dead delivery (and its body) is kept this long unless replayed.
    int64_t keep_dead_ms = 30LL * 24 * 3600 * 1000;
    // Dead letters kept per organisation: each partition keeps its share (this divided by
    // the number of partitions, rounded up), dropping its oldest beyond that.
    int max_dead_letters = 10000;
    int log_length = 100;
  };
  RedisIntegrationsStore(events::redis::RedisClient& redis, const events::bus::Keyspace& keys,
                         Options options);

  absl::Status PutApiKey(const std::string& org_id, const events::v1::ApiKey& key,
                         const std::string& key_hash) override;
  absl::StatusOr<std::vector<events::v1::ApiKey>> ListApiKeys(const std::string& org_id) override;
  absl::StatusOr<std::pair<events::v1::ApiKey, std::string>> GetApiKey(
      const std::string& org_id, const std::string& key_id) override;

  absl::Status PutWebhook(const std::string& org_id, const StoredWebhook& webhook) override;
  absl::StatusOr<StoredWebhook> GetWebhook(const std::string& org_id,
                                           const std::string& webhook_id) override;
  absl::StatusOr<std::vector<StoredWebhook>> ListWebhooks(const std::string& org_id) override;
  absl::Status DeleteWebhook(const std::string& org_id, const std::string& webhook_id) override;
  absl::Status SetWebhookEnabled(const std::string& org_id, const std::string& webhook_id,
                                 bool enabled, const std::string& reason) override;

  absl::StatusOr<int> Enqueue(int partition, const std::vector<NewDelivery>& deliveries,
                              int64_t now_ms) override;
  absl::StatusOr<std::vector<ClaimedDelivery>> Claim(int64_t now_ms, int64_t lease_ms,
                                                     int limit) override;
  absl::StatusOr<bool> Record(const ClaimedDelivery& delivery, const TryResult& result) override;
  absl::StatusOr<std::vector<events::v1::DeliveryAttempt>> ListLog(const std::string& org_id,
                                                                   const std::string& webhook_id,
                                                                   int limit) override;
  absl::StatusOr<std::pair<std::vector<events::v1::DeadLetter>, int64_t>> ListDeadLetters(
      const std::string& org_id, int64_t offset, int limit) override;
  absl::Status Replay(const std::string& org_id, const std::string& delivery_id,
                      int64_t now_ms) override;

  absl::StatusOr<ContactOutcome> ApplyContact(const std::string& org_id,
                                              const ContactChange& change) override;
  absl::StatusOr<ContactsPage> Contacts(const std::string& org_id, int64_t after_cursor,
                                        int limit) override;
  absl::StatusOr<std::vector<std::string>> Suppress(const std::string& org_id,
                                                    const std::string& email_sha256) override;
  absl::Status ClearContact(const std::string& org_id, const std::string& email_sha256) override;

 private:
  // "<prefix>int:{<org>}:"
  std::string Org(const std::string& org_id) const;
  // "<prefix>{p<N>}:int:due" and "<prefix>{p<N>}:int:dlv:<id>"
  std::string Due(int partition) const;
  std::string Delivery(int partition, const std::string& delivery_id) const;
  // unsubscribe.lua's KEYS: the organisation's suppressions, the contact's keys, its feed.
  std::vector<std::string> ContactKeys(const std::string& org_id,
                                       const std::string& email_sha256) const;

  events::redis::RedisClient& redis_;
  const events::bus::Keyspace keys_;
  Options options_;
};

// The partition a delivery id ("<partition>/<message>/<webhook>") names; -1 when malformed.
int PartitionOfDelivery(const std::string& delivery_id);

}  // namespace events::integrations
