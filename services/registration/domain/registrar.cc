#include "services/registration/domain/registrar.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/bus/keyspace.h"
#include "common/time/local_time.h"
#include "common/util/aead.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "common/util/status_macros.h"
#include "common/util/text_rules.h"
#include "common/util/thread_pool.h"
#include "services/registration/rules/link_token.h"
#include "services/registration/rules/registration_rules.h"

namespace events::registration {

using events::v1::Registration;

namespace {

constexpr int kMaxAttempts = 3;

std::string WhenText(const std::string& unix_ms) {
  int64_t ms = 0;
  (void)absl::SimpleAtoi(unix_ms, &ms);
  return time::FormatRfc3339(ms, "UTC");
}

std::string StatusWord(absl::string_view event_status) {
  if (event_status == "EVENT_STATUS_DRAFT") return "not published yet";
  if (event_status == "EVENT_STATUS_CANCELLED") return "cancelled";
  if (event_status == "EVENT_STATUS_COMPLETED") return "over";
  return "not open";
}

// A deadline as the store takes it: unix ms, 0 for none.
int64_t UnixMs(Registrar::Deadline deadline) {
  if (deadline == Registrar::kNoDeadline) return 0;
  return std::max<int64_t>(
      1,
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline.time_since_epoch()).count());
}

std::string TokenKey(const std::string& idempotency_key) {
  return Sha256Raw(absl::StrCat("events-idempotency:", idempotency_key));
}

// The payload that marks an overload refusal (IsOverloaded).
constexpr char kOverloadPayload[] = "type.events/registration.overloaded";

}  // namespace

bool IsOverloaded(const absl::Status& status) {
  return absl::IsResourceExhausted(status) && status.GetPayload(kOverloadPayload).has_value();
}

