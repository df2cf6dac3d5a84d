#include "common/auth/key_store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/auth/auth_scripts.h"
#include "common/auth/people_keys.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"

namespace events::auth {

namespace {

std::string JoinRoles(const std::vector<Role>& roles) {
  std::vector<absl::string_view> names;
  names.reserve(roles.size());
  for (Role r : roles) names.push_back(RoleName(r));
  return absl::StrJoin(names, ",");
}

}  // namespace

RedisKeyStore::RedisKeyStore(events::redis::RedisClient& redis, const events::bus::Keyspace& keys)
    : redis_(redis), keys_(keys) {}

absl::StatusOr<ApiKeyRecord> RedisKeyStore::FindByHash(const std::string& key_hash) {
  auto reply = redis_.Command({"HGETALL", keys_.Global(absl::StrCat("auth:key:", key_hash))});
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  if (!redis::IsArray(r) || redis::ArraySize(r) == 0) {
    return absl::NotFoundError("API key not found");
  }
  ApiKeyRecord record;
  for (size_t i = 0; i + 1 < redis::ArraySize(r); i += 2) {
    std::string field = redis::AsString(redis::ArrayAt(r, i));
    std::string value = redis::AsString(redis::ArrayAt(r, i + 1));
    if (field == "key_id") {
      record.key_id = value;
    } else if (field == "org") {
      record.org_id = value;
    } else if (field == "roles") {
      for (absl::string_view name : absl::StrSplit(value, ',', absl::SkipEmpty())) {
        // An unknown role (from a newer version) grants nothing here.
        if (auto role = ParseRole(name); role.ok()) record.roles.push_back(*role);
      }
    } else if (field == "scopes") {
      record.scopes = absl::StrSplit(value, ',', absl::SkipEmpty());
    } else if (field == "name") {
      record.name = value;
    } else if (field == "created") {
      (void)absl::SimpleAtoi(value, &record.created_unix_ms);
    } else if (field == "revoked") {
      record.revoked = value == "1";
    }
  }
  return record;
}

absl::Status RedisKeyStore::PutKey(const std::string& key_hash, const ApiKeyRecord& record) {
  // The record and the organisation's list of key ids are in different hash slots (a key is
  // found by its hash alone), so in Redis Cluster they cannot change in one MULTI or
  // script. The list is written first: a failure between the two leaves an id listed with
  // no record (skipped by readers, and written again by a retry), never a working key that
  // no list shows.
  if (!record.org_id.empty()) {
    auto listed = redis_.Command(
        {"SADD", keys_.Global(absl::StrCat("org:", record.org_id, ":keys")), record.key_id});
    if (!listed.ok()) return listed.status();
  }
  auto stored =
      redis_.Command({"HSET", keys_.Global(absl::StrCat("auth:key:", key_hash)), "key_id",
                      record.key_id, "org", record.org_id, "roles", JoinRoles(record.roles),
                      "scopes", absl::StrJoin(record.scopes, ","), "name", record.name, "created",
                      absl::StrCat(record.created_unix_ms), "revoked", record.revoked ? "1" : "0"});
  if (!stored.ok()) {
    return absl::Status(stored.status().code(),
                        absl::StrCat("storing API key failed: ", stored.status().message()));
  }
  return absl::OkStatus();
}

absl::Status RedisKeyStore::CreateOrganisation(const Organisation& org) {
  std::string key = keys_.Global(absl::StrCat("org:", org.id));
  auto created = redis_.Command({"HSETNX", key, "name", org.name});
  if (!created.ok()) return created.status();
  if (redis::AsInt(**created) == 0) {
    return absl::AlreadyExistsError(absl::StrCat("organisation ", org.id, " already exists"));
  }
  auto rest = redis_.Command({"HSET", key, "created", absl::StrCat(org.created_unix_ms)});
  return rest.ok() ? absl::OkStatus() : rest.status();
}

absl::StatusOr<Organisation> RedisKeyStore::GetOrganisation(const std::string& org_id) {
  auto reply =
      redis_.Command({"HMGET", keys_.Global(absl::StrCat("org:", org_id)), "name", "created"});
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  if (redis::ArraySize(r) != 2 || redis::IsNil(redis::ArrayAt(r, 0))) {
    return absl::NotFoundError(absl::StrCat("organisation ", org_id, " not found"));
  }
  return Organisation{org_id, redis::AsString(redis::ArrayAt(r, 0)),
                      redis::AsInt(redis::ArrayAt(r, 1))};
}

absl::StatusOr<std::string> RedisKeyStore::ClaimOrganisationName(const std::string& name_key,
                                                                 const std::string& org_id,
                                                                 const std::string& replacing) {
  // One key, so one step: two bootstraps of one name at once cannot both win.
  auto reply =
      redis_.Eval(lua::ClaimOrgName(), {keys_.Global("org-names")}, {name_key, org_id, replacing});
  if (!reply.ok()) return reply.status();
  return redis::AsString(**reply);
}

absl::StatusOr<SessionRecord> RedisKeyStore::FindSession(const std::string& session_hash,
                                                         int64_t now_ms) {
  // The seen key is the one key given: the record is only read, and named by the script.
  auto reply = redis_.Eval(lua::Session(), {SeenKey(keys_, session_hash)}, {absl::StrCat(now_ms)});
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  const std::string state = redis::ArraySize(r) > 0 ? redis::AsString(redis::ArrayAt(r, 0)) : "";
  if (state == "pending" && redis::ArraySize(r) >= 3) {
    SessionRecord session;
    session.member_id = redis::AsString(redis::ArrayAt(r, 1));
    session.org_id = redis::AsString(redis::ArrayAt(r, 2));
    session.pending = true;
    return session;
  }
  if (state != "ok" || redis::ArraySize(r) < 7) return absl::NotFoundError("session not found");
  SessionRecord session;
  session.member_id = redis::AsString(redis::ArrayAt(r, 1));
  session.org_id = redis::AsString(redis::ArrayAt(r, 2));
  session.name = redis::AsString(redis::ArrayAt(r, 3));
  session.roles = redis::AsString(redis::ArrayAt(r, 4));
  session.status = redis::AsString(redis::ArrayAt(r, 5));
  session.second_factor = redis::AsString(redis::ArrayAt(r, 6)) == "1";
  return session;
}

absl::StatusOr<ApiKeyRecord> FakeKeyStore::FindByHash(const std::string& key_hash) {
  MutexLock lock(&mu_);
  auto it = keys_.find(key_hash);
  if (it == keys_.end()) return absl::NotFoundError("API key not found");
  return it->second;
}

absl::Status FakeKeyStore::PutKey(const std::string& key_hash, const ApiKeyRecord& record) {
  MutexLock lock(&mu_);
  keys_[key_hash] = record;
  return absl::OkStatus();
}

absl::Status FakeKeyStore::CreateOrganisation(const Organisation& org) {
  MutexLock lock(&mu_);
  if (!orgs_.emplace(org.id, org).second) {
    return absl::AlreadyExistsError(absl::StrCat("organisation ", org.id, " already exists"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Organisation> FakeKeyStore::GetOrganisation(const std::string& org_id) {
  MutexLock lock(&mu_);
  auto it = orgs_.find(org_id);
  if (it == orgs_.end()) {
    return absl::NotFoundError(absl::StrCat("organisation ", org_id, " not found"));
  }
  return it->second;
}

absl::StatusOr<std::string> FakeKeyStore::ClaimOrganisationName(const std::string& name_key,
                                                                const std::string& org_id,
                                                                const std::string& replacing) {
  MutexLock lock(&mu_);
  auto [it, claimed] = org_names_.emplace(name_key, org_id);
  if (!claimed && !replacing.empty() && it->second == replacing) it->second = org_id;
  return it->second;
}

absl::StatusOr<SessionRecord> FakeKeyStore::FindSession(const std::string& session_hash, int64_t) {
  MutexLock lock(&mu_);
  auto it = sessions_.find(session_hash);
  if (it == sessions_.end()) return absl::NotFoundError("session not found");
  return it->second;
}

void FakeKeyStore::PutSession(const std::string& session_hash, const SessionRecord& session) {
  MutexLock lock(&mu_);
  sessions_[session_hash] = session;
}

}  // namespace events::auth
