// The contact-detail redaction shared by feedback and the scheduling public view: the plain
// shapes, the obfuscated ones testers got through, what must stay, and hostile input.
#include "common/util/redact.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events {
namespace {

TEST(RedactTest, EmailAddresses) {
  EXPECT_EQ(RedactContacts("write to ann.lee+events@mail.example.org."),
            "write to [email removed].");
  EXPECT_EQ(RedactContacts("a@b.co and c_d@e-f.org.uk"), "[email removed] and [email removed]");
  EXPECT_EQ(RedactContacts("@handle and me@home"), "@handle and me@home");
}

TEST(RedactTest, AddressFollowedByTwoDots) {
  // ".." is an empty label: where the whole run is no domain ("..x" has a one-letter end),
  // the domain ends before it (found by fuzz/fuzz_redact: the address stayed).
  EXPECT_EQ(RedactContacts("mail jo@example.org..x"), "mail [email removed]..x");
  EXPECT_EQ(RedactContacts("G@l.ee..e"), "[email removed]..e");
  // As before: a run that is a domain as a whole goes whole, an ellipsis stays.
  EXPECT_EQ(RedactContacts("jo@example..org"), "[email removed]");
  EXPECT_EQ(RedactContacts("mail jo@example.org... thanks"), "mail [email removed]... thanks");
  EXPECT_EQ(RedactContacts("me@home..x"), "me@home..x");
}

TEST(RedactTest, AddressWhoseRunEndsInABadLabel) {
  // Any label that is not a domain's ("-", a one-letter end) ends the domain at the last dot
  // before it that leaves a top-level part (found by fuzz/fuzz_redact in CI: the address
  // stayed because the run as a whole was no domain).
  EXPECT_EQ(RedactContacts("jo@lee.ee.-.e"), "[email removed].-.e");
  EXPECT_THAT(RedactContacts("G @lee.ee.-.e>G"), ::testing::Not(::testing::HasSubstr("lee.ee")));
  EXPECT_THAT(RedactContacts("e>G @lee.ejo dot lee.e>G ae>G a"),
              ::testing::Not(::testing::HasSubstr("@lee")));
  // The bad label is a spelled-out word after a real domain: the domain ends before its
  // "dot" (found by fuzz/fuzz_redact in CI: the address stayed, because only dots within the
  // last word were looked at).
  EXPECT_EQ(RedactContacts("G @lee.ejo dot l"), "[email removed] dot l");
  EXPECT_EQ(RedactContacts("jo@lee.ejo dot l dot m"), "[email removed] dot l dot m");
  EXPECT_EQ(RedactContacts("jo at lee dot ejo dot l"), "[email removed] dot l");
  EXPECT_EQ(RedactContacts("MaMa @lVee.e>G @lee.ejo dot l"), "MaMa @lVee.e>[email removed] dot l");
  // No shorter domain in the run: it stays.
  EXPECT_EQ(RedactContacts("me@home.-.x"), "me@home.-.x");
}

TEST(RedactTest, AddressEndsBeforeAHyphenAndWhatFollows) {
  // A hyphen ends the domain when what follows it leaves no top-level part (found by
  // fuzz/fuzz_redact in CI: "e@e.ee-777757775" kept its address, the phone pass replaced the
  // digits, and a second redaction then read "e@e.ee" before "-[phone removed]").
  EXPECT_EQ(RedactContacts("e@e.ee-777757775"), "[email removed]-[phone removed]");
  EXPECT_EQ(RedactContacts("jo@example.org-07700900123"), "[email removed]-[phone removed]");
  EXPECT_EQ(RedactContacts("write to jo@example.org-ish"), "write to [email removed]-ish");
  EXPECT_EQ(RedactContacts("jo at example dot org-07700900123"), "[email removed]-[phone removed]");
  for (const char* text : {"e@e.ee-777757775", "o@eee.eegΣ-777777555", "a@b.cd-ef-123456789"}) {
    const std::string once = RedactContacts(text);
    EXPECT_EQ(RedactContacts(once), once) << text;
  }
  // Hyphens inside labels are part of the domain, as before; the longest domain goes.
  EXPECT_EQ(RedactContacts("jo@my-site.org"), "[email removed]");
  EXPECT_EQ(RedactContacts("jo@ex.co-op.org."), "[email removed].");
  EXPECT_EQ(RedactContacts("jo@my-site"), "jo@my-site");
  EXPECT_EQ(RedactContacts("me@home.-x"), "me@home.-x");
}

TEST(RedactTest, UkPhoneNumbers) {
  EXPECT_EQ(RedactContacts("ring 07700 900123 today"), "ring [phone removed] today");
  EXPECT_EQ(RedactContacts("020 7946 0958"), "[phone removed]");
  EXPECT_EQ(RedactContacts("(020) 7946 0958"), "[phone removed]");
  EXPECT_EQ(RedactContacts("+44 (0)20 7946 0958."), "[phone removed].");
  EXPECT_EQ(RedactContacts("07700900123"), "[phone removed]");
}

TEST(RedactTest, NumberFollowedByAWordThatStartsWithDigits) {
  // The group after the number is part of a word ("3pm", "2nd"), so it is not part of the
  // number; the number before it still is one (found by fuzz/fuzz_redact: the whole number
  // was left because its last group touched a letter).
  EXPECT_EQ(RedactContacts("call me on 07946095812 3pm"), "call me on [phone removed] 3pm");
  EXPECT_EQ(RedactContacts("ring 020 7946 0958 2nd line"), "ring [phone removed] 2nd line");
  EXPECT_EQ(RedactContacts("333333333 3m"), "[phone removed] 3m");
  // Too few digits before the word: no number at all, as before.
  EXPECT_EQ(RedactContacts("room 1234 5678 9th floor"), "room 1234 5678 9th floor");
  EXPECT_EQ(RedactContacts("order 123456789b"), "order 123456789b");
}

TEST(RedactTest, DigitsGluedToANonAsciiWordAreNoNumber) {
  // A letter beyond ASCII is part of a word as much as 'b' is (found by fuzz/fuzz_redact in
  // CI: the digits after "eegΣ" were taken for a phone number, and redacting the result again
  // then found "o@eee.eegΣ" before the placeholder, an address).
  EXPECT_EQ(RedactContacts("code Σ123456789"), "code Σ123456789");
  EXPECT_EQ(RedactContacts("code 123456789é"), "code 123456789é");
  const std::string once = RedactContacts("x.o@eee.eegΣ77777777777.o");
  EXPECT_EQ(RedactContacts(once), once);
  // Apart from a word, as before.
  EXPECT_EQ(RedactContacts("Σ 07700 900123"), "Σ [phone removed]");
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

TEST(RedactTest, SpelledOutAtAndDot) {
  EXPECT_EQ(RedactContacts("mail jo at example dot org please"), "mail [email removed] please");
  EXPECT_EQ(RedactContacts("jo (at) example (dot) org"), "[email removed]");
  EXPECT_EQ(RedactContacts("jo [at] example [dot] co [dot] uk."), "[email removed].");
  EXPECT_EQ(RedactContacts("jo{at}example{dot}org"), "[email removed]");
  EXPECT_EQ(RedactContacts("jo <at> example <dot> org"), "[email removed]");
  EXPECT_EQ(RedactContacts("jo ( AT ) example ( Dot ) org"), "[email removed]");
  EXPECT_EQ(RedactContacts("JO AT EXAMPLE DOT ORG"), "[email removed]");
  EXPECT_EQ(RedactContacts("jo AT example DOT org"), "[email removed]");
  // A bracketed at, or '@', may come with real dots; '@' may have spaces around it.
  EXPECT_EQ(RedactContacts("jo[at]mail.example.org"), "[email removed]");
  EXPECT_EQ(RedactContacts("jo (at) example.org"), "[email removed]");
  EXPECT_EQ(RedactContacts("jo@example dot org"), "[email removed]");
  EXPECT_EQ(RedactContacts("jo @ example.org"), "[email removed]");
  EXPECT_EQ(RedactContacts("jo(@)example(.)org"), "[email removed]");
  // A spelled-out dot in the local part takes the whole name.
  EXPECT_EQ(RedactContacts("jo dot lee at example dot org"), "[email removed]");
  EXPECT_EQ(RedactContacts("jo.lee (at) example (dot) org"), "[email removed]");
  // "email me at jo dot lee at example dot org": the first "domain" is the next local part.
  EXPECT_EQ(RedactContacts("email me at jo dot lee at example dot org"), "email [email removed]");
}

TEST(RedactTest, TheWordAtInProseStays) {
  for (const std::string text : {
           "we met at the library",
           "we met at the library. Lovely dot painting",  // no "Y dot Z" after "at"
           "see you at 10 dot points",                    // Y is a number, not a name
           "scored at 10 dot 5",                          // Z is not letters
           "the slides are at example.org",               // word "at" with real dots: a site
           "meet at noon dot",                            // nothing after "dot"
           "look at this (dot) 5",
           "at example dot org",   // no local part
           "jo at example dot o",  // a one-letter top-level part
           "@handle and me@home",
           "we were at-home dot org",  // "at" not a word on its own
           "a chat about dots at work",
           "I worked at a dot com startup",  // Y is "a", "the", "my"...
           "like at the dot com crash",
       }) {
    EXPECT_EQ(RedactContacts(text), text);
  }
}

TEST(RedactTest, FullwidthForms) {
  // ＠, fullwidth letters and digits, the fullwidth full stop.
  EXPECT_EQ(RedactContacts("mail \uFF4A\uFF4F\uFF20\uFF45\uFF58\uFF41\uFF4D\uFF50\uFF4C\uFF45"
                           "\uFF0E\uFF4F\uFF52\uFF47 now"),
            "mail [email removed] now");
  EXPECT_EQ(RedactContacts("jo\uFF20example.org"), "[email removed]");
  EXPECT_EQ(RedactContacts("jo\uFE6Bexample.org"), "[email removed]");  // small commercial at
  EXPECT_EQ(RedactContacts("ring \uFF10\uFF17\uFF17\uFF10\uFF10 \uFF19\uFF10\uFF10\uFF11\uFF12"
                           "\uFF13!"),
            "ring [phone removed]!");
  EXPECT_EQ(RedactContacts("\uFF08\uFF10\uFF12\uFF10\uFF09\u3000\uFF17\uFF19\uFF14\uFF16\u3000"
                           "\uFF10\uFF19\uFF15\uFF18"),
            "[phone removed]");
  EXPECT_EQ(RedactContacts("\uFF0B\uFF14\uFF14 20 7946 0958"), "[phone removed]");
  // The rest of the text is kept as written, fullwidth included.
  EXPECT_EQ(RedactContacts("\uFF28\uFF49\uFF01 \uFF11\uFF12\uFF13 ok"),
            "\uFF28\uFF49\uFF01 \uFF11\uFF12\uFF13 ok");
  EXPECT_EQ(RedactContacts("\uFF21\uFF22\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16\uFF17\uFF18\uFF19"),
            "\uFF21\uFF22\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16\uFF17\uFF18\uFF19");  // a reference
}

TEST(RedactTest, PhoneNumbersSplitByAnySpaceDashOrSlash) {
  EXPECT_EQ(RedactContacts("call 07700/900123"), "call [phone removed]");
  EXPECT_EQ(RedactContacts("030 / 1234567"), "[phone removed]");
  EXPECT_EQ(RedactContacts("07700\u2013900123"), "[phone removed]");        // en dash
  EXPECT_EQ(RedactContacts("020\u20147946\u20140958"), "[phone removed]");  // em dash
  EXPECT_EQ(RedactContacts("020\u22127946\u22120958"), "[phone removed]");  // minus sign
  EXPECT_EQ(RedactContacts("020\u20107946\u20110958"), "[phone removed]");  // hyphens
  EXPECT_EQ(RedactContacts("020 \u2013 7946 \u2013 0958"), "[phone removed]");
  EXPECT_EQ(RedactContacts("07700\u202F900\u202F123"), "[phone removed]");  // narrow nbsp
  EXPECT_EQ(RedactContacts("07700\u2009900123"), "[phone removed]");        // thin space
  EXPECT_EQ(RedactContacts("07700\u2007900123"), "[phone removed]");        // figure space
  EXPECT_EQ(RedactContacts("07700\u3000900123"), "[phone removed]");        // ideographic
  EXPECT_EQ(RedactContacts("07700\t900123"), "[phone removed]");
  EXPECT_EQ(RedactContacts("+44\u2009(0)20\u20097946\u20090958"), "[phone removed]");
  // Invisible characters do not split a number or an address.
  EXPECT_EQ(RedactContacts("07700\u200B900\u2060123"), "[phone removed]");
  EXPECT_EQ(RedactContacts("jo@exa\u00ADmple.org"), "[email removed]");
  // Only the number goes; the dash and spaces around it stay as written.
  EXPECT_EQ(RedactContacts("Tel\u2009\u2013\u200907700 900123."),
            "Tel\u2009\u2013\u2009[phone removed].");
  // A line break does not join two numbers into one.
  EXPECT_EQ(RedactContacts("room 1234\n56789"), "room 1234\n56789");
}

TEST(RedactTest, DatesRangesAndPricesWithNewSeparatorsStay) {
  for (const std::string text : {
           "10/03/2026", "1/3/2026\u20132/3/2026", "10/03/2026 \u2013 12/03/2026",
           "10/03/2026-12/03/2026", "2019\u20132023", "10:30\u201311:45 on 10\u202F/\u202F03",
           "\u00A312.50\u2013\u00A315.00", "pages 100\u2013200, 3/4 full",
           "12\u2009345\u2009678",  // eight digits
       }) {
    EXPECT_EQ(RedactContacts(text), text);
  }
}

TEST(RedactTest, AddressWithDigitsBeforeTheAtIsAnAddress) {
  EXPECT_EQ(RedactContacts("07700900123@example.org"), "[email removed]");
  EXPECT_EQ(RedactContacts("07700900123 at example dot org"), "[email removed]");
}

// Hostile 2000-character inputs built to make a backtracking matcher retry from every
// position. The pass is linear; these check it finishes with the right answer.
TEST(RedactTest, HostileInputsComeOutRight) {
  auto repeat = [](const std::string& unit, size_t length) {
    std::string s;
    while (s.size() + unit.size() <= length) s += unit;
    return s;
  };
  // Short digit groups that never reach a phone number...
  const std::string groups = repeat("1/2 ", 2000) + "x";
  EXPECT_EQ(RedactContacts(groups), groups);
  // ... or one huge one whose last group begins a word: the groups before it are a number.
  const std::string run = repeat("1 ", 1998) + "1x";
  EXPECT_EQ(RedactContacts(run), "[phone removed] 1x");
  const std::string glued = repeat("1", 1998) + "x";
  EXPECT_EQ(RedactContacts(glued), glued);
  // Almost-addresses: many "at"s and "dot"s, no top-level part.
  const std::string ats = repeat("a at b dot ", 2000);
  EXPECT_EQ(RedactContacts(ats), ats);
  const std::string dots = "x at " + repeat("dot ", 1990) + "1";
  EXPECT_EQ(RedactContacts(dots), dots);
  const std::string brackets = repeat("a(at)(dot)", 2000);
  EXPECT_EQ(RedactContacts(brackets), brackets);
  const std::string local = repeat("a.", 1000) + "@";
  EXPECT_EQ(RedactContacts(local), local);
  const std::string domain = "a@" + repeat("b.", 999);
  EXPECT_EQ(RedactContacts(domain), domain);
  const std::string spaces = "1" + repeat("\u2009", 1998) + "1";
  EXPECT_EQ(RedactContacts(spaces), spaces);
  // And when they do hold contacts, every one of them goes.
  const std::string many = repeat("jo at example dot org, ", 2000);
  std::string expected = repeat("[email removed], ", 2000);
  expected.resize(many.size() / std::string("jo at example dot org, ").size() *
                  std::string("[email removed], ").size());
  EXPECT_EQ(RedactContacts(many), expected);
  const std::string phones = repeat("07700\u2013900123 x ", 2000);
  const std::string phones_out =
      repeat("[phone removed] x ", phones.size() / std::string("07700\u2013900123 x ").size() * 18);
  EXPECT_EQ(RedactContacts(phones), phones_out);
}

}  // namespace
}  // namespace events
