#include "services/notifications/store/redis_outbox_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/util/ids.h"
#include "common/util/text_rules.h"
#include "services/notifications/store/notifications_scripts.h"

namespace events::notifications {

using events::redis::ArrayAt;
using events::redis::ArraySize;
using events::redis::AsInt;
using events::redis::AsString;
using events::redis::IsNil;

namespace {

const char* OutcomeWord(MailOutcome outcome) {
  switch (outcome) {
    case MailOutcome::kSent:
      return "sent";
    case MailOutcome::kRetry:
      return "retry";
    case MailOutcome::kDefer:
      return "defer";
    case MailOutcome::kDead:
      return "dead";
    case MailOutcome::kUndeliverable:
      return "undeliverable";
    case MailOutcome::kSkipped:
      return "skipped";
  }
  return "retry";
}

events::v1::MailState StateOf(absl::string_view word) {
  if (word == "pending") return events::v1::MAIL_STATE_PENDING;
  if (word == "sent") return events::v1::MAIL_STATE_SENT;
  if (word == "dead") return events::v1::MAIL_STATE_DEAD;
  if (word == "undeliverable") return events::v1::MAIL_STATE_UNDELIVERABLE;
  if (word == "skipped") return events::v1::MAIL_STATE_SKIPPED;
  return events::v1::MAIL_STATE_UNSPECIFIED;
}

// The form an address is counted and marked in: the one registration compares addresses in.
std::string AddressKey(const std::string& address) {
  return Sha256Hex(NormaliseEmailAddress(address));
}

}  // namespace

int PartitionOfMail(const std::string& mail_id) {
  const size_t dot = mail_id.find('.');
  int partition = -1;
  if (dot == std::string::npos || dot == 0 || mail_id.size() - dot - 1 != 32 ||
      !absl::SimpleAtoi(absl::string_view(mail_id).substr(0, dot), &partition) || partition < 0) {
    return -1;
  }
  for (char c : absl::string_view(mail_id).substr(dot + 1)) {
    if (!absl::ascii_isxdigit(c) || absl::ascii_isupper(c)) return -1;
  }
  return partition;
}

std::string MailId(int partition, const std::string& cause_event_id,
                   const std::string& template_name, const std::string& recipient_key) {
  const std::string digest =
      Sha256Hex(absl::StrCat(cause_event_id, "\n", template_name, "\n", recipient_key));
  return absl::StrCat(partition, ".", digest.substr(0, 32));
}

RedisOutboxStore::RedisOutboxStore(events::redis::RedisClient& redis,
                                   const events::bus::Keyspace& keys, Options options)
    : redis_(redis), keys_(keys), options_(options) {}

std::string RedisOutboxStore::Mail(int partition, const std::string& id) const {
  return absl::StrCat(keys_.PartitionPrefix(partition), "nt:mail:", id);
}
std::string RedisOutboxStore::Due(int partition) const {
  return keys_.PartitionPrefix(partition) + "nt:due";
}
std::string RedisOutboxStore::Dead(int partition, const std::string& org_id) const {
  return absl::StrCat(keys_.PartitionPrefix(partition), "nt:dead:", org_id);
}
std::string RedisOutboxStore::Log(int partition, const std::string& org_id) const {
  return absl::StrCat(keys_.PartitionPrefix(partition), "nt:log:", org_id);
}
std::string RedisOutboxStore::Bad(const std::string& address) const {
  return keys_.Global(absl::StrCat("nt:bad:", AddressKey(address)));
}

absl::StatusOr<int> RedisOutboxStore::Enqueue(int partition, const std::string& org_id,
                                              const std::vector<NewMail>& mail, int64_t now_ms) {
  if (mail.empty()) return 0;
  std::vector<std::string> keys = {Due(partition), Log(partition, org_id)};
  std::vector<std::string> args = {absl::StrCat(now_ms), org_id, absl::StrCat(options_.log_length)};
  keys.reserve(2 + mail.size());
  args.reserve(3 + mail.size() * 10);
  for (const NewMail& m : mail) {
    keys.push_back(Mail(partition, m.id));
    for (const std::string* v : {&m.id, &m.event_id, &m.registration_id, &m.template_name,
                                 &m.cause_event_id, &m.to, &m.arg, &m.member_id}) {
      args.push_back(*v);
    }
    // Urgent mail is due since time 0: a claim takes the lowest due times first.
    args.push_back(m.urgent ? "0" : absl::StrCat(now_ms));
    args.push_back(m.traceparent);
  }
  auto reply = redis_.Eval(lua::Enqueue(), keys, args);
  if (!reply.ok()) return reply.status();
  return static_cast<int>(AsInt(**reply));
}

absl::StatusOr<std::vector<ClaimedMail>> RedisOutboxStore::Claim(int64_t now_ms, int64_t lease_ms,
                                                                 int limit) {
  std::vector<ClaimedMail> out;
  for (int p = 0; p < keys_.partitions(); ++p) {
    auto reply = redis_.Eval(lua::Claim(), {Due(p)},
                             {absl::StrCat(now_ms), absl::StrCat(lease_ms), absl::StrCat(limit)});
    if (!reply.ok()) return reply.status();
    for (size_t i = 0; i < ArraySize(**reply); ++i) {
      const auto& row = ArrayAt(**reply, i);
      if (ArraySize(row) != 12) continue;
      ClaimedMail c;
      c.partition = p;
      c.mail.id = AsString(ArrayAt(row, 0));
      c.org_id = AsString(ArrayAt(row, 1));
      c.mail.event_id = AsString(ArrayAt(row, 2));
      c.mail.registration_id = AsString(ArrayAt(row, 3));
      c.mail.template_name = AsString(ArrayAt(row, 4));
      c.mail.cause_event_id = AsString(ArrayAt(row, 5));
      c.mail.to = AsString(ArrayAt(row, 6));
      c.mail.arg = AsString(ArrayAt(row, 7));
      c.attempts = static_cast<int>(AsInt(ArrayAt(row, 8)));
      c.created_ms = AsInt(ArrayAt(row, 9));
      // Mail made before members had e-mail has no member.
      if (!IsNil(ArrayAt(row, 10))) c.mail.member_id = AsString(ArrayAt(row, 10));
      // Nor a trace, mail made before mail kept one.
      if (!IsNil(ArrayAt(row, 11))) c.mail.traceparent = AsString(ArrayAt(row, 11));
      c.claimed_ms = now_ms;
      out.push_back(std::move(c));
    }
  }
  return out;
}

absl::StatusOr<bool> RedisOutboxStore::Record(const ClaimedMail& mail, const MailResult& result,
                                              int64_t now_ms) {
  const int attempt = result.outcome == MailOutcome::kDefer ? mail.attempts : mail.attempts + 1;
  auto reply = redis_.Eval(lua::Record(),
                           {Mail(mail.partition, mail.mail.id), Due(mail.partition),
                            Dead(mail.partition, mail.org_id), Log(mail.partition, mail.org_id)},
                           {mail.mail.id, absl::StrCat(attempt), OutcomeWord(result.outcome),
                            absl::StrCat(result.next_due_ms), result.error, absl::StrCat(now_ms),
                            result.recipient, absl::StrCat(options_.keep_finished_ms)});
  if (!reply.ok()) return reply.status();
  return AsString(**reply) == "ok";
}

absl::StatusOr<std::vector<events::v1::OutboxMail>> RedisOutboxStore::ListOutbox(
    const std::string& org_id, int limit, events::v1::MailState state) {
  std::vector<std::vector<std::string>> reads;
  reads.reserve(static_cast<size_t>(keys_.partitions()));
  for (int p = 0; p < keys_.partitions(); ++p) {
    reads.push_back({"ZREVRANGE", Log(p, org_id), "0", absl::StrCat(options_.log_length - 1)});
  }
  auto ids = redis_.Pipeline(reads);
  if (!ids.ok()) return ids.status();
  std::vector<std::vector<std::string>> gets;
  std::vector<std::pair<int, std::string>> which;
  for (int p = 0; p < keys_.partitions(); ++p) {
    const auto& list = *(*ids)[static_cast<size_t>(p)];
    for (size_t i = 0; i < ArraySize(list); ++i) {
      std::string id = AsString(ArrayAt(list, i));
      gets.push_back({"HMGET", Mail(p, id), "org", "event", "reg", "tpl", "cause", "recipient",
                      "state", "attempt", "error", "created", "updated"});
      which.emplace_back(p, std::move(id));
    }
  }
  std::vector<events::v1::OutboxMail> out;
  if (gets.empty()) return out;
  auto rows = redis_.Pipeline(gets);
  if (!rows.ok()) return rows.status();
  for (size_t i = 0; i < rows->size(); ++i) {
    const auto& f = *(*rows)[i];
    // Expired mail leaves its id on the log until the log is trimmed.
    if (ArraySize(f) != 11 || IsNil(ArrayAt(f, 0)) || AsString(ArrayAt(f, 0)) != org_id) continue;
    events::v1::OutboxMail m;
    m.set_mail_id(which[i].second);
    m.set_event_id(AsString(ArrayAt(f, 1)));
    m.set_registration_id(AsString(ArrayAt(f, 2)));
    m.set_template_(AsString(ArrayAt(f, 3)));
    m.set_cause_event_id(AsString(ArrayAt(f, 4)));
    m.set_recipient(AsString(ArrayAt(f, 5)));
    m.set_state(StateOf(AsString(ArrayAt(f, 6))));
    m.set_attempts(static_cast<int32_t>(AsInt(ArrayAt(f, 7))));
    m.set_last_error(AsString(ArrayAt(f, 8)));
    m.set_created_unix_ms(AsInt(ArrayAt(f, 9)));
    m.set_updated_unix_ms(AsInt(ArrayAt(f, 10)));
    if (state != events::v1::MAIL_STATE_UNSPECIFIED && m.state() != state) continue;
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.updated_unix_ms() != b.updated_unix_ms() ? a.updated_unix_ms() > b.updated_unix_ms()
                                                      : a.mail_id() < b.mail_id();
  });
  if (out.size() > static_cast<size_t>(limit)) out.resize(static_cast<size_t>(limit));
  return out;
}

