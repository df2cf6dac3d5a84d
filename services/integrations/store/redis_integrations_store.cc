#include "services/integrations/store/redis_integrations_store.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/redis/msgpack.h"
#include "services/integrations/store/integrations_scripts.h"

namespace events::integrations {

using events::redis::ArrayAt;
using events::redis::ArraySize;
using events::redis::AsInt;
using events::redis::AsString;
using events::redis::IsArray;
using events::redis::IsNil;

namespace {

absl::Status Ok(const absl::StatusOr<events::redis::ReplyPtr>& reply) {
  return reply.ok() ? absl::OkStatus() : reply.status();
}

const char* OutcomeWord(TryOutcome outcome) {
  switch (outcome) {
    case TryOutcome::kDelivered:
      return "delivered";
    case TryOutcome::kGone:
      return "gone";
    case TryOutcome::kRetry:
      return "retry";
    case TryOutcome::kDead:
      return "dead";
    case TryOutcome::kDropped:
      return "dropped";
  }
  return "retry";
}

events::v1::DeliveryState StateOf(TryOutcome outcome) {
  switch (outcome) {
    case TryOutcome::kDelivered:
      return events::v1::DELIVERY_STATE_DELIVERED;
    case TryOutcome::kGone:
      return events::v1::DELIVERY_STATE_GONE;
    case TryOutcome::kRetry:
      return events::v1::DELIVERY_STATE_PENDING;
    case TryOutcome::kDead:
      return events::v1::DELIVERY_STATE_DEAD;
    case TryOutcome::kDropped:
      return events::v1::DELIVERY_STATE_DROPPED;
  }
  return events::v1::DELIVERY_STATE_UNSPECIFIED;
}

}  // namespace

int PartitionOfDelivery(const std::string& delivery_id) {
  std::vector<std::string> parts = absl::StrSplit(delivery_id, '/');
  int partition = -1;
  if (parts.size() != 3 || parts[1].empty() || parts[2].empty() ||
      !absl::SimpleAtoi(parts[0], &partition)) {
    return -1;
  }
  return partition;
}

RedisIntegrationsStore::RedisIntegrationsStore(events::redis::RedisClient& redis,
                                               const events::bus::Keyspace& keys, Options options)
    : redis_(redis), keys_(keys), options_(options) {}

std::string RedisIntegrationsStore::Org(const std::string& org_id) const {
  return keys_.Global(absl::StrCat("int:{", org_id, "}:"));
}

std::string RedisIntegrationsStore::Due(int partition) const {
  return keys_.PartitionPrefix(partition) + "int:due";
}

std::string RedisIntegrationsStore::Delivery(int partition, const std::string& delivery_id) const {
  return keys_.PartitionPrefix(partition) + "int:dlv:" + delivery_id;
}

std::vector<std::string> RedisIntegrationsStore::ContactKeys(
    const std::string& org_id, const std::string& email_sha256) const {
  const std::string b = Org(org_id);
  const std::string contact = absl::StrCat(b, "c:", email_sha256);
  return {b + "suppressed", contact + ":regs", contact + ":left", contact, b + "cseq", b + "cfeed"};
}

absl::Status RedisIntegrationsStore::PutApiKey(const std::string& org_id,
                                               const events::v1::ApiKey& key,
                                               const std::string& key_hash) {
  const std::string b = Org(org_id);
  auto replies = redis_.Pipeline({{"HSET", b + "apikeys", key.key_id(), key.SerializeAsString()},
                                  {"HSET", b + "apikeyhash", key.key_id(), key_hash}});
  return replies.ok() ? absl::OkStatus() : replies.status();
}

absl::StatusOr<std::vector<events::v1::ApiKey>> RedisIntegrationsStore::ListApiKeys(
    const std::string& org_id) {
  auto reply = redis_.Command({"HVALS", Org(org_id) + "apikeys"});
  if (!reply.ok()) return reply.status();
  std::vector<events::v1::ApiKey> out;
  for (size_t i = 0; i < ArraySize(**reply); ++i) {
    events::v1::ApiKey key;
    if (key.ParseFromString(AsString(ArrayAt(**reply, i)))) out.push_back(std::move(key));
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.created_unix_ms() < b.created_unix_ms(); });
  return out;
}

