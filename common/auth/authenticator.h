#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth/api_key.h"

namespace events {
class Clock;
class IdGenerator;
}  // namespace events

namespace events::auth {

class KeyStore;
struct SessionRecord;

// Turns an "authorization" header into a Caller: an API key ("Bearer evk_...") or a
// signed-in person's session ("Bearer evs_...", docs/auth.md). Thread-safe.
class Authenticator {
 public:
  // Sessions' expiry is judged by the system clock.
  explicit Authenticator(KeyStore& store);
  // `clock` judges sessions' absolute and idle expiry; it must outlive the authenticator.
  Authenticator(KeyStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  // UNAUTHENTICATED, with a message saying what to send, when the header is missing, is not
  // "Bearer evk_..." or "Bearer evs_...", names an unknown or revoked key, or a session that
  // has ended ("your session has ended; sign in again": expired, signed out, or its member
  // removed) or still waits for a code from the authenticator app. UNAVAILABLE when the
  // store is down.
  absl::StatusOr<Caller> Authenticate(std::optional<absl::string_view> authorization) const;

 private:
  absl::StatusOr<Caller> AuthenticateSession(absl::string_view token) const;

  KeyStore& store_;
  const Clock& clock_;
};

// What a session grants: organiser -> kOrganiser; access_coordinator -> kAccessCoordinator
// only once the session has given a second factor; viewer -> kViewer with ViewerScopes().
// Unknown role names grant nothing. key_id and member_id are the member id.
Caller CallerOfSession(const SessionRecord& session);

// The messages of ended and pending sessions (people's own calls use them too).
inline constexpr absl::string_view kSessionEndedMessage = "your session has ended; sign in again";
inline constexpr absl::string_view kSecondFactorNeededMessage =
    "enter the code from your authenticator app to finish signing in";

// PERMISSION_DENIED naming the role needed, unless the caller has it.
absl::Status RequireRole(const Caller& caller, Role role);
// PERMISSION_DENIED unless the caller has one of the roles (or, for an integration key or a
// viewer, the scope).
absl::Status RequireAnyRole(const Caller& caller, const std::vector<Role>& roles,
                            absl::string_view integration_scope = {});

struct IssuedKey {
  // Shown once to whoever asked for it, never stored.
  std::string plaintext;
  ApiKeyRecord record;
};

// Makes a new key for an organisation and stores its hash.
absl::StatusOr<IssuedKey> IssueKey(KeyStore& store, const IdGenerator& ids, const Clock& clock,
                                   const std::string& org_id, std::vector<Role> roles,
                                   std::vector<std::string> scopes, std::string name);

struct Bootstrap {
  Organisation org;
  IssuedKey key;
};

// Whether BootstrapOrganisation may make a second organisation with a name already taken.
enum class SameName { kRefuse, kAllow };

// The form in which two organisation names are compared: ASCII case folded, surrounding
// white space dropped and inner runs of white space made one space ("Riverside  carers
// forum" and "Riverside Carers Forum" are the same name).
std::string OrganisationNameKey(absl::string_view name);

// The first step on a new installation: an organisation and its first key, with the
// organiser and access_coordinator roles. INVALID_ARGUMENT for an empty or over-long name.
// With SameName::kRefuse, ALREADY_EXISTS (naming the organisation's id) when an
// organisation of the same name (OrganisationNameKey) was bootstrapped before: running the
// command twice must not make two organisations. Organisations made before names were
// recorded are not known by name. With SameName::kAllow the organisation still takes the
// name when no other has it.
absl::StatusOr<Bootstrap> BootstrapOrganisation(KeyStore& store, const IdGenerator& ids,
                                                const Clock& clock, absl::string_view org_name,
                                                SameName same_name = SameName::kRefuse);

}  // namespace events::auth
