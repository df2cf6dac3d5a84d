// The text rules every service applies to what people type (common/util/text_rules.h), on
// any bytes: errors are INVALID_ARGUMENT naming the field; NormaliseEmailAddress is
// idempotent and what CheckEmail accepts stays accepted once normalised; QuoteForMessage is
// one line of valid UTF-8 with no control or invisible characters, of bounded length; a text
// that passes CheckText (single line) holds no control characters.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "common/util/text_rules.h"
#include "common/util/utf8.h"
#include "fuzz/fuzz_check.h"

namespace {

void CheckNamesField(const absl::Status& status, absl::string_view rpc, absl::string_view field) {
  events::fuzz::CheckValidation(status, rpc);
  if (status.ok()) return;
  events::fuzz::Check(status.code() == absl::StatusCode::kInvalidArgument, rpc, status.ToString());
  events::fuzz::Check(absl::StrContains(status.message(), field), "the error names the field",
                      status.ToString());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t max_chars = data[0] % 64;
  absl::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string copy(text);

  const absl::Status line = events::CheckText(text, "name", 0, max_chars);
  CheckNamesField(line, "CheckText", "name");
  if (line.ok()) {
    for (size_t i = 0; i < text.size();) {
      const events::CodePoint cp = events::DecodeUtf8(text, i);
      events::fuzz::Check(cp.length > 0, "accepted text is UTF-8", copy);
      events::fuzz::Check(
          cp.value >= 0x20 && cp.value != 0x7f && !(cp.value >= 0x80 && cp.value < 0xa0),
          "accepted single-line text has no control characters", copy);
      i += cp.length;
    }
  }
  CheckNamesField(events::CheckText(text, "details", 1, max_chars, /*multiline=*/true),
                  "CheckText multiline", "details");

  const std::string normal = events::NormaliseEmailAddress(text);
  events::fuzz::Check(events::NormaliseEmailAddress(normal) == normal,
                      "NormaliseEmailAddress is idempotent", copy);
  const absl::Status email = events::CheckEmail(normal, "email");
  CheckNamesField(email, "CheckEmail", "email");
  if (email.ok()) {
    events::fuzz::Check(events::CheckEmail(events::NormaliseEmailAddress(normal), "email").ok(),
                        "an accepted address stays accepted", copy);
  }
  CheckNamesField(events::CheckHttpsUrl(text, "url"), "CheckHttpsUrl", "url");

  const std::string quoted = events::QuoteForMessage(text, max_chars);
  events::fuzz::Check(quoted.size() <= max_chars + 2 + 3 + 4, "QuoteForMessage is bounded", quoted);
  for (size_t i = 0; i < quoted.size();) {
    const events::CodePoint cp = events::DecodeUtf8(quoted, i);
    events::fuzz::Check(cp.length > 0, "QuoteForMessage gives UTF-8", quoted);
    events::fuzz::Check(cp.value >= 0x20 && cp.value != 0x7f &&
                            !(cp.value >= 0x80 && cp.value < 0xa0) && cp.value != 0x2028 &&
                            cp.value != 0x2029 && !events::IsInvisibleChar(cp.value),
                        "QuoteForMessage shows nothing unprintable", quoted);
    i += cp.length;
  }
  (void)events::StartsLikeAFormula(text);
  return 0;
}
