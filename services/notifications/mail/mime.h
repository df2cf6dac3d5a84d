#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace events::notifications {

struct Attachment {
  std::string filename;      // e.g. "event.ics"
  std::string content_type;  // e.g. "text/calendar; charset=UTF-8; method=PUBLISH"
  std::string data;
};

// One e-mail, as people will read it.
struct Email {
  std::string from_name;
  std::string from_address;
  std::string reply_to;  // empty: none
  std::string to;
  std::string subject;
  std::string text;  // the plain-text part (UTF-8, lines ending "\n")
  std::string html;  // the HTML part: a whole document
  std::vector<Attachment> attachments;
  // Without the angle brackets, e.g. "3.ab12...@events.example.org": the same on every try,
  // so a mail client shows a retried e-mail once.
  std::string message_id;
  int64_t date_unix_ms = 0;
  std::string language = "en-GB";
};

// The message as SMTP's DATA carries it (RFC 5322 and MIME, lines ending CRLF): a
// multipart/alternative of the text and HTML parts (quoted-printable), inside a
// multipart/mixed with the attachments (base64) when there are any. Header values lose
// any CR, LF and other control characters (no header injection); non-ASCII names and
// subjects become RFC 2047 encoded words. Auto-Submitted: auto-generated (RFC 3834), so
// auto-responders stay quiet. Pure; thread-safe.
std::string BuildMessage(const Email& email);

// RFC 2045 quoted-printable, CRLF line ends, lines of at most 76 characters.
std::string QuotedPrintable(absl::string_view text);

// RFC 5322 date, e.g. "Mon, 30 Mar 2026 09:00:00 +0000".
std::string MailDate(int64_t unix_ms);

}  // namespace events::notifications