absl::StatusOr<int> RedisOutboxStore::Replay(const std::string& org_id, const std::string& mail_id,
                                             int64_t now_ms) {
  std::vector<std::pair<int, std::string>> targets;
  if (!mail_id.empty()) {
    const int p = PartitionOfMail(mail_id);
    if (p < 0 || p >= keys_.partitions()) return 0;
    targets.emplace_back(p, mail_id);
  } else {
    for (int p = 0; p < keys_.partitions(); ++p) {
      auto ids = redis_.Command({"ZRANGE", Dead(p, org_id), "0", "-1"});
      if (!ids.ok()) return ids.status();
      for (size_t i = 0; i < ArraySize(**ids); ++i) {
        targets.emplace_back(p, AsString(ArrayAt(**ids, i)));
      }
    }
  }
  int replayed = 0;
  for (const auto& [p, id] : targets) {
    auto reply = redis_.Eval(lua::Replay(), {Mail(p, id), Due(p), Dead(p, org_id), Log(p, org_id)},
                             {id, absl::StrCat(now_ms), org_id});
    if (!reply.ok()) return reply.status();
    replayed += static_cast<int>(AsInt(**reply));
  }
  return replayed;
}

absl::StatusOr<events::v1::SenderSettings> RedisOutboxStore::GetSettings(
    const std::string& org_id) {
  auto reply = redis_.Command({"HMGET", keys_.Global("nt:org:" + org_id), "version", "updated",
                               "from_name", "reply_to", "footer", "coordinators"});
  if (!reply.ok()) return reply.status();
  const auto& f = **reply;
  if (ArraySize(f) != 6 || IsNil(ArrayAt(f, 0))) {
    return absl::NotFoundError("no sender settings saved for the organisation");
  }
  events::v1::SenderSettings s;
  s.set_version(AsInt(ArrayAt(f, 0)));
  s.set_updated_unix_ms(AsInt(ArrayAt(f, 1)));
  s.set_from_name(AsString(ArrayAt(f, 2)));
  s.set_reply_to(AsString(ArrayAt(f, 3)));
  s.set_footer(AsString(ArrayAt(f, 4)));
  for (absl::string_view a : absl::StrSplit(AsString(ArrayAt(f, 5)), '\n', absl::SkipEmpty())) {
    s.add_coordinator_emails(std::string(a));
  }
  return s;
}

