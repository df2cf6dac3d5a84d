#include "services/registration/store/fake_registration_store.h"

#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace events::registration {
namespace {

using events::v1::DomainEvent;
using events::v1::Registration;
using events::v1::RegistrationStatus;

// The statuses as the scripts number them (RegistrationStatus values).
constexpr int kConfirmed = 1;
constexpr int kWaitlisted = 2;
constexpr int kPending = 3;
constexpr int kCancelled = 4;
constexpr int kRejected = 5;

constexpr int64_t kIdempotencyTtlMs = 86400000;
constexpr int64_t kAddressWindowTtlMs = 120000;
constexpr int64_t kEventWindowTtlMs = 5000;

// A Redis sorted set: members ordered by score, then by member.
class SortedSet {
 public:
  void Add(const std::string& member, int64_t score) {
    auto it = scores_.find(member);
    if (it != scores_.end()) {
      order_.erase({it->second, member});
      it->second = score;
    } else {
      scores_.emplace(member, score);
    }
    order_.emplace(score, member);
  }
  void Remove(const std::string& member) {
    auto it = scores_.find(member);
    if (it == scores_.end()) return;
    order_.erase({it->second, member});
    scores_.erase(it);
  }
  size_t Card() const { return order_.size(); }
  // ZRANK: 0-based; nullopt when absent.
  std::optional<int64_t> Rank(const std::string& member) const {
    auto it = scores_.find(member);
    if (it == scores_.end()) return std::nullopt;
    return std::distance(order_.begin(), order_.find({it->second, member}));
  }
  const std::set<std::pair<int64_t, std::string>>& entries() const { return order_; }

 private:
  std::map<std::string, int64_t> scores_;
  std::set<std::pair<int64_t, std::string>> order_;
};

// R..<id>: one registration's hash.
struct RegistrationRow {
  std::string data;  // the Registration proto without the fields below
  int status = 0;
  std::string pool;
  std::string seat;
  int64_t places = 0;
  int64_t seq = 0;
  std::string email;
  std::string token;
  bool attended = false;
  bool marketing = false;
  int64_t version = 0;
  int64_t created = 0;
  int64_t updated = 0;
  std::string event;
};

// B.."facts", with the status kept as its name as the scripts compare it.
struct FactsRow {
  std::string org;
  std::string status;
  int64_t version = 0;
  int64_t start = 0;
  int64_t end = 0;
  int64_t opens = 0;
  int64_t closes = 0;
  int64_t capacity = 0;
};

// B.."settings".
struct SettingsRow {
  int64_t version = 0;
  bool approval = false;
  bool companions = true;
  std::string pools;  // "id:places,..."
  std::string data;   // RegistrationSettings without version
};

// B.."idem:<hash>".
struct IdempotencyRecord {
  std::string fingerprint;
  std::string id;
  int64_t status = 0;
  int64_t position = 0;
  std::string encrypted_token;
  int64_t expires_ms = 0;
};

// B.."rl:..." counters.
struct Window {
  int64_t n = 0;
  int64_t expires_ms = 0;
};

// Everything under B = "{p<N>}:rg:<event id>:".
struct EventState {
  std::optional<FactsRow> facts;
  std::optional<SettingsRow> settings;
  // B.."counts", in insertion order like a small Redis hash.
  std::vector<std::pair<std::string, int64_t>> counts;
  std::map<std::string, std::string> emails;
  // "all", "st:<status>", "pool:<pool>", "wait:<pool>".
  std::map<std::string, SortedSet> sets;
  std::map<std::string, IdempotencyRecord> idempotency;
  // "a:<address>:<minute>", "e:<second>", "resend:<id>", "resend".
  std::map<std::string, Window> rate;
};

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// The reserved pools of a settings "pools" field, as parse_pools reads it with
// string.gmatch(spec, '([%w_]+):(%d+)'): places by id, their order, the total.
struct Pools {
  std::map<std::string, int64_t> places;
  std::vector<std::string> order;
  int64_t total = 0;
};

bool IsWordChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }

