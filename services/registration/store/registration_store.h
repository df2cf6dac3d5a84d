#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "events/v1/registration.pb.h"
#include "services/registration/facts/event_facts.h"

namespace events::registration {

// A registration about to be made, checked and prepared by the domain.
struct NewRegistration {
  // id, event_id, name, email, organisation, participation, answers, companion, pool and
  // created time; status and counters are the store's.
  events::v1::Registration registration;
  std::string email_normalised;
  std::string token_hash;
  int places = 1;
  bool marketing_opt_in = false;
  // The settings version the request was validated against; a mismatch refuses it.
  int64_t settings_version = 0;
  // Idempotency: the hash of the client's key ("" for none), the request's fingerprint, and
  // the token encrypted under the key (so a replay can return it without storing it plain).
  std::string idempotency_hash;
  std::string fingerprint;
  std::string encrypted_token;
  // The caller's deadline (unix ms, 0: none): the register script refuses the registration
  // unwritten (kExpired) once Redis's clock has passed it, and a queued one is never sent.
  int64_t deadline_unix_ms = 0;
  // Rate limits, checked in the same atomic step ("" / 0: off).
  std::string client_address;
  int limit_per_address_per_minute = 0;
  int limit_per_event_per_second = 0;
};

enum class RegisterOutcome {
  kCreated,
  kExpired,
  kReplay,
  kRateLimitedAddress,
  kRateLimitedEvent,
  kIdempotencyMismatch,
  kNoFacts,
  kNotPublished,
  kNotOpen,
  kClosed,
  kSettingsChanged,
  kDuplicate,
};

struct RegisterResult {
  RegisterOutcome outcome = RegisterOutcome::kCreated;
  events::v1::RegistrationStatus status = events::v1::REGISTRATION_STATUS_UNSPECIFIED;
  int64_t sequence = 0;
  int32_t waitlist_position = 0;
  // kCreated and confirmed: the pool the place is in ("general" or a reserved pool); ""
  // otherwise, or when the store does not say.
  std::string seat;
  // kReplay: the original registration and its encrypted token.
  std::string replay_id;
  std::string replay_encrypted_token;
  // kNotPublished: the event status name; kNotOpen/kClosed: the instant (ms);
  // kSettingsChanged: the current version.
  std::string detail;
};

enum class ChangeAction { kCancel, kApprove, kReject, kUpdate, kAttend, kUnattend };

// Who makes a change, as the registration's history names them. The attendee (a change
// with their token) and the service's own promotions are named by the store itself.
struct ChangeBy {
  // REGISTRATION_ACTOR_PERSON or _API_KEY for an organiser's change.
  events::v1::RegistrationActor actor = events::v1::REGISTRATION_ACTOR_UNSPECIFIED;
  // The person's or API key's name.
  std::string name;
  // kCancel by an organiser: why ("" none); kept in the history and the domain event.
  std::string reason;
};

struct ChangeResult {
  // kEventEnded: an approval for an event that is cancelled or over (nobody is confirmed).
  enum class Outcome { kDone, kNotFound, kWrongStatus, kEventEnded } outcome = Outcome::kDone;
  events::v1::RegistrationStatus status = events::v1::REGISTRATION_STATUS_UNSPECIFIED;
  int promoted = 0;
};

struct StoredRegistration {
  events::v1::Registration registration;
  std::string token_hash;
  // The nonce the personal link token is derived from (rules/link_token.h); "" for a new
  // registration. link_derived is false for a registration made before links were derived
  // (no link_nonce stored): its token was random, and only its hash can check it.
  std::string link_nonce;
  bool link_derived = false;
  // Where the place is counted: a pool id, "general", or "" when there is none.
  std::string seat;
};

struct StoredSettings {
  events::v1::RegistrationSettings settings;  // defaults with version 0 when never set
};

struct EventCounts {
  int64_t taken_general = 0;
  std::vector<std::pair<std::string, int64_t>> taken_by_pool;
  std::vector<std::pair<std::string, int64_t>> waiting_by_pool;
  int64_t confirmed = 0, waitlisted = 0, pending = 0, cancelled = 0, rejected = 0;
};

// Adds one field of an event's "counts" hash (see lua/common.lua) to `counts`: taken:<seat>
// and n:<status>; other fields (seq) are ignored.
void AddCountsField(const std::string& field, int64_t value, EventCounts& counts);

struct RegistrationPage {
  std::vector<events::v1::Registration> registrations;
  // Where to continue: the creation sequence of the last row; 0 when there are no more.
  int64_t next_after_sequence = 0;
};

// Whether a listing filtered by `status` (UNSPECIFIED: any) and `pool` ("": any) shows `r`.
bool ListedAs(const events::v1::Registration& r, events::v1::RegistrationStatus status,
              const std::string& pool);

// Registrations, their places and waiting lists, and the projected event facts.
//
// Every change is one Lua script that also appends its domain events. Thread-safe, and
// safe with any number of processes. Errors: UNAVAILABLE when Redis is down.
class RegistrationStore : public FactsWriter {
 public:
  virtual absl::StatusOr<RegisterResult> Register(const NewRegistration& reg, int64_t now_ms) = 0;

  using RegisterDone = std::function<void(absl::StatusOr<RegisterResult>)>;
  // Register, answering through `done` instead of returning. A store that can, answers from
  // another thread without blocking the caller's (the Redis store with a queue); this one
  // calls Register and `done` on the caller's thread. `done` must not block.
  // `done` by value: the Redis store keeps it until the answer comes.
  // NOLINTNEXTLINE(performance-unnecessary-value-param)
  virtual void RegisterAsync(const NewRegistration& reg, int64_t now_ms, RegisterDone done) {
    done(Register(reg, now_ms));
  }

