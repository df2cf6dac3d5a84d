#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "events/v1/accessibility.pb.h"
#include "google/protobuf/repeated_field.h"

namespace events::accessibility {

// Limits (docs/accessibility.md).
inline constexpr size_t kMaxDetails = 2000;
inline constexpr size_t kMaxOtherNeed = 200;
inline constexpr size_t kMaxContactValue = 200;
inline constexpr size_t kMaxReason = 1000;
inline constexpr size_t kMaxProvisionDescription = 500;
inline constexpr size_t kMaxToken = 200;
inline constexpr int kMaxRequestsPerProvision = 500;
// Free text is refused before trimming when longer than this many bytes per character
// allowed, so whitespace padding cannot make it unbounded.
inline constexpr size_t kRawBytesPerChar = 4;

// Each INVALID_ARGUMENT names the field and the rule.
absl::Status ValidateToken(const std::string& token);
// 1 to 18 distinct catalogue codes; "other" needs details.other_need.
absl::Status ValidateNeeds(const google::protobuf::RepeatedPtrField<std::string>& needs,
                           const events::v1::RequestDetails& details);
// Lengths, valid UTF-8, contact method and value; coordinator-only fields must be empty.
absl::Status ValidateAttendeeDetails(const events::v1::RequestDetails& details);
absl::Status ValidateTransition(const events::v1::TransitionRequestRequest& request);
absl::Status ValidateProvision(const events::v1::AddProvisionRequest& request);

// "ar_<event core>-<26 characters>" (a request) and "pv_<event core>-<26>" (a provision):
// the event's core puts them in its partition. `field` names the field in the error.
absl::Status ValidateChildId(absl::string_view id, absl::string_view prefix,
                             absl::string_view field);
// A new child id of `event_id` from a fresh id's random part.
std::string ChildId(absl::string_view prefix, absl::string_view event_id,
                    absl::string_view fresh_id);

}  // namespace events::accessibility