Pools ParsePools(const std::string& spec) {
  Pools out;
  const size_t n = spec.size();
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && IsWordChar(spec[j])) ++j;
    if (j > i && j + 1 < n && spec[j] == ':' && IsDigit(spec[j + 1])) {
      size_t k = j + 1;
      while (k < n && IsDigit(spec[k])) ++k;
      const std::string id = spec.substr(i, j - i);
      int64_t places = 0;
      (void)absl::SimpleAtoi(spec.substr(j + 1, k - j - 1), &places);
      out.places[id] = places;
      out.order.push_back(id);
      out.total += places;
      i = k;
    } else {
      ++i;
    }
  }
  return out;
}

// The registration as Get and List read it: the stored proto with the hash's fields laid
// over it (RedisRegistrationStore's Parse). A missing row reads as an empty hash does.
absl::StatusOr<StoredRegistration> ToStored(const RegistrationRow* row) {
  StoredRegistration out;
  if (row == nullptr) return out;
  if (!out.registration.ParseFromString(row->data)) {
    return absl::DataLossError("a stored registration cannot be read");
  }
  Registration& r = out.registration;
  r.set_status(static_cast<RegistrationStatus>(row->status));
  r.set_pool(row->pool);
  r.set_sequence(row->seq);
  r.set_attended(row->attended);
  r.set_marketing_opt_in(row->marketing);
  r.set_version(row->version);
  r.set_updated_unix_ms(row->updated);
  out.seat = row->seat;
  out.token_hash = row->token;
  return out;
}

// One script run on one event: the helpers of lua/common.lua over the in-memory layout.
class Script {
 public:
  Script(EventState& ev, std::map<std::string, RegistrationRow>& rows,
         std::vector<DomainEvent>& emitted, std::string event_id, std::string org, int64_t now)
      : ev_(ev),
        rows_(rows),
        emitted_(emitted),
        event_(std::move(event_id)),
        org_(std::move(org)),
        now_(now) {}

  EventState& ev() { return ev_; }
  RegistrationRow& Row(const std::string& id) { return rows_[id]; }
  void set_org(std::string org) { org_ = std::move(org); }

  int64_t Count(const std::string& field) const {
    for (const auto& [name, n] : ev_.counts) {
      if (name == field) return n;
    }
    return 0;
  }
  // HINCRBY B.."counts".
  int64_t Incr(const std::string& field, int64_t by) {
    for (auto& [name, n] : ev_.counts) {
      if (name == field) return n += by;
    }
    ev_.counts.emplace_back(field, by);
    return by;
  }
  SortedSet& Set(const std::string& name) { return ev_.sets[name]; }
  size_t Card(const std::string& name) const {
    auto it = ev_.sets.find(name);
    return it == ev_.sets.end() ? 0 : it->second.Card();
  }

  // Appends registration.<kind> for registration `id` with these values.
  void EmitValues(const std::string& kind, const std::string& id, int64_t status,
                  int64_t previous_status, const std::string& pool, int64_t places, int64_t seq,
                  bool attended, bool marketing, int64_t version) {
    events::v1::RegistrationChanged data;
    data.set_registration_id(id);
    data.set_event_id(event_);
    data.set_org_id(org_);
    data.set_status(static_cast<RegistrationStatus>(status));
    data.set_previous_status(static_cast<RegistrationStatus>(previous_status));
    data.set_pool(pool);
    data.set_places(static_cast<int32_t>(places));
    data.set_sequence(seq);
    data.set_attended(attended);
    data.set_marketing_opt_in(marketing);
    data.set_version(version);
    Append(absl::StrCat(id, ":", kind, ":", version), absl::StrCat("registration.", kind), id,
           "events.v1.RegistrationChanged", data.SerializeAsString());
  }

  // Appends registration.<kind> for registration `id` as it now is.
  void Emit(const std::string& kind, const std::string& id, int64_t previous_status) {
    const RegistrationRow& r = Row(id);
    EmitValues(kind, id, r.status, previous_status, r.pool, r.places, r.seq, r.attended,
               r.marketing, r.version);
  }

  void EmitLinkRequested(const std::string& id) {
    events::v1::RegistrationLinkRequested data;
    data.set_registration_id(id);
    data.set_event_id(event_);
    data.set_org_id(org_);
    Append(absl::StrCat(id, ":link_requested:", now_), "registration.link_requested", id,
           "events.v1.RegistrationLinkRequested", data.SerializeAsString());
  }

