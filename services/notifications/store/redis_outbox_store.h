#pragma once

#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "services/notifications/store/outbox_store.h"

namespace events::notifications {

// The partition of a mail id ("<partition>.<hex>"), or -1 when it is not one.
int PartitionOfMail(const std::string& mail_id);
// A mail id in `partition`, the same for the same inputs: the dedupe key of one e-mail.
std::string MailId(int partition, const std::string& cause_event_id,
                   const std::string& template_name, const std::string& recipient_key);

// OutboxStore on Redis. Mail lives in the partition of its event: "<P>nt:mail:<id>" (a
// hash), "<P>nt:due" (zset id -> due ms), "<P>nt:dead:<org>" and "<P>nt:log:<org>" (zsets
// id -> ms), P = "<prefix>{p<N>}:". Outside the partitions: "<prefix>nt:org:<org>" (sender
// settings), "<prefix>nt:bad:<sha256 of the address>" (undeliverable), and the send
// counters "<prefix>nt:rate:r:<sha256>:<window>" and "<prefix>nt:rate:o:<org>:<window>".
class RedisOutboxStore final : public OutboxStore {
 public:
  struct Options {
    // A finished mail is kept this long (its id answers a late redelivery of its event).
    int64_t keep_finished_ms = 14LL * 24 * 3600 * 1000;
    // Entries on each organisation's outbox log, per partition.
    int log_length = 500;
    int64_t keep_undeliverable_ms = 365LL * 24 * 3600 * 1000;
  };
  RedisOutboxStore(events::redis::RedisClient& redis, const events::bus::Keyspace& keys,
                   Options options);

  absl::StatusOr<int> Enqueue(int partition, const std::string& org_id,
                              const std::vector<NewMail>& mail, int64_t now_ms) override;
  absl::StatusOr<std::vector<ClaimedMail>> Claim(int64_t now_ms, int64_t lease_ms,
                                                 int limit) override;
  absl::StatusOr<bool> Record(const ClaimedMail& mail, const MailResult& result,
                              int64_t now_ms) override;
  absl::StatusOr<std::vector<events::v1::OutboxMail>> ListOutbox(
      const std::string& org_id, int limit, events::v1::MailState state) override;
  absl::StatusOr<int> Replay(const std::string& org_id, const std::string& mail_id,
                             int64_t now_ms) override;
  absl::StatusOr<events::v1::SenderSettings> GetSettings(const std::string& org_id) override;
  absl::StatusOr<events::v1::SenderSettings> PutSettings(const std::string& org_id,
                                                         const events::v1::SenderSettings& settings,
                                                         int64_t expected_version,
                                                         int64_t now_ms) override;
  absl::StatusOr<LimitVerdict> CountSend(const std::string& org_id, const std::string& address,
                                         const Limits& limits, int64_t now_ms) override;
  absl::StatusOr<std::optional<std::string>> Undeliverable(const std::string& address) override;
  absl::Status MarkUndeliverable(const std::string& address, const std::string& reason) override;

 private:
  std::string Mail(int partition, const std::string& id) const;
  std::string Due(int partition) const;
  std::string Dead(int partition, const std::string& org_id) const;
  std::string Log(int partition, const std::string& org_id) const;
  std::string Bad(const std::string& address) const;

  events::redis::RedisClient& redis_;
  const events::bus::Keyspace& keys_;
  Options options_;
};

}  // namespace events::notifications
