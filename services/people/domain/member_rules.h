#pragma once

// The input rules of the people service (docs/people.md, "Input"): pure and thread-safe.
// Errors are INVALID_ARGUMENT naming the field and the rule, never quoting a secret.
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "events/v1/people.pb.h"

namespace events::people {

// 1 to 100 characters, one line (events::CheckText).
absl::Status CheckMemberName(absl::string_view name);
// A plausible address of at most 254 bytes; returns its compared form (trimmed, lower case).
absl::StatusOr<std::string> NormalisedEmail(absl::string_view email, absl::string_view field);
// The SHA-256 (hex) of the compared form: how addresses are indexed.
std::string EmailHash(absl::string_view normalised_email);
// At least one role, each known, none twice, and viewer alone. Returns the stored form,
// e.g. "organiser,access_coordinator" in the order given.
absl::StatusOr<std::string> RolesText(const google::protobuf::RepeatedField<int>& roles,
                                      absl::string_view field);
// The stored form back to roles; unknown names are skipped.
std::vector<events::v1::MemberRole> RolesOf(absl::string_view text);
// "organiser, access coordinator": roles in words, for audit details and e-mails.
std::string RolesInWords(absl::string_view text);
// 32 to 128 printable ASCII characters.
absl::Status CheckBrowserSecret(absl::string_view secret);
// 1 to 128 printable ASCII characters; "" (none) is fine.
absl::Status CheckIdempotencyKey(absl::string_view key);
// A member id as this service makes them ("mem_" and 26 characters).
absl::Status CheckMemberId(absl::string_view member_id, absl::string_view field = "member_id");

}  // namespace events::people
