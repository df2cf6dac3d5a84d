#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace events::scheduling {

// Events are indexed in sorted sets by "<start ms, 15 digits>:<event id>", all with score
// 0, so ZRANGE ... BYLEX orders them by start time, then id, and a page can resume
// exactly after the last member it returned.
std::string IndexMember(int64_t start_unix_ms, absl::string_view event_id);

// The page token is the last member of a page, base64url-encoded.
std::string EncodePageToken(absl::string_view last_member);
// INVALID_ARGUMENT "page.page_token ..." when the token was not made by EncodePageToken.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token);

}  // namespace events::scheduling
