#include "services/registration/store/redis_registration_store.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/log/call_context.h"
#include "events/v1/domain_events.pb.h"
#include "services/registration/store/registration_scripts.h"

namespace events::registration {

namespace {

using events::v1::Registration;
using events::v1::RegistrationStatus;

// store/lua/*.lua, built into registration_scripts.h (CMakeLists.txt says what goes in
// front of each). Claim and link each read and write one key, given in KEYS.
const redis::LuaScript& ChangeScript() { return lua::Change(); }
const redis::LuaScript& EventScript() { return lua::Event(); }
const redis::LuaScript& ClaimScript() { return lua::Claim(); }
const redis::LuaScript& LinkScript() { return lua::Link(); }

constexpr int64_t kIdempotencyKeyMs =
    int64_t{24} * 3600 * 1000;  // as the register script's records

std::string Reply0(const redisReply& r) {
  return redis::ArraySize(r) > 0 ? redis::AsString(redis::ArrayAt(r, 0)) : "";
}
std::string ReplyAt(const redisReply& r, size_t i) {
  return redis::ArraySize(r) > i ? redis::AsString(redis::ArrayAt(r, i)) : "";
}
int64_t IntAt(const redisReply& r, size_t i) {
  return redis::ArraySize(r) > i ? redis::AsInt(redis::ArrayAt(r, i)) : 0;
}

absl::Status Unexpected(absl::string_view script, absl::string_view what) {
  return absl::InternalError(absl::StrCat("unexpected reply from ", script, ": ", what));
}

// The stored registration: the proto plus the fields the scripts keep up to date.
absl::StatusOr<StoredRegistration> Parse(const redisReply& hash) {
  StoredRegistration out;
  std::string data;
  for (size_t i = 0; i + 1 < redis::ArraySize(hash); i += 2) {
    std::string field = redis::AsString(redis::ArrayAt(hash, i));
    std::string value = redis::AsString(redis::ArrayAt(hash, i + 1));
    int64_t n = 0;
    (void)absl::SimpleAtoi(value, &n);
    Registration& r = out.registration;
    if (field == "data") {
      data = value;
    } else if (field == "status") {
      r.set_status(static_cast<RegistrationStatus>(n));
    } else if (field == "pool") {
      r.set_pool(value);
    } else if (field == "seat") {
      out.seat = value;
    } else if (field == "seq") {
      r.set_sequence(n);
    } else if (field == "token") {
      out.token_hash = value;
    } else if (field == "link_nonce") {
      out.link_nonce = value;
      out.link_derived = true;
    } else if (field == "attended") {
      r.set_attended(n == 1);
    } else if (field == "marketing") {
      r.set_marketing_opt_in(n == 1);
    } else if (field == "version") {
      r.set_version(n);
    } else if (field == "updated") {
      r.set_updated_unix_ms(n);
    }
  }
  Registration overlay = out.registration;
  if (!out.registration.ParseFromString(data)) {
    return absl::DataLossError("a stored registration cannot be read");
  }
  out.registration.set_status(overlay.status());
  // The pool the place is in (proto): where it is counted once held; until then (and
  // after it is given up) the pool asked for, whose waiting list they are on.
  out.registration.set_pool(out.seat.empty() ? overlay.pool() : out.seat);
  out.registration.set_sequence(overlay.sequence());
  out.registration.set_attended(overlay.attended());
  out.registration.set_marketing_opt_in(overlay.marketing_opt_in());
  out.registration.set_version(overlay.version());
  out.registration.set_updated_unix_ms(overlay.updated_unix_ms());
  return out;
}

// What the register script's domain events say that is known before it runs; it appends
// the organisation, status and sequence.
std::string RegisteredEventBase(const NewRegistration& reg) {
  events::v1::RegistrationChanged base;
  base.set_registration_id(reg.registration.id());
  base.set_event_id(reg.registration.event_id());
  base.set_pool(reg.registration.pool());
  base.set_places(reg.places);
  base.set_marketing_opt_in(reg.marketing_opt_in);
  base.set_version(1);
  return base.SerializeAsString();
}

// The register script's answer for one registration (ARGV and replies documented in
// lua/register.lua).
absl::StatusOr<RegisterResult> ParseRegisterReply(const redisReply& x) {
  const std::string kind = Reply0(x);
  RegisterResult out;
  if (kind == "ok") {
    out.outcome = RegisterOutcome::kCreated;
    out.status = static_cast<RegistrationStatus>(IntAt(x, 1));
    out.sequence = IntAt(x, 2);
    out.waitlist_position = static_cast<int32_t>(IntAt(x, 3));
    out.seat = ReplyAt(x, 4);
  } else if (kind == "replay") {
    out.outcome = RegisterOutcome::kReplay;
    out.replay_id = ReplyAt(x, 1);
    out.status = static_cast<RegistrationStatus>(IntAt(x, 2));
    out.waitlist_position = static_cast<int32_t>(IntAt(x, 3));
    out.replay_encrypted_token = ReplyAt(x, 4);
  } else if (kind == "expired") {
    out.outcome = RegisterOutcome::kExpired;
  } else if (kind == "rate") {
    out.outcome = ReplyAt(x, 1) == "address" ? RegisterOutcome::kRateLimitedAddress
                                             : RegisterOutcome::kRateLimitedEvent;
  } else if (kind == "idem_mismatch") {
    out.outcome = RegisterOutcome::kIdempotencyMismatch;
  } else if (kind == "no_facts") {
    out.outcome = RegisterOutcome::kNoFacts;
  } else if (kind == "not_published") {
    out.outcome = RegisterOutcome::kNotPublished;
    out.detail = ReplyAt(x, 1);
  } else if (kind == "not_open") {
    out.outcome = RegisterOutcome::kNotOpen;
    out.detail = ReplyAt(x, 1);
  } else if (kind == "closed") {
    out.outcome = RegisterOutcome::kClosed;
    out.detail = ReplyAt(x, 1);
  } else if (kind == "settings_changed") {
    out.outcome = RegisterOutcome::kSettingsChanged;
    out.detail = ReplyAt(x, 1);
  } else if (kind == "duplicate") {
    out.outcome = RegisterOutcome::kDuplicate;
  } else {
    return Unexpected("the register script", kind);
  }
  return out;
}

}  // namespace

const redis::LuaScript& RedisRegistrationStore::RegisterScript() { return lua::Register(); }

RedisRegistrationStore::RedisRegistrationStore(redis::RedisClient& redis, const bus::Keyspace& keys,
                                               Options options)
    : redis_(redis), keys_(keys), options_(options) {
  if (options_.register_senders > 0) {
    redis::EvalQueue::Options queue;
    queue.senders = options_.register_senders;
    queue.group = true;
    queue.shared_args = kRegisterSharedArgs;
    register_queue_ = std::make_unique<redis::EvalQueue>(redis_, RegisterScript(), queue);
    redis::EvalQueue::Options claims;
    claims.senders = 1;
    claim_queue_ = std::make_unique<redis::EvalQueue>(redis_, ClaimScript(), claims);
  }
}

std::string RedisRegistrationStore::EventPrefix(const std::string& event_id) const {
  return absl::StrCat(keys_.PrefixFor(event_id), "rg:", event_id, ":");
}

std::string RedisRegistrationStore::RegistrationPrefix(const std::string& any_id) const {
  return absl::StrCat(keys_.PrefixFor(any_id), "rg:r:");
}

std::vector<std::string> RedisRegistrationStore::EventKeys(const std::string& event_id) const {
  const std::string b = EventPrefix(event_id);
  // Not scheduling's event hash, which the scripts read: EVALSHA asks read-write access to
  // every key in KEYS, and registration's Redis user may only read it (lua/common.lua).
  return {b + "facts",  b + "settings", b + "counts",
          b + "emails", b + "all",      keys_.Stream(keys_.PartitionOf(event_id))};
}

redis::ScriptCall RedisRegistrationStore::RegisterCall(const NewRegistration& reg,
                                                       int64_t now_ms) const {
  const Registration& r = reg.registration;
  redis::MsgpackMap rec;
  rec.Add("now", now_ms)
      .Add("id", r.id())
      .Add("data", r.SerializeAsString())
      .Add("email", reg.email_normalised)
      .Add("token", reg.token_hash)
      .Add("pool", r.pool())
      .Add("places", reg.places)
      .Add("marketing", reg.marketing_opt_in)
      .Add("settings_version", reg.settings_version)
      .Add("idem", reg.idempotency_hash)
      .Add("fingerprint", reg.fingerprint)
      .Add("sealed_token", reg.encrypted_token)
      .Add("address", reg.client_address)
      .Add("per_address", reg.limit_per_address_per_minute)
      .Add("per_event", reg.limit_per_event_per_second)
      .Add("changed", RegisteredEventBase(reg))
      .Add("deadline", reg.deadline_unix_ms)
      // The caller's trace: this runs on its thread (Register and RegisterGroup), and the
      // events the record emits carry it (lua/register.lua).
      .Add("traceparent", logging::CurrentTraceParent());
  // The event's arguments (kRegisterSharedArgs), then the registration's record.
  return {EventKeys(r.event_id()),
          {r.event_id(), absl::StrCat(options_.stream_maxlen), rec.Encode()}};
}

absl::StatusOr<RegisterResult> RedisRegistrationStore::Register(const NewRegistration& reg,
                                                                int64_t now_ms) {
  absl::StatusOr<std::vector<absl::StatusOr<RegisterResult>>> group = RegisterGroup({reg}, now_ms);
  if (!group.ok()) return group.status();
  return std::move(group->front());
}

absl::StatusOr<std::vector<absl::StatusOr<RegisterResult>>> RedisRegistrationStore::RegisterGroup(
    const std::vector<NewRegistration>& regs, int64_t now_ms) {
  std::vector<absl::StatusOr<RegisterResult>> out;
  if (regs.empty()) return out;
  // The KEYS and shared arguments once, the count, then each registration's record
  // (lua/register.lua).
  redis::ScriptCall call;
  for (size_t i = 0; i < regs.size(); ++i) {
    redis::ScriptCall own = RegisterCall(regs[i], now_ms);
    if (i == 0) {
      call.keys = std::move(own.keys);
      call.args.assign(own.args.begin(), own.args.begin() + kRegisterSharedArgs);
      call.args.push_back(absl::StrCat(regs.size()));
    } else if (own.keys != call.keys ||
               !std::equal(call.args.begin(), call.args.begin() + kRegisterSharedArgs,
                           own.args.begin())) {
      return absl::InvalidArgumentError(
          "RegisterGroup: every registration of a group must be for the same event");
    }
    call.args.insert(call.args.end(),
                     std::make_move_iterator(own.args.begin() + kRegisterSharedArgs),
                     std::make_move_iterator(own.args.end()));
  }
  // The latest of the callers' deadlines bounds the wait; the script refuses the ones past.
  int64_t latest = 0;
  for (const NewRegistration& reg : regs) {
    if (reg.deadline_unix_ms <= 0) {
      latest = 0;  // one without a deadline: no bound
      break;
    }
    latest = std::max(latest, reg.deadline_unix_ms);
  }
  absl::StatusOr<std::vector<absl::StatusOr<redis::ReplyPtr>>> replies =
      redis_.EvalMany(RegisterScript(), {std::move(call)}, QueueDeadline(latest));
  if (!replies.ok()) return replies.status();
  if (!replies->front().ok()) return replies->front().status();
  absl::StatusOr<redis::ReplyPtr>& reply = replies->front();
  if (redis::ArraySize(**reply) != regs.size()) {
    return Unexpected("the register script", "not one reply per registration");
  }
  out.reserve(regs.size());
  for (size_t i = 0; i < regs.size(); ++i) {
    out.push_back(ParseRegisterReply(redis::ArrayAt(**reply, i)));
  }
  return out;
}

void RedisRegistrationStore::RegisterAsync(const NewRegistration& reg, int64_t now_ms,
                                           RegisterDone done) {
  if (register_queue_ == nullptr) {
    done(Register(reg, now_ms));
    return;
  }
  register_queue_->Eval(
      RegisterCall(reg, now_ms),
      [done = std::move(done)](absl::StatusOr<redis::ReplyPtr> reply) {
        if (!reply.ok()) {
          done(reply.status());
        } else {
          done(ParseRegisterReply(**reply));
        }
      },
      QueueDeadline(reg.deadline_unix_ms));
}

redis::ScriptCall RedisRegistrationStore::ClaimCall(const std::string& idempotency_hash,
                                                    const std::string& event_id) const {
  return {{absl::StrCat(keys_.PrefixFor(idempotency_hash), "rg:ikey:", idempotency_hash)},
          {event_id, absl::StrCat(kIdempotencyKeyMs)}};
}

absl::StatusOr<std::string> RedisRegistrationStore::ClaimIdempotencyKey(
    const std::string& idempotency_hash, const std::string& event_id) {
  redis::ScriptCall call = ClaimCall(idempotency_hash, event_id);
  auto reply = redis_.Eval(ClaimScript(), call.keys, call.args);
  if (!reply.ok()) return reply.status();
  return redis::AsString(**reply);
}

void RedisRegistrationStore::ClaimIdempotencyKeyAsync(const std::string& idempotency_hash,
                                                      const std::string& event_id,
                                                      int64_t deadline_unix_ms, ClaimDone done) {
  if (claim_queue_ == nullptr) {
    done(ClaimIdempotencyKey(idempotency_hash, event_id));
    return;
  }
  claim_queue_->Eval(
      ClaimCall(idempotency_hash, event_id),
      [done = std::move(done)](absl::StatusOr<redis::ReplyPtr> reply) {
        if (!reply.ok()) return done(reply.status());
        done(redis::AsString(**reply));
      },
      QueueDeadline(deadline_unix_ms));
}

absl::StatusOr<std::optional<RegisterResult>> RedisRegistrationStore::StoredAnswer(
    const std::string& event_id, const std::string& idempotency_hash,
    const std::string& fingerprint) {
  // The record register.lua writes: B.."idem:<hash>".
  auto reply = redis_.Command({"HMGET", EventPrefix(event_id) + "idem:" + idempotency_hash, "fp",
                               "id", "status", "pos", "token"});
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  if (redis::ArraySize(r) != 5 || redis::IsNil(redis::ArrayAt(r, 0))) {
    return std::optional<RegisterResult>();
  }
  RegisterResult out;
  if (ReplyAt(r, 0) != fingerprint) {
    out.outcome = RegisterOutcome::kIdempotencyMismatch;
    return std::optional<RegisterResult>(out);
  }
  out.outcome = RegisterOutcome::kReplay;
  out.replay_id = ReplyAt(r, 1);
  out.status = static_cast<RegistrationStatus>(IntAt(r, 2));
  out.waitlist_position = static_cast<int32_t>(IntAt(r, 3));
  out.replay_encrypted_token = ReplyAt(r, 4);
  return std::optional<RegisterResult>(out);
}

redis::EvalQueue::Deadline RedisRegistrationStore::QueueDeadline(int64_t deadline_unix_ms) {
  if (deadline_unix_ms <= 0) return redis::EvalQueue::kNoDeadline;
  // The same instant on the steady clock, which the queue's waits use.
  const auto left = std::chrono::milliseconds(deadline_unix_ms) -
                    std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch());
  return std::chrono::steady_clock::now() + left;
}

