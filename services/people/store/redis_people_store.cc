#include "services/people/store/redis_people_store.h"

#include <map>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/auth/people_keys.h"
#include "common/bus/event_bus.h"
#include "common/redis/msgpack.h"
#include "services/people/domain/member_rules.h"
#include "services/people/store/people_scripts.h"

namespace events::people {

namespace {

// The record of a change an actor makes to a member of an organisation.
redis::MsgpackMap ActorRecord(const std::string& org_id, const std::string& member_id,
                              const Actor& actor) {
  redis::MsgpackMap record;
  record.Add("org", org_id)
      .Add("id", member_id)
      .Add("actor_id", actor.id)
      .Add("actor_name", actor.name);
  return record;
}

int64_t Int(const std::string& s) {
  int64_t v = 0;
  return absl::SimpleAtoi(s, &v) ? v : 0;
}

events::v1::MemberStatus StatusOf(const std::string& word) {
  if (word == "invited") return events::v1::MEMBER_STATUS_INVITED;
  if (word == "active") return events::v1::MEMBER_STATUS_ACTIVE;
  if (word == "removed") return events::v1::MEMBER_STATUS_REMOVED;
  return events::v1::MEMBER_STATUS_UNSPECIFIED;
}

std::map<std::string, std::string> HashOf(const redisReply& r) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i + 1 < redis::ArraySize(r); i += 2) {
    out[redis::AsString(redis::ArrayAt(r, i))] = redis::AsString(redis::ArrayAt(r, i + 1));
  }
  return out;
}

// A member hash and its app's field names into a row; nullopt when the hash is empty.
std::optional<MemberRow> RowOf(const std::string& member_id, const redisReply& hash,
                               const redisReply& totp_fields) {
  std::map<std::string, std::string> f = HashOf(hash);
  if (f.empty()) return std::nullopt;
  MemberRow row;
  events::v1::Member& m = row.member;
  m.set_member_id(member_id);
  m.set_org_id(f["org_id"]);
  m.set_name(f["name"]);
  m.set_email(f["email"]);
  for (events::v1::MemberRole role : RolesOf(f["roles"])) m.add_roles(role);
  m.set_status(StatusOf(f["status"]));
  m.set_second_factor(f["second_factor"] == "1");
  m.set_invited_unix_ms(Int(f["invited_ms"]));
  m.set_invited_by_name(f["invited_by"]);
  m.set_last_sign_in_unix_ms(Int(f["last_sign_in_ms"]));
  m.set_removed_unix_ms(Int(f["removed_ms"]));
  m.set_version(Int(f["version"]));
  int left = 0;
  for (size_t i = 0; i < redis::ArraySize(totp_fields); ++i) {
    if (absl::StartsWith(redis::AsString(redis::ArrayAt(totp_fields, i)), "rc:")) ++left;
  }
  m.set_recovery_codes_left(left);
  row.email_hash = f["email_hash"];
  row.invited_by_id = f["invited_by_id"];
  row.roles = f["roles"];
  return row;
}

}  // namespace

RedisPeopleStore::RedisPeopleStore(redis::RedisClient& redis, const bus::Keyspace& keys,
                                   int64_t stream_maxlen)
    : redis_(redis), keys_(keys), stream_maxlen_(stream_maxlen) {}

std::string RedisPeopleStore::Key(absl::string_view suffix) const {
  return auth::PeopleKey(keys_, suffix);
}

std::string RedisPeopleStore::Member(absl::string_view member_id, absl::string_view what) const {
  return absl::StrCat(auth::MemberKey(keys_, member_id), what);
}

std::string RedisPeopleStore::Org(absl::string_view org_id, absl::string_view what) const {
  return Key(absl::StrCat("org:", org_id, what));
}

absl::StatusOr<std::vector<std::string>> RedisPeopleStore::Run(
    const redis::LuaScript& script, const std::vector<std::string>& keys, int64_t now_ms,
    const redis::MsgpackMap& record, const std::vector<std::string>& more) {
  std::vector<std::string> args = {absl::StrCat(now_ms), record.Encode()};
  args.insert(args.end(), more.begin(), more.end());
  auto reply = redis_.Eval(script, keys, args);
  if (!reply.ok()) return reply.status();
  std::vector<std::string> out;
  for (size_t i = 0; i < redis::ArraySize(**reply); ++i) {
    out.push_back(redis::AsString(redis::ArrayAt(**reply, i)));
  }
  if (out.empty()) return absl::InternalError("a people script answered nothing");
  return out;
}