  Pools LoadPools() const { return ParsePools(ev_.settings ? ev_.settings->pools : ""); }

  int64_t GeneralPlaces(int64_t total_reserved) const {
    const int64_t capacity = ev_.facts ? ev_.facts->capacity : 0;
    const int64_t general = capacity - total_reserved;
    return general < 0 ? 0 : general;
  }

  bool AnyoneWaiting(const std::string& pool) const { return Card("wait:" + pool) > 0; }

  // find_seat: for someone who joins now (a newcomer, or an approval), the pool's own
  // reserved places first, then the general ones, never jumping a queue. nullopt when there
  // is none.
  std::optional<std::string> FindSeat(const std::string& pool, int64_t places) {
    const Pools pools = LoadPools();
    auto reserved = pools.places.find(pool);
    if (reserved != pools.places.end() && Count("taken:" + pool) + places <= reserved->second &&
        !AnyoneWaiting(pool)) {
      return pool;
    }
    if (Count("taken:general") + places > GeneralPlaces(pools.total)) return std::nullopt;
    if (AnyoneWaiting("general")) return std::nullopt;
    for (const std::string& p : pools.order) {
      if (AnyoneWaiting(p)) return std::nullopt;
    }
    return std::string("general");
  }

  void SetStatus(const std::string& id, int from, int to, int64_t seq) {
    Set(absl::StrCat("st:", from)).Remove(id);
    Set(absl::StrCat("st:", to)).Add(id, seq);
    Incr(absl::StrCat("n:", from), -1);
    Incr(absl::StrCat("n:", to), 1);
    RegistrationRow& r = Row(id);
    r.status = to;
    r.updated = now_;
    r.version += 1;
  }

  void TakeSeat(const std::string& id, const std::string& seat, int64_t places) {
    Incr("taken:" + seat, places);
    Row(id).seat = seat;
  }

  void FreeSeat(const std::string& id) {
    RegistrationRow& r = Row(id);
    if (!r.seat.empty()) {
      Incr("taken:" + r.seat, -r.places);
      r.seat.clear();
    }
  }

  void PromoteOne(const std::string& id, const std::string& pool, const std::string& seat) {
    const RegistrationRow& r = Row(id);
    const int64_t places = r.places, seq = r.seq;
    Set("wait:" + pool).Remove(id);
    TakeSeat(id, seat, places);
    SetStatus(id, kWaitlisted, kConfirmed, seq);
    Emit("promoted", id, kWaitlisted);
  }

  // promote(): reserved places to the heads of their pools' lists, general places to whoever
  // has waited longest of all, in strict order. Returns how many were promoted.
  // common.lua's event_ended, on the projection (the fake has no scheduling record).
  bool EventEnded() {
    const std::optional<FactsRow>& f = ev().facts;
    return f && (f->status == "EVENT_STATUS_CANCELLED" || f->status == "EVENT_STATUS_COMPLETED");
  }

  int Promote() {
    if (EventEnded()) return 0;
    const Pools pools = LoadPools();
    int promoted = 0;
    bool progressed = true;
    while (progressed) {
      progressed = false;
      for (const std::string& p : pools.order) {
        while (true) {
          const SortedSet& wait = Set("wait:" + p);
          if (wait.Card() == 0) break;
          const std::string head = wait.entries().begin()->second;
          if (Count("taken:" + p) + Row(head).places > pools.places.at(p)) break;
          PromoteOne(head, p, p);
          ++promoted;
          progressed = true;
        }
      }
      std::optional<std::string> best, best_pool;
      int64_t best_seq = 0;
      std::vector<std::string> candidates = {"general"};
      candidates.insert(candidates.end(), pools.order.begin(), pools.order.end());
      for (const std::string& p : candidates) {
        const SortedSet& wait = Set("wait:" + p);
        if (wait.Card() == 0) continue;
        const auto& [score, member] = *wait.entries().begin();
        if (!best || score < best_seq) {
          best = member;
          best_seq = score;
          best_pool = p;
        }
      }
      if (best && Count("taken:general") + Row(*best).places <= GeneralPlaces(pools.total)) {
        PromoteOne(*best, *best_pool, "general");
        ++promoted;
        progressed = true;
      }
    }
    return promoted;
  }

