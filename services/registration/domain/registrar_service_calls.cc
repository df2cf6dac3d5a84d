// The calls only the platform's own services make: integrations' contact sync reads one
// registration's contact details and withdraws marketing consent after an unsubscribe.
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/util/status_macros.h"
#include "services/registration/domain/registrar.h"

namespace events::registration {

using events::v1::Registration;

namespace {

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
  EVENTS_ASSIGN_OR_RETURN(Registration changed, Changed(current.event_id(), current.id(),
                                                        ChangeAction::kUpdate, "", "", false));
  return ForServices(std::move(changed));
}

}  // namespace events::registration