absl::StatusOr<events::v1::SenderSettings> RedisOutboxStore::PutSettings(
    const std::string& org_id, const events::v1::SenderSettings& settings, int64_t expected_version,
    int64_t now_ms) {
  auto reply = redis_.Eval(
      lua::Settings(), {keys_.Global("nt:org:" + org_id)},
      {absl::StrCat(expected_version), absl::StrCat(now_ms), settings.from_name(),
       settings.reply_to(), settings.footer(), absl::StrJoin(settings.coordinator_emails(), "\n")});
  if (!reply.ok()) return reply.status();
  const int64_t version = AsInt(**reply);
  if (version < 0) {
    return absl::AbortedError(
        "the sender settings changed since expected_version; read them again and retry");
  }
  events::v1::SenderSettings saved = settings;
  saved.set_version(version);
  saved.set_updated_unix_ms(now_ms);
  return saved;
}

absl::StatusOr<OutboxStore::LimitVerdict> RedisOutboxStore::CountSend(const std::string& org_id,
                                                                      const std::string& address,
                                                                      const Limits& limits,
                                                                      int64_t now_ms) {
  const int64_t window = limits.window_ms > 0 ? now_ms / limits.window_ms : 0;
  const std::string ttl = absl::StrCat(std::max<int64_t>(limits.window_ms, 1000) * 2);
  const std::string person =
      keys_.Global(absl::StrCat("nt:rate:r:", AddressKey(address), ":", window));
  const std::string org = keys_.Global(absl::StrCat("nt:rate:o:", org_id, ":", window));
  // SET NX PX then INCR on one connection: a counter is never left without its expiry.
  auto replies = redis_.Pipeline({{"SET", person, "0", "PX", ttl, "NX"},
                                  {"INCR", person},
                                  {"SET", org, "0", "PX", ttl, "NX"}});
  if (!replies.ok()) return replies.status();
  if (limits.per_recipient > 0 && AsInt(*(*replies)[1]) > limits.per_recipient) {
    return LimitVerdict::kRecipientOver;
  }
  auto counted = redis_.Command({"INCR", org});
  if (!counted.ok()) return counted.status();
  if (limits.per_organisation > 0 && AsInt(**counted) > limits.per_organisation) {
    // Not this recipient's doing: the try waits for the next window, and does not count.
    auto undo = redis_.Pipeline({{"DECR", org}, {"DECR", person}});
    if (!undo.ok()) return undo.status();
    return LimitVerdict::kOrganisationOver;
  }
  return LimitVerdict::kAllowed;
}

absl::StatusOr<std::optional<std::string>> RedisOutboxStore::Undeliverable(
    const std::string& address) {
  auto reply = redis_.Command({"GET", Bad(address)});
  if (!reply.ok()) return reply.status();
  if (IsNil(**reply)) return std::optional<std::string>();
  return std::optional<std::string>(AsString(**reply));
}

absl::Status RedisOutboxStore::MarkUndeliverable(const std::string& address,
                                                 const std::string& reason) {
  auto reply = redis_.Command(
      {"SET", Bad(address), reason, "PX", absl::StrCat(options_.keep_undeliverable_ms)});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

}  // namespace events::notifications