absl::StatusOr<std::pair<events::v1::ApiKey, std::string>> RedisIntegrationsStore::GetApiKey(
    const std::string& org_id, const std::string& key_id) {
  const std::string b = Org(org_id);
  auto replies =
      redis_.Pipeline({{"HGET", b + "apikeys", key_id}, {"HGET", b + "apikeyhash", key_id}});
  if (!replies.ok()) return replies.status();
  events::v1::ApiKey key;
  if (IsNil(*(*replies)[0]) || !key.ParseFromString(AsString(*(*replies)[0]))) {
    return absl::NotFoundError(absl::StrCat("API key ", key_id, " not found"));
  }
  return std::make_pair(key, AsString(*(*replies)[1]));
}

namespace {

// "<key id>\n<sealed>" beside the record, so one HGET brings both.
std::string PackSecret(const StoredWebhook& w) {
  return absl::StrCat(w.secret_key_id, "\n", w.sealed_secret);
}

void UnpackSecret(const std::string& packed, StoredWebhook& w) {
  size_t nl = packed.find('\n');
  if (nl == std::string::npos) return;
  w.secret_key_id = packed.substr(0, nl);
  w.sealed_secret = packed.substr(nl + 1);
}

}  // namespace

absl::Status RedisIntegrationsStore::PutWebhook(const std::string& org_id,
                                                const StoredWebhook& webhook) {
  const std::string b = Org(org_id);
  events::v1::Webhook record = webhook.webhook;
  record.clear_enabled();
  record.clear_disabled_reason();
  auto replies = redis_.Pipeline({{"MULTI"},
                                  {"HSET", b + "wh", record.id(), record.SerializeAsString()},
                                  {"HSET", b + "whsecret", record.id(), PackSecret(webhook)},
                                  {"EXEC"}});
  return replies.ok() ? absl::OkStatus() : replies.status();
}

absl::StatusOr<StoredWebhook> RedisIntegrationsStore::GetWebhook(const std::string& org_id,
                                                                 const std::string& webhook_id) {
  const std::string b = Org(org_id);
  auto replies = redis_.Pipeline({{"HGET", b + "wh", webhook_id},
                                  {"HGET", b + "whsecret", webhook_id},
                                  {"HGET", b + "whoff", webhook_id}});
  if (!replies.ok()) return replies.status();
  StoredWebhook w;
  if (IsNil(*(*replies)[0]) || !w.webhook.ParseFromString(AsString(*(*replies)[0]))) {
    return absl::NotFoundError(absl::StrCat("webhook ", webhook_id, " not found"));
  }
  UnpackSecret(AsString(*(*replies)[1]), w);
  w.webhook.set_enabled(IsNil(*(*replies)[2]));
  w.webhook.set_disabled_reason(AsString(*(*replies)[2]));
  return w;
}

absl::StatusOr<std::vector<StoredWebhook>> RedisIntegrationsStore::ListWebhooks(
    const std::string& org_id) {
  const std::string b = Org(org_id);
  auto replies = redis_.Pipeline({{"HGETALL", b + "wh"}, {"HGETALL", b + "whoff"}});
  if (!replies.ok()) return replies.status();
  const redisReply& all = *(*replies)[0];
  const redisReply& off = *(*replies)[1];
  std::map<std::string, std::string> disabled;
  for (size_t i = 0; i + 1 < ArraySize(off); i += 2) {
    disabled[AsString(ArrayAt(off, i))] = AsString(ArrayAt(off, i + 1));
  }
  std::vector<StoredWebhook> out;
  for (size_t i = 0; i + 1 < ArraySize(all); i += 2) {
    StoredWebhook w;
    if (!w.webhook.ParseFromString(AsString(ArrayAt(all, i + 1)))) continue;
    auto it = disabled.find(w.webhook.id());
    w.webhook.set_enabled(it == disabled.end());
    if (it != disabled.end()) w.webhook.set_disabled_reason(it->second);
    out.push_back(std::move(w));
  }
  std::sort(out.begin(), out.end(), [](const auto& lhs, const auto& rhs) {
    return lhs.webhook.created_unix_ms() < rhs.webhook.created_unix_ms();
  });
  return out;
}

