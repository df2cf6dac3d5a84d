#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "events/v1/domain_events.pb.h"

namespace events::integrations {

// The body of a webhook, as the Standard Webhooks specification suggests:
//
//   {"type": "registration.created", "timestamp": "2026-11-26T10:00:00.000Z",
//    "id": "de_...", "source": "registration", "subject": "rg_...", "org_id": "org_...",
//    "data": { ...the payload in the protobuf JSON mapping, field names as in the .proto... }}
//
// Thin by construction: only payload messages on an allow-list (the thin domain-event
// payloads: ids, statuses, times) are printed, and only their declared fields (the payload
// is parsed into its generated message, so unknown fields are dropped). Any other
// data_type gets "data": {}. Nothing about anyone's needs, answers, name or e-mail can pass.
std::string WebhookBody(const events::v1::DomainEvent& event);

// True when the payload type is printed in webhook bodies.
bool IsAllowedPayloadType(absl::string_view data_type);

// RFC 3339 UTC with milliseconds, e.g. "2026-11-26T10:00:00.000Z".
std::string Rfc3339Ms(int64_t unix_ms);

}  // namespace events::integrations