bool IsRegistrationId(absl::string_view id) {
  if (id.size() < 6 || id.size() > 80 || id.substr(0, 3) != "rg_") return false;
  const size_t dash = id.find('-');
  if (dash == absl::string_view::npos || dash < 4 || id.size() - dash - 1 != 26) return false;
  for (char c : id.substr(3)) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

Registrar::Registrar(RegistrationStore& store, EventDirectory& directory, const Clock& clock,
                     const IdGenerator& ids, RegistrarOptions options)
    : store_(store), directory_(directory), clock_(clock), ids_(ids), options_(std::move(options)) {
  if (options_.link_secret.empty()) options_.link_secret = RandomToken(32);
}

absl::StatusOr<EventFacts> Registrar::Facts(const std::string& event_id) {
  EVENTS_RETURN_IF_ERROR(ValidateEventId(event_id));
  EVENTS_ASSIGN_OR_RETURN(std::optional<EventFacts> stored, store_.GetFacts(event_id));
  if (stored.has_value()) return *stored;
  return FetchFacts(event_id);
}

absl::StatusOr<EventFacts> Registrar::FetchFacts(const std::string& event_id) {
  absl::StatusOr<EventFacts> fetched = directory_.Fetch(event_id);
  if (absl::IsNotFound(fetched.status())) {
    return absl::NotFoundError(absl::StrCat("event ", event_id, " not found"));
  }
  if (!fetched.ok()) return fetched.status();
  // Stored unless the projection has as new or newer already.
  EVENTS_RETURN_IF_ERROR(store_.UpsertFacts(*fetched));
  return fetched;
}

absl::StatusOr<EventFacts> Registrar::OwnedFacts(const std::string& org_id,
                                                 const std::string& event_id) {
  absl::StatusOr<EventFacts> facts = Facts(event_id);
  if ((facts.ok() && facts->org_id != org_id) || absl::IsNotFound(facts.status())) {
    return absl::NotFoundError(absl::StrCat("event ", event_id, " not found in your organisation"));
  }
  return facts;
}

std::optional<events::v1::RegistrationSettings> Registrar::FreshSettings(
    const std::string& event_id) {
  MutexLock lock(&cache_mu_);
  auto it = settings_cache_.find(event_id);
  if (it == settings_cache_.end() ||
      std::chrono::steady_clock::now() - it->second.fetched >= options_.settings_cache_ttl) {
    return std::nullopt;
  }
  return it->second.settings;
}

absl::StatusOr<events::v1::RegistrationSettings> Registrar::Settings(const std::string& event_id,
                                                                     bool refresh) {
  const auto now = std::chrono::steady_clock::now();
  if (!refresh) {
    MutexLock lock(&cache_mu_);
    auto it = settings_cache_.find(event_id);
    if (it != settings_cache_.end() && now - it->second.fetched < options_.settings_cache_ttl) {
      return it->second.settings;
    }
  }
  EVENTS_ASSIGN_OR_RETURN(StoredSettings stored, store_.GetSettings(event_id));
  MutexLock lock(&cache_mu_);
  if (settings_cache_.size() > 10000) settings_cache_.clear();  // bounded memory
  settings_cache_[event_id] = {stored.settings, now};
  return stored.settings;
}

absl::StatusOr<Registrar::Prepared> Registrar::Prepare(
    const events::v1::RegisterRequest& request, const events::v1::RegistrationSettings& settings,
    const std::string& client_address, Deadline deadline) {
  EVENTS_RETURN_IF_ERROR(ValidateRegisterRequest(request, settings));
  Prepared p;
  p.now = clock_.NowUnixMs();
  NewRegistration& reg = p.reg;
  Registration& r = reg.registration;
  const std::string core(bus::PartitionKeyOf(request.event_id()));
  r.set_id(absl::StrCat("rg_", core, "-", ids_.New("x").substr(2)));
  r.set_event_id(request.event_id());
  r.set_name(std::string(absl::StripAsciiWhitespace(request.name())));
  r.set_email(std::string(absl::StripAsciiWhitespace(request.email())));
  r.set_organisation(request.organisation());
  r.set_participation(request.participation());
  *r.mutable_answers() = request.answers();
  r.set_companion(request.companion());
  r.set_pool(PoolOf(request));
  r.set_created_unix_ms(p.now);
  // Derived, not random, so IssueLink can give it again later without Redis keeping it.
  p.token = DeriveLinkToken(options_.link_secret, r.id(), "");
  reg.email_normalised = NormaliseEmail(request.email());
  reg.token_hash = Sha256Hex(p.token);
  reg.places = request.companion() ? 2 : 1;
  reg.marketing_opt_in = request.marketing_opt_in();
  reg.settings_version = settings.version();
  if (!request.idempotency_key().empty()) {
    reg.idempotency_hash = Sha256Hex(request.idempotency_key());
    reg.fingerprint = RequestFingerprint(request);
    EVENTS_ASSIGN_OR_RETURN(reg.encrypted_token,
                            Seal(TokenKey(request.idempotency_key()), p.token));
  }
  reg.deadline_unix_ms = UnixMs(deadline);
  reg.client_address = client_address;
  reg.limit_per_address_per_minute = options_.limit_per_address_per_minute;
  reg.limit_per_event_per_second = options_.limit_per_event_per_second;
  return p;
}

Registered Registrar::Created(Prepared prepared, const RegisterResult& result) {
  Registration& r = prepared.reg.registration;
  r.set_status(result.status);
  r.set_sequence(result.sequence);
  r.set_waitlist_position(result.waitlist_position);
  // The pool the place is in: a reserved pool's member may hold a general place.
  if (!result.seat.empty()) r.set_pool(result.seat);
  r.set_marketing_opt_in(prepared.reg.marketing_opt_in);
  r.set_version(1);
  r.set_updated_unix_ms(prepared.now);
  return Registered{std::move(r), std::move(prepared.token)};
}

std::optional<absl::Status> Registrar::FinalRefusal(RegisterOutcome outcome) {
  switch (outcome) {
    case RegisterOutcome::kExpired:
      return absl::DeadlineExceededError(
          "the deadline passed before Redis could take this registration; it was not made. "
          "Try again");
    case RegisterOutcome::kRateLimitedAddress:
      return absl::ResourceExhaustedError(
          "too many registrations from your address for this event; wait a minute and try "
          "again");
    case RegisterOutcome::kRateLimitedEvent:
      return absl::ResourceExhaustedError(
          "this event is taking more registrations than it can handle this second; try again "
          "in a few seconds");
    case RegisterOutcome::kIdempotencyMismatch:
      return absl::InvalidArgumentError(
          "idempotency_key was already used for a different request; use a new key for a new "
          "request");
    case RegisterOutcome::kDuplicate:
      return absl::AlreadyExistsError(
          "this e-mail address is already registered for this event; to get your link "
          "again, use ResendLink with the same address");
    default:
      return std::nullopt;
  }
}

absl::Status Registrar::KeyClaimedFor(const std::string& event_id, const std::string& claimed) {
  if (claimed == event_id) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "idempotency_key was already used for a request for another event; use a new key for "
      "a new request");
}