 private:
  void Append(std::string id, std::string type, const std::string& subject, std::string data_type,
              std::string data) {
    DomainEvent e;
    e.set_id(std::move(id));
    e.set_type(std::move(type));
    e.set_source("registration");
    e.set_time_unix_ms(now_);
    e.set_subject(subject);
    e.set_org_id(org_);
    e.set_data_type(std::move(data_type));
    e.set_data(std::move(data));
    emitted_.push_back(std::move(e));
  }

  EventState& ev_;
  std::map<std::string, RegistrationRow>& rows_;
  std::vector<DomainEvent>& emitted_;
  const std::string event_;
  std::string org_;
  const int64_t now_;
};

// INCR with PEXPIRE on the first count, expiring on the callers' clock.
int64_t CountInWindow(EventState& ev, const std::string& key, int64_t now, int64_t ttl_ms) {
  auto it = ev.rate.find(key);
  if (it != ev.rate.end() && it->second.expires_ms <= now) {
    ev.rate.erase(it);
    it = ev.rate.end();
  }
  if (it == ev.rate.end()) {
    // Forget the windows that have passed, so a long run does not grow without bound.
    for (auto old = ev.rate.begin(); old != ev.rate.end();) {
      old = old->second.expires_ms <= now ? ev.rate.erase(old) : std::next(old);
    }
    ev.rate[key] = Window{1, now + ttl_ms};
    return 1;
  }
  return ++it->second.n;
}

std::string OrgOf(const EventState& ev) { return ev.facts ? ev.facts->org : ""; }

}  // namespace

struct FakeRegistrationStore::State {
  std::map<std::string, EventState> events;
  // R..<id>: registrations of every event, by id.
  std::map<std::string, RegistrationRow> rows;
  // The stream, never trimmed.
  std::vector<DomainEvent> emitted;
  // claim.lua's keys: idempotency key hash -> event id (kept for the fake's life).
  std::map<std::string, std::string> claims;

  Script Run(const std::string& event_id, int64_t now) {
    EventState& ev = events[event_id];
    return Script(ev, rows, emitted, event_id, OrgOf(ev), now);
  }
};

FakeRegistrationStore::FakeRegistrationStore() : state_(std::make_unique<State>()) {}
FakeRegistrationStore::~FakeRegistrationStore() = default;

// claim.lua.
absl::StatusOr<std::string> FakeRegistrationStore::ClaimIdempotencyKey(
    const std::string& idempotency_hash, const std::string& event_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return state_->claims.emplace(idempotency_hash, event_id).first->second;
}

absl::StatusOr<std::optional<RegisterResult>> FakeRegistrationStore::StoredAnswer(
    const std::string& event_id, const std::string& idempotency_hash,
    const std::string& fingerprint) {
  std::lock_guard<std::mutex> lock(mu_);
  auto ev = state_->events.find(event_id);
  if (ev == state_->events.end()) return std::optional<RegisterResult>();
  auto it = ev->second.idempotency.find(idempotency_hash);
  if (it == ev->second.idempotency.end()) return std::optional<RegisterResult>();
  const IdempotencyRecord& rec = it->second;
  RegisterResult out;
  out.outcome = rec.fingerprint == fingerprint ? RegisterOutcome::kReplay
                                               : RegisterOutcome::kIdempotencyMismatch;
  out.replay_id = rec.id;
  out.status = static_cast<RegistrationStatus>(rec.status);
  out.waitlist_position = static_cast<int32_t>(rec.position);
  out.replay_encrypted_token = rec.encrypted_token;
  return std::optional<RegisterResult>(out);
}

