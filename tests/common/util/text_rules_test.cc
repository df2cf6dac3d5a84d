// The shared text rules, as tables: what a one-line field, an e-mail address, a quoted value
// and a CSV cell accept or become.
#include "common/util/text_rules.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace events {
namespace {

struct TextCase {
  std::string value;
  bool multiline;
  bool ok;
  std::string message;  // a part of the message when refused
};

TEST(TextRulesTest, OneLineAndMultilineText) {
  const std::vector<TextCase> cases = {
      {"Ann Example", false, true, ""},
      {"  Ann  ", false, true, ""},
      {"Zoë Ødegård", false, true, ""},
      {"Ann\nExample", false, false, "one line"},
      {"Ann\u2028Example", false, false, "one line"},  // LINE SEPARATOR
      {"Ann\u2029Example", false, false, "one line"},  // PARAGRAPH SEPARATOR
      {"Ann\xc2\x85"
       "Example",
       false, false, "one line"},  // NEXT LINE (C1)
      {"Ann\xc2\x85"
       "Example",
       true, false, "control"},               // C1 even in multiline text
      {"Ann\x7f", false, false, "one line"},  // DEL
      {"Ann\xc2\x9b"
       "Example",
       false, false, "one line"},  // CSI (C1)
      {"Line one\nLine two\r\n\ttab", true, true, ""},
      {"Line one\u2028Line two", true, true, ""},
      {"\u200b\u200b", false, false, "no visible characters"},  // ZERO WIDTH SPACE only
      {"\u200d\ufeff\u2060", false, false, "no visible characters"},
      {"\u00a0\u3000", false, false, "is required"},  // spaces of other scripts
      {"   ", false, false, "is required"},
      {"", false, false, "is required"},
      {"\u200bAnn", false, true, ""},  // invisible, but something shows
      {std::string("\xc3\x28", 2), false, false, "UTF-8"},
      {std::string("\xed\xa0\x80", 3), false, false, "UTF-8"},  // a surrogate
      {std::string(201, 'a'), false, false, "at most 200"},
  };
  for (const TextCase& c : cases) {
    absl::Status s = CheckText(c.value, "name", 1, 200, c.multiline);
    EXPECT_EQ(s.ok(), c.ok) << QuoteForMessage(c.value) << ": " << s;
    if (!c.ok) {
      EXPECT_NE(s.message().find(c.message), std::string::npos) << s;
      EXPECT_EQ(s.message().find("name"), 0u) << s;
    }
  }
  // Optional fields may be empty.
  EXPECT_TRUE(CheckText("", "organisation", 0, 200).ok());
}

TEST(TextRulesTest, EmailAddresses) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"ann@example.org", true},
      {"josé@exämple.org", true},
      {"ann@example", false},
      {"ann example@example.org", false},
      {"ann\x7f"
       "@example.org",
       false},  // DEL
      {"ann\xc2\x85"
       "@example.org",
       false},
      {"ann\u00a0@example.org", false},
      {"ann\u200b@example.org", false},
      {"ann@@example.org", false},
      {"@example.org", false},
      {std::string("ann\xff"
                   "@example.org"),
       false},
      {"ann@example.org.", false},
  };
  for (const auto& [value, ok] : cases) {
    EXPECT_EQ(CheckEmail(value, "email").ok(), ok) << QuoteForMessage(value);
  }
}

TEST(TextRulesTest, EmailAddressesAreFoldedBeyondAscii) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"  Ann@Example.ORG ", "ann@example.org"},
      {"JOSÉ@EXAMPLE.ORG", "josé@example.org"},
      {"josé@example.org", "josé@example.org"},
      {"ŁUKASZ@X.PL", "łukasz@x.pl"},
      {"ÆØÅ@X.NO", "æøå@x.no"},
      {"ΑΝΝΑ@X.GR", "αννα@x.gr"},
      {"АННА@X.RU", "анна@x.ru"},
      {"ÿ@x.org", "ÿ@x.org"},
      {"Ÿ@x.org", "ÿ@x.org"},
      {"İ@x.org", "i@x.org"},
      {"ＡＮＮ@x.org", "ａｎｎ@x.org"},
      {"\u00a0\ufeffann@x.org\u3000", "ann@x.org"},
      {"ÄÖÜ×@x.org", "äöü×@x.org"},  // × is not a letter
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(NormaliseEmailAddress(in), out) << in;
}

TEST(TextRulesTest, QuotedValuesAreOneLineAndShowOnlyWhatIsVisible) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"ev_1", "\"ev_1\""},
      {"a\nb\r\nc", "\"a?b??c\""},
      {"a\u2028b\xc2\x85"
       "c\x7f",
       "\"a?b?c?\""},
      {"a\u200bb", "\"a?b\""},
      {std::string("a\xff"), "\"a?\""},
      {"Zoë", "\"Zoë\""},
      {std::string(70, 'x'), "\"" + std::string(60, 'x') + "...\""},
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(QuoteForMessage(in), out);
  // Cut on a character boundary.
  EXPECT_EQ(QuoteForMessage("aé", 2), "\"aé\"");
}

TEST(TextRulesTest, CellsThatSpreadsheetsReadAsFormulas) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"=1+1", true},
      {" =1+1", true},
      {"\t=1+1", true},
      {"\u00a0=1+1", true},
      {"\u200b=1+1", true},
      {"\n@SUM(A1)", true},
      {"+44 20 7946 0000", true},
      {"-5", true},
      {"\uff1d1+1", true},
      {"\r", true},
      {"Ann", false},
      {"ann@example.org", false},
      {"", false},
      {"   ", false},
      {"1=1", false},
  };
  for (const auto& [value, formula] : cases) {
    EXPECT_EQ(StartsLikeAFormula(value), formula) << QuoteForMessage(value);
  }
}

}  // namespace
}  // namespace events