absl::Status Registrar::StoredAnswerOr(const events::v1::RegisterRequest& request,
                                       absl::Status refused, absl::StatusOr<Registered>* answer) {
  // A retry of a request made before the form (or a rule) changed: the stored answer wins
  // over checks the original passed. Only input refusals, and only with a usable key.
  const std::string& key = request.idempotency_key();
  if (!absl::IsInvalidArgument(refused) || key.empty() || !IsIdempotencyKey(key)) return refused;
  absl::StatusOr<std::optional<RegisterResult>> stored =
      store_.StoredAnswer(request.event_id(), Sha256Hex(key), RequestFingerprint(request));
  if (!stored.ok() || !stored->has_value()) return refused;
  if ((*stored)->outcome != RegisterOutcome::kReplay) {
    return *FinalRefusal(RegisterOutcome::kIdempotencyMismatch);
  }
  *answer = Replay(**stored, key);
  return absl::OkStatus();
}

absl::StatusOr<Registered> Registrar::Register(const events::v1::RegisterRequest& request,
                                               const std::string& client_address,
                                               Deadline deadline) {
  EVENTS_RETURN_IF_ERROR(ValidateEventId(request.event_id()));
  const std::string& key = request.idempotency_key();
  if (!key.empty() && IsIdempotencyKey(key)) {
    EVENTS_ASSIGN_OR_RETURN(std::string claimed,
                            store_.ClaimIdempotencyKey(Sha256Hex(key), request.event_id()));
    EVENTS_RETURN_IF_ERROR(KeyClaimedFor(request.event_id(), claimed));
  }
  bool refresh = false;
  bool fetched_facts = false;
  for (int attempt = 1;; ++attempt) {
    EVENTS_ASSIGN_OR_RETURN(events::v1::RegistrationSettings settings,
                            Settings(request.event_id(), refresh));
    absl::StatusOr<Prepared> prepared_or = Prepare(request, settings, client_address, deadline);
    if (!prepared_or.ok()) {
      absl::StatusOr<Registered> replayed;
      EVENTS_RETURN_IF_ERROR(StoredAnswerOr(request, prepared_or.status(), &replayed));
      return replayed;
    }
    Prepared prepared = *std::move(prepared_or);
    EVENTS_ASSIGN_OR_RETURN(RegisterResult result, store_.Register(prepared.reg, prepared.now));
    if (std::optional<absl::Status> refused = FinalRefusal(result.outcome)) return *refused;
    switch (result.outcome) {
      case RegisterOutcome::kCreated:
        return Created(std::move(prepared), result);
      case RegisterOutcome::kReplay:
        return Replay(result, request.idempotency_key());
      case RegisterOutcome::kNoFacts: {
        if (fetched_facts || attempt >= kMaxAttempts) {
          return absl::UnavailableError("the event's details are not available yet; try again");
        }
        fetched_facts = true;
        // Straight from scheduling: the projection may have been written meanwhile, older.
        EVENTS_RETURN_IF_ERROR(FetchFacts(request.event_id()).status());
        continue;
      }
      case RegisterOutcome::kNotPublished:
      case RegisterOutcome::kNotOpen:
      case RegisterOutcome::kClosed:
        // The projection may trail scheduling by a moment (e.g. just after publishing):
        // before refusing, ask scheduling itself once.
        // Another request may have refreshed them meanwhile, so try once more either way.
        if (!fetched_facts && attempt < kMaxAttempts) {
          fetched_facts = true;
          EVENTS_RETURN_IF_ERROR(RefreshFacts(request.event_id()));
          continue;
        }
        return Refusal(result, request.event_id());
      case RegisterOutcome::kSettingsChanged:
        if (attempt >= kMaxAttempts) {
          return absl::AbortedError("the event's registration form changed; try again");
        }
        refresh = true;
        continue;
      default:
        return absl::InternalError("unexpected outcome from the registration store");
    }
  }
}