// register.lua.
absl::StatusOr<RegisterResult> FakeRegistrationStore::Register(const NewRegistration& reg,
                                                               int64_t now) {
  const Registration& r = reg.registration;
  const std::string& id = r.id();
  const std::string& pool = r.pool();
  const int64_t places = reg.places;
  std::lock_guard<std::mutex> lock(mu_);
  EventState& ev = state_->events[r.event_id()];
  RegisterResult out;

  if (!reg.idempotency_hash.empty()) {
    auto it = ev.idempotency.find(reg.idempotency_hash);
    if (it != ev.idempotency.end() && it->second.expires_ms <= now) {
      ev.idempotency.erase(it);
      it = ev.idempotency.end();
    }
    if (it != ev.idempotency.end()) {
      const IdempotencyRecord& rec = it->second;
      if (rec.fingerprint != reg.fingerprint) {
        out.outcome = RegisterOutcome::kIdempotencyMismatch;
        return out;
      }
      out.outcome = RegisterOutcome::kReplay;
      out.replay_id = rec.id;
      out.status = static_cast<RegistrationStatus>(rec.status);
      out.waitlist_position = static_cast<int32_t>(rec.position);
      out.replay_encrypted_token = rec.encrypted_token;
      return out;
    }
  }

  if (!ev.facts) {
    out.outcome = RegisterOutcome::kNoFacts;
    return out;
  }
  const FactsRow& facts = *ev.facts;
  if (facts.status != "EVENT_STATUS_PUBLISHED") {
    out.outcome = RegisterOutcome::kNotPublished;
    out.detail = facts.status;
    return out;
  }
  if (now < facts.opens) {
    out.outcome = RegisterOutcome::kNotOpen;
    out.detail = absl::StrCat(facts.opens);
    return out;
  }
  if (now >= facts.closes) {
    out.outcome = RegisterOutcome::kClosed;
    out.detail = absl::StrCat(facts.closes);
    return out;
  }
  const int64_t settings_version = ev.settings ? ev.settings->version : 0;
  if (settings_version != reg.settings_version) {
    out.outcome = RegisterOutcome::kSettingsChanged;
    out.detail = absl::StrCat(settings_version);
    return out;
  }
  Script s(ev, state_->rows, state_->emitted, r.event_id(), facts.org, now);

  // Counted only for requests that could register (not replays, retries or closed events).
  if (!reg.client_address.empty() && reg.limit_per_address_per_minute > 0) {
    const std::string key = absl::StrCat("a:", reg.client_address, ":", FloorDiv(now, 60000));
    if (CountInWindow(ev, key, now, kAddressWindowTtlMs) > reg.limit_per_address_per_minute) {
      out.outcome = RegisterOutcome::kRateLimitedAddress;
      return out;
    }
  }
  if (reg.limit_per_event_per_second > 0) {
    const std::string key = absl::StrCat("e:", FloorDiv(now, 1000));
    if (CountInWindow(ev, key, now, kEventWindowTtlMs) > reg.limit_per_event_per_second) {
      out.outcome = RegisterOutcome::kRateLimitedEvent;
      return out;
    }
  }

  if (!ev.emails.emplace(reg.email_normalised, id).second) {
    out.outcome = RegisterOutcome::kDuplicate;
    return out;
  }

  const int64_t seq = s.Incr("seq", 1);
  int status = kPending;
  std::optional<std::string> seat;
  if (!(ev.settings && ev.settings->approval)) {
    seat = s.FindSeat(pool, places);
    status = seat ? kConfirmed : kWaitlisted;
  }

  RegistrationRow row;
  row.data = r.SerializeAsString();
  row.status = status;
  row.pool = pool;
  row.seat = seat.value_or("");
  row.places = places;
  row.seq = seq;
  row.email = reg.email_normalised;
  row.token = reg.token_hash;
  row.attended = false;
  row.marketing = reg.marketing_opt_in;
  row.version = 1;
  row.created = now;
  row.updated = now;
  row.event = r.event_id();
  s.Row(id) = std::move(row);
  if (seat) s.Incr("taken:" + *seat, places);
  if (status == kWaitlisted) s.Set("wait:" + pool).Add(id, seq);
  s.Set("all").Add(id, seq);
  s.Set(absl::StrCat("st:", status)).Add(id, seq);
  s.Set("pool:" + pool).Add(id, seq);
  s.Incr(absl::StrCat("n:", status), 1);

  static const char* const kKinds[] = {"", "confirmed", "waitlisted", "pending_approval"};
  s.EmitValues("created", id, status, 0, pool, places, seq, false, reg.marketing_opt_in, 1);
  s.EmitValues(kKinds[status], id, status, 0, pool, places, seq, false, reg.marketing_opt_in, 1);

  int64_t position = 0;
  if (status == kWaitlisted) position = *s.Set("wait:" + pool).Rank(id) + 1;
  if (!reg.idempotency_hash.empty()) {
    ev.idempotency[reg.idempotency_hash] = IdempotencyRecord{
        reg.fingerprint, id, status, position, reg.encrypted_token, now + kIdempotencyTtlMs};
  }
  out.outcome = RegisterOutcome::kCreated;
  out.status = static_cast<RegistrationStatus>(status);
  out.sequence = seq;
  out.waitlist_position = static_cast<int32_t>(position);
  return out;
}

