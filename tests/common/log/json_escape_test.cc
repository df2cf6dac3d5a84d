#include "common/log/json_escape.h"

#include <gtest/gtest.h>

#include <string>

#include "json_check.h"

namespace events::logging {
namespace {

using ::events::logging::testing::ParseFlatJsonObject;

// What a JSON parser reads back from an escaped string.
std::string RoundTrip(const std::string& text) {
  auto parsed = ParseFlatJsonObject("{\"m\":\"" + JsonEscape(text) + "\"}");
  return parsed ? (*parsed)["m"] : "<invalid JSON>";
}

TEST(JsonEscapeTest, PlainTextIsUnchanged) {
  EXPECT_EQ(JsonEscape("hello, world 123 /path"), "hello, world 123 /path");
  EXPECT_EQ(JsonEscape(""), "");
}

TEST(JsonEscapeTest, QuotesAndBackslashes) {
  EXPECT_EQ(JsonEscape(R"(say "hi" \ bye)"), R"(say \"hi\" \\ bye)");
}

TEST(JsonEscapeTest, ControlCharacters) {
  EXPECT_EQ(JsonEscape("a\nb\rc\td\be\ff"), R"(a\nb\rc\td\be\ff)");
  EXPECT_EQ(JsonEscape(std::string("\x00\x01\x1f\x7f", 4)), R"(\u0000\u0001\u001f\u007f)");
}

TEST(JsonEscapeTest, ValidUtf8PassesThrough) {
  const std::string text = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x99\x82";  // café € 🙂
  EXPECT_EQ(JsonEscape(text), text);
}

TEST(JsonEscapeTest, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(JsonEscape("a\xff"
                       "b"),
            R"(a\ufffdb)");
  // A lead byte whose sequence is cut short by the end of the text or by ASCII.
  EXPECT_EQ(JsonEscape("x\xe2\x82"), R"(x\ufffd\ufffd)");
  EXPECT_EQ(JsonEscape("\xc3"
                       "A"),
            R"(\ufffdA)");
  // Overlong "/" (C0 AF), a UTF-16 surrogate (ED A0 80) and a code point above U+10FFFF.
  EXPECT_EQ(JsonEscape("\xc0\xaf"), R"(\ufffd\ufffd)");
  EXPECT_EQ(JsonEscape("\xed\xa0\x80"), R"(\ufffd\ufffd\ufffd)");
  EXPECT_EQ(JsonEscape("\xf4\x90\x80\x80"), R"(\ufffd\ufffd\ufffd\ufffd)");
  // A lone continuation byte.
  EXPECT_EQ(JsonEscape("\x80"), R"(\ufffd)");
}

TEST(JsonEscapeTest, EveryByteValueGivesValidJson) {
  for (int b = 0; b < 256; ++b) {
    const std::string text = std::string("<") + static_cast<char>(b) + ">";
    EXPECT_TRUE(ParseFlatJsonObject("{\"m\":\"" + JsonEscape(text) + "\"}").has_value())
        << "byte " << b;
  }
}

TEST(JsonEscapeTest, ValidTextRoundTrips) {
  static const char kText[] = "q\"b\\n\n\x01\x7f caf\xc3\xa9 \xf0\x9f\x99\x82\0z";
  const std::string text(kText, sizeof(kText) - 1);  // keeps the embedded NUL
  EXPECT_EQ(RoundTrip(text), text);
}

}  // namespace
}  // namespace events::logging