  // Idempotency keys belong to one request, whatever its event: ties the key (its hash) to
  // `event_id` for 24 hours unless it is tied to another event already, and returns the
  // event it is tied to (`event_id` when it was free or already this event's). Atomic.
  // UNAVAILABLE when Redis is down.
  virtual absl::StatusOr<std::string> ClaimIdempotencyKey(const std::string& idempotency_hash,
                                                          const std::string& event_id) = 0;
  using ClaimDone = std::function<void(absl::StatusOr<std::string>)>;
  // ClaimIdempotencyKey, answering through `done` (as RegisterAsync does), given up
  // (UNAVAILABLE) at the caller's deadline (unix ms, 0: none). `done` must not block.
  // This default answers at once, so it has no use for the deadline; `done` by value as in
  // RegisterAsync.
  virtual void ClaimIdempotencyKeyAsync(
      const std::string& idempotency_hash, const std::string& event_id,
      [[maybe_unused]] int64_t deadline_unix_ms,
      ClaimDone done) {  // NOLINT(performance-unnecessary-value-param)
    done(ClaimIdempotencyKey(idempotency_hash, event_id));
  }
  // The answer the register script would give a request with this key before anything
  // else: kReplay (the record's fingerprint is `fingerprint`) or kIdempotencyMismatch;
  // nullopt when the event has no record of the key.
  virtual absl::StatusOr<std::optional<RegisterResult>> StoredAnswer(
      const std::string& event_id, const std::string& idempotency_hash,
      const std::string& fingerprint) = 0;

  // Applies one change to a registration of `event_id`. token_hash "" means an organiser
  // acts (named by `by`); otherwise it must be the registration's. For kUpdate: new_data
  // ("" keeps) and marketing (nullopt keeps); a cancelled or rejected registration takes
  // only a withdrawal of consent (no new_data, marketing false), anything else is
  // kWrongStatus. Every change but kUpdate appends to the registration's history in the
  // same atomic step (and so does every promotion it causes).
  virtual absl::StatusOr<ChangeResult> Change(const std::string& event_id,
                                              const std::string& registration_id,
                                              ChangeAction action, const std::string& token_hash,
                                              const std::string& new_data,
                                              std::optional<bool> marketing, const ChangeBy& by,
                                              int64_t now_ms) = 0;

  // The registration's history, oldest first: its last 50 entries (lua/common.lua,
  // history). Empty for an unknown registration. UNAVAILABLE when Redis is down; DATA_LOSS
  // for an entry that cannot be read.
  virtual absl::StatusOr<std::vector<events::v1::RegistrationHistoryEntry>> History(
      const std::string& registration_id) = 0;

  // Sets a registration's link nonce and token hash together, only while its stored token
  // hash is still `expected_token_hash` (compare-and-set, so two rotations never interleave).
  // kConflict when it changed since it was read (read it again); kNotFound when there is no
  // such registration. Neither a change of the registration (its version stays) nor a
  // domain event.
  enum class SetLinkOutcome { kDone, kConflict, kNotFound };
  virtual absl::StatusOr<SetLinkOutcome> SetLink(const std::string& registration_id,
                                                 const std::string& expected_token_hash,
                                                 const std::string& nonce,
                                                 const std::string& token_hash) = 0;

  // nullopt when the event has no projected facts yet.
  virtual absl::StatusOr<std::optional<EventFacts>> GetFacts(const std::string& event_id) = 0;
  virtual absl::StatusOr<StoredSettings> GetSettings(const std::string& event_id) = 0;
  // Stores settings; ABORTED when expected_version is not 0 and not the stored version.
  // Returns the new version.
  virtual absl::StatusOr<int64_t> PutSettings(const events::v1::RegistrationSettings& settings,
                                              int64_t expected_version, int64_t now_ms) = 0;
  // Emits registration.link_requested when the e-mail is registered and neither limit
  // (per registration per hour, per event per hour; 0: off) is reached, counting the
  // request in the same atomic step. Says nothing either way: OK, or UNAVAILABLE.
  struct ResendLimits {
    int per_registration_per_hour = 3;
    int per_event_per_hour = 500;
  };
  virtual absl::Status ResendLink(const std::string& event_id, const std::string& email_normalised,
                                  int64_t now_ms, const ResendLimits& limits) = 0;

  // NOT_FOUND when unknown.
  virtual absl::StatusOr<StoredRegistration> Get(const std::string& registration_id) = 0;
  // "" when no registration of the event has this e-mail.
  virtual absl::StatusOr<std::string> FindByEmail(const std::string& event_id,
                                                  const std::string& email_normalised) = 0;
  // In creation order (an order that never changes, so a registration that changes status
  // or queue place during a listing is neither skipped nor repeated), after the creation
  // sequence `after_sequence`; status UNSPECIFIED and pool "" mean all, and are checked as
  // each row is read. Waitlisted registrations carry their waiting-list positions, as Get
  // gives them.
  virtual absl::StatusOr<RegistrationPage> List(const std::string& event_id,
                                                events::v1::RegistrationStatus status,
                                                const std::string& pool, int64_t after_sequence,
                                                int limit) = 0;
  // Counts of the event, with the waiting list of "general" and of each pool listed.
  virtual absl::StatusOr<EventCounts> Counts(const std::string& event_id,
                                             const std::vector<std::string>& pools) = 0;
};

}  // namespace events::registration