absl::StatusOr<std::string> RedisPeopleStore::Invite(const InviteWrite& w, std::string* member_id) {
  const events::v1::Member& m = w.member;
  std::vector<std::string> keys = {Member(m.member_id()),
                                   Org(m.org_id(), ":members"),
                                   Org(m.org_id(), ":emails"),
                                   Org(m.org_id(), ":audit"),
                                   Key(absl::StrCat("email:", w.email_hash)),
                                   keys_.Stream(auth::kPeoplePartition)};
  if (!w.idempotency_hash.empty()) {
    keys.push_back(Org(m.org_id(), absl::StrCat(":idem:", w.idempotency_hash)));
  }
  redis::MsgpackMap record;
  record.Add("id", m.member_id())
      .Add("org", m.org_id())
      .Add("name", m.name())
      .Add("email", m.email())
      .Add("email_hash", w.email_hash)
      .Add("roles", w.roles)
      .Add("actor_id", w.actor.id)
      .Add("actor_name", w.actor.name)
      .Add("invited_by", w.invited_by_name)
      .Add("detail", w.audit_detail)
      .Add("maxlen", stream_maxlen_);
  auto out = Run(lua::Invite(), keys, m.invited_unix_ms(), record, bus::ToStreamFields(w.event));
  if (!out.ok()) return out.status();
  if (out->size() > 1) *member_id = (*out)[1];
  return (*out)[0];
}

absl::StatusOr<std::string> RedisPeopleStore::ChangeRoles(
    const std::string& org_id, const std::string& member_id, const std::string& roles,
    int64_t expected_version, const Actor& actor, int64_t now_ms, int64_t* stored_version) {
  redis::MsgpackMap record;
  record.Add("org", org_id)
      .Add("id", member_id)
      .Add("roles", roles)
      .Add("expected_version", expected_version)
      .Add("actor_id", actor.id)
      .Add("actor_name", actor.name);
  auto out =
      Run(lua::ChangeRoles(), {Member(member_id), Org(org_id, ":members"), Org(org_id, ":audit")},
          now_ms, record);
  if (!out.ok()) return out.status();
  if (out->size() > 1) *stored_version = Int((*out)[1]);
  return (*out)[0];
}

absl::StatusOr<std::string> RedisPeopleStore::Remove(const std::string& org_id,
                                                     const std::string& member_id,
                                                     const Actor& actor, int64_t now_ms) {
  auto out = Run(lua::Remove(),
                 {Member(member_id), Org(org_id, ":members"), Org(org_id, ":emails"),
                  Org(org_id, ":audit"), Member(member_id, ":sessions")},
                 now_ms, ActorRecord(org_id, member_id, actor));
  if (!out.ok()) return out.status();
  return (*out)[0];
}

absl::StatusOr<std::string> RedisPeopleStore::ResetSecondFactor(const std::string& org_id,
                                                                const std::string& member_id,
                                                                const Actor& actor,
                                                                int64_t now_ms) {
  auto out = Run(lua::ResetSecondFactor(),
                 {Member(member_id), Member(member_id, ":totp"), Member(member_id, ":sessions"),
                  Org(org_id, ":audit")},
                 now_ms, ActorRecord(org_id, member_id, actor));
  if (!out.ok()) return out.status();
  return (*out)[0];
}

absl::StatusOr<std::string> RedisPeopleStore::RequestSignIn(const SignInRequestWrite& w,
                                                            int64_t now_ms) {
  redis::MsgpackMap record;
  record.Add("per_address", w.per_address)
      .Add("per_visitor", w.per_visitor)
      .Add("window_ms", w.window_ms)
      .Add("link_ms", w.link_ms)
      .Add("link_expires_ms", w.link_expires_ms)
      .Add("browser", w.browser_hash)
      .Add("maxlen", stream_maxlen_);
  // Per membership: its record, then its event's fields (the script steps over both).
  std::vector<std::string> links;
  for (const LinkWrite& link : w.links) {
    links.push_back(
        redis::MsgpackMap().Add("member", link.member_id).Add("link", link.link_id).Encode());
    std::vector<std::string> fields = bus::ToStreamFields(link.event);
    links.insert(links.end(), fields.begin(), fields.end());
  }
  auto out = Run(lua::RequestSignIn(),
                 {Key(absl::StrCat("rl:email:", w.email_hash)),
                  Key(absl::StrCat("rl:visitor:", w.visitor_hash)),
                  Key(absl::StrCat("email:", w.email_hash)), keys_.Stream(auth::kPeoplePartition)},
                 now_ms, record, links);
  if (!out.ok()) return out.status();
  return (*out)[0];
}

