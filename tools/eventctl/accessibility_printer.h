#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "events/v1/accessibility.pb.h"
#include "tools/eventctl/zones.h"

namespace events::eventctl {

// "submitted", "acknowledged", "in-progress", "fulfilled", "cannot-fulfil", "withdrawn",
// "needs-reconfirmation" (the words --status takes).
std::string RequestStatusWord(events::v1::RequestStatus status);
// The words above; "" and "all" are REQUEST_STATUS_UNSPECIFIED. INVALID_ARGUMENT listing them.
absl::StatusOr<events::v1::RequestStatus> ParseRequestStatus(absl::string_view word);
// What `eventctl access transition` takes: acknowledge, progress, fulfil, cannot.
absl::StatusOr<events::v1::RequestStatus> ParseTransition(absl::string_view word);
// --contact "email:ADDRESS", "phone:NUMBER", "text:NUMBER" or "registration-email".
absl::StatusOr<events::v1::RequestDetails> ParseContact(absl::string_view spec);

// One request: status, needs with deadlines, and the details when present. Deadlines and
// history in `zone`, the event's time zone (UTC when empty).
std::string DescribeRequest(const events::v1::AccessibilityRequest& request,
                            const std::string& zone = "");
// One line per request: id, status, late / at risk, earliest deadline, needs. No details.
// Deadlines in each request's event's zone from `zones` (UTC for an event not there).
std::string RequestTable(const std::vector<events::v1::AccessibilityRequest>& requests,
                         const EventZones& zones = {});
// Counts per need and status, with totals.
std::string DescribeCounts(const events::v1::RequestCounts& counts);
std::string DescribeCatalogue(const events::v1::Catalogue& catalogue);
std::string ProvisionTable(const std::vector<events::v1::Provision>& provisions);
std::string AuditTable(const std::vector<events::v1::AuditEntry>& entries);

}  // namespace events::eventctl
