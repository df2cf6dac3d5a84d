#include "tools/eventctl/registration_printer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::eventctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

events::v1::Registration Sample() {
  events::v1::Registration r;
  r.set_id("rg_01KAAAAAAAAAAAAAAAAAAAAAAA");
  r.set_event_id("ev_01KAAAAAAAAAAAAAAAAAAAAAAA");
  r.set_status(events::v1::REGISTRATION_STATUS_WAITLISTED);
  r.set_name("Zoë Adams");
  r.set_email("zoe@example.org");
  r.set_participation(events::v1::PARTICIPATION_CARER);
  r.set_pool("general");
  r.set_waitlist_position(2);
  r.set_companion(true);
  return r;
}

events::v1::RegistrationSettings Form() {
  events::v1::RegistrationSettings form;
  form.set_event_id("ev_1");
  auto* q = form.add_questions();
  q->set_id("heard_from");
  q->set_type(events::v1::QUESTION_TYPE_TEXT);
  q = form.add_questions();
  q->set_id("topics");
  q->set_type(events::v1::QUESTION_TYPE_MULTIPLE_CHOICE);
  q = form.add_questions();
  q->set_id("first_time");
  q->set_type(events::v1::QUESTION_TYPE_YES_NO);
  q = form.add_questions();
  q->set_id("role");
  q->set_type(events::v1::QUESTION_TYPE_SINGLE_CHOICE);
  return form;
}

TEST(RegistrationPrinterTest, TellsTheAttendeeWhereTheyStandAndThatTheTokenIsShownOnce) {
  events::v1::RegisterResponse resp;
  *resp.mutable_registration() = Sample();
  resp.set_registration_token("rt_secret");
  std::string text = DescribeRegisterOutcome(resp);
  EXPECT_THAT(text, HasSubstr("waiting list, at position 2"));
  EXPECT_THAT(text, HasSubstr("rg_01KAAAAAAAAAAAAAAAAAAAAAAA"));
  EXPECT_THAT(text, HasSubstr("rt_secret"));
  EXPECT_THAT(text, HasSubstr("shown only once"));

  resp.mutable_registration()->set_status(events::v1::REGISTRATION_STATUS_CONFIRMED);
  EXPECT_THAT(DescribeRegisterOutcome(resp), HasSubstr("confirmed"));
  resp.mutable_registration()->set_status(events::v1::REGISTRATION_STATUS_PENDING_APPROVAL);
  EXPECT_THAT(DescribeRegisterOutcome(resp), HasSubstr("waiting for the organiser's approval"));
}

TEST(RegistrationPrinterTest, DescribesARegistrationAndATable) {
  std::string text = DescribeRegistration(Sample());
  EXPECT_THAT(text, HasSubstr("(waitlisted)"));
  EXPECT_THAT(text, HasSubstr("Taking part:   carer"));
  EXPECT_THAT(text, HasSubstr("with a companion"));
  EXPECT_THAT(text, HasSubstr("position 2"));

  std::string table = RegistrationTable({Sample()});
  EXPECT_THAT(table, HasSubstr("ATTENDED"));
  EXPECT_THAT(table, HasSubstr("Zoë Adams (+1)"));
  EXPECT_THAT(table, HasSubstr("(+1): with a companion"));
  // Columns line up by characters on screen, not bytes: the e-mail column starts at the same
  // place in the header and in a row whose name has a two-byte "ë".
  std::string header = table.substr(0, table.find('\n'));
  std::string row = table.substr(table.find('\n') + 1);
  size_t row_email = row.find("zoe@example.org");
  ASSERT_NE(row_email, std::string::npos);
  EXPECT_EQ(header.find("E-MAIL") + 1, row_email);  // +1: "ë" is two bytes, one column
  EXPECT_EQ(RegistrationTable({}), "No registrations.\n");
}

TEST(RegistrationPrinterTest, DescribesCapacityWithFreePlacesAndPools) {
  events::v1::CapacitySummary s;
  s.set_event_id("ev_1");
  s.set_capacity(3);
  s.set_confirmed_places(3);
  s.set_waitlisted(2);
  auto* p = s.add_pools();
  p->set_pool("lived_experience");
  p->set_places(1);
  p->set_taken(1);
  std::string text = DescribeCapacity(s);
  EXPECT_THAT(text, HasSubstr("3 places taken, 0 free"));
  EXPECT_THAT(text, HasSubstr("2 on the waiting list"));
  EXPECT_THAT(text, HasSubstr("lived_experience"));
}

