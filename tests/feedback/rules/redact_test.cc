#include "services/feedback/rules/redact.h"

#include "gtest/gtest.h"

namespace events::feedback {
namespace {

TEST(RedactTest, EmailAddresses) {
  EXPECT_EQ(RedactContacts("write to ann.lee+events@mail.example.org."),
            "write to [email removed].");
  EXPECT_EQ(RedactContacts("a@b.co and c_d@e-f.org.uk"), "[email removed] and [email removed]");
  EXPECT_EQ(RedactContacts("@handle and me@home"), "@handle and me@home");
}

TEST(RedactTest, UkPhoneNumbers) {
  EXPECT_EQ(RedactContacts("ring 07700 900123 today"), "ring [phone removed] today");
  EXPECT_EQ(RedactContacts("020 7946 0958"), "[phone removed]");
  EXPECT_EQ(RedactContacts("(020) 7946 0958"), "[phone removed]");
  EXPECT_EQ(RedactContacts("+44 (0)20 7946 0958."), "[phone removed].");
  EXPECT_EQ(RedactContacts("07700900123"), "[phone removed]");
}

TEST(RedactTest, InternationalPhoneNumbers) {
  EXPECT_EQ(RedactContacts("call +1-415-555-2671"), "call [phone removed]");
  EXPECT_EQ(RedactContacts("+33 1 23 45 67 89"), "[phone removed]");
  EXPECT_EQ(RedactContacts("+49.30.1234567"), "[phone removed]");
}

TEST(RedactTest, NonAsciiAddresses) {
  EXPECT_EQ(RedactContacts("mail josé.pérez@correo.es please"), "mail [email removed] please");
  EXPECT_EQ(RedactContacts("ann@bücher.de"), "[email removed]");
  EXPECT_EQ(RedactContacts("用户@例子.广告"), "[email removed]");
  // A no-break space is not part of the address.
  EXPECT_EQ(RedactContacts("to\u00a0ann@x.org"), "to\u00a0[email removed]");
}

TEST(RedactTest, LongRunsAndLooseSeparators) {
  // Two numbers side by side (more than 15 digits together) still go.
  EXPECT_EQ(RedactContacts("07700 900123 07700 900456"), "[phone removed]");
  EXPECT_EQ(RedactContacts("1234567890123456789"), "[phone removed]");
  // " - " and " . " between groups, and no-break spaces.
  EXPECT_EQ(RedactContacts("call 020 - 7946 - 0958 now"), "call [phone removed] now");
  EXPECT_EQ(RedactContacts("020 . 7946 . 0958"), "[phone removed]");
  EXPECT_EQ(RedactContacts("07700\u00a0900\u00a0123"), "[phone removed]");
  EXPECT_EQ(RedactContacts("+44\u00a0(0)20\u00a07946\u00a00958"), "[phone removed]");
  // Nine digits, whatever the grouping.
  EXPECT_EQ(RedactContacts("123 456 789"), "[phone removed]");
}

TEST(RedactTest, LeavesOrdinaryNumbersAlone) {
  const std::string text =
      "On 2026-03-10 at 10:30, 45 people paid £12.50; room 101, 3 hours, ref AB123456789";
  EXPECT_EQ(RedactContacts(text), text);
  EXPECT_EQ(RedactContacts("12345678"), "12345678");
  EXPECT_EQ(RedactContacts(""), "");
}

}  // namespace
}  // namespace events::feedback
