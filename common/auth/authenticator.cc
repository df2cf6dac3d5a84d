#include "common/auth/authenticator.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/auth/key_store.h"
#include "common/log/call_context.h"
#include "common/util/clock.h"
#include "common/util/ids.h"

namespace events::auth {
namespace {

constexpr size_t kMaxOrgNameLength = 200;

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(
      absl::StrCat(why,
                   "; send the metadata \"authorization: Bearer evk_...\" with an API key of your "
                   "organisation"));
}

const SystemClock& DefaultClock() {
  static const SystemClock* const kClock = new SystemClock();
  return *kClock;
}

// "evs_" and 43 base64url characters.
bool IsWellFormedSessionToken(absl::string_view token) {
  if (token.size() != kSessionPrefix.size() + 43) return false;
  for (char c : token.substr(kSessionPrefix.size())) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

}  // namespace

Authenticator::Authenticator(KeyStore& store) : Authenticator(store, DefaultClock()) {}

Caller CallerOfSession(const SessionRecord& session) {
  Caller caller;
  caller.org_id = session.org_id;
  caller.key_id = session.member_id;
  caller.member_id = session.member_id;
  caller.actor_name = session.name;
  for (absl::string_view name : absl::StrSplit(session.roles, ',', absl::SkipEmpty())) {
    if (name == "organiser") {
      caller.roles.push_back(Role::kOrganiser);
    } else if (name == "access_coordinator") {
      // Access details are health data: only a session that gave a second factor reads them.
      if (session.second_factor) caller.roles.push_back(Role::kAccessCoordinator);
    } else if (name == "viewer") {
      caller.roles.push_back(Role::kViewer);
      caller.scopes = ViewerScopes();
    }
  }
  return caller;
}

absl::StatusOr<Caller> Authenticator::AuthenticateSession(absl::string_view token) const {
  if (!IsWellFormedSessionToken(token)) {
    return absl::UnauthenticatedError(
        "the session token is malformed (\"evs_\" and 43 characters); sign in again");
  }
  absl::StatusOr<SessionRecord> session = store_.FindSession(Sha256Hex(token), clock_.NowUnixMs());
  if (absl::IsNotFound(session.status())) {
    return absl::UnauthenticatedError(kSessionEndedMessage);
  }
  if (!session.ok()) return session.status();
  if (session->pending) return absl::UnauthenticatedError(kSecondFactorNeededMessage);
  logging::NoteOrgId(session->org_id);  // the call's log lines say which organisation
  return CallerOfSession(*session);
}

absl::StatusOr<Caller> Authenticator::Authenticate(
    std::optional<absl::string_view> authorization) const {
  if (!authorization.has_value() || authorization->empty()) {
    return Unauthenticated("this call needs an API key");
  }
  absl::string_view value = absl::StripAsciiWhitespace(*authorization);
  constexpr absl::string_view kBearer = "bearer ";
  if (value.size() <= kBearer.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kBearer.size()), kBearer)) {
    return Unauthenticated("the authorization metadata is not \"Bearer <key>\"");
  }
  absl::string_view key = absl::StripAsciiWhitespace(value.substr(kBearer.size()));
  if (absl::StartsWith(key, kSessionPrefix)) return AuthenticateSession(key);
  if (!absl::StartsWith(key, kApiKeyPrefix) || key.size() > 200) {
    return Unauthenticated("the API key is malformed (keys start with \"evk_\")");
  }
  absl::StatusOr<ApiKeyRecord> record = store_.FindByHash(Sha256Hex(key));
  if (absl::IsNotFound(record.status())) {
    return Unauthenticated("the API key is not known");
  }
  if (!record.ok()) return record.status();
  if (record->revoked) return Unauthenticated("the API key has been revoked");
  logging::NoteOrgId(record->org_id);  // the call's log lines say which organisation
  return Caller{record->org_id, record->key_id, record->roles, record->scopes, record->name, ""};
}

absl::Status RequireRole(const Caller& caller, Role role) {
  if (caller.HasRole(role)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("this call needs a key with the ", RoleName(role), " role"));
}

