#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/bus/keyspace.h"
#include "common/redis/eval_queue.h"
#include "common/redis/msgpack.h"
#include "common/redis/redis_client.h"
#include "common/util/clock.h"
#include "services/registration/store/registration_store.h"

namespace events::registration {

// RegistrationStore on Redis; the data layout is described in lua/common.lua.
class RedisRegistrationStore final : public RegistrationStore {
 public:
  struct Options {
    int64_t stream_maxlen = 1000000;
    // Threads sending RegisterAsync's pipelines to Redis; 0 makes RegisterAsync call Register.
    int register_senders = 2;
    // The time of what UpsertFacts changes and emits (people a capacity rise promotes); the
    // system clock when null. Not owned.
    const events::Clock* clock = nullptr;
  };
  RedisRegistrationStore(events::redis::RedisClient& redis, const events::bus::Keyspace& keys,
                         Options options);

  // A group of one (RegisterGroup).
  absl::StatusOr<RegisterResult> Register(const NewRegistration& reg, int64_t now_ms) override;
  // Registers `regs`, all for one event, in one call of the register script, in order:
  // what RegisterAsync does with the registrations for one event that are queued together.
  // One answer per registration, in the same order; each is what Register would have
  // answered at that point. INVALID_ARGUMENT when they are not all for one event.
  absl::StatusOr<std::vector<absl::StatusOr<RegisterResult>>> RegisterGroup(
      const std::vector<NewRegistration>& regs, int64_t now_ms);
  // Queued and pipelined with other registrations (redis::EvalQueue); the ones for one
  // event that are queued together run as one register script call, in queue order. `done`
  // runs on a sender thread.
  void RegisterAsync(const NewRegistration& reg, int64_t now_ms, RegisterDone done) override;
  // Queued and pipelined like RegisterAsync, on a queue of its own.
  void ClaimIdempotencyKeyAsync(const std::string& idempotency_hash, const std::string& event_id,
                                int64_t deadline_unix_ms, ClaimDone done) override;
  absl::StatusOr<std::string> ClaimIdempotencyKey(const std::string& idempotency_hash,
                                                  const std::string& event_id) override;
  absl::StatusOr<std::optional<RegisterResult>> StoredAnswer(
      const std::string& event_id, const std::string& idempotency_hash,
      const std::string& fingerprint) override;
  absl::StatusOr<ChangeResult> Change(const std::string& event_id,
                                      const std::string& registration_id, ChangeAction action,
                                      const std::string& token_hash, const std::string& new_data,
                                      std::optional<bool> marketing, const ChangeBy& by,
                                      int64_t now_ms) override;
  absl::StatusOr<std::vector<events::v1::RegistrationHistoryEntry>> History(
      const std::string& registration_id) override;
  absl::StatusOr<SetLinkOutcome> SetLink(const std::string& registration_id,
                                         const std::string& expected_token_hash,
                                         const std::string& nonce,
                                         const std::string& token_hash) override;
  absl::Status UpsertFacts(const EventFacts& facts) override;
  absl::StatusOr<std::optional<EventFacts>> GetFacts(const std::string& event_id) override;
  absl::StatusOr<StoredSettings> GetSettings(const std::string& event_id) override;
  absl::StatusOr<int64_t> PutSettings(const events::v1::RegistrationSettings& settings,
                                      int64_t expected_version, int64_t now_ms) override;
  absl::Status ResendLink(const std::string& event_id, const std::string& email_normalised,
                          int64_t now_ms, const ResendLimits& limits) override;
  absl::StatusOr<StoredRegistration> Get(const std::string& registration_id) override;
  absl::StatusOr<std::string> FindByEmail(const std::string& event_id,
                                          const std::string& email_normalised) override;
  absl::StatusOr<RegistrationPage> List(const std::string& event_id,
                                        events::v1::RegistrationStatus status,
                                        const std::string& pool, int64_t after_sequence,
                                        int limit) override;
  absl::StatusOr<EventCounts> Counts(const std::string& event_id,
                                     const std::vector<std::string>& pools) override;

  // The register script (tools/register_ceiling runs it alone for scripts/bench).
  static const events::redis::LuaScript& RegisterScript();
  // "{p<N>}:rg:<event id>:" and "{p<N>}:rg:r:".
  std::string EventPrefix(const std::string& event_id) const;
  std::string RegistrationPrefix(const std::string& any_id) const;
  // The KEYS every script that changes an event starts with (lua/common.lua, K): facts,
  // settings, counts, emails, all, the partition stream.
  std::vector<std::string> EventKeys(const std::string& event_id) const;

 private:
  // The register script's arguments shared by every registration of an event (event id,
  // stream maxlen): RegisterCall puts them first, then the registration's record.
  static constexpr size_t kRegisterSharedArgs = 2;
  // A NewRegistration's deadline as the queue's (kNoDeadline for 0 or less).
  static events::redis::EvalQueue::Deadline QueueDeadline(int64_t deadline_unix_ms);
  // The register script's KEYS and ARGV for one registration (lua/register.lua).
  events::redis::ScriptCall RegisterCall(const NewRegistration& reg, int64_t now_ms) const;
  // The claim script's KEYS and ARGV (lua/claim.lua).
  events::redis::ScriptCall ClaimCall(const std::string& idempotency_hash,
                                      const std::string& event_id) const;
  // Runs the event script (lua/event.lua) with `record`: event, now and maxlen are added.
  absl::StatusOr<events::redis::ReplyPtr> EventScriptCall(const std::string& event_id,
                                                          int64_t now_ms,
                                                          events::redis::MsgpackMap record);

  events::redis::RedisClient& redis_;
  const events::bus::Keyspace& keys_;
  Options options_;

  std::unique_ptr<events::redis::EvalQueue> register_queue_;  // null when register_senders is 0
  std::unique_ptr<events::redis::EvalQueue> claim_queue_;     // likewise
};

}  // namespace events::registration