void Registrar::PostSlow(ThreadPool& slow, Deadline deadline, const RegisterDone& done,
                         std::function<void()> task) {
  if (slow_waiting_.fetch_add(1) >= options_.max_slow_waiting) {
    --slow_waiting_;
    absl::Status overloaded = absl::ResourceExhaustedError(
        "too many registrations are waiting for the service's slow path; nothing was written. "
        "Try again in a moment");
    overloaded.SetPayload(kOverloadPayload, absl::Cord("1"));
    return done(overloaded);
  }
  slow.Post([this, deadline, done, task = std::move(task)] {
    --slow_waiting_;
    if (deadline != kNoDeadline && std::chrono::system_clock::now() >= deadline) {
      return done(absl::UnavailableError(
          "the deadline passed while this registration waited; nothing was written. Try "
          "again"));
    }
    task();
  });
}

void Registrar::RegisterAsync(const events::v1::RegisterRequest& request,
                              const std::string& client_address, ThreadPool& slow,
                              const RegisterDone& done, Deadline deadline) {
  if (absl::Status s = ValidateEventId(request.event_id()); !s.ok()) return done(s);
  const std::string& key = request.idempotency_key();
  if (key.empty() || !IsIdempotencyKey(key)) {
    return RegisterClaimed(request, client_address, slow, done, deadline);
  }
  // The key first (its own queue, no thread waits), then the registration.
  store_.ClaimIdempotencyKeyAsync(
      Sha256Hex(key), request.event_id(), UnixMs(deadline),
      [this, &request, client_address, &slow, done, deadline](absl::StatusOr<std::string> claimed) {
        if (!claimed.ok()) return done(claimed.status());
        if (absl::Status s = KeyClaimedFor(request.event_id(), *claimed); !s.ok()) return done(s);
        RegisterClaimed(request, client_address, slow, done, deadline);
      });
}

void Registrar::RegisterClaimed(const events::v1::RegisterRequest& request,
                                const std::string& client_address, ThreadPool& slow,
                                const RegisterDone& done, Deadline deadline) {
  // Anything but the usual path runs the blocking Register on `slow`; `request` stays
  // valid until `done` has run, so it can be read there.
  auto blocking = [this, &request, client_address, &slow, done, deadline]() {
    PostSlow(slow, deadline, done, [this, &request, client_address, done, deadline] {
      done(Register(request, client_address, deadline));
    });
  };
  std::optional<events::v1::RegistrationSettings> settings = FreshSettings(request.event_id());
  if (!settings.has_value()) return blocking();
  absl::StatusOr<Prepared> prepared = Prepare(request, *settings, client_address, deadline);
  if (!prepared.ok()) {
    // A retry may have a stored answer that wins (StoredAnswerOr): a round trip, so there.
    if (!request.idempotency_key().empty() && absl::IsInvalidArgument(prepared.status())) {
      return blocking();
    }
    return done(prepared.status());
  }

  auto shared = std::make_shared<Prepared>(*std::move(prepared));
  const NewRegistration& reg = shared->reg;
  store_.RegisterAsync(reg, shared->now,
                       [this, shared, &request, blocking, &slow, done,
                        deadline](absl::StatusOr<RegisterResult> result) {
                         if (!result.ok()) return done(result.status());
                         if (std::optional<absl::Status> refused = FinalRefusal(result->outcome)) {
                           return done(*refused);
                         }
                         switch (result->outcome) {
                           case RegisterOutcome::kCreated:
                             return done(Created(std::move(*shared), *result));
                           case RegisterOutcome::kReplay:
                             // Reads the original registration: a round trip, so not on the store's
                             // thread.
                             return PostSlow(slow, deadline, done,
                                             [this, result = *result, &request, done] {
                                               done(Replay(result, request.idempotency_key()));
                                             });
                           default:
                             // Facts or settings to refresh first (nothing was written): the
                             // blocking path knows how, and these are rare.
                             return blocking();
                         }
                       });
}