absl::Status RequireAnyRole(const Caller& caller, const std::vector<Role>& roles,
                            absl::string_view integration_scope) {
  for (Role r : roles) {
    if (caller.HasRole(r)) return absl::OkStatus();
  }
  // A viewer's fixed scopes are the reads an integration key may be given.
  if (!integration_scope.empty() &&
      (caller.HasRole(Role::kIntegration) || caller.HasRole(Role::kViewer)) &&
      caller.HasScope(integration_scope)) {
    return absl::OkStatus();
  }
  std::vector<std::string> names;
  names.reserve(roles.size());
  for (Role r : roles) names.emplace_back(RoleName(r));
  std::string need =
      absl::StrCat("this call needs a key with the ", absl::StrJoin(names, " or "), " role");
  if (!integration_scope.empty()) {
    absl::StrAppend(&need, ", or an integration key with the ", integration_scope, " scope");
  }
  return absl::PermissionDeniedError(need);
}

absl::StatusOr<IssuedKey> IssueKey(KeyStore& store, const IdGenerator& ids, const Clock& clock,
                                   const std::string& org_id, std::vector<Role> roles,
                                   std::vector<std::string> scopes, std::string name) {
  IssuedKey issued;
  issued.plaintext = absl::StrCat(kApiKeyPrefix, RandomToken(32));
  issued.record.key_id = ids.New("key");
  issued.record.org_id = org_id;
  issued.record.roles = std::move(roles);
  issued.record.scopes = std::move(scopes);
  issued.record.name = std::move(name);
  issued.record.created_unix_ms = clock.NowUnixMs();
  absl::Status put = store.PutKey(Sha256Hex(issued.plaintext), issued.record);
  if (!put.ok()) return put;
  return issued;
}

std::string OrganisationNameKey(absl::string_view name) {
  std::string key;
  for (char c : absl::StripAsciiWhitespace(name)) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      if (!key.empty() && key.back() != ' ') key += ' ';
    } else {
      key += absl::ascii_tolower(static_cast<unsigned char>(c));
    }
  }
  return key;
}

absl::StatusOr<Bootstrap> BootstrapOrganisation(KeyStore& store, const IdGenerator& ids,
                                                const Clock& clock, absl::string_view org_name,
                                                SameName same_name) {
  absl::string_view name = absl::StripAsciiWhitespace(org_name);
  if (name.empty()) {
    return absl::InvalidArgumentError("org_name is required, e.g. \"Riverside Carers Forum\"");
  }
  if (name.size() > kMaxOrgNameLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("org_name must be at most ", kMaxOrgNameLength, " characters"));
  }
  Bootstrap out;
  out.org = Organisation{ids.New("org"), std::string(name), clock.NowUnixMs()};
  // Claimed with kAllow too when it is free, so that a later bootstrap of the name without
  // kAllow is refused.
  const std::string name_key = OrganisationNameKey(name);
  absl::StatusOr<std::string> holder = store.ClaimOrganisationName(name_key, out.org.id, "");
  if (!holder.ok()) return holder.status();
  if (same_name == SameName::kRefuse) {
    if (*holder != out.org.id) {
      absl::StatusOr<Organisation> existing = store.GetOrganisation(*holder);
      if (existing.ok()) {
        return absl::AlreadyExistsError(absl::StrCat(
            "an organisation named \"", existing->name, "\" already exists (", existing->id,
            "); make a further key for it with: eventctl admin org-key --org-id ", existing->id,
            " --role organiser --name ..., or add --allow-same-name to make another one"));
      }
      if (existing.status().code() != absl::StatusCode::kNotFound) return existing.status();
      // The name was claimed by a bootstrap that stopped before creating its organisation:
      // take it over, unless another bootstrap just did.
      holder = store.ClaimOrganisationName(name_key, out.org.id, *holder);
      if (!holder.ok()) return holder.status();
      if (*holder != out.org.id) {
        return absl::AbortedError(absl::StrCat("another bootstrap of \"", name,
                                               "\" ran at the same time; run the command again"));
      }
    }
  }
  if (absl::Status s = store.CreateOrganisation(out.org); !s.ok()) return s;
  absl::StatusOr<IssuedKey> key =
      IssueKey(store, ids, clock, out.org.id, {Role::kOrganiser, Role::kAccessCoordinator}, {},
               "bootstrap key");
  if (!key.ok()) return key.status();
  out.key = *std::move(key);
  return out;
}

}  // namespace events::auth
