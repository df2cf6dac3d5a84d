#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "common/util/mutex.h"
#include "events/v1/registration.pb.h"
#include "services/registration/facts/event_facts.h"
#include "services/registration/store/registration_store.h"

namespace events {
class Clock;
class IdGenerator;
class ThreadPool;
}  // namespace events

namespace events::registration {

struct RegistrarOptions {
  // Registrations per client address per event per minute; 0 turns the limit off.
  int limit_per_address_per_minute = 30;
  // Registrations per event per second, across all replicas; 0 turns the limit off.
  int limit_per_event_per_second = 300;
  // How long a replica trusts its copy of an event's settings. Register checks the version
  // in Redis anyway, so a stale copy costs a retry, never a wrong answer.
  std::chrono::milliseconds settings_cache_ttl{2000};
  int default_page_size = 25;
  int max_page_size = 100;
  int max_attendance_marks = 5000;
  // Registers waiting for a slow thread (RegisterAsync's rare paths); more are refused with
  // RESOURCE_EXHAUSTED rather than queued behind a Redis or scheduling that hangs.
  int max_slow_waiting = 256;
  // ResendLink: links sent per registration per hour, and per event per hour (0: off).
  RegistrationStore::ResendLimits resend;
  // REGISTRATION_LINK_SECRET: personal link tokens are derived from it (rules/link_token.h),
  // so every replica must have the same one. "" (tests) makes the Registrar pick a random
  // one of its own: links it issues then match no other Registrar's.
  std::string link_secret;
};

// The longest reason an organiser may give for cancelling a registration (characters).
inline constexpr size_t kMaxCancelReasonChars = 500;

struct Registered {
  events::v1::Registration registration;
  std::string token;
};

// The registration rules: who gets a place, who waits, who decides. Knows no gRPC or Redis.
// `org_id` is the authenticated organiser's organisation; it must own the event.
//
// Errors: INVALID_ARGUMENT (bad input, naming the field), NOT_FOUND (unknown event or
// registration, another organisation's event, a token that matches nothing),
// ALREADY_EXISTS (the e-mail is registered), FAILED_PRECONDITION (the event is not open, a
// change the status does not allow), RESOURCE_EXHAUSTED (rate limits), ABORTED (a stale
// settings version), UNAVAILABLE (Redis or scheduling unreachable). Thread-safe.
class Registrar {
 public:
  Registrar(RegistrationStore& store, EventDirectory& directory, const Clock& clock,
            const IdGenerator& ids, RegistrarOptions options);

  // The caller's deadline, honoured end to end: no registration is written once it has
  // passed (the store checks it against Redis's clock in the same atomic step), and the
  // answer comes before it: UNAVAILABLE when Redis did not answer in time (the outcome may
  // be unknown: retry with the same idempotency key), RESOURCE_EXHAUSTED when too many
  // calls wait already, DEADLINE_EXCEEDED when the store refused it unwritten.
  using Deadline = std::chrono::system_clock::time_point;
  static constexpr Deadline kNoDeadline = Deadline::max();

  absl::StatusOr<Registered> Register(const events::v1::RegisterRequest& request,
                                      const std::string& client_address,
                                      Deadline deadline = kNoDeadline);
  using RegisterDone = std::function<void(absl::StatusOr<Registered>)>;
  // Register without holding the calling thread while Redis works: the usual call (settings
  // cached, event open) goes through RegistrationStore::RegisterAsync and `done` runs on
  // the store's thread; anything else (a replay, facts or settings to fetch) runs the
  // blocking Register on a `slow` thread. `done` runs exactly once, possibly before this
  // returns; `request` and `slow` must stay valid until it has run.
  void RegisterAsync(const events::v1::RegisterRequest& request, const std::string& client_address,
                     ThreadPool& slow, const RegisterDone& done, Deadline deadline = kNoDeadline);
  absl::Status ResendLink(const std::string& event_id, const std::string& email);
  absl::StatusOr<events::v1::RegistrationSettings> Form(const std::string& event_id);

  absl::StatusOr<events::v1::Registration> GetMine(const std::string& token);
  absl::StatusOr<events::v1::Registration> UpdateMine(
      const events::v1::UpdateMyRegistrationRequest& request);
  absl::StatusOr<events::v1::Registration> CancelMine(const std::string& token);

