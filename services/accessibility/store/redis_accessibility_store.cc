#include "services/accessibility/store/redis_accessibility_store.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/log/call_context.h"
#include "common/redis/msgpack.h"
#include "services/accessibility/store/accessibility_scripts.h"

namespace events::accessibility {

namespace {

using Fields = std::map<std::string, std::string>;

// store/lua/*.lua, built into accessibility_scripts.h (CMakeLists.txt says what goes in front
// of each). LuaScript puts "#!lua" in front of each script, so Redis holds it to the slot of
// its KEYS (common/redis/README.md, "Scripts").
const redis::LuaScript& ApplyScript() { return lua::Apply(); }
const redis::LuaScript& AuditScript() { return lua::Audit(); }
const redis::LuaScript& CountsScript() { return lua::Counts(); }
const redis::LuaScript& FireScript() { return lua::Fire(); }
const redis::LuaScript& RiskCountsScript() { return lua::RiskCounts(); }

Fields ToFields(const redisReply& r) {
  Fields out;
  for (size_t i = 0; i + 1 < redis::ArraySize(r); i += 2) {
    out[redis::AsString(redis::ArrayAt(r, i))] = redis::AsString(redis::ArrayAt(r, i + 1));
  }
  return out;
}

int64_t Int(const Fields& f, const std::string& name) {
  auto it = f.find(name);
  int64_t n = 0;
  if (it != f.end()) (void)absl::SimpleAtoi(it->second, &n);
  return n;
}

std::string Str(const Fields& f, const std::string& name) {
  auto it = f.find(name);
  return it == f.end() ? "" : it->second;
}

absl::StatusOr<StoredRequest> ParseRequest(const Fields& f) {
  StoredRequest out;
  if (!out.request.ParseFromString(Str(f, "data"))) {
    return absl::DataLossError("a stored accessibility request cannot be read");
  }
  events::v1::AccessibilityRequest& r = out.request;
  r.set_status(static_cast<events::v1::RequestStatus>(Int(f, "status")));
  r.set_version(Int(f, "version"));
  r.set_at_risk(Int(f, "at_risk") == 1);
  r.set_registration_id(Str(f, "reg"));
  r.set_updated_unix_ms(Int(f, "updated"));
  out.org_id = Str(f, "org");
  out.sealed.key_id = Str(f, "key_id");
  out.sealed.ciphertext = Str(f, "sealed");
  r.set_details_deleted(out.sealed.key_id.empty());
  return out;
}

absl::StatusOr<StoredProvision> ParseProvision(const Fields& f) {
  StoredProvision out;
  if (!out.provision.ParseFromString(Str(f, "data"))) {
    return absl::DataLossError("a stored provision cannot be read");
  }
  out.provision.set_status(static_cast<events::v1::ProvisionStatus>(Int(f, "status")));
  out.provision.set_version(Int(f, "version"));
  out.provision.set_updated_unix_ms(Int(f, "updated"));
  out.org_id = Str(f, "org");
  return out;
}

absl::Status Unexpected(absl::string_view what) {
  return absl::InternalError(absl::StrCat("unexpected reply from the accessibility ", what));
}

// A ListAudit token is the id of the last entry of the previous page, "<ms>-<seq>" as Redis
// gave it: two runs of 1 to 20 decimal digits that fit 64 bits. Checked before Redis sees it
// (Redis answers a malformed id with an error of its own), and 0-0 is refused too: no entry
// has it, and Redis cannot end a range before it.
bool IsAuditToken(const std::string& token) {
  const std::vector<absl::string_view> parts = absl::StrSplit(token, '-');
  if (parts.size() != 2) return false;
  uint64_t numbers[2] = {0, 0};
  for (int i = 0; i < 2; ++i) {
    const absl::string_view part = parts[i];
    if (part.empty() || part.size() > 20) return false;
    for (char c : part) {
      if (c < '0' || c > '9') return false;
    }
    if (!absl::SimpleAtoi(part, &numbers[i])) return false;
  }
  return numbers[0] != 0 || numbers[1] != 0;
}

// One request write of apply.lua (its header names the fields).
std::string RequestRecord(const RequestWrite& w) {
  events::v1::AccessibilityRequest data = w.after.request;
  data.clear_details();
  data.clear_history();
  data.clear_status();
  data.clear_version();
  data.clear_at_risk();
  data.clear_details_deleted();
  // Kept in the "reg" field only, so erasure can forget it without decoding `data`.
  data.clear_registration_id();
  const events::v1::AccessibilityRequest& r = w.after.request;
  redis::MsgpackMap record;
  record.Add("id", r.id())
      .Add("expected_version", w.expected_version)
      .Add("reg", r.registration_id())
      .Add("unlink", w.unlink_registration)
      .Add("previous_status", static_cast<int>(w.previous_status))
      .Add("delete_details", w.delete_details)
      .Add("data", data.SerializeAsString())
      .Add("status", static_cast<int>(r.status()))
      .Add("version", r.version())
      .Add("org", w.after.org_id)
      .Add("late", r.late())
      .Add("deadline", r.deadline_unix_ms());
  if (!w.event_kind.empty()) record.Add("event_kind", w.event_kind);
  if (w.at_risk_due_ms.has_value()) record.Add("at_risk_due", *w.at_risk_due_ms);
  if (w.transition.has_value()) record.Add("transition", w.transition->SerializeAsString());
  if (!w.after.sealed.key_id.empty()) {
    record.Add("key_id", w.after.sealed.key_id).Add("sealed", w.after.sealed.ciphertext);
  }
  return record.Encode();
}

// One provision write of apply.lua.
std::string ProvisionRecord(const ProvisionWrite& w) {
  events::v1::Provision data = w.after.provision;
  data.clear_status();
  data.clear_version();
  redis::MsgpackMap record;
  record.Add("id", w.after.provision.id())
      .Add("expected_version", w.expected_version)
      .Add("data", data.SerializeAsString())
      .Add("status", static_cast<int>(w.after.provision.status()))
      .Add("version", w.after.provision.version())
      .Add("org", w.after.org_id);
  if (!w.event_kind.empty()) record.Add("event_kind", w.event_kind);
  return record.Encode();
}

}  // namespace

RedisAccessibilityStore::RedisAccessibilityStore(redis::RedisClient& redis,
                                                 const bus::Keyspace& keys, Options options)
    : redis_(redis), keys_(keys), options_(options) {}

std::string RedisAccessibilityStore::PartitionPrefix(const std::string& any_id) const {
  return absl::StrCat(keys_.PrefixFor(any_id), "acc:");
}

absl::Status RedisAccessibilityStore::Apply(const Batch& b, int64_t now_ms) {
  const std::string prefix = PartitionPrefix(b.event_id);
  const std::string event = absl::StrCat(prefix, "e:", b.event_id, ":");
  const std::vector<std::string> keys = {
      event + "facts",      event + "requests", event + "byreg",
      event + "provisions", prefix + "jobs",    keys_.Stream(keys_.PartitionOf(b.event_id))};
  redis::MsgpackMap head;
  head.Add("event", b.event_id)
      .Add("now", now_ms)
      .Add("maxlen", options_.stream_maxlen)
      .Add("traceparent", logging::CurrentTraceParent())
      .Add("purge_due_ms", b.purge_due_ms)
      .Add("requests", static_cast<int64_t>(b.requests.size()))
      .Add("provisions", static_cast<int64_t>(b.provisions.size()));
  if (b.facts.has_value()) {
    const EventFacts& f = *b.facts;
    head.Add("facts_write", b.facts_write == FactsWrite::kIfNone ? "if_none" : "if_newer")
        .Add("facts_version", f.version)
        .Add("facts_org", f.org_id)
        .Add("facts_status", static_cast<int>(f.status))
        .Add("facts_start", f.start_unix_ms)
        .Add("facts_end", f.end_unix_ms)
        .Add("facts_zone", f.time_zone);
  }
  if (b.expected_facts_version.has_value()) {
    head.Add("expected_facts_version", *b.expected_facts_version);
  }
  if (b.expected_request_count.has_value()) {
    head.Add("expected_request_count", *b.expected_request_count);
  }
  if (b.retention_ms.has_value()) head.Add("retention_ms", *b.retention_ms);
  std::vector<std::string> args = {head.Encode()};
  args.reserve(1 + b.requests.size() + b.provisions.size());
  for (const RequestWrite& w : b.requests) args.push_back(RequestRecord(w));
  for (const ProvisionWrite& w : b.provisions) args.push_back(ProvisionRecord(w));
  auto reply = redis_.Eval(ApplyScript(), keys, args);
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  const std::string kind =
      redis::ArraySize(r) > 0 ? redis::AsString(redis::ArrayAt(r, 0)) : std::string();
  if (kind == "ok") return absl::OkStatus();
  if (kind == "conflict" && redis::ArraySize(r) == 3) {
    return absl::AbortedError(absl::StrCat(
        redis::AsString(redis::ArrayAt(r, 1)), " was changed at the same time (now at version ",
        redis::AsString(redis::ArrayAt(r, 2)), "); read it again and retry"));
  }
  if (kind == "exists" && redis::ArraySize(r) == 2) {
    return absl::AlreadyExistsError(
        absl::StrCat("this registration already has accessibility request ",
                     redis::AsString(redis::ArrayAt(r, 1)), "; change it instead"));
  }
  if (kind == "no_retention") {
    return NoRetention();
  }
  return Unexpected("apply script");
}

absl::StatusOr<std::optional<EventFacts>> RedisAccessibilityStore::GetFacts(
    const std::string& event_id) {
  auto reply = redis_.Command(
      {"HGETALL", absl::StrCat(PartitionPrefix(event_id), "e:", event_id, ":facts")});
  if (!reply.ok()) return reply.status();
  Fields f = ToFields(**reply);
  if (f.empty()) return std::optional<EventFacts>();
  EventFacts facts;
  facts.event_id = event_id;
  facts.org_id = Str(f, "org");
  facts.status = static_cast<events::v1::EventStatus>(Int(f, "status"));
  facts.version = Int(f, "version");
  facts.start_unix_ms = Int(f, "start");
  facts.end_unix_ms = Int(f, "end");
  facts.time_zone = Str(f, "zone");
  return std::optional<EventFacts>(facts);
}

absl::StatusOr<StoredRequest> RedisAccessibilityStore::GetRequest(const std::string& id) {
  const std::string key = absl::StrCat(PartitionPrefix(id), "r:", id);
  auto replies = redis_.Pipeline({{"HGETALL", key}, {"LRANGE", key + ":log", "0", "-1"}});
  if (!replies.ok()) return replies.status();
  Fields f = ToFields(*(*replies)[0]);
  if (f.empty())
    return absl::NotFoundError(absl::StrCat("accessibility request ", id, " not found"));
  absl::StatusOr<StoredRequest> out = ParseRequest(f);
  if (!out.ok()) return out.status();
  const redisReply& log = *(*replies)[1];
  for (size_t i = 0; i < redis::ArraySize(log); ++i) {
    (void)out->request.add_history()->ParseFromString(redis::AsString(redis::ArrayAt(log, i)));
  }
  return out;
}

absl::StatusOr<std::string> RedisAccessibilityStore::FindByRegistration(
    const std::string& event_id, const std::string& registration_id) {
  auto reply = redis_.Command(
      {"HGET", absl::StrCat(PartitionPrefix(event_id), "e:", event_id, ":byreg"), registration_id});
  if (!reply.ok()) return reply.status();
  return redis::AsString(**reply);
}

absl::StatusOr<std::vector<StoredRequest>> RedisAccessibilityStore::LoadRequests(
    const std::string& prefix, const std::vector<std::string>& ids) {
  std::vector<StoredRequest> out;
  if (ids.empty()) return out;
  std::vector<std::vector<std::string>> gets;
  gets.reserve(ids.size());
  for (const std::string& id : ids) gets.push_back({"HGETALL", absl::StrCat(prefix, "r:", id)});
  auto loaded = redis_.Pipeline(gets);
  if (!loaded.ok()) return loaded.status();
  for (const auto& reply : *loaded) {
    Fields f = ToFields(*reply);
    if (f.empty()) continue;
    absl::StatusOr<StoredRequest> r = ParseRequest(f);
    if (r.ok()) out.push_back(*std::move(r));
  }
  return out;
}

absl::StatusOr<std::vector<StoredRequest>> RedisAccessibilityStore::ListRequests(
    const std::string& event_id) {
  const std::string prefix = PartitionPrefix(event_id);
  auto ids =
      redis_.Command({"ZRANGE", absl::StrCat(prefix, "e:", event_id, ":requests"), "0", "-1"});
  if (!ids.ok()) return ids.status();
  std::vector<std::string> list;
  for (size_t i = 0; i < redis::ArraySize(**ids); ++i) {
    list.push_back(redis::AsString(redis::ArrayAt(**ids, i)));
  }
  return LoadRequests(prefix, list);
}

absl::StatusOr<std::vector<StoredRequest>> RedisAccessibilityStore::ListAtRisk(
    const std::string& org_id) {
  std::vector<std::vector<std::string>> reads;
  reads.reserve(static_cast<size_t>(std::max(0, keys_.partitions())));
  for (int p = 0; p < keys_.partitions(); ++p) {
    reads.push_back(
        {"ZRANGE", absl::StrCat(keys_.PartitionPrefix(p), "acc:atrisk:", org_id), "0", "-1"});
  }
  auto replies = redis_.Pipeline(reads);
  if (!replies.ok()) return replies.status();
  std::vector<StoredRequest> out;
  for (int p = 0; p < keys_.partitions(); ++p) {
    std::vector<std::string> ids;
    const redisReply& r = *(*replies)[p];
    for (size_t i = 0; i < redis::ArraySize(r); ++i) {
      ids.push_back(redis::AsString(redis::ArrayAt(r, i)));
    }
    auto loaded = LoadRequests(absl::StrCat(keys_.PartitionPrefix(p), "acc:"), ids);
    if (!loaded.ok()) return loaded.status();
    for (StoredRequest& s : *loaded) out.push_back(std::move(s));
  }
  std::stable_sort(out.begin(), out.end(), [](const StoredRequest& a, const StoredRequest& b) {
    return a.request.deadline_unix_ms() < b.request.deadline_unix_ms();
  });
  return out;
}

absl::StatusOr<StoredProvision> RedisAccessibilityStore::GetProvision(const std::string& id) {
  auto reply = redis_.Command({"HGETALL", absl::StrCat(PartitionPrefix(id), "p:", id)});
  if (!reply.ok()) return reply.status();
  Fields f = ToFields(**reply);
  if (f.empty()) return absl::NotFoundError(absl::StrCat("provision ", id, " not found"));
  return ParseProvision(f);
}

absl::StatusOr<std::vector<StoredProvision>> RedisAccessibilityStore::ListProvisions(
    const std::string& event_id) {
  const std::string prefix = PartitionPrefix(event_id);
  auto ids =
      redis_.Command({"ZRANGE", absl::StrCat(prefix, "e:", event_id, ":provisions"), "0", "-1"});
  if (!ids.ok()) return ids.status();
  std::vector<std::vector<std::string>> gets;
  for (size_t i = 0; i < redis::ArraySize(**ids); ++i) {
    gets.push_back(
        {"HGETALL", absl::StrCat(prefix, "p:", redis::AsString(redis::ArrayAt(**ids, i)))});
  }
  std::vector<StoredProvision> out;
  if (gets.empty()) return out;
  auto loaded = redis_.Pipeline(gets);
  if (!loaded.ok()) return loaded.status();
  for (const auto& reply : *loaded) {
    Fields f = ToFields(*reply);
    if (f.empty()) continue;
    auto p = ParseProvision(f);
    if (p.ok()) out.push_back(*std::move(p));
  }
  return out;
}

absl::StatusOr<LeadTimes> RedisAccessibilityStore::GetLeadTimes(const std::string& org_id) {
  auto reply =
      redis_.Command({"HGETALL", keys_.Global(absl::StrCat("acc:org:", org_id, ":leadtimes"))});
  if (!reply.ok()) return reply.status();
  LeadTimes out;
  for (const auto& [need, days] : ToFields(**reply)) {
    int n = 0;
    if (absl::SimpleAtoi(days, &n)) out[need] = n;
  }
  return out;
}

absl::Status RedisAccessibilityStore::SetLeadTime(const std::string& org_id,
                                                  const std::string& need, int days) {
  auto reply = redis_.Command({"HSET", keys_.Global(absl::StrCat("acc:org:", org_id, ":leadtimes")),
                               need, absl::StrCat(days)});
  return reply.status();
}

absl::Status RedisAccessibilityStore::AppendAudit(const std::string& org_id,
                                                  const events::v1::AuditEntry& e) {
  auto reply =
      redis_.Eval(AuditScript(), {keys_.Global(absl::StrCat("acc:org:", org_id, ":audit"))},
                  {absl::StrCat(options_.audit_max_entries), "at", absl::StrCat(e.at_unix_ms()),
                   "actor", e.actor(), "name", e.actor_name(), "request", e.request_id(), "event",
                   e.event_id(), "rpc", e.rpc(), "requests", absl::StrJoin(e.request_ids(), ",")});
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  const std::string kind =
      redis::ArraySize(r) == 2 ? redis::AsString(redis::ArrayAt(r, 0)) : std::string();
  if (kind == "ok") return absl::OkStatus();
  if (kind == "full") {
    return absl::FailedPreconditionError(
        absl::StrCat("the audit log of organisation ", org_id, " is full (",
                     redis::AsString(redis::ArrayAt(r, 1)),
                     " entries, ACCESSIBILITY_AUDIT_MAX_ENTRIES=", options_.audit_max_entries,
                     "): nothing is read without an audit entry; archive and trim the log (see "
                     "docs/accessibility.md, Audit) or raise the setting"));
  }
  return Unexpected("audit script");
}

absl::StatusOr<AuditPage> RedisAccessibilityStore::ListAudit(const std::string& org_id,
                                                             const std::string& page_token,
                                                             int limit) {
  if (!page_token.empty() && !IsAuditToken(page_token)) {
    return absl::InvalidArgumentError(
        "page.page_token is not one this service gave (pass next_page_token as given)");
  }
  const std::string end = page_token.empty() ? "+" : absl::StrCat("(", page_token);
  auto reply =
      redis_.Command({"XREVRANGE", keys_.Global(absl::StrCat("acc:org:", org_id, ":audit")), end,
                      "-", "COUNT", absl::StrCat(limit + 1)});
  if (!reply.ok()) return reply.status();
  AuditPage page;
  const redisReply& r = **reply;
  for (size_t i = 0; i < redis::ArraySize(r); ++i) {
    const redisReply& entry = redis::ArrayAt(r, i);
    if (static_cast<int>(page.entries.size()) == limit) {
      page.next_token = redis::AsString(redis::ArrayAt(redis::ArrayAt(r, i - 1), 0));
      break;
    }
    Fields f = ToFields(redis::ArrayAt(entry, 1));
    events::v1::AuditEntry e;
    e.set_at_unix_ms(Int(f, "at"));
    e.set_actor(Str(f, "actor"));
    e.set_actor_name(Str(f, "name"));
    e.set_request_id(Str(f, "request"));
    e.set_event_id(Str(f, "event"));
    e.set_rpc(Str(f, "rpc"));
    for (absl::string_view id : absl::StrSplit(Str(f, "requests"), ',', absl::SkipEmpty())) {
      e.add_request_ids(std::string(id));
    }
    page.entries.push_back(std::move(e));
  }
  return page;
}

std::string RedisAccessibilityStore::CountsKey(const std::string& event_id) const {
  return absl::StrCat(PartitionPrefix(event_id), "e:", event_id, ":counts");
}

absl::StatusOr<PublishedCounts> RedisAccessibilityStore::GetPublishedCounts(
    const std::string& event_id) {
  auto reply = redis_.Command({"HGETALL", CountsKey(event_id)});
  if (!reply.ok()) return reply.status();
  PublishedCounts out;
  for (const auto& [field, value] : ToFields(**reply)) {
    if (field == "v") {
      (void)absl::SimpleAtoi(value, &out.version);
    } else if (field == "at") {
      (void)absl::SimpleAtoi(value, &out.published_unix_ms);
    } else if (absl::StartsWith(field, "r:")) {
      out.requests[field.substr(2)] = value;
    }
  }
  return out;
}

absl::Status RedisAccessibilityStore::PublishCounts(const std::string& event_id,
                                                    const PublishedCounts& next) {
  std::vector<std::string> args = {absl::StrCat(next.version - 1), absl::StrCat(next.version),
                                   absl::StrCat(next.published_unix_ms)};
  for (const auto& [id, fingerprint] : next.requests) {
    args.push_back(absl::StrCat("r:", id));
    args.push_back(fingerprint);
  }
  auto reply = redis_.Eval(CountsScript(), {CountsKey(event_id)}, args);
  if (!reply.ok()) return reply.status();
  const std::string kind = redis::AsString(**reply);
  if (kind == "ok") return absl::OkStatus();
  if (kind == "conflict") {
    return absl::AbortedError(
        absl::StrCat("the counts of event ", event_id, " were published at the same time"));
  }
  return Unexpected("counts script");
}

absl::StatusOr<int> RedisAccessibilityStore::FireDueJobs(int partition, int64_t now_ms, int limit) {
  auto reply = redis_.Eval(
      FireScript(),
      {absl::StrCat(keys_.PartitionPrefix(partition), "acc:jobs"), keys_.Stream(partition)},
      {absl::StrCat(now_ms), absl::StrCat(limit), absl::StrCat(options_.stream_maxlen),
       logging::CurrentTraceParent()});
  if (!reply.ok()) return reply.status();
  return static_cast<int>(redis::AsInt(**reply));
}

absl::StatusOr<std::map<std::string, RiskCounts>> RedisAccessibilityStore::CountRisk(
    int64_t now_ms) {
  std::vector<redis::ScriptCall> calls;
  calls.reserve(static_cast<size_t>(std::max(0, keys_.partitions())));
  for (int p = 0; p < keys_.partitions(); ++p) {
    calls.push_back(
        {{absl::StrCat(keys_.PartitionPrefix(p), "acc:riskorgs")}, {absl::StrCat(now_ms)}});
  }
  auto replies = redis_.EvalMany(RiskCountsScript(), calls);
  if (!replies.ok()) return replies.status();
  std::map<std::string, RiskCounts> out;
  for (const absl::StatusOr<redis::ReplyPtr>& reply : *replies) {
    // One partition unreadable makes every total wrong: no partial answer.
    if (!reply.ok()) return reply.status();
    const redisReply& r = **reply;
    for (size_t i = 0; i + 2 < redis::ArraySize(r); i += 3) {
      RiskCounts& counts = out[redis::AsString(redis::ArrayAt(r, i))];
      counts.at_risk += redis::AsInt(redis::ArrayAt(r, i + 1));
      counts.past_deadline += redis::AsInt(redis::ArrayAt(r, i + 2));
    }
  }
  return out;
}

int RedisAccessibilityStore::partitions() const { return keys_.partitions(); }

}  // namespace events::accessibility