absl::Status Registrar::RefreshFacts(const std::string& event_id) {
  absl::StatusOr<EventFacts> fetched = directory_.Fetch(event_id);
  if (!fetched.ok()) return absl::OkStatus();  // keep the projection's answer
  return store_.UpsertFacts(*fetched);
}

absl::Status Registrar::Refusal(const RegisterResult& result, const std::string& event_id) {
  switch (result.outcome) {
    case RegisterOutcome::kNotPublished:
      return absl::FailedPreconditionError(absl::StrCat(
          "event ", event_id, " is not taking registrations: it is ", StatusWord(result.detail)));
    case RegisterOutcome::kNotOpen:
      return absl::FailedPreconditionError(
          absl::StrCat("registration for event ", event_id, " opens at ", WhenText(result.detail)));
    default:
      return absl::FailedPreconditionError(absl::StrCat("registration for event ", event_id,
                                                        " closed at ", WhenText(result.detail)));
  }
}

absl::StatusOr<Registered> Registrar::Replay(const RegisterResult& result,
                                             const std::string& idempotency_key) {
  EVENTS_ASSIGN_OR_RETURN(StoredRegistration stored, store_.Get(result.replay_id));
  EVENTS_ASSIGN_OR_RETURN(std::string token,
                          Open(TokenKey(idempotency_key), result.replay_encrypted_token));
  // The original answer: the status and position it had when it was made.
  stored.registration.set_status(result.status);
  stored.registration.set_waitlist_position(result.waitlist_position);
  return Registered{stored.registration, token};
}

absl::Status Registrar::ResendLink(const std::string& event_id, const std::string& email) {
  EVENTS_RETURN_IF_ERROR(ValidateEventId(event_id));
  // The form Register checks and stores, so both accept the same input.
  const std::string normalised = NormaliseEmail(email);
  if (normalised.empty()) return absl::InvalidArgumentError("email is required");
  EVENTS_RETURN_IF_ERROR(CheckEmail(normalised, "email"));
  return store_.ResendLink(event_id, normalised, clock_.NowUnixMs(), options_.resend);
}

absl::StatusOr<EventFacts> Registrar::PublicFacts(const std::string& event_id) {
  EVENTS_ASSIGN_OR_RETURN(EventFacts facts, Facts(event_id));
  if (facts.status == events::v1::EVENT_STATUS_DRAFT) {
    // The projection trails scheduling by a moment: an event published just now still looks
    // like a draft here. Ask scheduling before telling an attendee it does not exist.
    EVENTS_ASSIGN_OR_RETURN(facts, FetchFacts(event_id));
  }
  if (facts.status == events::v1::EVENT_STATUS_DRAFT) {
    return absl::NotFoundError(absl::StrCat("event ", event_id, " not found"));
  }
  return facts;
}

absl::StatusOr<events::v1::RegistrationSettings> Registrar::Form(const std::string& event_id) {
  EVENTS_RETURN_IF_ERROR(PublicFacts(event_id).status());
  return Settings(event_id, false);
}

absl::StatusOr<StoredRegistration> Registrar::ByToken(const std::string& token) {
  const size_t dot = token.find('.');
  if (token.empty()) return absl::InvalidArgumentError("registration_token is required");
  if (dot == std::string::npos || !IsRegistrationId(absl::string_view(token).substr(0, dot)) ||
      token.size() > 200) {
    return absl::InvalidArgumentError(
        "registration_token is not a registration token; use the token you were given when "
        "you registered");
  }
  absl::StatusOr<StoredRegistration> stored = store_.Get(token.substr(0, dot));
  const std::string hash = Sha256Hex(token);
  if ((stored.ok() && (stored->token_hash.size() != hash.size() ||
                       CRYPTO_memcmp(stored->token_hash.data(), hash.data(), hash.size()) != 0)) ||
      absl::IsNotFound(stored.status())) {
    return absl::NotFoundError("no registration matches this token");
  }
  // A derived token must also be derived under the current secret: replacing a leaked
  // secret then retires every link at once (the next one issued is derived anew).
  if (stored.ok() && stored->link_derived) {
    const std::string derived =
        DeriveLinkToken(options_.link_secret, stored->registration.id(), stored->link_nonce);
    if (derived.size() != token.size() ||
        CRYPTO_memcmp(derived.data(), token.data(), token.size()) != 0) {
      return absl::NotFoundError("no registration matches this token");
    }
  }
  return stored;
}