absl::StatusOr<ChangeResult> RedisRegistrationStore::Change(
    const std::string& event_id, const std::string& registration_id, ChangeAction action,
    const std::string& token_hash, const std::string& new_data, std::optional<bool> marketing,
    const ChangeBy& by, int64_t now_ms) {
  redis::MsgpackMap rec;
  rec.Add("event", event_id)
      .Add("now", now_ms)
      .Add("maxlen", options_.stream_maxlen)
      .Add("traceparent", logging::CurrentTraceParent())
      .Add("id", registration_id)
      .Add("token", token_hash);
  switch (action) {
    case ChangeAction::kCancel:
      rec.Add("action", "cancel");
      break;
    case ChangeAction::kApprove:
      rec.Add("action", "approve");
      break;
    case ChangeAction::kReject:
      rec.Add("action", "reject");
      break;
    case ChangeAction::kUpdate:
      rec.Add("action", "update").Add("data", new_data);
      if (marketing.has_value()) rec.Add("marketing", *marketing);
      break;
    case ChangeAction::kAttend:
    case ChangeAction::kUnattend:
      rec.Add("action", "attend").Add("attended", action == ChangeAction::kAttend);
      break;
  }
  // Who, as the history's entry has it; the script adds the time, change and status.
  events::v1::RegistrationHistoryEntry who;
  who.set_actor(by.actor);
  who.set_actor_name(by.name);
  if (action == ChangeAction::kCancel) who.set_reason(by.reason);
  rec.Add("who", who.SerializeAsString())
      .Add("reason", action == ChangeAction::kCancel ? by.reason : "");
  std::vector<std::string> keys = EventKeys(event_id);
  // The registration's own keys, named as lua/common.lua's reg_key and history_key name them.
  const std::string r = RegistrationPrefix(event_id) + registration_id;
  keys.push_back(r);
  keys.push_back(r + ":history");
  auto reply = redis_.Eval(ChangeScript(), keys, {rec.Encode()});
  if (!reply.ok()) return reply.status();
  const std::string kind = Reply0(**reply);
  ChangeResult out;
  if (kind == "ok") {
    out.promoted = static_cast<int>(IntAt(**reply, 1));
  } else if (kind == "not_found") {
    out.outcome = ChangeResult::Outcome::kNotFound;
  } else if (kind == "event_ended") {
    out.outcome = ChangeResult::Outcome::kEventEnded;
  } else if (kind == "wrong_status") {
    out.outcome = ChangeResult::Outcome::kWrongStatus;
    out.status = static_cast<RegistrationStatus>(IntAt(**reply, 1));
  } else {
    return Unexpected("the change script", kind);
  }
  return out;
}

