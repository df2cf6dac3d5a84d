#include "services/integrations/contacts/contacts_projector.h"

#include <spdlog/spdlog.h>

#include "absl/strings/ascii.h"
#include "common/util/ids.h"
#include "services/integrations/contacts/contacts_csv.h"
#include "services/integrations/peers/registration_directory.h"
#include "services/integrations/store/integrations_store.h"

namespace events::integrations {
namespace {

// A registration-service error as the stream worker should see it: refusals and bad input
// stay as they are (permanent: the entry is dead-lettered); anything else is UNAVAILABLE,
// so the entry waits for a retry.
absl::Status Retryable(const absl::Status& status) {
  if (absl::IsInvalidArgument(status) || absl::IsPermissionDenied(status)) return status;
  return absl::UnavailableError(std::string(status.message()));
}

}  // namespace

std::string NormalisedEmail(const std::string& email) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(email));
}

std::string EmailSha256(const std::string& email) { return Sha256Hex(NormalisedEmail(email)); }

absl::Status ContactsProjector::Apply(const events::v1::DomainEvent& event) {
  const std::string& type = event.type();
  if (type != "registration.created" && type != "registration.updated" &&
      type != "registration.cancelled" && type != "registration.rejected") {
    return absl::OkStatus();
  }
  events::v1::RegistrationChanged change;
  if (event.data_type() != events::v1::RegistrationChanged::descriptor()->full_name() ||
      !change.ParseFromString(event.data()) || change.registration_id().empty()) {
    spdlog::error("contacts: {} {} has no readable RegistrationChanged payload; skipped", type,
                  event.id());
    return absl::OkStatus();
  }
  const std::string& org = change.org_id().empty() ? event.org_id() : change.org_id();
  ContactChange c;
  c.registration_id = change.registration_id();
  c.event_id = change.event_id();
  // Shifted by one: a new registration may carry version 0, which the projection's "nothing
  // seen yet" must stay below.
  c.version = change.version() + 1;
  const bool gone = change.status() == events::v1::REGISTRATION_STATUS_CANCELLED ||
                    change.status() == events::v1::REGISTRATION_STATUS_REJECTED;
  c.upsert = change.marketing_opt_in() && !gone;
  if (c.upsert) {
    absl::StatusOr<events::v1::Registration> reg = registrations_.Lookup(c.registration_id);
    if (absl::IsNotFound(reg.status())) return absl::OkStatus();
    if (!reg.ok()) return Retryable(reg.status());
    // The registration may have changed since the event: the projection follows the
    // newest state it can see, with the event's version as the order.
    if (!reg->marketing_opt_in() || reg->status() == events::v1::REGISTRATION_STATUS_CANCELLED ||
        reg->status() == events::v1::REGISTRATION_STATUS_REJECTED) {
      c.upsert = false;
    } else {
      c.email = NormalisedEmail(reg->email());
      c.email_sha256 = Sha256Hex(c.email);
      auto [first, last] = SplitName(reg->name());
      c.first_name = first;
      c.last_name = last;
    }
  }
  absl::StatusOr<ContactOutcome> outcome = store_.ApplyContact(org, c);
  if (!outcome.ok()) return outcome.status();
  if (*outcome != ContactOutcome::kSuppressed) return absl::OkStatus();
  // The address unsubscribed earlier: this registration's consent goes too, so the person
  // is not re-added by ticking a box on a later form, in registration as here.
  absl::StatusOr<events::v1::Registration> withdrawn =
      registrations_.WithdrawMarketing(c.registration_id);
  if (absl::IsNotFound(withdrawn.status())) return absl::OkStatus();
  if (absl::IsFailedPrecondition(withdrawn.status())) {
    // Registration refused the change (a version that keeps closed registrations as they
    // are): nothing this projection can do about it.
    spdlog::warn("contacts: registration refused to withdraw the consent of {} ({})",
                 c.registration_id, std::string(withdrawn.status().message()));
    return absl::OkStatus();
  }
  if (!withdrawn.ok()) return Retryable(withdrawn.status());
  spdlog::info("contacts: withdrew marketing consent of {} (its address unsubscribed)",
               c.registration_id);
  return absl::OkStatus();
}

}  // namespace events::integrations
