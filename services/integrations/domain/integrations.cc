// Integrations: the integration keys.
#include "services/integrations/domain/integrations.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "common/util/status_macros.h"
#include "services/integrations/domain/input_rules.h"
#include "services/integrations/store/integrations_store.h"

namespace events::integrations {

using internal::CheckText;

namespace {

constexpr size_t kMaxNameLength = 100;

}  // namespace

const std::vector<std::string>& KnownScopes() {
  static const std::vector<std::string>* const scopes = new std::vector<std::string>{
      "events:read",     "registrations:read", "contacts:read",        "contacts:write",
      "webhooks:manage", "feedback:read",      "accessibility:counts",
  };
  return *scopes;
}

Integrations::Integrations(IntegrationsStore& store, events::auth::KeyStore& keys,
                           RegistrationDirectory& registrations, const SecretBox& secrets,
                           const events::bus::Keyspace& keyspace, const Clock& clock,
                           const IdGenerator& ids, UrlPolicy policy, EventPublisher publish)
    : store_(store),
      keys_(keys),
      registrations_(registrations),
      secrets_(secrets),
      keyspace_(keyspace),
      clock_(clock),
      ids_(ids),
      policy_(policy),
      publish_(std::move(publish)) {}

absl::StatusOr<events::v1::CreateApiKeyResponse> Integrations::CreateApiKey(
    const std::string& org_id, const std::string& actor_name,
    const events::v1::CreateApiKeyRequest& request) {
  EVENTS_RETURN_IF_ERROR(CheckText(request.name(), "name", 1, kMaxNameLength));
  if (request.scopes().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("scopes needs at least one of: ", absl::StrJoin(KnownScopes(), ", ")));
  }
  std::vector<std::string> scopes;
  for (const std::string& s : request.scopes()) {
    if (std::find(KnownScopes().begin(), KnownScopes().end(), s) == KnownScopes().end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("scopes has \"", s.substr(0, 50),
                       "\", which is not one of: ", absl::StrJoin(KnownScopes(), ", ")));
    }
    if (std::find(scopes.begin(), scopes.end(), s) == scopes.end()) scopes.push_back(s);
  }
  EVENTS_ASSIGN_OR_RETURN(
      events::auth::IssuedKey issued,
      events::auth::IssueKey(keys_, ids_, clock_, org_id, {events::auth::Role::kIntegration},
                             scopes, request.name()));
  events::v1::CreateApiKeyResponse out;
  events::v1::ApiKey* key = out.mutable_key();
  key->set_key_id(issued.record.key_id);
  key->set_name(issued.record.name);
  for (const std::string& s : scopes) key->add_scopes(s);
  key->set_created_unix_ms(issued.record.created_unix_ms);
  key->set_created_by_name(actor_name);
  EVENTS_RETURN_IF_ERROR(store_.PutApiKey(org_id, *key, Sha256Hex(issued.plaintext)));
  out.set_api_key(issued.plaintext);
  return out;
}

absl::StatusOr<events::v1::ListApiKeysResponse> Integrations::ListApiKeys(
    const std::string& org_id) {
  EVENTS_ASSIGN_OR_RETURN(std::vector<events::v1::ApiKey> keys, store_.ListApiKeys(org_id));
  events::v1::ListApiKeysResponse out;
  for (auto& k : keys) *out.add_keys() = std::move(k);
  return out;
}

absl::StatusOr<events::v1::ApiKey> Integrations::RevokeApiKey(const std::string& org_id,
                                                              const std::string& actor_name,
                                                              const std::string& key_id) {
  if (!IsWellFormedId(key_id, "key")) {
    return absl::InvalidArgumentError("key_id is not a key id (key_...)");
  }
  EVENTS_ASSIGN_OR_RETURN(auto found, store_.GetApiKey(org_id, key_id));
  auto& [key, hash] = found;
  // Already revoked: the key record was marked first, so there is nothing left to do.
  if (key.revoked()) return key;
  EVENTS_ASSIGN_OR_RETURN(events::auth::ApiKeyRecord record, keys_.FindByHash(hash));
  record.revoked = true;
  EVENTS_RETURN_IF_ERROR(keys_.PutKey(hash, record));
  key.set_revoked(true);
  key.set_revoked_unix_ms(clock_.NowUnixMs());
  key.set_revoked_by_name(actor_name);
  EVENTS_RETURN_IF_ERROR(store_.PutApiKey(org_id, key, hash));
  return key;
}

}  // namespace events::integrations