absl::StatusOr<RegistrationStore::SetLinkOutcome> RedisRegistrationStore::SetLink(
    const std::string& registration_id, const std::string& expected_token_hash,
    const std::string& nonce, const std::string& token_hash) {
  auto reply = redis_.Eval(LinkScript(), {RegistrationPrefix(registration_id) + registration_id},
                           {expected_token_hash, nonce, token_hash});
  if (!reply.ok()) return reply.status();
  const std::string kind = Reply0(**reply);
  if (kind == "ok") return SetLinkOutcome::kDone;
  if (kind == "conflict") return SetLinkOutcome::kConflict;
  if (kind == "not_found") return SetLinkOutcome::kNotFound;
  return Unexpected("the link script", kind);
}

absl::StatusOr<redis::ReplyPtr> RedisRegistrationStore::EventScriptCall(const std::string& event_id,
                                                                        int64_t now_ms,
                                                                        redis::MsgpackMap record) {
  record.Add("event", event_id)
      .Add("now", now_ms)
      .Add("maxlen", options_.stream_maxlen)
      .Add("traceparent", logging::CurrentTraceParent());
  std::vector<std::string> keys = EventKeys(event_id);
  keys.push_back(EventPrefix(event_id) + "rl:resend");
  return redis_.Eval(EventScript(), keys, {record.Encode()});
}

