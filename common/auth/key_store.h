#pragma once

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
};

// Keys "<prefix>auth:key:<sha256>" (hash), "<prefix>org:<id>" (hash),
// "<prefix>org:<id>:keys" (set of key ids) and "<prefix>org-names" (hash: name key -> org
// id). Global keys: not partitioned by event.
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

 private:
  Mutex mu_;
  std::map<std::string, ApiKeyRecord> keys_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Organisation> orgs_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> org_names_ ABSL_GUARDED_BY(mu_);
};

}  // namespace events::auth