absl::Status RedisIntegrationsStore::DeleteWebhook(const std::string& org_id,
                                                   const std::string& webhook_id) {
  const std::string b = Org(org_id);
  auto replies = redis_.Pipeline({{"MULTI"},
                                  {"HDEL", b + "wh", webhook_id},
                                  {"HDEL", b + "whsecret", webhook_id},
                                  {"HDEL", b + "whoff", webhook_id},
                                  {"DEL", b + "log:" + webhook_id},
                                  {"EXEC"}});
  if (!replies.ok()) return replies.status();
  const redisReply& exec = *replies->back();
  if (!IsArray(exec) || ArraySize(exec) < 1 || AsInt(ArrayAt(exec, 0)) == 0) {
    return absl::NotFoundError(absl::StrCat("webhook ", webhook_id, " not found"));
  }
  return absl::OkStatus();
}

absl::Status RedisIntegrationsStore::SetWebhookEnabled(const std::string& org_id,
                                                       const std::string& webhook_id, bool enabled,
                                                       const std::string& reason) {
  const std::string key = Org(org_id) + "whoff";
  if (enabled) return Ok(redis_.Command({"HDEL", key, webhook_id}));
  return Ok(redis_.Command({"HSET", key, webhook_id, reason.empty() ? "disabled" : reason}));
}

absl::StatusOr<int> RedisIntegrationsStore::Enqueue(int partition,
                                                    const std::vector<NewDelivery>& deliveries,
                                                    int64_t now_ms) {
  if (deliveries.empty()) return 0;
  std::vector<std::string> args = {absl::StrCat(now_ms)};
  args.reserve(1 + deliveries.size());
  for (const NewDelivery& d : deliveries) {
    args.push_back(events::redis::MsgpackMap()
                       .Add("id", d.delivery_id)
                       .Add("org", d.org_id)
                       .Add("webhook", d.webhook_id)
                       .Add("message", d.message_id)
                       .Add("type", d.event_type)
                       .Add("body", d.body)
                       .Add("traceparent", d.traceparent)
                       .Encode());
  }
  auto reply = redis_.Eval(lua::Enqueue(), {Due(partition)}, args);
  if (!reply.ok()) return reply.status();
  return static_cast<int>(AsInt(**reply));
}

absl::StatusOr<std::vector<ClaimedDelivery>> RedisIntegrationsStore::Claim(int64_t now_ms,
                                                                           int64_t lease_ms,
                                                                           int limit) {
  std::vector<redis::ScriptCall> calls;
  calls.reserve(static_cast<size_t>(keys_.partitions()));
  for (int p = 0; p < keys_.partitions(); ++p) {
    calls.push_back(
        {{Due(p)}, {absl::StrCat(now_ms), absl::StrCat(lease_ms), absl::StrCat(limit)}});
  }
  auto replies = redis_.EvalMany(lua::Claim(), calls);
  if (!replies.ok()) return replies.status();
  std::vector<ClaimedDelivery> out;
  for (int p = 0; p < static_cast<int>(replies->size()); ++p) {
    const auto& reply = (*replies)[p];
    if (!reply.ok()) return reply.status();
    const redisReply& list = **reply;
    for (size_t i = 0; i < ArraySize(list); ++i) {
      const redisReply& row = ArrayAt(list, i);
      if (ArraySize(row) != 8) continue;
      ClaimedDelivery d;
      d.partition = p;
      d.delivery_id = AsString(ArrayAt(row, 0));
      d.org_id = AsString(ArrayAt(row, 1));
      d.webhook_id = AsString(ArrayAt(row, 2));
      d.message_id = AsString(ArrayAt(row, 3));
      d.event_type = AsString(ArrayAt(row, 4));
      d.body = AsString(ArrayAt(row, 5));
      d.attempt = static_cast<int>(AsInt(ArrayAt(row, 6))) + 1;
      d.traceparent = AsString(ArrayAt(row, 7));
      d.claimed_unix_ms = now_ms;
      out.push_back(std::move(d));
    }
  }
  return out;
}