absl::StatusOr<std::string> RedisPeopleStore::CompleteSignIn(
    const std::string& link_id, const std::string& browser_hash, const std::string& session_hash,
    int64_t session_ends_ms, int64_t idle_ms, int64_t now_ms, std::string* member_id,
    bool* pending) {
  redis::MsgpackMap record;
  record.Add("browser", browser_hash)
      .Add("session", session_hash)
      .Add("ends_ms", session_ends_ms)
      .Add("idle_ms", idle_ms);
  auto out = Run(lua::CompleteSignIn(),
                 {Key(absl::StrCat("link:", link_id)), auth::SessionKey(keys_, session_hash)},
                 now_ms, record);
  if (!out.ok()) return out.status();
  if ((*out)[0] == "ok" && out->size() >= 3) {
    *member_id = (*out)[1];
    *pending = (*out)[2] == "1";
  }
  return (*out)[0];
}

absl::StatusOr<std::string> RedisPeopleStore::VerifySecondFactor(
    const std::string& session_hash, const std::string& new_session_hash, VerifyMode mode,
    const std::string& value, int max_failures, int64_t now_ms, int* tries_left) {
  redis::MsgpackMap record;
  record.Add("session", session_hash).Add("new_session", new_session_hash);
  if (mode == VerifyMode::kStep) {
    record.Add("mode", "step").Add("step", Int(value));
  } else if (mode == VerifyMode::kRecovery) {
    record.Add("mode", "recovery").Add("code", value);
  } else {
    record.Add("mode", "wrong");
  }
  record.Add("allowed", max_failures);
  auto out = Run(lua::VerifySecondFactor(),
                 {auth::SessionKey(keys_, session_hash), auth::SessionKey(keys_, new_session_hash),
                  auth::SeenKey(keys_, session_hash)},
                 now_ms, record);
  if (!out.ok()) return out.status();
  if ((*out)[0] == "wrong" && out->size() > 1) *tries_left = static_cast<int>(Int((*out)[1]));
  return (*out)[0];
}

absl::Status RedisPeopleStore::StartSecondFactorSetup(const std::string& member_id,
                                                      const std::string& sealed_key) {
  auto reply = redis_.Command({"HSET", Member(member_id, ":totp"), "pending", sealed_key});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

absl::StatusOr<std::string> RedisPeopleStore::ConfirmSecondFactor(
    const std::string& member_id, const std::string& session_hash, const std::string& sealed_key,
    int64_t step, const std::vector<std::string>& code_hashes, int64_t now_ms) {
  redis::MsgpackMap record;
  record.Add("id", member_id).Add("sealed", sealed_key).Add("step", step);
  auto out =
      Run(lua::ConfirmSecondFactor(),
          {Member(member_id), Member(member_id, ":totp"), auth::SessionKey(keys_, session_hash)},
          now_ms, record, code_hashes);
  if (!out.ok()) return out.status();
  return (*out)[0];
}

absl::StatusOr<std::string> RedisPeopleStore::RenewRecoveryCodes(
    const std::string& member_id, int64_t step, const std::vector<std::string>& code_hashes,
    int64_t now_ms) {
  redis::MsgpackMap record;
  record.Add("id", member_id).Add("step", step);
  auto out = Run(lua::RenewRecoveryCodes(), {Member(member_id), Member(member_id, ":totp")}, now_ms,
                 record, code_hashes);
  if (!out.ok()) return out.status();
  return (*out)[0];
}

absl::StatusOr<int> RedisPeopleStore::SignOut(const std::string& session_hash, bool everywhere,
                                              int64_t now_ms) {
  redis::MsgpackMap record;
  record.Add("session", session_hash).Add("everywhere", everywhere);
  auto out = Run(lua::SignOut(),
                 {auth::SessionKey(keys_, session_hash), auth::SeenKey(keys_, session_hash)},
                 now_ms, record);
  if (!out.ok()) return out.status();
  if ((*out)[0] != "ok" || out->size() < 2) return absl::NotFoundError("session not found");
  return static_cast<int>(Int((*out)[1]));
}

absl::StatusOr<MemberRow> RedisPeopleStore::GetMember(const std::string& member_id) {
  const std::string key = Member(member_id);
  auto replies = redis_.Pipeline({{"HGETALL", key}, {"HKEYS", key + ":totp"}});
  if (!replies.ok()) return replies.status();
  std::optional<MemberRow> row = RowOf(member_id, *(*replies)[0], *(*replies)[1]);
  if (!row) return absl::NotFoundError(absl::StrCat("member ", member_id, " not found"));
  return *std::move(row);
}

absl::StatusOr<std::vector<MemberRow>> RedisPeopleStore::ListMembers(const std::string& org_id) {
  auto ids = redis_.Command({"ZRANGE", Org(org_id, ":members"), "0", "-1"});
  if (!ids.ok()) return ids.status();
  std::vector<std::string> member_ids;
  std::vector<std::vector<std::string>> commands;
  for (size_t i = 0; i < redis::ArraySize(**ids); ++i) {
    member_ids.push_back(redis::AsString(redis::ArrayAt(**ids, i)));
    const std::string key = Member(member_ids.back());
    commands.push_back({"HGETALL", key});
    commands.push_back({"HKEYS", key + ":totp"});
  }
  std::vector<MemberRow> out;
  if (commands.empty()) return out;
  auto replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < member_ids.size(); ++i) {
    std::optional<MemberRow> row = RowOf(member_ids[i], *(*replies)[2 * i], *(*replies)[2 * i + 1]);
    if (row && row->member.org_id() == org_id) out.push_back(*std::move(row));
  }
  return out;
}

