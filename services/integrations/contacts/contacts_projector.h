#pragma once

#include "absl/status/status.h"
#include "events/v1/domain_events.pb.h"

namespace events::integrations {

class IntegrationsStore;
class RegistrationDirectory;

// Keeps each organisation's contacts (registrants who opted in to marketing) from
// registration's events. The events carry no e-mail or name, by design: for a registration
// with consent it asks the registration service (LookupRegistration, service key).
// registration.created and .updated with marketing_opt_in add or refresh the contact;
// consent withdrawn, .cancelled or .rejected take that registration off the contact.
// A registration with consent whose address is suppressed (unsubscribed) is not projected,
// and its consent is withdrawn in registration (WithdrawMarketing).
// Stale versions are ignored, so redelivery and reordering are harmless. Thread-safe.
class ContactsProjector {
 public:
  ContactsProjector(IntegrationsStore& store, RegistrationDirectory& registrations)
      : store_(store), registrations_(registrations) {}

  // OK when applied or not a contact event. UNAVAILABLE (leave the entry pending) when the
  // registration service or Redis cannot be reached; INVALID_ARGUMENT or PERMISSION_DENIED
  // as registration answered them (permanent: the worker dead-letters the entry).
  absl::Status Apply(const events::v1::DomainEvent& event);

 private:
  IntegrationsStore& store_;
  RegistrationDirectory& registrations_;
};

// The lower-case hex SHA-256 of the normalised (trimmed, lower-case) e-mail.
std::string EmailSha256(const std::string& email);
std::string NormalisedEmail(const std::string& email);

}  // namespace events::integrations
