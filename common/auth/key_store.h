#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/api_key.h"
#include "common/util/mutex.h"

namespace events::redis {
class RedisClient;
}
namespace events::bus {
class Keyspace;
}

namespace events::auth {

// A signed-in person's session, as the Authenticator sees it (the people service writes
// them; docs/people.md).
struct SessionRecord {
  std::string member_id;
  std::string org_id;
  // The member's name, roles ("organiser,access_coordinator"...) and status, read with the
  // session so a role change or removal counts on the next call.
  std::string name;
  std::string roles;
  std::string status;
  // A code from the authenticator app was given in this session.
  bool second_factor = false;
  // A code is needed before the session may do anything else.
  bool pending = false;
};

// Where organisations and API-key records live.
class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // The key whose SHA-256 (hex) is key_hash. NOT_FOUND when there is none; UNAVAILABLE when
  // the store cannot be reached. Thread-safe.
  virtual absl::StatusOr<ApiKeyRecord> FindByHash(const std::string& key_hash) = 0;
  // Stores a key record under its hash (and lists it under its organisation). Thread-safe.
  virtual absl::Status PutKey(const std::string& key_hash, const ApiKeyRecord& record) = 0;
  // ALREADY_EXISTS when the id is taken. Thread-safe.
  virtual absl::Status CreateOrganisation(const Organisation& org) = 0;
  // NOT_FOUND when unknown. Thread-safe.
  virtual absl::StatusOr<Organisation> GetOrganisation(const std::string& org_id) = 0;
  // Gives the organisation name whose comparison form is `name_key` (see
  // OrganisationNameKey) to `org_id`, in one atomic step, when no organisation holds it or
  // when `replacing` (non-empty) holds it; returns the id holding it afterwards: `org_id`
  // when it was given, else the holder's. Thread-safe.
  virtual absl::StatusOr<std::string> ClaimOrganisationName(const std::string& name_key,
                                                            const std::string& org_id,
                                                            const std::string& replacing) = 0;
  // The session whose token's SHA-256 (hex) is session_hash, at `now_ms`; a session still
  // in use has its idle time renewed (its seen key, never its record). NOT_FOUND when there
  // is none, or it has ended (absolute or idle expiry, member removed); UNAVAILABLE when the
  // store cannot be reached. Thread-safe.
  virtual absl::StatusOr<SessionRecord> FindSession(const std::string& session_hash,
                                                    int64_t now_ms) = 0;
};

// Keys "<prefix>auth:key:<sha256>" (hash), "<prefix>org:<id>" (hash),
// "<prefix>org:<id>:keys" (set of key ids) and "<prefix>org-names" (hash: name key -> org
// id): global keys, not partitioned by event. Sessions: "<prefix>{p0}:people:session:<sha256>"
// with the member "<prefix>{p0}:people:member:<id>" (written by the people service; one hash
// slot, people_keys.h), read by common/auth/lua/session.lua in one EVALSHA, which writes only
// the session's seen key "<prefix>{p0}:people:seen:<sha256>".
class RedisKeyStore final : public KeyStore {
 public:
  RedisKeyStore(events::redis::RedisClient& redis, const events::bus::Keyspace& keys);
  absl::StatusOr<ApiKeyRecord> FindByHash(const std::string& key_hash) override;
  absl::Status PutKey(const std::string& key_hash, const ApiKeyRecord& record) override;
  absl::Status CreateOrganisation(const Organisation& org) override;
  absl::StatusOr<Organisation> GetOrganisation(const std::string& org_id) override;
  absl::StatusOr<std::string> ClaimOrganisationName(const std::string& name_key,
                                                    const std::string& org_id,
                                                    const std::string& replacing) override;
  absl::StatusOr<SessionRecord> FindSession(const std::string& session_hash,
                                            int64_t now_ms) override;

 private:
  events::redis::RedisClient& redis_;
  const events::bus::Keyspace& keys_;
};

// In memory, for unit tests.
class FakeKeyStore final : public KeyStore {
 public:
  absl::StatusOr<ApiKeyRecord> FindByHash(const std::string& key_hash) override;
  absl::Status PutKey(const std::string& key_hash, const ApiKeyRecord& record) override;
  absl::Status CreateOrganisation(const Organisation& org) override;
  absl::StatusOr<Organisation> GetOrganisation(const std::string& org_id) override;
  absl::StatusOr<std::string> ClaimOrganisationName(const std::string& name_key,
                                                    const std::string& org_id,
                                                    const std::string& replacing) override;
  // Sessions put with PutSession, as they are (no expiry: the Redis store's is tested on
  // Redis).
  absl::StatusOr<SessionRecord> FindSession(const std::string& session_hash,
                                            int64_t now_ms) override;
  void PutSession(const std::string& session_hash, const SessionRecord& session);

 private:
  Mutex mu_;
  std::map<std::string, SessionRecord> sessions_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, ApiKeyRecord> keys_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Organisation> orgs_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> org_names_ ABSL_GUARDED_BY(mu_);
};

}  // namespace events::auth