// change.lua.
absl::StatusOr<ChangeResult> FakeRegistrationStore::Change(
    const std::string& event_id, const std::string& registration_id, ChangeAction action,
    const std::string& token_hash, const std::string& new_data, std::optional<bool> marketing,
    int64_t now) {
  const std::string& id = registration_id;
  std::lock_guard<std::mutex> lock(mu_);
  ChangeResult out;
  auto found = state_->rows.find(id);
  if (found == state_->rows.end() || found->second.event != event_id ||
      (!token_hash.empty() && found->second.token != token_hash)) {
    out.outcome = ChangeResult::Outcome::kNotFound;
    return out;
  }
  Script s = state_->Run(event_id, now);
  RegistrationRow& row = found->second;
  const int status = row.status;
  const std::string pool = row.pool;
  const int64_t seq = row.seq;
  auto wrong_status = [&] {
    out.outcome = ChangeResult::Outcome::kWrongStatus;
    out.status = static_cast<RegistrationStatus>(status);
    return out;
  };

  switch (action) {
    case ChangeAction::kCancel: {
      if (status == kCancelled || status == kRejected) return wrong_status();
      if (status == kConfirmed) s.FreeSeat(id);
      if (status == kWaitlisted) s.Set("wait:" + pool).Remove(id);
      s.SetStatus(id, status, kCancelled, seq);
      // The e-mail may register again.
      s.ev().emails.erase(row.email);
      s.Emit("cancelled", id, status);
      out.promoted = s.Promote();
      return out;
    }
    case ChangeAction::kReject:
      if (status != kPending) return wrong_status();
      s.SetStatus(id, kPending, kRejected, seq);
      s.Emit("rejected", id, kPending);
      return out;
    case ChangeAction::kApprove: {
      if (status != kPending) return wrong_status();
      if (s.EventEnded()) {
        out.outcome = ChangeResult::Outcome::kEventEnded;
        return out;
      }
      const int64_t places = row.places;
      std::optional<std::string> seat = s.FindSeat(pool, places);
      if (seat) {
        s.TakeSeat(id, *seat, places);
        s.SetStatus(id, kPending, kConfirmed, seq);
      } else {
        // Approved but full: they join the back of their pool's waiting list ("all" keeps
        // its creation order, as in change.lua).
        const int64_t new_seq = s.Incr("seq", 1);
        s.Set("wait:" + pool).Add(id, new_seq);
        row.seq = new_seq;
        s.SetStatus(id, kPending, kWaitlisted, new_seq);
      }
      s.Emit("approved", id, kPending);
      return out;
    }
    case ChangeAction::kUpdate:
      // Closed registrations change no more, but consent can always be withdrawn.
      if ((status == kCancelled || status == kRejected) &&
          (!new_data.empty() || marketing != std::optional<bool>(false))) {
        return wrong_status();
      }
      if (!new_data.empty()) row.data = new_data;
      if (marketing.has_value()) row.marketing = *marketing;
      row.updated = now;
      row.version += 1;
      s.Emit("updated", id, status);
      return out;
    case ChangeAction::kAttend:
    case ChangeAction::kUnattend:
      if (status != kConfirmed) return wrong_status();
      row.attended = action == ChangeAction::kAttend;
      row.updated = now;
      row.version += 1;
      s.Emit("attended", id, status);
      return out;
  }
  return absl::InternalError("unknown change action");
}

