#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "events/v1/domain_events.pb.h"
#include "services/registration/store/registration_store.h"

namespace events::registration {

// RegistrationStore in memory, for unit tests: the same outcomes, counters, waiting lists
// and domain events as the Lua scripts of RedisRegistrationStore (lua/*.lua are the
// reference; this class mirrors their data layout so the two answer alike).
//
// Thread-safe: one mutex makes every call atomic, as one script is on Redis. Never fails
// with UNAVAILABLE. Expiry of idempotency records (24 h) and rate-limit windows follows the
// callers' now_ms, not the wall clock.
class FakeRegistrationStore final : public RegistrationStore {
 public:
  FakeRegistrationStore();
  ~FakeRegistrationStore() override;
  FakeRegistrationStore(const FakeRegistrationStore&) = delete;
  FakeRegistrationStore& operator=(const FakeRegistrationStore&) = delete;

  absl::StatusOr<RegisterResult> Register(const NewRegistration& reg, int64_t now_ms) override;
  absl::StatusOr<std::string> ClaimIdempotencyKey(const std::string& idempotency_hash,
                                                  const std::string& event_id) override;
  absl::StatusOr<std::optional<RegisterResult>> StoredAnswer(
      const std::string& event_id, const std::string& idempotency_hash,
      const std::string& fingerprint) override;
  absl::StatusOr<ChangeResult> Change(const std::string& event_id,
                                      const std::string& registration_id, ChangeAction action,
                                      const std::string& token_hash, const std::string& new_data,
                                      std::optional<bool> marketing, int64_t now_ms) override;
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

  // The domain events the scripts would have appended to the stream, oldest first (never
  // trimmed): "registration.<kind>" with a RegistrationChanged payload, and
  // "registration.link_requested" with a RegistrationLinkRequested one.
  std::vector<events::v1::DomainEvent> Emitted() const;

 private:
  struct State;  // the Redis layout of lua/common.lua, in memory

  mutable std::mutex mu_;
  std::unique_ptr<State> state_;  // guarded by mu_
};

}  // namespace events::registration
