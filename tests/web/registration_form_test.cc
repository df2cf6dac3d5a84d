// The registration journey's fields: read, checked with plain-English messages naming the
// field, carried in hidden fields and turned into the service's requests.
#include "services/web/pages/registration_form.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/web/view/embedded.h"

namespace events::web {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

Catalogue English() { return *Catalogue::Parse(*EmbeddedText("messages/en-GB.txt"), "en-GB"); }

events::v1::RegistrationSettings Settings() {
  events::v1::RegistrationSettings s;
  auto* pool = s.add_pools();
  pool->set_id("lived_experience");
  pool->set_name("People with lived experience");
  pool->set_places(10);
  auto* diet = s.add_questions();
  diet->set_id("diet");
  diet->set_text("Any dietary needs?");
  diet->set_type(events::v1::QUESTION_TYPE_TEXT);
  diet->set_max_length(20);
  auto* session = s.add_questions();
  session->set_id("session");
  session->set_text("Which session?");
  session->set_type(events::v1::QUESTION_TYPE_SINGLE_CHOICE);
  session->set_required(true);
  session->add_options("Morning");
  session->add_options("Afternoon");
  return s;
}

Form Parse(const std::string& body) { return *Form::Parse(body); }

TEST(RegistrationFormTest, AnEmptyFormNamesEveryRequiredField) {
  const auto errors = CheckDetails(English(), ReadAnswers(Parse(""), Settings()), Settings());
  EXPECT_THAT(
      errors,
      ElementsAre(Field(&FieldError::field, "name"), Field(&FieldError::field, "email"),
                  Field(&FieldError::field, "participation"),
                  Field(&FieldError::field, "q-session"), Field(&FieldError::field, "support")));
  EXPECT_EQ(errors[0].message, "Enter your full name");
  EXPECT_EQ(errors[1].message, "Enter your email address");
  EXPECT_EQ(errors[3].message, "Select an answer to the question: Which session?");
}

TEST(RegistrationFormTest, EachRuleHasItsMessage) {
  const Catalogue m = English();
  const auto s = Settings();
  auto check = [&](const std::string& body) {
    return CheckDetails(m, ReadAnswers(Parse(body), s), s);
  };
  const std::string ok =
      "name=Jo&email=jo%40example.org&participation=carer&q-session=Morning&support=no";
  EXPECT_THAT(check(ok), IsEmpty());
  EXPECT_EQ(check(ok + "&email=x").size(), 0u);  // the first value counts
  EXPECT_EQ(check("name=Jo&email=jo&participation=carer&q-session=Morning&support=no")[0].message,
            "Enter an email address in the correct format, like name@example.com");
  EXPECT_EQ(check(ok + "&pool=nobody")[0].message, "Select one of the groups listed");
  EXPECT_EQ(
      check("name=Jo&email=jo%40example.org&participation=carer&q-session=Evening&support=no")[0]
          .field,
      "q-session");
  EXPECT_EQ(check(ok + "&q-diet=" + std::string(21, 'x'))[0].message,
            "Your answer to \"Any dietary needs?\" must be 20 characters or fewer");
  EXPECT_EQ(check("name=" + std::string(201, 'a') +
                  "&email=jo%40example.org&participation=carer&q-session=Morning&support=no")[0]
                .message,
            "Your name must be 200 characters or fewer");
  EXPECT_EQ(
      check("name=Jo%07&email=jo%40example.org&participation=carer&q-session=Morning&support=no")[0]
          .field,
      "name");
  EXPECT_EQ(
      check("name=Jo&email=jo%40example.org&participation=boss&q-session=Morning&support=no")[0]
          .field,
      "participation");
}

TEST(RegistrationFormTest, TheAccessStepNeedsANeedAContactAndConsent) {
  const Catalogue m = English();
  events::v1::Catalogue needs;
  for (const char* code : {"bsl_interpreter", "live_captions", "other"}) {
    auto* n = needs.add_needs();
    n->set_need(code);
    n->set_label(code);
  }
  auto check = [&](const std::string& body) {
    return CheckAccess(m, ReadAnswers(Parse(body), Settings()), needs);
  };
  EXPECT_THAT(check(""), ElementsAre(Field(&FieldError::field, "needs"),
                                     Field(&FieldError::field, "contact_method"),
                                     Field(&FieldError::field, "consent")));
  EXPECT_THAT(check("needs=bsl_interpreter&contact_method=registration_email&consent=yes"),
              IsEmpty());
  EXPECT_EQ(check("needs=teleport&contact_method=registration_email&consent=yes")[0].message,
            "Select from the list of support");
  EXPECT_EQ(check("needs=other&contact_method=registration_email&consent=yes")[0].field,
            "other_need");
  EXPECT_EQ(check("needs=live_captions&contact_method=phone&consent=yes")[0].message,
            "Enter the email address or phone number we should use");
}

TEST(RegistrationFormTest, AnswersBecomeTheRequestsAndSurviveHiddenFields) {
  const auto s = Settings();
  const Form form = Parse(
      "name=+Jo+Lee+&email=jo%40example.org&organisation=Mind&participation=lived_experience"
      "&pool=lived_experience&companion=yes&marketing=yes&q-session=Afternoon&q-diet=None"
      "&support=yes&needs=bsl_interpreter&needs=live_captions&details=BSL+please"
      "&contact_method=phone&contact_value=07700+900123&consent=yes");
  const RegistrationAnswers a = ReadAnswers(form, s);
  const auto r = ToRegisterRequest("ev_1", a, s);
  EXPECT_EQ(r.event_id(), "ev_1");
  EXPECT_EQ(r.name(), "Jo Lee");
  EXPECT_EQ(r.participation(), events::v1::PARTICIPATION_LIVED_EXPERIENCE);
  EXPECT_EQ(r.pool(), "lived_experience");
  EXPECT_TRUE(r.companion());
  EXPECT_TRUE(r.marketing_opt_in());
  ASSERT_EQ(r.answers_size(), 2);
  EXPECT_EQ(r.answers(0).question_id(), "diet");
  EXPECT_EQ(r.answers(0).text(), "None");
  EXPECT_THAT(r.answers(1).choices(), ElementsAre("Afternoon"));
  const auto access = ToAccessRequest("tok", a);
  EXPECT_EQ(access.registration_token(), "tok");
  EXPECT_THAT(access.needs(), ElementsAre("bsl_interpreter", "live_captions"));
  EXPECT_EQ(access.details().contact_method(), events::v1::CONTACT_METHOD_PHONE);
  EXPECT_EQ(access.details().contact_value(), "07700 900123");
  EXPECT_TRUE(access.consent());

  // Through hidden fields and back: the same answers.
  std::string body;
  for (const auto& field : HiddenFields(a, true, true)) {
    body += "&" + field.get("name")->string_value() + "=" + field.get("value")->string_value();
  }
  const RegistrationAnswers again = ReadAnswers(Parse(body), s);
  EXPECT_EQ(ToRegisterRequest("ev_1", again, s).SerializeAsString(), r.SerializeAsString());
  EXPECT_EQ(ToAccessRequest("tok", again).SerializeAsString(), access.SerializeAsString());
}

TEST(RegistrationFormTest, CompanionsAreNotAskedForWhenTheEventHasNone) {
  auto s = Settings();
  s.set_companions_disabled(true);
  const auto r = ToRegisterRequest("ev_1", ReadAnswers(Parse("companion=yes"), s), s);
  EXPECT_FALSE(r.companion());
}

}  // namespace
}  // namespace events::web
