// Page tokens and page sizes, as every listing takes them from a client: scheduling's
// DecodePageToken, integrations' OffsetToken and the one page-size rule (PageSize). A token
// decodes only to what the service could have issued, and re-encodes to a token that decodes
// to the same member; a page size is the default or within 1..max.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "common/util/page_size.h"
#include "fuzz/fuzz_check.h"
#include "services/integrations/domain/input_rules.h"
#include "services/scheduling/store/index_member.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 8) return 0;
  int64_t asked = 0;
  std::memcpy(&asked, data, sizeof asked);
  absl::string_view token(reinterpret_cast<const char*>(data) + 8, size - 8);

  const events::PageLimits limits{25, 100};
  auto page = events::PageSize(asked, limits);
  if (page.ok()) {
    events::fuzz::Check(asked == 0 ? *page == 25 : *page == asked, "page size as asked");
    events::fuzz::Check(*page >= 1 && *page <= 100, "page size in range");
  } else {
    events::fuzz::CheckValidation(page.status(), "PageSize");
    events::fuzz::Check(page.status().code() == absl::StatusCode::kInvalidArgument &&
                            absl::StrContains(page.status().message(), "page.page_size"),
                        "PageSize names the field", page.status().ToString());
  }

  auto member = events::scheduling::DecodePageToken(token);
  if (member.ok()) {
    events::fuzz::Check(member->size() > 16 && (*member)[15] == ':', "member shape", *member);
    for (int i = 0; i < 15; ++i) {
      events::fuzz::Check(absl::ascii_isdigit(static_cast<unsigned char>((*member)[i])),
                          "member starts with 15 digits", *member);
    }
    auto again = events::scheduling::DecodePageToken(events::scheduling::EncodePageToken(*member));
    events::fuzz::Check(again.ok() && *again == *member, "re-encoded token decodes the same",
                        *member);
  } else {
    events::fuzz::CheckValidation(member.status(), "DecodePageToken");
  }

  auto offset = events::integrations::internal::OffsetToken(token, "page_token");
  if (offset.ok()) {
    events::fuzz::Check(*offset >= 0 && *offset < 1000000000000, "offset of 0 to 12 digits");
  } else {
    events::fuzz::CheckValidation(offset.status(), "OffsetToken");
  }
  return 0;
}
