// The calls only the platform's own services make: integrations' contact sync reads one
// registration's contact details and withdraws marketing consent after an unsubscribe; the
// notifications service gets a registration's personal link.
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/util/ids.h"
#include "common/util/status_macros.h"
#include "services/registration/domain/registrar.h"
#include "services/registration/rules/link_token.h"

namespace events::registration {

using events::v1::Registration;

namespace {

// Each lost race means another rotation of the same registration won, so a call loses at
// most once per rival: 16 covers more rivals than one registration ever has at once.
constexpr int kMaxLinkAttempts = 16;

absl::Status CheckRegistrationId(const std::string& registration_id) {
  if (registration_id.empty()) return absl::InvalidArgumentError("registration_id is required");
  if (!IsRegistrationId(registration_id)) {
    return absl::InvalidArgumentError("registration_id is not a registration id (rg_...)");
  }
  return absl::OkStatus();
}

// What the platform's services need of a registration (who, consent, status, event), and
// nothing more: form answers, the organisation and the join link stay in registration.
Registration ForServices(Registration r) {
  r.clear_answers();
  r.clear_join_link();
  r.clear_organisation();
  return r;
}

}  // namespace

absl::StatusOr<Registration> Registrar::Lookup(const std::string& registration_id) {
  EVENTS_RETURN_IF_ERROR(CheckRegistrationId(registration_id));
  absl::StatusOr<StoredRegistration> stored = store_.Get(registration_id);
  if (!stored.ok()) return stored.status();
  return ForServices(stored->registration);
}

absl::StatusOr<Registration> Registrar::WithdrawMarketing(const std::string& registration_id) {
  EVENTS_ASSIGN_OR_RETURN(Registration current, Lookup(registration_id));
  // Already withdrawn: nothing to change, and no event to emit.
  if (!current.marketing_opt_in()) return current;
  EVENTS_ASSIGN_OR_RETURN(
      Registration changed,
      Changed(current.event_id(), current.id(), ChangeAction::kUpdate, "", "", false, ChangeBy{}));
  return ForServices(std::move(changed));
}

absl::StatusOr<Registered> Registrar::IssueLink(const std::string& registration_id,
                                                const std::string& rotation_id) {
  EVENTS_RETURN_IF_ERROR(CheckRegistrationId(registration_id));
  EVENTS_RETURN_IF_ERROR(CheckRotationId(rotation_id));
  for (int attempt = 0; attempt < kMaxLinkAttempts; ++attempt) {
    EVENTS_ASSIGN_OR_RETURN(StoredRegistration stored, store_.Get(registration_id));
    const std::string& nonce = rotation_id.empty() ? stored.link_nonce : rotation_id;
    std::string token = DeriveLinkToken(options_.link_secret, registration_id, nonce);
    const std::string hash = Sha256Hex(token);
    // The current link (no rotation asked, or this rotation done already: a retried e-mail
    // carries the same link), when the stored hash is its own.
    if (stored.link_derived && nonce == stored.link_nonce && hash == stored.token_hash) {
      return Registered{ForAttendee(std::move(stored.registration)), std::move(token)};
    }
    // A new rotation; or a stored hash of a token that was not derived (made before links
    // were) or derived under another secret, which this link then replaces so that it works.
    // Only if nothing changed it since it was read: otherwise read again.
    EVENTS_ASSIGN_OR_RETURN(RegistrationStore::SetLinkOutcome outcome,
                            store_.SetLink(registration_id, stored.token_hash, nonce, hash));
    if (outcome == RegistrationStore::SetLinkOutcome::kNotFound) {
      return absl::NotFoundError(absl::StrCat("registration ", registration_id, " not found"));
    }
    if (outcome == RegistrationStore::SetLinkOutcome::kDone) {
      return Registered{ForAttendee(std::move(stored.registration)), std::move(token)};
    }
  }
  return absl::AbortedError(absl::StrCat("the link of registration ", registration_id,
                                         " kept changing while it was issued; try again"));
}

}  // namespace events::registration
