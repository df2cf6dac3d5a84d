// Feedback through real gRPC with real scheduling and registration services in this process,
// on the test Redis: who may call what, token verification over gRPC, and the whole loop
// from registering to a report.
#include <grpcpp/grpcpp.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "common/bus/event_bus.h"
#include "common/testing/grpc_service_harness.h"
#include "events/v1/feedback.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/domain/feedback.h"
#include "services/feedback/peers/grpc_directories.h"
#include "services/feedback/server/feedback_metrics.h"
#include "services/feedback/server/feedback_service.h"
#include "services/feedback/store/redis_feedback_store.h"
#include "services/feedback/worker/feedback_projector.h"
#include "tests/registration/facts/in_process_registration.h"

namespace events::feedback {
namespace {

using events::v1::FeedbackService;
using ::testing::HasSubstr;

class FeedbackGrpcTest : public registration::testing::InProcessRegistrationTest {
 protected:
  void SetUp() override {
    InProcessRegistrationTest::SetUp();
    ASSERT_FALSE(HasFailure());
    // Feedback, asking both over gRPC.
    fb_store_ =
        std::make_unique<RedisFeedbackStore>(*redis_, *keys_, RedisFeedbackStore::Options{});
    events_dir_ = std::make_unique<GrpcEventDirectory>(
        channel_, service_key_,
        PeerOptions{address_, "EVENTS_SCHEDULING_ADDR", std::chrono::milliseconds(5000)});
    regs_dir_ = std::make_unique<GrpcRegistrationDirectory>(
        reg_server_.Channel(),
        PeerOptions{"registration", "EVENTS_REGISTRATION_ADDR", std::chrono::milliseconds(5000)});
    FeedbackOptions options;
    options.allow_manual_open = true;
    options.min_group = 2;
    feedback_ =
        std::make_unique<Feedback>(*fb_store_, *events_dir_, *regs_dir_, clock_, ids_, options);
    fb_metrics_ = std::make_unique<FeedbackMetrics>(*fb_registry_);
    fb_service_ = std::make_unique<FeedbackServiceImpl>(*feedback_, *auth_, *fb_metrics_);
    absl::Status fb_started = fb_server_.Start("feedback", {fb_service_.get()});
    EXPECT_TRUE(fb_started.ok()) << fb_started;
    fb_stub_ = FeedbackService::NewStub(fb_server_.Channel());
  }
  void TearDown() override {
    fb_server_.Shutdown();
    InProcessRegistrationTest::TearDown();
  }