// event.lua, action "facts". The Redis store runs it with now 0, and so does this.
absl::Status FakeRegistrationStore::UpsertFacts(const EventFacts& f) {
  std::lock_guard<std::mutex> lock(mu_);
  Script s = state_->Run(f.event_id, 0);
  std::optional<FactsRow>& stored = s.ev().facts;
  if ((stored ? stored->version : -1) >= f.version) return absl::OkStatus();  // stale
  stored = FactsRow{f.org_id,
                    events::v1::EventStatus_Name(f.status),
                    f.version,
                    f.start_unix_ms,
                    f.end_unix_ms,
                    f.registration_opens_unix_ms,
                    f.registration_closes_unix_ms,
                    f.capacity};
  s.set_org(f.org_id);
  s.Promote();
  return absl::OkStatus();
}

absl::StatusOr<std::optional<EventFacts>> FakeRegistrationStore::GetFacts(
    const std::string& event_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = state_->events.find(event_id);
  if (it == state_->events.end() || !it->second.facts) return std::optional<EventFacts>();
  const FactsRow& row = *it->second.facts;
  EventFacts f;  // time_zone is not projected
  f.event_id = event_id;
  f.org_id = row.org;
  events::v1::EventStatus status;
  if (events::v1::EventStatus_Parse(row.status, &status)) f.status = status;
  f.version = row.version;
  f.start_unix_ms = row.start;
  f.end_unix_ms = row.end;
  f.registration_opens_unix_ms = row.opens;
  f.registration_closes_unix_ms = row.closes;
  f.capacity = static_cast<int32_t>(row.capacity);
  return std::optional<EventFacts>(f);
}

absl::StatusOr<StoredSettings> FakeRegistrationStore::GetSettings(const std::string& event_id) {
  std::lock_guard<std::mutex> lock(mu_);
  StoredSettings out;
  out.settings.set_event_id(event_id);
  auto it = state_->events.find(event_id);
  if (it == state_->events.end() || !it->second.settings) return out;
  const SettingsRow& row = *it->second.settings;
  if (!out.settings.ParseFromString(row.data)) {
    return absl::DataLossError(absl::StrCat("stored settings of ", event_id, " cannot be read"));
  }
  out.settings.set_version(row.version);
  return out;
}

// event.lua, action "settings".
absl::StatusOr<int64_t> FakeRegistrationStore::PutSettings(
    const events::v1::RegistrationSettings& settings, int64_t expected_version, int64_t now) {
  std::vector<std::string> pools;
  for (const auto& p : settings.pools()) pools.push_back(absl::StrCat(p.id(), ":", p.places()));
  events::v1::RegistrationSettings data = settings;
  data.clear_version();
  std::lock_guard<std::mutex> lock(mu_);
  Script s = state_->Run(settings.event_id(), now);
  std::optional<SettingsRow>& stored = s.ev().settings;
  const int64_t version = stored ? stored->version : 0;
  if (expected_version != 0 && expected_version != version) {
    return absl::AbortedError(absl::StrCat("the registration settings of ", settings.event_id(),
                                           " are at version ", version, ", not ", expected_version,
                                           "; fetch them again and retry"));
  }
  stored = SettingsRow{version + 1, settings.requires_approval(), !settings.companions_disabled(),
                       absl::StrJoin(pools, ","), data.SerializeAsString()};
  s.Promote();
  return version + 1;
}

// event.lua, action "resend".
absl::Status FakeRegistrationStore::ResendLink(const std::string& event_id,
                                               const std::string& email_normalised, int64_t now,
                                               const ResendLimits& limits) {
  std::lock_guard<std::mutex> lock(mu_);
  Script s = state_->Run(event_id, now);
  auto it = s.ev().emails.find(email_normalised);
  if (it == s.ev().emails.end()) return absl::OkStatus();
  // A window of an hour from the first request, as event.lua's PEXPIRE.
  auto within = [&](const std::string& key, int limit) {
    if (limit <= 0) return true;
    Window& w = s.ev().rate[key];
    if (w.n > 0 && w.expires_ms <= now) w = Window{};
    if (++w.n == 1) w.expires_ms = now + 3600000;
    return w.n <= limit;
  };
  if (!within("resend:" + it->second, limits.per_registration_per_hour)) return absl::OkStatus();
  if (!within("resend", limits.per_event_per_hour)) return absl::OkStatus();
  s.EmitLinkRequested(it->second);
  return absl::OkStatus();
}