TEST(RegistrationPrinterTest, ParsesCommandLineWords) {
  EXPECT_EQ(ParseRegistrationStatus("pending").value(),
            events::v1::REGISTRATION_STATUS_PENDING_APPROVAL);
  EXPECT_EQ(ParseRegistrationStatus("all").value(), events::v1::REGISTRATION_STATUS_UNSPECIFIED);
  EXPECT_EQ(ParseRegistrationStatus("gone").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseParticipation("lived-experience").value(),
            events::v1::PARTICIPATION_LIVED_EXPERIENCE);
  EXPECT_EQ(ParseParticipation("lived_experience").value(),
            events::v1::PARTICIPATION_LIVED_EXPERIENCE);
  EXPECT_EQ(ParseParticipation("").value(), events::v1::PARTICIPATION_UNSPECIFIED);
  EXPECT_FALSE(ParseParticipation("volunteer").ok());
  EXPECT_TRUE(ParseYesNo("Yes", "--marketing").value());
  EXPECT_FALSE(ParseYesNo("no", "--marketing").value());
  EXPECT_THAT(std::string(ParseYesNo("maybe", "--marketing").status().message()),
              HasSubstr("--marketing"));
  EXPECT_EQ(ParticipationWord(events::v1::PARTICIPATION_CARER), "carer");
  EXPECT_EQ(RegistrationStatusWord(events::v1::REGISTRATION_STATUS_WAITLISTED), "waitlisted");
}

TEST(RegistrationPrinterTest, ParsesPools) {
  auto pool = ParsePool("lived_experience:People with lived experience:20");
  ASSERT_TRUE(pool.ok());
  EXPECT_EQ(pool->id(), "lived_experience");
  EXPECT_EQ(pool->name(), "People with lived experience");
  EXPECT_EQ(pool->places(), 20);
  EXPECT_FALSE(ParsePool("lived_experience:20").ok());
  EXPECT_FALSE(ParsePool("a:b:many").ok());
}

TEST(RegistrationPrinterTest, ParsesQuestionsWithOptionsRequiredAndColonsInTheText) {
  auto q = ParseQuestion("topics:multiple-choice:What interests you?:care|housing | work:required");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->id(), "topics");
  EXPECT_EQ(q->type(), events::v1::QUESTION_TYPE_MULTIPLE_CHOICE);
  EXPECT_EQ(q->text(), "What interests you?");
  EXPECT_THAT(q->options(), ::testing::ElementsAre("care", "housing", "work"));
  EXPECT_TRUE(q->required());

  q = ParseQuestion("heard_from:text:Where did you hear: friends, GP, online?");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->text(), "Where did you hear: friends, GP, online?");
  EXPECT_FALSE(q->required());
  EXPECT_TRUE(q->options().empty());

  q = ParseQuestion("first_time:yes-no:Is this your first webinar with us?:required");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->type(), events::v1::QUESTION_TYPE_YES_NO);
  EXPECT_TRUE(q->required());

  EXPECT_FALSE(ParseQuestion("role:single-choice:Your role?").ok());  // no options
  EXPECT_FALSE(ParseQuestion("role:essay:Your role?").ok());
  EXPECT_FALSE(ParseQuestion("role:text").ok());
  EXPECT_FALSE(ParseQuestion(":text:Who?").ok());
}

TEST(RegistrationPrinterTest, BuildsAnswersByTheFormsQuestionTypes) {
  auto answers = BuildAnswers({"heard_from=a friend = my GP", "topics=care|work", "topics=housing",
                               "first_time=yes", "role=carer"},
                              Form());
  ASSERT_TRUE(answers.ok()) << answers.status();
  ASSERT_EQ(answers->size(), 4u);
  EXPECT_EQ((*answers)[0].text(), "a friend = my GP");
  EXPECT_THAT((*answers)[1].choices(), ::testing::ElementsAre("care", "work", "housing"));
  EXPECT_TRUE((*answers)[2].yes());
  EXPECT_THAT((*answers)[3].choices(), ::testing::ElementsAre("carer"));

  auto unknown = BuildAnswers({"diet=none"}, Form());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("heard_from, topics"));
  EXPECT_FALSE(BuildAnswers({"role=a", "role=b"}, Form()).ok());
  EXPECT_FALSE(BuildAnswers({"first_time=perhaps"}, Form()).ok());
  EXPECT_FALSE(BuildAnswers({"no-equals"}, Form()).ok());
  EXPECT_THAT(std::string(BuildAnswers({"x=1"}, {}).status().message()),
              HasSubstr("asks no questions"));
}

TEST(RegistrationPrinterTest, DescribesSettingsAndAttendance) {
  events::v1::RegistrationSettings s = Form();
  s.set_requires_approval(true);
  s.mutable_questions(1)->add_options("care");
  s.mutable_questions(1)->set_required(true);
  std::string text = DescribeSettings(s);
  EXPECT_THAT(text, HasSubstr("Approval:   needed"));
  EXPECT_THAT(text, HasSubstr("topics (multiple choice: care, required)"));

  events::v1::MarkAttendanceResponse r;
  r.set_marked(1);
  EXPECT_THAT(DescribeAttendance(r, true), HasSubstr("Marked 1 registration as attended."));
  EXPECT_THAT(DescribeAttendance(r, true), Not(HasSubstr("Not found")));
  r.add_not_found("nobody@example.org");
  EXPECT_THAT(DescribeAttendance(r, false), HasSubstr("nobody@example.org"));
}

}  // namespace
}  // namespace events::eventctl
