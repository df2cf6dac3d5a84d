// The message as it goes over SMTP: headers safe, parts encoded, the same on every try.
#include "services/notifications/mail/mime.h"

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::notifications {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Email Sample() {
  Email e;
  e.from_name = "Healthwatch Anytown";
  e.from_address = "events@example.org";
  e.to = "ann@example.org";
  e.subject = "You have a place at Living well";
  e.text = "Hello Ann,\n\nYou have a place.\n";
  e.html = "<!DOCTYPE html><html lang=\"en-GB\"><body><h1>You have a place</h1></body></html>";
  e.message_id = "3.abc@example.org";
  e.date_unix_ms = 1774861200000;  // 2026-03-30T09:00:00Z
  return e;
}

TEST(MimeTest, HeadersAndPartsAreThere) {
  const std::string m = BuildMessage(Sample());
  EXPECT_THAT(m, HasSubstr("From: \"Healthwatch Anytown\" <events@example.org>\r\n"));
  EXPECT_THAT(m, HasSubstr("To: <ann@example.org>\r\n"));
  EXPECT_THAT(m, HasSubstr("Subject: You have a place at Living well\r\n"));
  EXPECT_THAT(m, HasSubstr("Date: Mon, 30 Mar 2026 09:00:00 +0000\r\n"));
  EXPECT_THAT(m, HasSubstr("Message-ID: <3.abc@example.org>\r\n"));
  EXPECT_THAT(m, HasSubstr("Auto-Submitted: auto-generated\r\n"));
  EXPECT_THAT(m, HasSubstr("Content-Type: multipart/alternative;"));
  EXPECT_THAT(m, HasSubstr("Content-Type: text/plain; charset=UTF-8"));
  EXPECT_THAT(m, HasSubstr("Content-Type: text/html; charset=UTF-8"));
  EXPECT_THAT(m, Not(HasSubstr("multipart/mixed")));
  // Every line ends CRLF, and none is longer than SMTP allows.
  for (size_t at = 0, next; at < m.size(); at = next + 2) {
    next = m.find("\r\n", at);
    ASSERT_NE(next, std::string::npos);
    EXPECT_LE(next - at, 998u);
    EXPECT_EQ(m.substr(at, next - at).find('\n'), std::string::npos);
  }
  // The same mail, byte for byte, on every try.
  EXPECT_EQ(m, BuildMessage(Sample()));
}

TEST(MimeTest, HeaderInjectionIsImpossible) {
  Email e = Sample();
  e.subject = "Hello\r\nBcc: victim@example.org";
  e.from_name = "Org\nBcc: x@y.z";
  e.reply_to = "a@b.c\r\nX-Evil: 1";
  const std::string m = BuildMessage(e);
  EXPECT_THAT(m, Not(HasSubstr("\r\nBcc:")));
  EXPECT_THAT(m, Not(HasSubstr("\nX-Evil")));
}

TEST(MimeTest, NonAsciiSubjectsAndNamesAreEncodedWords) {
  Email e = Sample();
  e.subject = "Café meeting — Zoë’s talk";
  e.from_name = "Gofal Cymru – Cyngor";
  const std::string m = BuildMessage(e);
  EXPECT_THAT(m, HasSubstr("Subject: =?UTF-8?B?"));
  EXPECT_THAT(m, HasSubstr("From: =?UTF-8?B?"));
}

TEST(MimeTest, EveryLineFitsSmtpEvenWithHugeValues) {
  Email e = Sample();
  e.subject = std::string(5000, 's');
  e.from_name = std::string(3000, 'n');
  e.to = std::string(3000, 't') + "@example.org";
  const std::string m = BuildMessage(e);
  for (size_t at = 0, next; at < m.size(); at = next + 2) {
    next = m.find("\r\n", at);
    ASSERT_NE(next, std::string::npos);
    EXPECT_LE(next - at, 998u);
  }
}

TEST(MimeTest, BytesThatAreNotUtf8StillEncodeAndEnd) {
  // Found by fuzz_mail_message: a run of UTF-8 continuation bytes never moved the encoder on.
  Email e = Sample();
  e.subject = "You have a " + std::string(200, '\x9c');
  EXPECT_THAT(BuildMessage(e), HasSubstr("Subject: =?UTF-8?B?"));
}

TEST(MimeTest, AttachmentsMakeAMixedMessage) {
  Email e = Sample();
  e.attachments.push_back({"event.ics", "text/calendar; charset=UTF-8; method=PUBLISH",
                           "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"});
  const std::string m = BuildMessage(e);
  EXPECT_THAT(m, HasSubstr("Content-Type: multipart/mixed;"));
  EXPECT_THAT(m, HasSubstr("Content-Disposition: attachment; filename=\"event.ics\""));
  EXPECT_THAT(m, HasSubstr("QkVHSU46VkNBTEVOREFS"));  // base64 of "BEGIN:VCALENDAR"
}

TEST(MimeTest, QuotedPrintableKeepsLinesShortAndEncodesWhatItMust) {
  const std::string qp = QuotedPrintable(std::string(200, 'a') + "\n= café \n");
  for (size_t at = 0, next; at < qp.size(); at = next + 2) {
    next = qp.find("\r\n", at);
    if (next == std::string::npos) next = qp.size();
    EXPECT_LE(next - at, 76u);
  }
  EXPECT_THAT(qp, HasSubstr("=3D"));
  EXPECT_THAT(qp, HasSubstr("caf=C3=A9"));
  // A space at the end of a line is encoded, or it would be lost in transit.
  EXPECT_THAT(qp, HasSubstr("=20\r\n"));
}

}  // namespace
}  // namespace events::notifications
