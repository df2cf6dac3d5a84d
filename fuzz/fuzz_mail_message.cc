// The e-mail the notifications service writes, from any header values and text: the header
// block is only "Name: value" lines and folded continuations (no value can start a header
// of its own: no Bcc injected through a subject or a name), every line ends CRLF and keeps
// within SMTP's 998 characters, quoted-printable lines within 76, and the same input gives
// the same bytes. HtmlToText takes any bytes without crashing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "services/notifications/mail/composer.h"
#include "services/notifications/mail/mime.h"

namespace {

using events::fuzz::Check;

void CheckLines(absl::string_view m, size_t max, absl::string_view what) {
  size_t at = 0;
  while (at < m.size()) {
    const size_t end = m.find("\r\n", at);
    Check(end != absl::string_view::npos, what, "a line does not end with CRLF");
    const absl::string_view line = m.substr(at, end - at);
    Check(line.size() <= max, what, "a line is too long");
    Check(line.find('\n') == absl::string_view::npos && line.find('\r') == absl::string_view::npos,
          what, "a bare CR or LF");
    at = end + 2;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> f = absl::StrSplit(input, absl::MaxSplits('\x01', 5));
  f.resize(6);
  events::notifications::Email e;
  e.from_name = f[0];
  e.subject = f[1];
  e.reply_to = f[2];
  e.to = f[3];
  e.text = f[4];
  e.html = f[5];
  e.from_address = "events@example.org";
  e.message_id = "1.abc@example.org";
  e.date_unix_ms = 1774861200000;
  const std::string m = events::notifications::BuildMessage(e);
  Check(m == events::notifications::BuildMessage(e), "BuildMessage", "not deterministic");
  CheckLines(m, 998, "BuildMessage");
  const size_t header_end = m.find("\r\n\r\n");
  Check(header_end != std::string::npos, "BuildMessage", "no end of the header block");
  const std::vector<std::string> allowed = {
      "From",         "To",          "Reply-To",         "Subject",
      "Date",         "Message-ID",  "Content-Language", "Auto-Submitted",
      "MIME-Version", "Content-Type"};
  for (absl::string_view line : absl::StrSplit(m.substr(0, header_end), "\r\n")) {
    if (!line.empty() && line[0] == ' ') continue;  // a folded continuation
    const size_t colon = line.find(": ");
    Check(colon != absl::string_view::npos, "BuildMessage", "a header line without a name");
    bool known = false;
    for (const auto& name : allowed) known = known || line.substr(0, colon) == name;
    Check(known, "BuildMessage", "an injected header");
  }
  // The last line of quoted-printable text ends where the text does.
  std::string qp = events::notifications::QuotedPrintable(input);
  if (!absl::EndsWith(qp, "\r\n")) qp += "\r\n";
  if (qp != "\r\n") CheckLines(qp, 76, "QuotedPrintable");
  (void)events::notifications::HtmlToText(input);
  return 0;
}
