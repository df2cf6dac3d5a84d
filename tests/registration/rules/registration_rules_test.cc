#include "services/registration/rules/registration_rules.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace events::registration {
namespace {

using events::v1::RegisterRequest;
using events::v1::RegistrationSettings;

// OK unless the status is INVALID_ARGUMENT with a message containing `fragment`.
::testing::AssertionResult IsInvalid(const absl::Status& status, const std::string& fragment) {
  if (status.code() != absl::StatusCode::kInvalidArgument) {
    return ::testing::AssertionFailure() << "not INVALID_ARGUMENT: " << status;
  }
  if (std::string(status.message()).find(fragment) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "\"" << status.message() << "\" lacks \"" << fragment << "\"";
  }
  return ::testing::AssertionSuccess();
}

void AddQuestion(RegistrationSettings* s, const std::string& id, events::v1::QuestionType type,
                 bool required, const std::vector<std::string>& options = {}, int max_length = 0) {
  auto* q = s->add_questions();
  q->set_id(id);
  q->set_text("Question " + id + "?");
  q->set_type(type);
  q->set_required(required);
  for (auto& o : options) q->add_options(o);
  q->set_max_length(max_length);
}

RegistrationSettings Settings() {
  RegistrationSettings s;
  s.set_event_id("ev_1");
  auto* pool = s.add_pools();
  pool->set_id("lived_experience");
  pool->set_name("People with lived experience");
  pool->set_places(20);
  AddQuestion(&s, "access_needs", events::v1::QUESTION_TYPE_TEXT, true);
  AddQuestion(&s, "topics", events::v1::QUESTION_TYPE_MULTIPLE_CHOICE, false,
              {"Housing", "Health", "Work"});
  AddQuestion(&s, "attending_part", events::v1::QUESTION_TYPE_SINGLE_CHOICE, false,
              {"Morning", "Afternoon", "Both"});
  AddQuestion(&s, "first_time", events::v1::QUESTION_TYPE_YES_NO, true);
  AddQuestion(&s, "comments", events::v1::QUESTION_TYPE_TEXT, false, {}, 10);
  return s;
}

// answers[0] access_needs, [1] topics, [2] attending_part, [3] first_time.
RegisterRequest Request() {
  RegisterRequest r;
  r.set_event_id("ev_1");
  r.set_name("Ann Example");
  r.set_email("Ann@Example.org");
  r.set_organisation("Carers Network");
  r.set_participation(events::v1::PARTICIPATION_CARER);
  r.set_marketing_opt_in(true);
  auto* a = r.add_answers();
  a->set_question_id("access_needs");
  a->set_text("Live captions, please.\nAnd easy-read slides.");
  a = r.add_answers();
  a->set_question_id("topics");
  a->add_choices("Housing");
  a->add_choices("Work");
  a = r.add_answers();
  a->set_question_id("attending_part");
  a->add_choices("Morning");
  a = r.add_answers();
  a->set_question_id("first_time");
  a->set_yes(true);
  r.set_companion(true);
  r.set_pool("lived_experience");
  r.set_idempotency_key("5f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f");
  return r;
}

TEST(NormaliseEmailTest, TrimsAndLowerCasesTheWholeAddress) {
  EXPECT_EQ(NormaliseEmail("  Ann.Example@Example.ORG \r\n"), "ann.example@example.org");
  EXPECT_EQ(NormaliseEmail(""), "");
  EXPECT_EQ(NormaliseEmail("Zoë@Example.org"), "zoë@example.org");
  // Beyond ASCII too: one person, one address, however it is typed.
  EXPECT_EQ(NormaliseEmail("JOSÉ@Example.org"), NormaliseEmail("josé@example.org"));
  EXPECT_EQ(NormaliseEmail("\u00a0ann@example.org\u3000"), "ann@example.org");
}

TEST(ValidateRegisterRequestTest, AcceptsFullAndMinimalRequests) {
  const RegistrationSettings s = Settings();
  EXPECT_TRUE(ValidateRegisterRequest(Request(), s).ok()) << ValidateRegisterRequest(Request(), s);

  RegisterRequest minimal;
  minimal.set_event_id("ev_1");
  minimal.set_name("Bo");
  minimal.set_email(" bo@example.org ");
  minimal.add_answers()->set_question_id("first_time");  // a "no" answers a yes/no question
  auto* a = minimal.add_answers();
  a->set_question_id("access_needs");
  a->set_text("None");
  EXPECT_TRUE(ValidateRegisterRequest(minimal, s).ok()) << ValidateRegisterRequest(minimal, s);
  minimal.set_pool("general");
  EXPECT_TRUE(ValidateRegisterRequest(minimal, s).ok());
}

TEST(ValidateRegisterRequestTest, RefusesBadPersonalFields) {
  const RegistrationSettings s = Settings();
  struct Case {
    std::function<void(RegisterRequest*)> change;
    std::string fragment;
  };
  const std::vector<Case> cases = {
      {[](RegisterRequest* r) { r->clear_event_id(); }, "event_id is required"},
      {[](RegisterRequest* r) { r->set_name("   "); }, "name is required"},
      {[](RegisterRequest* r) { r->set_name(std::string(201, 'a')); }, "name must be at most 200"},
      {[](RegisterRequest* r) { r->set_name("Ann\nExample"); }, "name must be one line"},
      {[](RegisterRequest* r) { r->set_name("Ann\u2028Example"); }, "name must be one line"},
      {[](RegisterRequest* r) {
         r->set_name(
             "Ann\xc2\x85"
             "Example");
       },
       "name must be one line"},
      {[](RegisterRequest* r) { r->set_name("\u200b\u200c\u200d"); },
       "name is required: it has no visible characters"},
      {[](RegisterRequest* r) { r->set_name("\ufeff\u2060"); }, "no visible characters"},
      {[](RegisterRequest* r) {
         r->set_email(
             "ann\x7f"
             "@example.org");
       },
       "email is not a valid"},
      {[](RegisterRequest* r) { r->set_email("ann\u200b@example.org"); }, "email is not a valid"},
      {[](RegisterRequest* r) { r->set_email(" "); }, "email is required"},
      {[](RegisterRequest* r) { r->set_email("ann.example.org"); }, "email is not a valid"},
      {[](RegisterRequest* r) { r->set_email("ann@@example.org"); }, "email is not a valid"},
      {[](RegisterRequest* r) { r->set_organisation(std::string(201, 'o')); },
       "organisation must be at most 200"},
      {[](RegisterRequest* r) { r->set_participation(static_cast<events::v1::Participation>(42)); },
       "participation 42 is not a known value"},
  };
  for (const auto& c : cases) {
    RegisterRequest r = Request();
    c.change(&r);
    EXPECT_TRUE(IsInvalid(ValidateRegisterRequest(r, s), c.fragment));
  }
  RegisterRequest r = Request();
  r.set_name(std::string(200, 'a'));
  // Messages that quote the input never carry its control characters or line breaks.
  for (const std::string& bad : {std::string("x\ny"), std::string("x\r\u2028y\xc2\x85")}) {
    RegisterRequest quoted = Request();
    quoted.set_pool(bad);
    absl::Status refused = ValidateRegisterRequest(quoted, s);
    ASSERT_FALSE(refused.ok());
    for (char c : refused.message()) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << refused;
    EXPECT_EQ(refused.message().find("\u2028"), std::string::npos) << refused;
    EXPECT_EQ(refused.message().find("\xc2\x85"), std::string::npos) << refused;
  }
  r.set_organisation("");
  r.set_participation(events::v1::PARTICIPATION_UNSPECIFIED);
  EXPECT_TRUE(ValidateRegisterRequest(r, s).ok());
}

TEST(ValidateRegisterRequestTest, PoolMustBeGeneralOrReserved) {
  RegistrationSettings s = Settings();
  RegisterRequest r = Request();
  r.set_pool("students");
  EXPECT_TRUE(IsInvalid(ValidateRegisterRequest(r, s), "pool \"students\" is not a reserved pool"));
  s.clear_pools();
  EXPECT_TRUE(IsInvalid(ValidateRegisterRequest(r, s), "this event has no reserved pools"));
  r.set_pool("");
  EXPECT_TRUE(ValidateRegisterRequest(r, s).ok());
}

TEST(ValidateRegisterRequestTest, CompanionOnlyWhenTheEventAllowsIt) {
  RegistrationSettings s = Settings();
  RegisterRequest r = Request();
  EXPECT_TRUE(ValidateRegisterRequest(r, s).ok());
  s.set_companions_disabled(true);
  EXPECT_TRUE(IsInvalid(ValidateRegisterRequest(r, s), "companion:"));
  r.set_companion(false);
  EXPECT_TRUE(ValidateRegisterRequest(r, s).ok());
}

TEST(ValidateRegisterRequestTest, IdempotencyKeyShape) {
  const RegistrationSettings s = Settings();
  RegisterRequest r = Request();
  for (const std::string& good : {std::string(), std::string(16, 'k'), std::string(128, 'k'),
                                  std::string("a.b:c-d_e0123456")}) {
    r.set_idempotency_key(good);
    EXPECT_TRUE(ValidateRegisterRequest(r, s).ok()) << good;
  }
  for (const std::string& bad :
       {std::string(15, 'k'), std::string(129, 'k'), std::string("has space in it ok?"),
        std::string("ключ-ключ-ключ-1")}) {
    r.set_idempotency_key(bad);
    EXPECT_TRUE(IsInvalid(ValidateRegisterRequest(r, s), "idempotency_key must be 16 to 128"));
    EXPECT_TRUE(IsInvalid(ValidateRegisterRequest(r, s), "random UUID"));
  }
}

TEST(ValidateRegisterRequestTest, AnswersMustNameEachQuestionOnce) {
  const RegistrationSettings s = Settings();
  RegisterRequest r = Request();
  r.mutable_answers(1)->set_question_id("favourite_colour");
  EXPECT_TRUE(IsInvalid(ValidateRegisterRequest(r, s),
                        "answers[1].question_id: \"favourite_colour\" is not a question"));
  r = Request();
  r.mutable_answers(1)->clear_question_id();
  EXPECT_TRUE(IsInvalid(ValidateRegisterRequest(r, s), "answers[1].question_id is required"));
  r = Request();
  *r.add_answers() = r.answers(3);
  EXPECT_TRUE(IsInvalid(ValidateRegisterRequest(r, s),
                        "answers[4].question_id: question \"first_time\" is answered twice"));
}

TEST(ValidateRegisterRequestTest, RequiredQuestionsMustBeAnswered) {
  const RegistrationSettings s = Settings();
  RegisterRequest r = Request();
  r.mutable_answers()->erase(r.mutable_answers()->begin());  // access_needs (TEXT)
  EXPECT_TRUE(
      IsInvalid(ValidateRegisterRequest(r, s), "answers: question \"access_needs\" is required"));
  r = Request();
  r.mutable_answers()->RemoveLast();  // first_time (YES_NO)
  EXPECT_TRUE(
      IsInvalid(ValidateRegisterRequest(r, s), "answers: question \"first_time\" is required"));
  r = Request();
  r.mutable_answers()->DeleteSubrange(1, 2);  // optional topics and attending_part
  EXPECT_TRUE(ValidateRegisterRequest(r, s).ok());
}

TEST(ValidateRegisterRequestTest, TextAnswers) {
  const RegistrationSettings s = Settings();
  RegisterRequest r = Request();
  r.mutable_answers(0)->set_text("  ");
  EXPECT_TRUE(IsInvalid(ValidateRegisterRequest(r, s), "answers[0].text is required"));
  r.mutable_answers(0)->set_text(std::string(500, 'x'));  // max_length 0 means 500
  EXPECT_TRUE(ValidateRegisterRequest(r, s).ok());
  r.mutable_answers(0)->set_text(std::string(501, 'x'));
  EXPECT_TRUE(IsInvalid(ValidateRegisterRequest(r, s), "answers[0].text must be at most 500"));
  r = Request();
  auto* comments = r.add_answers();
  comments->set_question_id("comments");
  comments->set_text("Ten chars!");
  EXPECT_TRUE(ValidateRegisterRequest(r, s).ok());
  comments->set_text("Eleven chars");
  EXPECT_TRUE(IsInvalid(ValidateRegisterRequest(r, s), "answers[4].text must be at most 10"));
  comments->set_text("Fine");
  comments->add_choices("Housing");
  EXPECT_TRUE(IsInvalid(ValidateRegisterRequest(r, s),
                        "answers[4].choices: question \"comments\" is not a choice question"));
}

TEST(ValidateRegisterRequestTest, SingleChoiceAnswers) {
  const RegistrationSettings s = Settings();
  RegisterRequest r = Request();
  r.mutable_answers(2)->set_choices(0, "Maybe");
  EXPECT_TRUE(IsInvalid(
      ValidateRegisterRequest(r, s),
      "answers[2].choices: \"Maybe\" is not one of the options of question \"attending_part\""));
  r.mutable_answers(2)->set_choices(0, "morning");  // options match exactly
  EXPECT_TRUE(IsInvalid(ValidateRegisterRequest(r, s), "is not one of the options"));
  r.mutable_answers(2)->set_choices(0, "Morning");
  r.mutable_answers(2)->add_choices("Afternoon");
  EXPECT_TRUE(IsInvalid(
      ValidateRegisterRequest(r, s),
      "answers[2].choices: question \"attending_part\" takes exactly one choice (it has 2)"));
  r.mutable_answers(2)->clear_choices();
  EXPECT_TRUE(IsInvalid(ValidateRegisterRequest(r, s), "takes exactly one choice (it has 0)"));
  r.mutable_answers(2)->add_choices("Both");
  r.mutable_answers(2)->set_text("Both");
  EXPECT_TRUE(IsInvalid(ValidateRegisterRequest(r, s),
                        "answers[2].text: question \"attending_part\" is not a text question"));
}

TEST(ValidateRegisterRequestTest, MultipleChoiceAnswers) {
  RegistrationSettings s = Settings();
  RegisterRequest r = Request();
  r.mutable_answers(1)->add_choices("Housing");
  EXPECT_TRUE(
      IsInvalid(ValidateRegisterRequest(r, s), "answers[1].choices: \"Housing\" is chosen twice"));
  r = Request();
  r.mutable_answers(1)->add_choices("Transport");
  EXPECT_TRUE(IsInvalid(
      ValidateRegisterRequest(r, s),
      "answers[1].choices: \"Transport\" is not one of the options of question \"topics\""));
  r = Request();
  r.mutable_answers(1)->clear_choices();  // none of them, on an optional question
  EXPECT_TRUE(ValidateRegisterRequest(r, s).ok());
  s.mutable_questions(1)->set_required(true);
  EXPECT_TRUE(IsInvalid(ValidateRegisterRequest(r, s),
                        "answers[1].choices: question \"topics\" is required"));
  r = Request();
  r.mutable_answers(1)->add_choices("Health");  // all three options
  EXPECT_TRUE(ValidateRegisterRequest(r, s).ok());
}

TEST(ValidateRegisterRequestTest, YesNoAnswers) {
  const RegistrationSettings s = Settings();
  RegisterRequest r = Request();
  r.mutable_answers(3)->set_yes(false);
  EXPECT_TRUE(ValidateRegisterRequest(r, s).ok());
  r.mutable_answers(3)->set_text("yes");
  EXPECT_TRUE(IsInvalid(
      ValidateRegisterRequest(r, s),
      "answers[3].text: question \"first_time\" is not a text question; put the answer in yes"));
  r = Request();
  r.mutable_answers(0)->set_yes(true);
  EXPECT_TRUE(IsInvalid(ValidateRegisterRequest(r, s),
                        "answers[0].yes: question \"access_needs\" is not a yes/no question"));
}

TEST(ValidateSettingsTest, AcceptsGoodSettings) {
  RegistrationSettings s = Settings();
  EXPECT_TRUE(ValidateSettings(s, 100).ok()) << ValidateSettings(s, 100);
  EXPECT_TRUE(ValidateSettings(s, 20).ok());  // pools may take every place
  RegistrationSettings empty;
  empty.set_event_id("ev_1");
  EXPECT_TRUE(ValidateSettings(empty, 1).ok());
  s.clear_event_id();
  EXPECT_TRUE(IsInvalid(ValidateSettings(s, 100), "event_id is required"));
}

TEST(ValidateSettingsTest, ReservedPools) {
  struct Case {
    std::function<void(RegistrationSettings*)> change;
    std::string fragment;
  };
  const std::vector<Case> cases = {
      {[](RegistrationSettings* s) { s->mutable_pools(0)->set_id("Lived"); },
       "pools[0].id \"Lived\" must be lower_snake_case"},
      {[](RegistrationSettings* s) { s->mutable_pools(0)->set_id("l"); },
       "pools[0].id \"l\" must be"},
      {[](RegistrationSettings* s) { s->mutable_pools(0)->set_id("1st_pool"); },
       "must be lower_snake_case"},
      {[](RegistrationSettings* s) { s->mutable_pools(0)->set_id(std::string(49, 'a')); },
       "2 to 48"},
      {[](RegistrationSettings* s) { s->mutable_pools(0)->set_id("general"); },
       "pools[0].id \"general\" names the places that are not reserved"},
      {[](RegistrationSettings* s) { *s->add_pools() = s->pools(0); },
       "pools[1].id \"lived_experience\" is used twice"},
      {[](RegistrationSettings* s) { s->mutable_pools(0)->set_name(""); },
       "pools[0].name is required"},
      {[](RegistrationSettings* s) { s->mutable_pools(0)->set_name(std::string(101, 'n')); },
       "pools[0].name must be at most 100"},
      {[](RegistrationSettings* s) { s->mutable_pools(0)->set_places(0); },
       "pools[0].places must be at least 1"},
      {[](RegistrationSettings* s) { s->mutable_pools(0)->set_places(101); },
       "pools: the reserved places add up to 101, more than the event's capacity of 100"},
      {[](RegistrationSettings* s) {
         for (int i = 0; i < 10; ++i) {
           auto* p = s->add_pools();
           p->set_id("pool_" + std::to_string(i));
           p->set_name("Pool");
           p->set_places(1);
         }
       },
       "pools: at most 10 reserved pools (it has 11)"},
  };
  for (const auto& c : cases) {
    RegistrationSettings s = Settings();
    c.change(&s);
    EXPECT_TRUE(IsInvalid(ValidateSettings(s, 100), c.fragment));
  }
}

TEST(ValidateSettingsTest, Questions) {
  struct Case {
    std::function<void(RegistrationSettings*)> change;
    std::string fragment;
  };
  const std::vector<Case> cases = {
      {[](RegistrationSettings* s) { s->mutable_questions(1)->set_id("Topics"); },
       "questions[1].id \"Topics\" must be lower_snake_case"},
      {[](RegistrationSettings* s) { s->mutable_questions(1)->set_id("access_needs"); },
       "questions[1].id \"access_needs\" is used twice"},
      {[](RegistrationSettings* s) { s->mutable_questions(1)->set_text(""); },
       "questions[1].text is required"},
      {[](RegistrationSettings* s) { s->mutable_questions(1)->set_text(std::string(501, 't')); },
       "questions[1].text must be at most 500"},
      {[](RegistrationSettings* s) {
         s->mutable_questions(1)->set_type(events::v1::QUESTION_TYPE_UNSPECIFIED);
       },
       "questions[1].type is required"},
      {[](RegistrationSettings* s) {
         s->mutable_questions(1)->set_type(static_cast<events::v1::QuestionType>(9));
       },
       "questions[1].type is required"},
      {[](RegistrationSettings* s) {
         s->mutable_questions(1)->mutable_options()->RemoveLast();
         s->mutable_questions(1)->mutable_options()->RemoveLast();
       },
       "questions[1].options: a choice question needs 2 to 20 options (it has 1)"},
      {[](RegistrationSettings* s) {
         for (int i = 0; i < 18; ++i) s->mutable_questions(1)->add_options("o" + std::to_string(i));
       },
       "(it has 21)"},
      {[](RegistrationSettings* s) { s->mutable_questions(1)->add_options("Health"); },
       "questions[1].options[3] \"Health\" is listed twice"},
      {[](RegistrationSettings* s) { s->mutable_questions(1)->add_options(""); },
       "questions[1].options[3] is required"},
      {[](RegistrationSettings* s) { s->mutable_questions(1)->add_options(std::string(201, 'o')); },
       "questions[1].options[3] must be at most 200"},
      {[](RegistrationSettings* s) { s->mutable_questions(1)->add_options(" Other"); },
       "questions[1].options[3] must not start or end with spaces"},
      {[](RegistrationSettings* s) { s->mutable_questions(0)->add_options("Yes"); },
       "questions[0].options are only for choice questions"},
      {[](RegistrationSettings* s) { s->mutable_questions(3)->add_options("Yes"); },
       "questions[3].options are only for choice questions"},
      {[](RegistrationSettings* s) { s->mutable_questions(1)->set_max_length(10); },
       "questions[1].max_length is only for text questions"},
      {[](RegistrationSettings* s) { s->mutable_questions(0)->set_max_length(2001); },
       "questions[0].max_length must be 1 to 2000"},
      {[](RegistrationSettings* s) { s->mutable_questions(0)->set_max_length(-1); },
       "questions[0].max_length must be 1 to 2000"},
      {[](RegistrationSettings* s) {
         for (int i = 0; i < 26; ++i) {
           auto* q = s->add_questions();
           q->set_id("extra_" + std::to_string(i));
           q->set_text("Extra?");
           q->set_type(events::v1::QUESTION_TYPE_YES_NO);
         }
       },
       "questions: at most 30 questions (it has 31)"},
  };
  for (const auto& c : cases) {
    RegistrationSettings s = Settings();
    c.change(&s);
    EXPECT_TRUE(IsInvalid(ValidateSettings(s, 100), c.fragment));
  }
  RegistrationSettings s = Settings();
  s.mutable_questions(0)->set_max_length(2000);
  EXPECT_TRUE(ValidateSettings(s, 100).ok());
}

TEST(RequestFingerprintTest, IgnoresIdempotencyKeyAndEmailCase) {
  RegisterRequest a = Request();
  RegisterRequest b = Request();
  b.set_idempotency_key("another-key-0123456789");
  b.set_email("  ann@EXAMPLE.org ");
  const std::string fa = RequestFingerprint(a);
  EXPECT_EQ(fa.size(), 64u);
  EXPECT_EQ(fa, RequestFingerprint(b));
  EXPECT_EQ(fa, RequestFingerprint(a));
  b.clear_idempotency_key();
  EXPECT_EQ(fa, RequestFingerprint(b));
}

TEST(RequestFingerprintTest, ChangesWithEveryOtherField) {
  const std::vector<std::function<void(RegisterRequest*)>> changes = {
      [](RegisterRequest* r) { r->set_event_id("ev_2"); },
      [](RegisterRequest* r) { r->set_name("Ann  Example"); },
      [](RegisterRequest* r) { r->set_email("ann@example.com"); },
      [](RegisterRequest* r) { r->set_organisation(""); },
      [](RegisterRequest* r) { r->set_participation(events::v1::PARTICIPATION_OTHER); },
      [](RegisterRequest* r) { r->set_marketing_opt_in(false); },
      [](RegisterRequest* r) { r->set_companion(false); },
      [](RegisterRequest* r) { r->set_pool(""); },
      [](RegisterRequest* r) { r->mutable_answers(0)->set_text("Captions"); },
      [](RegisterRequest* r) { r->mutable_answers(1)->set_choices(1, "Health"); },
      [](RegisterRequest* r) { r->mutable_answers(3)->set_yes(false); },
      [](RegisterRequest* r) { r->mutable_answers(2)->set_question_id("other"); },
      [](RegisterRequest* r) { r->mutable_answers()->RemoveLast(); },
      [](RegisterRequest* r) { r->mutable_answers()->SwapElements(0, 1); },
  };
  const std::string base = RequestFingerprint(Request());
  std::vector<std::string> seen = {base};
  for (size_t i = 0; i < changes.size(); ++i) {
    RegisterRequest r = Request();
    changes[i](&r);
    const std::string f = RequestFingerprint(r);
    for (const auto& other : seen) EXPECT_NE(f, other) << "change " << i;
    seen.push_back(f);
  }
}

TEST(PoolOfTest, EmptyMeansGeneral) {
  RegisterRequest r;
  EXPECT_EQ(PoolOf(r), "general");
  r.set_pool("lived_experience");
  EXPECT_EQ(PoolOf(r), "lived_experience");
}

}  // namespace
}  // namespace events::registration