absl::StatusOr<StoredRegistration> FakeRegistrationStore::Get(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto row = state_->rows.find(id);
  if (row == state_->rows.end()) {
    return absl::NotFoundError(absl::StrCat("registration ", id, " not found"));
  }
  absl::StatusOr<StoredRegistration> out = ToStored(&row->second);
  if (!out.ok()) return out.status();
  const Registration& r = out->registration;
  if (r.status() == events::v1::REGISTRATION_STATUS_WAITLISTED) {
    auto ev = state_->events.find(r.event_id());
    if (ev != state_->events.end()) {
      auto wait = ev->second.sets.find("wait:" + r.pool());
      if (wait != ev->second.sets.end()) {
        std::optional<int64_t> rank = wait->second.Rank(id);
        if (rank) out->registration.set_waitlist_position(static_cast<int32_t>(*rank + 1));
      }
    }
  }
  return out;
}

absl::StatusOr<std::string> FakeRegistrationStore::FindByEmail(
    const std::string& event_id, const std::string& email_normalised) {
  std::lock_guard<std::mutex> lock(mu_);
  auto ev = state_->events.find(event_id);
  if (ev == state_->events.end()) return std::string();
  auto it = ev->second.emails.find(email_normalised);
  return it == ev->second.emails.end() ? std::string() : it->second;
}

absl::StatusOr<RegistrationPage> FakeRegistrationStore::List(const std::string& event_id,
                                                             RegistrationStatus status,
                                                             const std::string& pool,
                                                             int64_t after_sequence, int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  RegistrationPage page;
  if (limit <= 0) return page;
  auto ev = state_->events.find(event_id);
  if (ev == state_->events.end()) return page;
  // As the Redis store: over "all", in creation order, filtering status and pool as read.
  auto set = ev->second.sets.find("all");
  if (set == ev->second.sets.end()) return page;
  const auto& entries = set->second.entries();
  bool more = false;
  for (auto it = entries.upper_bound({after_sequence, std::string()}); it != entries.end(); ++it) {
    if (it->first <= after_sequence) continue;
    auto row = state_->rows.find(it->second);
    auto reg = ToStored(row == state_->rows.end() ? nullptr : &row->second);
    if (!reg.ok() || !ListedAs(reg->registration, status, pool)) continue;
    if (static_cast<int>(page.registrations.size()) == limit) {
      more = true;
      break;
    }
    page.registrations.push_back(std::move(reg->registration));
    page.next_after_sequence = it->first;
  }
  if (!more) page.next_after_sequence = 0;
  // Waiting-list positions, as Get reads them: the rank in "wait:<pool>".
  for (Registration& r : page.registrations) {
    if (r.status() != events::v1::REGISTRATION_STATUS_WAITLISTED) continue;
    auto wait = ev->second.sets.find("wait:" + r.pool());
    if (wait == ev->second.sets.end()) continue;
    std::optional<int64_t> rank = wait->second.Rank(r.id());
    if (rank) r.set_waitlist_position(static_cast<int32_t>(*rank + 1));
  }
  return page;
}

absl::StatusOr<EventCounts> FakeRegistrationStore::Counts(const std::string& event_id,
                                                          const std::vector<std::string>& pools) {
  std::lock_guard<std::mutex> lock(mu_);
  EventCounts c;
  const EventState empty;
  auto found = state_->events.find(event_id);
  const EventState& ev = found == state_->events.end() ? empty : found->second;
  auto waiting = [&](const std::string& pool) -> int64_t {
    auto it = ev.sets.find("wait:" + pool);
    return it == ev.sets.end() ? 0 : static_cast<int64_t>(it->second.Card());
  };
  c.waiting_by_pool.emplace_back("general", waiting("general"));
  for (const std::string& p : pools) c.waiting_by_pool.emplace_back(p, waiting(p));
  for (const auto& [field, n] : ev.counts) AddCountsField(field, n, c);
  return c;
}

std::vector<DomainEvent> FakeRegistrationStore::Emitted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_->emitted;
}

}  // namespace events::registration