absl::StatusOr<bool> RedisIntegrationsStore::Record(const ClaimedDelivery& d,
                                                    const TryResult& result) {
  // The delivery's state and its dead-letter index first, in one script that refuses a stale
  // claim; only then the organisation's side (log line, 410 disable), which a stale claimant
  // therefore never writes. A crash between the two loses at most that log line or the
  // disable (the next 410 disables it again), never a delivery or a dead letter.
  const int max_dead = std::max(
      1, (options_.max_dead_letters + keys_.partitions() - 1) / std::max(1, keys_.partitions()));
  const std::string try_record = events::redis::MsgpackMap()
                                     .Add("id", d.delivery_id)
                                     .Add("attempt", d.attempt)
                                     .Add("outcome", OutcomeWord(result.outcome))
                                     .Add("next_due", result.next_due_ms)
                                     .Add("http_status", result.http_status)
                                     .Add("error", result.error)
                                     .Add("now", result.now_ms)
                                     .Add("keep_finished_ms", options_.keep_finished_ms)
                                     .Add("keep_dead_ms", options_.keep_dead_ms)
                                     .Add("max_dead", max_dead)
                                     .Encode();
  auto reply = redis_.Eval(lua::Record(), {Delivery(d.partition, d.delivery_id), Due(d.partition)},
                           {try_record});
  if (!reply.ok()) return reply.status();
  if (AsString(**reply) != "ok") return false;
  const std::string b = Org(d.org_id);
  events::v1::DeliveryAttempt attempt;
  attempt.set_message_id(d.message_id);
  attempt.set_event_type(d.event_type);
  attempt.set_attempt(d.attempt);
  attempt.set_http_status(result.http_status);
  attempt.set_error(result.error);
  attempt.set_time_unix_ms(result.now_ms);
  attempt.set_state(StateOf(result.outcome));
  std::vector<std::vector<std::string>> commands = {
      {"MULTI"},
      {"LPUSH", b + "log:" + d.webhook_id, attempt.SerializeAsString()},
      {"LTRIM", b + "log:" + d.webhook_id, "0", absl::StrCat(options_.log_length - 1)}};
  if (result.outcome == TryOutcome::kGone) {
    commands.push_back({"HSET", b + "whoff", d.webhook_id,
                        "the receiver answered 410 Gone: re-enable it when it is back"});
  }
  commands.push_back({"EXEC"});
  auto org_side = redis_.Pipeline(commands);
  if (!org_side.ok()) return org_side.status();
  return true;
}

absl::StatusOr<std::vector<events::v1::DeliveryAttempt>> RedisIntegrationsStore::ListLog(
    const std::string& org_id, const std::string& webhook_id, int limit) {
  auto reply =
      redis_.Command({"LRANGE", Org(org_id) + "log:" + webhook_id, "0", absl::StrCat(limit - 1)});
  if (!reply.ok()) return reply.status();
  std::vector<events::v1::DeliveryAttempt> out;
  for (size_t i = 0; i < ArraySize(**reply); ++i) {
    events::v1::DeliveryAttempt a;
    if (a.ParseFromString(AsString(ArrayAt(**reply, i)))) out.push_back(std::move(a));
  }
  return out;
}