  absl::StatusOr<events::v1::RegistrationSettings> Configure(
      const std::string& org_id, const events::v1::RegistrationSettings& settings,
      int64_t expected_version) ABSL_LOCKS_EXCLUDED(cache_mu_);
  absl::StatusOr<events::v1::ListRegistrationsResponse> List(
      const std::string& org_id, const events::v1::ListRegistrationsRequest& request);
  // One registration of the organisation's event, as List gives it, with its history;
  // NOT_FOUND when the event is not the organisation's or the registration is not the
  // event's.
  absl::StatusOr<events::v1::Registration> GetOne(const std::string& org_id,
                                                  const std::string& event_id,
                                                  const std::string& registration_id);
  absl::StatusOr<events::v1::CapacitySummary> Capacity(const std::string& org_id,
                                                       const std::string& event_id);
  // Public: places left in all and per pool (counts only). NOT_FOUND for a draft.
  absl::StatusOr<events::v1::Availability> Availability(const std::string& event_id);
  // `authorization` is the organiser's own header, passed on to scheduling.
  absl::StatusOr<events::v1::CapacitySummary> ChangeCapacity(const std::string& org_id,
                                                             const std::string& event_id,
                                                             int32_t capacity,
                                                             const std::string& authorization);
  // The organisers' changes. `by` names who makes them in the registration's history (a
  // person or an API key, with its name); for CancelByOrganiser its `reason` is checked
  // (kMaxCancelReasonChars, several lines allowed; INVALID_ARGUMENT naming reason), kept in
  // the history and put on the registration.cancelled domain event.
  absl::StatusOr<events::v1::Registration> Decide(const std::string& org_id,
                                                  const std::string& event_id,
                                                  const std::string& registration_id, bool approve,
                                                  const ChangeBy& by);
  absl::StatusOr<events::v1::Registration> CancelByOrganiser(const std::string& org_id,
                                                             const std::string& event_id,
                                                             const std::string& registration_id,
                                                             const ChangeBy& by);
  absl::StatusOr<events::v1::MarkAttendanceResponse> MarkAttendance(
      const std::string& org_id, const events::v1::MarkAttendanceRequest& request,
      const ChangeBy& by);
  absl::StatusOr<events::v1::MarkAttendanceResponse> ImportAttendance(const std::string& org_id,
                                                                      const std::string& event_id,
                                                                      const std::string& csv,
                                                                      const ChangeBy& by);
  absl::StatusOr<events::v1::ExportFile> Export(const std::string& org_id,
                                                const std::string& event_id);

  // For the platform's own services (integrations' contact sync): one registration with
  // its name, e-mail and consent, and withdrawing its marketing consent (an unsubscribe;
  // emits registration.updated). INVALID_ARGUMENT for a malformed id, NOT_FOUND for an
  // unknown one, FAILED_PRECONDITION for a cancelled or rejected registration.
  absl::StatusOr<events::v1::Registration> Lookup(const std::string& registration_id);
  absl::StatusOr<events::v1::Registration> WithdrawMarketing(const std::string& registration_id);
  // For the notifications service: the registration's personal link token, derived from
  // the link secret (rules/link_token.h), and the attendee's own view of it (as GetMine),
  // whatever its status. `rotation_id` "" gives the link of the stored nonce; another one
  // makes it the nonce (the old link stops working), unless it is the stored nonce already
  // (the same link again). A stored token hash that is not the derived token's (a token
  // made before links were derived, or under another secret) is replaced by it, so the
  // link returned always works. INVALID_ARGUMENT for a malformed id or rotation_id,
  // NOT_FOUND for an unknown id, ABORTED when other rotations kept winning the race.
  absl::StatusOr<Registered> IssueLink(const std::string& registration_id,
                                       const std::string& rotation_id);

 private:
  // The event's facts from the projection, fetched from scheduling when missing.
  absl::StatusOr<EventFacts> Facts(const std::string& event_id);
  // Facts of an event the public may see: NOT_FOUND for a draft (after asking scheduling,
  // whose publication the projection may not have seen yet).
  absl::StatusOr<EventFacts> PublicFacts(const std::string& event_id);
  // Capacity, places and counts per pool of an event with these settings.
  absl::StatusOr<events::v1::CapacitySummary> Summarise(
      const std::string& event_id, const EventFacts& facts,
      const events::v1::RegistrationSettings& settings);
  // NOT_FOUND unless `org_id` owns the event.
  absl::StatusOr<EventFacts> OwnedFacts(const std::string& org_id, const std::string& event_id);
  absl::StatusOr<events::v1::RegistrationSettings> Settings(const std::string& event_id,
                                                            bool refresh)
      ABSL_LOCKS_EXCLUDED(cache_mu_);
  // The cached settings while fresh, without going to Redis.
  std::optional<events::v1::RegistrationSettings> FreshSettings(const std::string& event_id)
      ABSL_LOCKS_EXCLUDED(cache_mu_);

