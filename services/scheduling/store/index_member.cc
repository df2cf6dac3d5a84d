#include "services/scheduling/store/index_member.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace events::scheduling {

std::string IndexMember(int64_t start_unix_ms, absl::string_view event_id) {
  return absl::StrFormat("%015d:%s", start_unix_ms, event_id);
}

std::string EncodePageToken(absl::string_view last_member) {
  return absl::WebSafeBase64Escape(last_member);
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token) {
  std::string member;
  bool ok = token.size() <= 200 && absl::WebSafeBase64Unescape(token, &member) &&
            member.size() > 16 && member[15] == ':';
  for (size_t i = 0; ok && i < 15; ++i) ok = absl::ascii_isdigit(member[i]);
  if (!ok) {
    return absl::InvalidArgumentError(
        "page.page_token is not one this service issued; pass the next_page_token of the "
        "previous response, or leave it empty for the first page");
  }
  return member;
}

}  // namespace events::scheduling