absl::StatusOr<std::vector<events::v1::PeopleAuditEntry>> RedisPeopleStore::ListAudit(
    const std::string& org_id, int64_t offset, int count) {
  auto reply = redis_.Command(
      {"LRANGE", Org(org_id, ":audit"), absl::StrCat(offset), absl::StrCat(offset + count - 1)});
  if (!reply.ok()) return reply.status();
  std::vector<events::v1::PeopleAuditEntry> out;
  for (size_t i = 0; i < redis::ArraySize(**reply); ++i) {
    events::v1::PeopleAuditEntry entry;
    if (entry.ParseFromString(redis::AsString(redis::ArrayAt(**reply, i)))) {
      out.push_back(std::move(entry));
    }
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> RedisPeopleStore::MembersWithEmail(
    const std::string& email_hash) {
  auto reply = redis_.Command({"SMEMBERS", Key(absl::StrCat("email:", email_hash))});
  if (!reply.ok()) return reply.status();
  std::vector<std::string> out;
  for (size_t i = 0; i < redis::ArraySize(**reply); ++i) {
    out.push_back(redis::AsString(redis::ArrayAt(**reply, i)));
  }
  return out;
}

absl::StatusOr<SessionRow> RedisPeopleStore::GetSession(const std::string& session_hash,
                                                        int64_t now_ms) {
  auto reply =
      redis_.Eval(lua::GetSession(),
                  {auth::SessionKey(keys_, session_hash), auth::SeenKey(keys_, session_hash)},
                  {absl::StrCat(now_ms), redis::MsgpackMap().Encode()});
  if (!reply.ok()) return reply.status();
  std::map<std::string, std::string> f = HashOf(**reply);
  if (f.empty()) return absl::NotFoundError("session not found");
  SessionRow row;
  row.member_id = f["member_id"];
  row.org_id = f["org_id"];
  row.created_ms = Int(f["created_ms"]);
  row.expires_ms = Int(f["expires_ms"]);
  row.idle_ms = Int(f["idle_ms"]);
  row.second_factor = f["second_factor"] == "1";
  row.pending = f["pending"] == "1";
  return row;
}

absl::StatusOr<LinkRow> RedisPeopleStore::GetLink(const std::string& link_id) {
  auto reply = redis_.Command({"HGETALL", Key(absl::StrCat("link:", link_id))});
  if (!reply.ok()) return reply.status();
  std::map<std::string, std::string> f = HashOf(**reply);
  if (f.empty()) return absl::NotFoundError("link not found");
  return LinkRow{f["member_id"], f["org_id"], Int(f["expires_ms"]), f["used"] == "1"};
}

absl::StatusOr<TotpRow> RedisPeopleStore::GetTotp(const std::string& member_id) {
  auto reply = redis_.Command({"HMGET", Member(member_id, ":totp"), "secret", "pending"});
  if (!reply.ok()) return reply.status();
  return TotpRow{redis::AsString(redis::ArrayAt(**reply, 0)),
                 redis::AsString(redis::ArrayAt(**reply, 1))};
}

}  // namespace events::people