  // A registration ready for the store: checked against `settings`, with its id and token.
  struct Prepared {
    NewRegistration reg;
    std::string token;
    int64_t now = 0;
  };
  absl::StatusOr<Prepared> Prepare(const events::v1::RegisterRequest& request,
                                   const events::v1::RegistrationSettings& settings,
                                   const std::string& client_address, Deadline deadline);
  // The answer for a registration the store created.
  static Registered Created(Prepared prepared, const RegisterResult& result);
  // RegisterAsync once the idempotency key (if any) is claimed for the event.
  void RegisterClaimed(const events::v1::RegisterRequest& request,
                       const std::string& client_address, ThreadPool& slow,
                       const RegisterDone& done, Deadline deadline);
  // Runs `task` on `slow` unless max_slow_waiting tasks wait already (then `done` gets
  // RESOURCE_EXHAUSTED) or `deadline` has passed when its turn comes (UNAVAILABLE).
  void PostSlow(ThreadPool& slow, Deadline deadline, const RegisterDone& done,
                std::function<void()> task);
  // INVALID_ARGUMENT unless the idempotency key is `claimed` for `event_id`.
  static absl::Status KeyClaimedFor(const std::string& event_id, const std::string& claimed);
  // For a request refused as `refused` before reaching the store: when it is an input
  // refusal and the key's record is there, the stored answer (OK and `answer` set: a replay)
  // or the mismatch refusal; otherwise `refused`.
  absl::Status StoredAnswerOr(const events::v1::RegisterRequest& request, absl::Status refused,
                              absl::StatusOr<Registered>* answer);
  // The error for outcomes that end the call whatever is retried; nullopt for the others.
  static std::optional<absl::Status> FinalRefusal(RegisterOutcome outcome);
  // The registration a token opens, or NOT_FOUND.
  absl::StatusOr<StoredRegistration> ByToken(const std::string& token);
  // What the attendee sees of their registration: with the event's join link while
  // confirmed (when scheduling answers).
  events::v1::Registration ForAttendee(events::v1::Registration r);
  absl::StatusOr<events::v1::Registration> Changed(
      const std::string& event_id, const std::string& registration_id, ChangeAction action,
      const std::string& token_hash, const std::string& new_data, std::optional<bool> marketing,
      const ChangeBy& by);
  // Asks scheduling and writes the answer into the projection (unless it has newer).
  // NOT_FOUND when scheduling has no such event.
  absl::StatusOr<EventFacts> FetchFacts(const std::string& event_id);
  // Re-reads the facts from scheduling into the projection (unless it has newer ones); a
  // scheduling that cannot be reached leaves the projection as it is.
  absl::Status RefreshFacts(const std::string& event_id);
  // FAILED_PRECONDITION saying why the event takes no registrations now.
  static absl::Status Refusal(const RegisterResult& result, const std::string& event_id);
  absl::StatusOr<Registered> Replay(const RegisterResult& result,
                                    const std::string& idempotency_key);

  RegistrationStore& store_;
  EventDirectory& directory_;
  const Clock& clock_;
  const IdGenerator& ids_;
  RegistrarOptions options_;

  struct CachedSettings {
    events::v1::RegistrationSettings settings;
    std::chrono::steady_clock::time_point fetched;
  };
  std::atomic<int> slow_waiting_{0};
  Mutex cache_mu_;
  std::map<std::string, CachedSettings> settings_cache_ ABSL_GUARDED_BY(cache_mu_);
};

// "rg_<event core>-<26 characters>": in the event's Redis partition.
bool IsRegistrationId(absl::string_view id);

// True for a RESOURCE_EXHAUSTED that Register answered because the service itself had too much
// work waiting (max_slow_waiting), not because a rate limit said no: the metrics count the
// first as a server-side error and the second as a refusal.
bool IsOverloaded(const absl::Status& status);

}  // namespace events::registration
