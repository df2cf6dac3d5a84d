// RedactContacts on any bytes: never crashes (and stays linear: libFuzzer's -timeout catches a
// slow input). On UTF-8 text (what every caller passes) its output holds no plain ASCII e-mail
// address (local@label.tld) and no run of 9 or more digits standing alone, and redacting the
// output again changes nothing.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "common/util/redact.h"
#include "common/util/utf8.h"
#include "fuzz/fuzz_check.h"

namespace {

bool LocalChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '%' ||
         c == '+' || c == '-';
}

// Finds "x@label.tld": ASCII letters and digits, the whole run of labels joined by '.'
// ending in a top-level part of 2+ letters and then the end of the word, with nothing but
// spaces allowed around the '@'; the plainest shape the redaction promises to catch.
bool HasPlainAddress(absl::string_view s) {
  auto label_char = [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-';
  };
  for (size_t at = 0; at < s.size(); ++at) {
    if (s[at] != '@') continue;
    size_t l = at;
    while (l > 0 && s[l - 1] == ' ') --l;
    if (l == 0 || !LocalChar(s[l - 1]) || s[l - 1] == '.') continue;
    size_t i = at + 1;
    while (i < s.size() && s[i] == ' ') ++i;
    // The longest run of labels: a '.' continues it only when a label follows.
    size_t labels = 0;
    size_t last = i;
    while (i < s.size() && absl::ascii_isalnum(static_cast<unsigned char>(s[i]))) {
      last = i;
      while (i < s.size() && label_char(s[i])) ++i;
      // A label starts and ends with a letter or digit ("-" alone is none).
      if (s[i - 1] == '-') break;
      ++labels;
      if (i + 1 < s.size() && s[i] == '.' &&
          absl::ascii_isalnum(static_cast<unsigned char>(s[i + 1]))) {
        ++i;
        continue;
      }
      break;
    }
    if (labels < 2 || i - last < 2) continue;
    bool letters = true;
    for (size_t k = last; k < i; ++k) {
      letters = letters && absl::ascii_isalpha(static_cast<unsigned char>(s[k]));
    }
    // A byte of a longer character after it (or of invalid UTF-8) makes it part of a word.
    const bool word_ends =
        i == s.size() || (static_cast<unsigned char>(s[i]) < 0x80 && s[i] != '_');
    if (letters && word_ends) return true;
  }
  return false;
}

// Nine or more ASCII digits in a row, not touching a letter, digit or '_' on either side.
bool HasBarePhoneDigits(absl::string_view s) {
  size_t run = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    const unsigned char c = i < s.size() ? static_cast<unsigned char>(s[i]) : 0;
    if (absl::ascii_isdigit(c)) {
      ++run;
      continue;
    }
    if (run >= 9) {
      const size_t start = i - run;
      const bool left_word =
          start > 0 && (absl::ascii_isalpha(static_cast<unsigned char>(s[start - 1])) ||
                        s[start - 1] == '_' || static_cast<unsigned char>(s[start - 1]) >= 0x80);
      const bool right_word = absl::ascii_isalpha(c) || c == '_' || c >= 0x80;
      if (!left_word && !right_word) return true;
    }
    run = 0;
  }
  return false;
}

bool IsUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const events::CodePoint cp = events::DecodeUtf8(s, i);
    if (cp.length == 0) return false;
    i += cp.length;
  }
  return true;
}

}  // namespace

// The property checks themselves must see what they look for (and not what they should
// not), or the target would pass whatever the redaction does.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  events::fuzz::Check(HasPlainAddress("mail jo.lee@example.org.") &&
                          HasPlainAddress("x jo @ mail.example.org y") &&
                          !HasPlainAddress("M@e.eG.G") && !HasPlainAddress("a@b.c1") &&
                          !HasPlainAddress("i@-.rg") && HasPlainAddress("a@x-y.example.org") &&
                          !HasPlainAddress("jo@example.orgé"),
                      "HasPlainAddress self-check");
  events::fuzz::Check(HasBarePhoneDigits("call 020794609581 now") &&
                          !HasBarePhoneDigits("id ab123456789") && !HasBarePhoneDigits("12345678"),
                      "HasBarePhoneDigits self-check");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string once = events::RedactContacts(text);
  // Every caller checks its text is UTF-8 (CheckText) before redacting it, and the promises
  // of redact.h are about such text; on other bytes it must only be safe and linear.
  if (!IsUtf8(text)) return 0;
  events::fuzz::Check(!HasPlainAddress(once), "no e-mail address left", once);
  events::fuzz::Check(!HasBarePhoneDigits(once), "no phone number left", once);
  events::fuzz::Check(events::RedactContacts(once) == once, "redacting twice changes nothing",
                      once);
  return 0;
}