absl::StatusOr<std::pair<std::vector<events::v1::DeadLetter>, int64_t>>
RedisIntegrationsStore::ListDeadLetters(const std::string& org_id, int64_t offset, int limit) {
  // Each partition keeps the organisation's dead letters of its deliveries: the first
  // offset + limit + 1 of each, merged by time, hold the page and say whether more follow.
  std::vector<std::vector<std::string>> ranges;
  ranges.reserve(static_cast<size_t>(keys_.partitions()));
  for (int p = 0; p < keys_.partitions(); ++p) {
    ranges.push_back({"ZRANGE", keys_.PartitionPrefix(p) + "int:dead:" + org_id, "0",
                      absl::StrCat(offset + limit), "WITHSCORES"});
  }
  auto indexes = redis_.Pipeline(ranges);
  if (!indexes.ok()) return indexes.status();
  struct Entry {
    int64_t dead_ms;
    std::string id;
    int partition;
  };
  std::vector<Entry> entries;
  for (int p = 0; p < static_cast<int>(indexes->size()); ++p) {
    const redisReply& list = *(*indexes)[p];
    for (size_t i = 0; i + 1 < ArraySize(list); i += 2) {
      int64_t score = 0;
      (void)absl::SimpleAtoi(AsString(ArrayAt(list, i + 1)), &score);
      entries.push_back(Entry{score, AsString(ArrayAt(list, i)), p});
    }
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.dead_ms != b.dead_ms ? a.dead_ms < b.dead_ms : a.id < b.id;
  });
  const bool more = entries.size() > static_cast<size_t>(offset + limit);
  std::vector<std::vector<std::string>> reads;
  std::vector<const Entry*> page;
  for (size_t i = static_cast<size_t>(offset);
       i < entries.size() && page.size() < static_cast<size_t>(limit); ++i) {
    page.push_back(&entries[i]);
    reads.push_back(
        {"HMGET", keys_.PartitionPrefix(entries[i].partition) + "int:dlv:" + entries[i].id, "state",
         "webhook", "message", "type", "attempt", "last_status", "last_error"});
  }
  std::vector<events::v1::DeadLetter> out;
  if (!reads.empty()) {
    auto infos = redis_.Pipeline(reads);
    if (!infos.ok()) return infos.status();
    for (size_t i = 0; i < page.size(); ++i) {
      const redisReply& f = *(*infos)[i];
      // Expired (past the dead letters' time to live) or replayed meanwhile: not listed.
      if (ArraySize(f) != 7 || AsString(ArrayAt(f, 0)) != "dead") continue;
      events::v1::DeadLetter dead;
      dead.set_delivery_id(page[i]->id);
      dead.set_webhook_id(AsString(ArrayAt(f, 1)));
      dead.set_message_id(AsString(ArrayAt(f, 2)));
      dead.set_event_type(AsString(ArrayAt(f, 3)));
      dead.set_attempts(static_cast<int32_t>(AsInt(ArrayAt(f, 4))));
      dead.set_last_http_status(static_cast<int32_t>(AsInt(ArrayAt(f, 5))));
      dead.set_last_error(AsString(ArrayAt(f, 6)));
      dead.set_dead_unix_ms(page[i]->dead_ms);
      out.push_back(std::move(dead));
    }
  }
  return std::make_pair(std::move(out), more ? offset + limit : 0);
}