absl::StatusOr<Registration> Registrar::GetMine(const std::string& token) {
  EVENTS_ASSIGN_OR_RETURN(StoredRegistration stored, ByToken(token));
  return ForAttendee(std::move(stored.registration));
}

Registration Registrar::ForAttendee(Registration r) {
  if (r.status() == events::v1::REGISTRATION_STATUS_CONFIRMED) {
    // Asked of scheduling each time, never of the projection: a cancelled event's link is
    // gone the moment CancelEvent returns.
    absl::StatusOr<std::string> link = directory_.JoinLink(r.event_id());
    // Without scheduling the attendee still sees their registration; the link comes back
    // when scheduling does.
    if (link.ok()) r.set_join_link(*link);
  }
  return r;
}

absl::StatusOr<Registration> Registrar::Changed(const std::string& event_id,
                                                const std::string& registration_id,
                                                ChangeAction action, const std::string& token_hash,
                                                const std::string& new_data,
                                                std::optional<bool> marketing, const ChangeBy& by) {
  EVENTS_ASSIGN_OR_RETURN(ChangeResult result,
                          store_.Change(event_id, registration_id, action, token_hash, new_data,
                                        marketing, by, clock_.NowUnixMs()));
  if (result.outcome == ChangeResult::Outcome::kNotFound) {
    return absl::NotFoundError(
        absl::StrCat("registration ", registration_id, " not found for event ", event_id));
  }
  if (result.outcome == ChangeResult::Outcome::kEventEnded) {
    return absl::FailedPreconditionError(absl::StrCat(
        "event ", event_id, " is cancelled or over: nobody can be confirmed any more"));
  }
  if (result.outcome == ChangeResult::Outcome::kWrongStatus) {
    std::string status = events::v1::RegistrationStatus_Name(result.status);
    absl::AsciiStrToLower(&status);
    return absl::FailedPreconditionError(absl::StrCat("registration ", registration_id, " is ",
                                                      status.substr(strlen("registration_status_")),
                                                      ", which does not allow that"));
  }
  EVENTS_ASSIGN_OR_RETURN(StoredRegistration stored, store_.Get(registration_id));
  return stored.registration;
}

absl::StatusOr<Registration> Registrar::UpdateMine(
    const events::v1::UpdateMyRegistrationRequest& request) {
  EVENTS_ASSIGN_OR_RETURN(StoredRegistration stored, ByToken(request.registration_token()));
  std::string data;
  if (!request.name().empty()) {
    EVENTS_RETURN_IF_ERROR(CheckText(request.name(), "name", 1, 200));
    Registration copy;
    // Re-serialise from the stored proto without the fields the store keeps itself.
    copy = stored.registration;
    copy.set_name(std::string(absl::StripAsciiWhitespace(request.name())));
    copy.clear_status();
    copy.clear_sequence();
    copy.clear_attended();
    copy.clear_marketing_opt_in();
    copy.clear_version();
    copy.clear_updated_unix_ms();
    copy.clear_waitlist_position();
    copy.clear_join_link();
    data = copy.SerializeAsString();
  } else if (!request.update_marketing_opt_in()) {
    return absl::InvalidArgumentError(
        "nothing to change: give a name, or update_marketing_opt_in with marketing_opt_in");
  }
  std::optional<bool> marketing;
  if (request.update_marketing_opt_in()) marketing = request.marketing_opt_in();
  const Registration& r = stored.registration;
  return Changed(r.event_id(), r.id(), ChangeAction::kUpdate, stored.token_hash, data, marketing,
                 ChangeBy{});
}

absl::StatusOr<Registration> Registrar::CancelMine(const std::string& token) {
  EVENTS_ASSIGN_OR_RETURN(StoredRegistration stored, ByToken(token));
  const Registration& r = stored.registration;
  return Changed(r.event_id(), r.id(), ChangeAction::kCancel, stored.token_hash, "", std::nullopt,
                 ChangeBy{});
}

}  // namespace events::registration