absl::Status RedisRegistrationStore::UpsertFacts(const EventFacts& f) {
  static const SystemClock system_clock;
  const Clock& clock = options_.clock != nullptr ? *options_.clock : system_clock;
  redis::MsgpackMap rec;
  rec.Add("action", "facts")
      .Add("org", f.org_id)
      .Add("status", events::v1::EventStatus_Name(f.status))
      .Add("version", f.version)
      .Add("starts", f.start_unix_ms)
      .Add("ends", f.end_unix_ms)
      .Add("opens", f.registration_opens_unix_ms)
      .Add("closes", f.registration_closes_unix_ms)
      .Add("capacity", f.capacity);
  auto reply = EventScriptCall(f.event_id, clock.NowUnixMs(), std::move(rec));
  if (!reply.ok()) return reply.status();
  const std::string kind = Reply0(**reply);
  if (kind != "ok" && kind != "stale") return Unexpected("the facts script", kind);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<EventFacts>> RedisRegistrationStore::GetFacts(
    const std::string& event_id) {
  auto reply = redis_.Command({"HMGET", EventPrefix(event_id) + "facts", "org", "status", "version",
                               "start", "end", "opens", "closes", "capacity"});
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  if (redis::ArraySize(r) != 8 || redis::IsNil(redis::ArrayAt(r, 1))) {
    return std::optional<EventFacts>();
  }
  EventFacts f;
  f.event_id = event_id;
  f.org_id = ReplyAt(r, 0);
  events::v1::EventStatus status;
  if (events::v1::EventStatus_Parse(ReplyAt(r, 1), &status)) f.status = status;
  f.version = IntAt(r, 2);
  f.start_unix_ms = IntAt(r, 3);
  f.end_unix_ms = IntAt(r, 4);
  f.registration_opens_unix_ms = IntAt(r, 5);
  f.registration_closes_unix_ms = IntAt(r, 6);
  f.capacity = static_cast<int32_t>(IntAt(r, 7));
  return std::optional<EventFacts>(f);
}

absl::StatusOr<StoredSettings> RedisRegistrationStore::GetSettings(const std::string& event_id) {
  auto reply = redis_.Command({"HMGET", EventPrefix(event_id) + "settings", "version", "data"});
  if (!reply.ok()) return reply.status();
  StoredSettings out;
  out.settings.set_event_id(event_id);
  if (!redis::IsNil(redis::ArrayAt(**reply, 1)) &&
      !out.settings.ParseFromString(ReplyAt(**reply, 1))) {
    return absl::DataLossError(absl::StrCat("stored settings of ", event_id, " cannot be read"));
  }
  out.settings.set_version(IntAt(**reply, 0));
  return out;
}

absl::StatusOr<int64_t> RedisRegistrationStore::PutSettings(
    const events::v1::RegistrationSettings& s, int64_t expected_version, int64_t now_ms) {
  std::vector<std::string> pools;
  for (const auto& p : s.pools()) pools.push_back(absl::StrCat(p.id(), ":", p.places()));
  events::v1::RegistrationSettings data = s;
  data.clear_version();
  redis::MsgpackMap rec;
  rec.Add("action", "settings")
      .Add("expected_version", expected_version)
      .Add("approval", s.requires_approval())
      .Add("companions", !s.companions_disabled())
      .Add("pools", absl::StrJoin(pools, ","))
      .Add("data", data.SerializeAsString());
  auto reply = EventScriptCall(s.event_id(), now_ms, std::move(rec));
  if (!reply.ok()) return reply.status();
  const std::string kind = Reply0(**reply);
  if (kind == "conflict") {
    return absl::AbortedError(absl::StrCat("the registration settings of ", s.event_id(),
                                           " are at version ", IntAt(**reply, 1), ", not ",
                                           expected_version, "; fetch them again and retry"));
  }
  if (kind != "ok") return Unexpected("the settings script", kind);
  return IntAt(**reply, 1);
}

absl::Status RedisRegistrationStore::ResendLink(const std::string& event_id,
                                                const std::string& email_normalised, int64_t now_ms,
                                                const ResendLimits& limits) {
  redis::MsgpackMap rec;
  rec.Add("action", "resend")
      .Add("email", email_normalised)
      .Add("per_registration", limits.per_registration_per_hour)
      .Add("per_event", limits.per_event_per_hour);
  auto reply = EventScriptCall(event_id, now_ms, std::move(rec));
  if (!reply.ok()) return reply.status();
  if (Reply0(**reply) != "ok") return Unexpected("the resend script", Reply0(**reply));
  return absl::OkStatus();
}

absl::StatusOr<StoredRegistration> RedisRegistrationStore::Get(const std::string& id) {
  auto reply = redis_.Command({"HGETALL", RegistrationPrefix(id) + id});
  if (!reply.ok()) return reply.status();
  if (redis::ArraySize(**reply) == 0) {
    return absl::NotFoundError(absl::StrCat("registration ", id, " not found"));
  }
  auto parsed = Parse(**reply);
  if (!parsed.ok()) return parsed.status();
  if (parsed->registration.status() == events::v1::REGISTRATION_STATUS_WAITLISTED) {
    auto rank = redis_.Command(
        {"ZRANK",
         EventPrefix(parsed->registration.event_id()) + "wait:" + parsed->registration.pool(), id});
    if (!rank.ok()) return rank.status();
    if (!redis::IsNil(**rank)) {
      parsed->registration.set_waitlist_position(static_cast<int32_t>(redis::AsInt(**rank) + 1));
    }
  }
  return parsed;
}

absl::StatusOr<std::vector<events::v1::RegistrationHistoryEntry>> RedisRegistrationStore::History(
    const std::string& registration_id) {
  auto reply = redis_.Command(
      {"LRANGE", RegistrationPrefix(registration_id) + registration_id + ":history", "0", "-1"});
  if (!reply.ok()) return reply.status();
  std::vector<events::v1::RegistrationHistoryEntry> out(redis::ArraySize(**reply));
  for (size_t i = 0; i < out.size(); ++i) {
    if (!out[i].ParseFromString(redis::AsString(redis::ArrayAt(**reply, i)))) {
      return absl::DataLossError(
          absl::StrCat("the history of registration ", registration_id, " cannot be read"));
    }
  }
  return out;
}

absl::StatusOr<std::string> RedisRegistrationStore::FindByEmail(
    const std::string& event_id, const std::string& email_normalised) {
  auto reply = redis_.Command({"HGET", EventPrefix(event_id) + "emails", email_normalised});
  if (!reply.ok()) return reply.status();
  return redis::AsString(**reply);
}

absl::StatusOr<RegistrationPage> RedisRegistrationStore::List(const std::string& event_id,
                                                              RegistrationStatus status,
                                                              const std::string& pool,
                                                              int64_t after_sequence, int limit) {
  const std::string b = EventPrefix(event_id);
  RegistrationPage page;
  if (limit <= 0) return page;
  // Over B.."all", whose order (creation) never changes, filtering as rows are read: an
  // index by status or by queue place would move a registration past the cursor as it
  // changes (lua/common.lua). A filter may drop rows, so it reads bigger chunks.
  const bool filtered = status != events::v1::REGISTRATION_STATUS_UNSPECIFIED || !pool.empty();
  const int chunk = filtered ? std::max(limit + 1, 200) : limit + 1;
  int64_t after = after_sequence;
  bool more = false;
  while (!more) {
    auto ids = redis_.Command({"ZRANGE", b + "all", absl::StrCat("(", after), "+inf", "BYSCORE",
                               "LIMIT", "0", absl::StrCat(chunk), "WITHSCORES"});
    if (!ids.ok()) return ids.status();
    const size_t n = redis::ArraySize(**ids) / 2;
    if (n == 0) break;
    std::vector<std::vector<std::string>> gets;
    for (size_t i = 0; i < n; ++i) {
      gets.push_back({"HGETALL", RegistrationPrefix(event_id) +
                                     redis::AsString(redis::ArrayAt(**ids, 2 * i))});
    }
    auto loaded = redis_.Pipeline(gets);
    if (!loaded.ok()) return loaded.status();
    for (size_t i = 0; i < n; ++i) {
      auto reg = Parse(*(*loaded)[i]);
      if (!reg.ok() || !ListedAs(reg->registration, status, pool)) {
        after = redis::AsInt(redis::ArrayAt(**ids, 2 * i + 1));
        continue;
      }
      if (static_cast<int>(page.registrations.size()) == limit) {
        more = true;
        break;
      }
      after = redis::AsInt(redis::ArrayAt(**ids, 2 * i + 1));
      page.registrations.push_back(std::move(reg->registration));
      page.next_after_sequence = after;
    }
    if (n < static_cast<size_t>(chunk)) break;
  }
  if (!more) page.next_after_sequence = 0;
  // Waiting-list positions, as Get reads them: the rank in B.."wait:<pool>", in one round
  // trip for the page's waitlisted rows.
  std::vector<Registration*> waiting;
  std::vector<std::vector<std::string>> ranks;
  for (Registration& r : page.registrations) {
    if (r.status() != events::v1::REGISTRATION_STATUS_WAITLISTED) continue;
    waiting.push_back(&r);
    ranks.push_back({"ZRANK", b + "wait:" + r.pool(), r.id()});
  }
  if (ranks.empty()) return page;
  auto replies = redis_.Pipeline(ranks);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < waiting.size() && i < replies->size(); ++i) {
    const redisReply& rank = *(*replies)[i];
    if (!redis::IsNil(rank) && !redis::IsError(rank)) {
      waiting[i]->set_waitlist_position(static_cast<int32_t>(redis::AsInt(rank) + 1));
    }
  }
  return page;
}

absl::StatusOr<EventCounts> RedisRegistrationStore::Counts(const std::string& event_id,
                                                           const std::vector<std::string>& pools) {
  const std::string b = EventPrefix(event_id);
  std::vector<std::vector<std::string>> commands = {{"HGETALL", b + "counts"},
                                                    {"ZCARD", b + "wait:general"}};
  for (const std::string& p : pools) commands.push_back({"ZCARD", absl::StrCat(b, "wait:", p)});
  auto replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  EventCounts c;
  c.waiting_by_pool.emplace_back("general", redis::AsInt(*(*replies)[1]));
  for (size_t i = 0; i < pools.size(); ++i) {
    c.waiting_by_pool.emplace_back(pools[i], redis::AsInt(*(*replies)[i + 2]));
  }
  const auto& reply = (*replies)[0];
  for (size_t i = 0; i + 1 < redis::ArraySize(*reply); i += 2) {
    std::string field = redis::AsString(redis::ArrayAt(*reply, i));
    AddCountsField(field, redis::AsInt(redis::ArrayAt(*reply, i + 1)), c);
  }
  return c;
}

}  // namespace events::registration