absl::Status RedisIntegrationsStore::Replay(const std::string& org_id,
                                            const std::string& delivery_id, int64_t now_ms) {
  const int partition = PartitionOfDelivery(delivery_id);
  if (partition < 0 || partition >= keys_.partitions()) {
    return absl::NotFoundError(absl::StrCat("dead letter ", delivery_id, " not found"));
  }
  auto reply = redis_.Eval(lua::Replay(),
                           {Delivery(partition, delivery_id), Due(partition),
                            keys_.PartitionPrefix(partition) + "int:dead:" + org_id},
                           {delivery_id, absl::StrCat(now_ms), org_id});
  if (!reply.ok()) return reply.status();
  // Success only when this call replayed it: a concurrent replay or an expired one is gone.
  if (AsInt(**reply) != 1) {
    return absl::NotFoundError(absl::StrCat("dead letter ", delivery_id, " not found"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ContactOutcome> RedisIntegrationsStore::ApplyContact(const std::string& org_id,
                                                                    const ContactChange& c) {
  const std::string b = Org(org_id);
  std::vector<std::string> keys = {b + "creg", b + "cseq", b + "cfeed", b + "suppressed"};
  events::redis::MsgpackMap change;
  change.Add("action", c.upsert ? "upsert" : "remove")
      .Add("reg", c.registration_id)
      .Add("version", c.version)
      .Add("event", c.event_id);
  if (c.upsert) {
    const std::string contact = absl::StrCat(b, "c:", c.email_sha256);
    keys.insert(keys.end(), {contact, contact + ":regs", contact + ":left"});
    change.Add("email_sha256", c.email_sha256)
        .Add("email", c.email)
        .Add("first", c.first_name)
        .Add("last", c.last_name);
  }
  auto reply = redis_.Eval(lua::Contact(), keys, {change.Encode()});
  if (!reply.ok()) return reply.status();
  const std::string word = AsString(**reply);
  if (word == "ok") return ContactOutcome::kApplied;
  if (word == "stale") return ContactOutcome::kStale;
  if (word == "suppressed") return ContactOutcome::kSuppressed;
  return ContactOutcome::kNone;
}

absl::StatusOr<ContactsPage> RedisIntegrationsStore::Contacts(const std::string& org_id,
                                                              int64_t after_cursor, int limit) {
  const std::string b = Org(org_id);
  auto hashes = redis_.Command({"ZRANGEBYSCORE", b + "cfeed", absl::StrCat("(", after_cursor),
                                "+inf", "WITHSCORES", "LIMIT", "0", absl::StrCat(limit)});
  if (!hashes.ok()) return hashes.status();
  ContactsPage page;
  page.next_cursor = after_cursor;
  std::vector<std::vector<std::string>> commands;
  std::vector<int64_t> cursors;
  for (size_t i = 0; i + 1 < ArraySize(**hashes); i += 2) {
    const std::string h = AsString(ArrayAt(**hashes, i));
    cursors.push_back(AsInt(ArrayAt(**hashes, i + 1)));
    commands.push_back({"HMGET", absl::StrCat(b, "c:", h), "email", "first", "last"});
    commands.push_back({"HVALS", absl::StrCat(b, "c:", h, ":regs")});
  }
  if (commands.empty()) return page;
  auto replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < cursors.size(); ++i) {
    const redisReply& fields = *(*replies)[2 * i];
    const redisReply& events = *(*replies)[2 * i + 1];
    events::v1::MailingContact contact;
    contact.set_email(AsString(ArrayAt(fields, 0)));
    contact.set_first_name(AsString(ArrayAt(fields, 1)));
    contact.set_last_name(AsString(ArrayAt(fields, 2)));
    std::set<std::string> tags;
    for (size_t j = 0; j < ArraySize(events); ++j) {
      tags.insert(absl::StrCat("event:", AsString(ArrayAt(events, j))));
    }
    for (const std::string& t : tags) contact.add_tags(t);
    contact.set_subscribed(!tags.empty());
    contact.set_cursor(cursors[i]);
    page.next_cursor = cursors[i];
    page.contacts.push_back(std::move(contact));
  }
  return page;
}

absl::StatusOr<std::vector<std::string>> RedisIntegrationsStore::Suppress(
    const std::string& org_id, const std::string& email_sha256) {
  auto reply = redis_.Eval(lua::Unsubscribe(), ContactKeys(org_id, email_sha256),
                           {"suppress", email_sha256});
  if (!reply.ok()) return reply.status();
  std::vector<std::string> out;
  for (size_t i = 0; i < ArraySize(**reply); ++i) out.push_back(AsString(ArrayAt(**reply, i)));
  return out;
}

absl::Status RedisIntegrationsStore::ClearContact(const std::string& org_id,
                                                  const std::string& email_sha256) {
  return Ok(
      redis_.Eval(lua::Unsubscribe(), ContactKeys(org_id, email_sha256), {"clear", email_sha256}));
}

}  // namespace events::integrations