  std::string MustRegister(const std::string& event_id, int n) {
    events::v1::RegisterRequest req;
    req.set_event_id(event_id);
    req.set_name("Person " + std::to_string(n));
    req.set_email("person" + std::to_string(n) + "@example.org");
    events::v1::RegisterResponse resp;
    grpc::Status s = reg_stub_->Register(Call("").get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.registration_token();
  }

  grpc::Status Submit(const std::string& token, int overall, int recommend) {
    events::v1::SubmitResponseRequest req;
    req.set_registration_token(token);
    auto* a = req.add_answers();
    a->set_question_id("overall");
    a->set_number(overall);
    auto* b = req.add_answers();
    b->set_question_id("recommend");
    b->set_number(recommend);
    events::v1::SubmitResponseResponse resp;
    return fb_stub_->SubmitResponse(Call("").get(), req, &resp);
  }

  std::unique_ptr<RedisFeedbackStore> fb_store_;
  std::unique_ptr<GrpcEventDirectory> events_dir_;
  std::unique_ptr<GrpcRegistrationDirectory> regs_dir_;
  std::unique_ptr<Feedback> feedback_;
  std::shared_ptr<prometheus::Registry> fb_registry_ = std::make_shared<prometheus::Registry>();
  std::unique_ptr<FeedbackMetrics> fb_metrics_;
  std::unique_ptr<FeedbackServiceImpl> fb_service_;
  events::testing::TestServer fb_server_{fb_registry_};
  std::unique_ptr<FeedbackService::Stub> fb_stub_;
};

TEST_F(FeedbackGrpcTest, FromRegistrationToReport) {
  const events::v1::Event event = MustCreate();
  MustPublish(event.id());
  const std::string ann = MustRegister(event.id(), 1);
  const std::string bob = MustRegister(event.id(), 2);

  // Organisers only, and only their own events.
  events::v1::GetSurveyRequest get;
  get.set_event_id(event.id());
  events::v1::Survey survey;
  EXPECT_EQ(fb_stub_->GetSurvey(Call("").get(), get, &survey).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(fb_stub_->GetSurvey(Call(other_key_).get(), get, &survey).error_code(),
            grpc::StatusCode::NOT_FOUND);
  grpc::Status got = fb_stub_->GetSurvey(Call(organiser_key_).get(), get, &survey);
  ASSERT_TRUE(got.ok()) << got.error_message();
  EXPECT_EQ(survey.state(), events::v1::SURVEY_STATE_SCHEDULED);
  EXPECT_EQ(survey.opens_unix_ms(), event.end_unix_ms());

  // Before it opens, the attendee is told when it will.
  grpc::Status early = Submit(ann, 5, 10);
  EXPECT_EQ(early.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(early.error_message(), HasSubstr("opens"));
  EXPECT_EQ(Submit("rg_nope.bad", 5, 10).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // Registration's domain events reach feedback through the projector.
  bus::ConsumerOptions consumer_options;
  consumer_options.group = "feedback";
  consumer_options.consumer = "test";
  bus::Consumer consumer(*redis_, *keys_, consumer_options);
  ASSERT_TRUE(consumer.EnsureGroups().ok());
  FeedbackProjector projector(consumer, *fb_store_);
  ASSERT_TRUE(projector.RunOnce().ok());

  events::v1::OpenSurveyNowRequest open;
  open.set_event_id(event.id());
  ASSERT_TRUE(fb_stub_->OpenSurveyNow(Call(organiser_key_).get(), open, &survey).ok());
  EXPECT_EQ(survey.state(), events::v1::SURVEY_STATE_OPEN);
  EXPECT_EQ(fb_store_->Get(event.id())->invited, 2);

  ASSERT_TRUE(Submit(ann, 5, 10).ok());
  ASSERT_TRUE(Submit(bob, 3, 4).ok());
  ASSERT_TRUE(Submit(bob, 4, 6).ok());
  EXPECT_EQ(fb_metrics_->first.Value(), 2);
  EXPECT_EQ(fb_metrics_->edited.Value(), 1);

  events::v1::GetMySurveyRequest mine_req;
  mine_req.set_registration_token(bob);
  events::v1::MySurvey mine;
  ASSERT_TRUE(fb_stub_->GetMySurvey(Call("").get(), mine_req, &mine).ok());
  EXPECT_TRUE(mine.responded());
  EXPECT_EQ(mine.answers(0).number(), 4);

  // Reports: the organiser, or an integration key with feedback:read.
  auto reader = auth::IssueKey(*key_store_, ids_, clock_, org_, {auth::Role::kIntegration},
                               {"feedback:read"}, "reports");
  auto other_scope = auth::IssueKey(*key_store_, ids_, clock_, org_, {auth::Role::kIntegration},
                                    {"events:read"}, "calendar");
  ASSERT_TRUE(reader.ok() && other_scope.ok());
  events::v1::GetReportRequest report_req;
  report_req.set_event_id(event.id());
  events::v1::FeedbackReport report;
  EXPECT_EQ(
      fb_stub_->GetReport(Call(other_scope->plaintext).get(), report_req, &report).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status read = fb_stub_->GetReport(Call(reader->plaintext).get(), report_req, &report);
  ASSERT_TRUE(read.ok()) << read.error_message();
  EXPECT_EQ(report.response_count(), 2);
  EXPECT_EQ(report.eligible_count(), 2);
  EXPECT_DOUBLE_EQ(report.questions(0).mean(), 4.5);
  // One promoter (10), one detractor (6): 0.
  EXPECT_DOUBLE_EQ(report.questions(3).nps().score(), 0.0);

  // The survey the report belongs to is read with the same scope; other scopes are refused.
  events::v1::GetSurveyRequest survey_req;
  survey_req.set_event_id(event.id());
  events::v1::Survey read_survey;
  ASSERT_TRUE(fb_stub_->GetSurvey(Call(reader->plaintext).get(), survey_req, &read_survey).ok());
  EXPECT_EQ(read_survey.definition().questions_size(), survey.definition().questions_size());
  EXPECT_GT(read_survey.definition().questions_size(), 0);
  EXPECT_EQ(fb_stub_->GetSurvey(Call(other_scope->plaintext).get(), survey_req, &read_survey)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Integration keys cannot edit surveys.
  events::v1::UpdateSurveyRequest update;
  update.set_event_id(event.id());
  EXPECT_EQ(fb_stub_->UpdateSurvey(Call(reader->plaintext).get(), update, &survey).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(fb_stub_->UpdateSurvey(Call(organiser_key_).get(), update, &survey).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace events::feedback
