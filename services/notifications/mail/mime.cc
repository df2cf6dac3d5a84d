#include "services/notifications/mail/mime.h"

#include <algorithm>
#include <ctime>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/util/ids.h"

namespace events::notifications {
namespace {

constexpr size_t kMaxHeaderValue = 900;

// A header value on one line: control characters (CR and LF above all) become spaces.
std::string HeaderValue(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
  }
  absl::string_view clean = absl::StripAsciiWhitespace(out);
  // SMTP's lines end at 998 characters: a value that long is not a real one (addresses are
  // checked long before), so it is cut, on a character boundary.
  size_t keep = std::min(clean.size(), kMaxHeaderValue);
  while (keep < clean.size() && keep > 0 &&
         (static_cast<unsigned char>(clean[keep]) & 0xC0) == 0x80) {
    --keep;
  }
  return std::string(clean.substr(0, keep));
}

bool IsAscii(absl::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// RFC 2047 encoded words for non-ASCII text, split so that each word stays within 75
// characters and never cuts a UTF-8 sequence.
std::string EncodedWords(absl::string_view text) {
  // Plain ASCII stays readable, unless it is too long for one line: encoded words fold.
  if (IsAscii(text) && text.size() <= 200) return std::string(text);
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t limit = std::min(text.size(), i + 45);
    size_t end = limit;
    while (end > i && end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    // Not UTF-8 (45 bytes without a character start): cut anywhere, but always move on.
    if (end == i) end = limit;
    absl::StrAppend(&out, out.empty() ? "" : "\r\n ", "=?UTF-8?B?",
                    absl::Base64Escape(text.substr(i, end - i)), "?=");
    i = end;
  }
  return out;
}

// A display name as a quoted string when it has specials, or encoded words.
std::string DisplayName(absl::string_view name) {
  std::string clean = HeaderValue(name);
  if (!IsAscii(clean) || clean.size() > 200) return EncodedWords(clean);
  std::string quoted = "\"";
  for (char c : clean) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  return quoted + "\"";
}

std::string Base64Lines(absl::string_view data) {
  const std::string b64 = absl::Base64Escape(data);
  std::string out;
  for (size_t i = 0; i < b64.size(); i += 76) absl::StrAppend(&out, b64.substr(i, 76), "\r\n");
  return out;
}

std::string TextPart(absl::string_view subtype, absl::string_view body) {
  return absl::StrCat("Content-Type: text/", subtype,
                      "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n",
                      QuotedPrintable(body), "\r\n");
}

}  // namespace

std::string QuotedPrintable(absl::string_view text) {
  std::string out;
  size_t line = 0;  // characters on the current output line
  auto put = [&](absl::string_view piece) {
    if (line + piece.size() > 75) {
      out += "=\r\n";
      line = 0;
    }
    out.append(piece.data(), piece.size());
    line += piece.size();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\r\n";
      line = 0;
      continue;
    }
    if (c == '\r') continue;
    const bool at_line_end = i + 1 == text.size() || text[i + 1] == '\n' || text[i + 1] == '\r';
    const bool plain =
        (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_line_end);
    if (plain) {
      const char ch = static_cast<char>(c);
      put(absl::string_view(&ch, 1));
    } else {
      put(absl::StrFormat("=%02X", c));
    }
  }
  return out;
}

std::string MailDate(int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return absl::StrFormat("%s, %d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                         kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string BuildMessage(const Email& email) {
  // Boundaries from the message id: the same message, byte for byte, on every try.
  const std::string seed = Sha256Hex(email.message_id).substr(0, 24);
  const std::string alt = "alt-" + seed;
  const std::string mixed = "mix-" + seed;
  std::string m;
  absl::StrAppend(&m, "From: ", DisplayName(email.from_name), " <", HeaderValue(email.from_address),
                  ">\r\n");
  absl::StrAppend(&m, "To: <", HeaderValue(email.to), ">\r\n");
  if (!email.reply_to.empty())
    absl::StrAppend(&m, "Reply-To: <", HeaderValue(email.reply_to), ">\r\n");
  absl::StrAppend(&m, "Subject: ", EncodedWords(HeaderValue(email.subject)), "\r\n");
  absl::StrAppend(&m, "Date: ", MailDate(email.date_unix_ms), "\r\n");
  absl::StrAppend(&m, "Message-ID: <", HeaderValue(email.message_id), ">\r\n");
  absl::StrAppend(&m, "Content-Language: ", HeaderValue(email.language), "\r\n");
  absl::StrAppend(&m, "Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n");
  std::string body = absl::StrCat("Content-Type: multipart/alternative; boundary=\"", alt,
                                  "\"\r\n\r\n--", alt, "\r\n", TextPart("plain", email.text), "--",
                                  alt, "\r\n", TextPart("html", email.html), "--", alt, "--\r\n");
  if (email.attachments.empty()) return m + body;
  absl::StrAppend(&m, "Content-Type: multipart/mixed; boundary=\"", mixed, "\"\r\n\r\n--", mixed,
                  "\r\n", body);
  for (const Attachment& a : email.attachments) {
    absl::StrAppend(&m, "--", mixed, "\r\nContent-Type: ", HeaderValue(a.content_type),
                    "\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; "
                    "filename=\"",
                    HeaderValue(a.filename), "\"\r\n\r\n", Base64Lines(a.data));
  }
  absl::StrAppend(&m, "--", mixed, "--\r\n");
  return m;
}

}  // namespace events::notifications
