// Large events through real gRPC on the test Redis, read with a client's default limits (one
// message of at most 4 MiB): a report keeps its numbers and caps its free text, the texts are
// paged, and an export of more than 4 MB is streamed in chunks.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
#include "common/testing/grpc_service_harness.h"
#include "events/v1/feedback.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/rules/survey_rules.h"
#include "services/feedback/server/feedback_metrics.h"
#include "services/feedback/server/feedback_service.h"
#include "tests/feedback/feedback_test_support.h"

namespace events::feedback {
namespace {

using events::testing::GrpcServiceHarness;
using events::v1::FeedbackService;
using testing::FakeEvents;
using testing::FakeRegistrations;
using ::testing::HasSubstr;
using testing::kHour;
using testing::kNow;

// 2,000 characters of emoji: 8,000 bytes, so 600 of them make 4.8 MB.
std::string LongText(int i) {
  std::string text = absl::StrFormat("%04d ", i);
  for (int c = 0; c < 1995; ++c) text += "\xF0\x9F\x98\x80";  // U+1F600
  return text;
}

class FeedbackLargeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::Status connected = harness_.Connect(4);
    ASSERT_TRUE(connected.ok()) << connected;
    auto org = harness_.Bootstrap("Riverside Forum");
    ASSERT_TRUE(org.ok()) << org.status();
    org_ = *org;
    store_ = std::make_unique<RedisFeedbackStore>(harness_.redis(), harness_.keys(),
                                                  RedisFeedbackStore::Options{});
    FeedbackOptions options;
    options.marker_key = testing::kMarkerKey;
    feedback_ = std::make_unique<Feedback>(*store_, events_, registrations_, clock_, ids_, options);
    metrics_ = std::make_unique<FeedbackMetrics>(*harness_.registry());
    service_ = std::make_unique<FeedbackServiceImpl>(*feedback_, harness_.auth(), *metrics_);
    absl::Status started = harness_.Start("feedback", {service_.get()});
    ASSERT_TRUE(started.ok()) << started;
    stub_ = FeedbackService::NewStub(harness_.Channel());
  }
  void TearDown() override { harness_.Shutdown(); }

  // An event whose survey (named) takes free text of up to 2,000 characters, open, with
  // `responses` answers: every one rates it, and writes LongText(i).
  std::string EventWithLongTexts(int responses) {
    std::string event_id = ids_.New("ev");
    events_.Put(FactsOf(event_id, org_.org_id, "", events::v1::EVENT_STATUS_PUBLISHED, kNow + kHour,
                        "Europe/London", 2));
    events::v1::UpdateSurveyRequest update;
    update.set_event_id(event_id);
    *update.mutable_definition() = DefaultSurvey();
    for (auto& q : *update.mutable_definition()->mutable_questions()) {
      if (q.id() == "mattered_most") q.set_max_length(2000);
    }
    auto saved = feedback_->UpdateSurvey(org_.org_id, update);
    EXPECT_TRUE(saved.ok()) << saved.status();
    std::vector<std::string> tokens;
    for (int i = 0; i < responses; ++i) {
      const std::string id = ids_.New("rg");
      EXPECT_TRUE(store_->ApplyRegistration(event_id, id, 1, false, 1, kNow).ok());
      AttendeeRegistration r;
      r.registration_id = id;
      r.event_id = event_id;
      r.status = 1;
      tokens.push_back(id + ".secret");
      registrations_.Put(tokens.back(), r);
    }
    clock_.Set(kNow + 2 * kHour);
    EXPECT_TRUE(testing::FireDue(*store_, clock_.NowUnixMs()).ok());
    for (int i = 0; i < responses; ++i) {
      events::v1::SubmitResponseRequest req;
      req.set_registration_token(tokens[i]);
      *req.add_answers() = testing::Number("overall", 1 + i % 5);
      // In reverse, so that the stored order is not the sorted one.
      *req.add_answers() = testing::Text("mattered_most", LongText(responses - 1 - i));
      auto submitted = feedback_->Submit(req);
      EXPECT_TRUE(submitted.ok()) << submitted.status();
    }
    return event_id;
  }

  std::unique_ptr<grpc::ClientContext> Call() { return GrpcServiceHarness::Call(org_.key); }

  FakeClock clock_{kNow};
  IdGenerator ids_{clock_};
  GrpcServiceHarness harness_{clock_, ids_};
  events::testing::BootstrappedOrganisation org_;
  FakeEvents events_;
  FakeRegistrations registrations_;
  std::unique_ptr<RedisFeedbackStore> store_;
  std::unique_ptr<Feedback> feedback_;
  std::unique_ptr<FeedbackMetrics> metrics_;
  std::unique_ptr<FeedbackServiceImpl> service_;
  std::unique_ptr<FeedbackService::Stub> stub_;
};

// 600 answers of 2,000 emoji made a 4.8 MB report that a default client refused. The numbers
// are all there; the texts are the first ones, and texts_total says how many there are.
TEST_F(FeedbackLargeTest, ReportOfSixHundredLongTextsFitsOneMessage) {
  const std::string event_id = EventWithLongTexts(600);
  events::v1::GetReportRequest req;
  req.set_event_id(event_id);
  events::v1::FeedbackReport report;
  grpc::Status s = stub_->GetReport(Call().get(), req, &report);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(report.response_count(), 600);
  const events::v1::QuestionReport& overall = report.questions(0);
  EXPECT_EQ(overall.answered(), 600);
  EXPECT_DOUBLE_EQ(overall.mean(), 3.0);
  const events::v1::QuestionReport& texts = report.questions(2);
  ASSERT_EQ(texts.question_id(), "mattered_most");
  EXPECT_EQ(texts.answered(), 600);
  EXPECT_EQ(texts.texts_total(), 600);
  ASSERT_EQ(texts.texts_size(), 20);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(texts.texts(i), LongText(i));

  // Up to 200 on request (1.6 MB here); more, or a negative number, is refused.
  req.set_texts_per_question(200);
  s = stub_->GetReport(Call().get(), req, &report);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(report.questions(2).texts_size(), 200);
  for (int bad : {201, -1}) {
    req.set_texts_per_question(bad);
    s = stub_->GetReport(Call().get(), req, &report);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), HasSubstr("texts_per_question must be between 1 and 200"));
  }
}

TEST_F(FeedbackLargeTest, TextsArePagedInTheReportsOrder) {
  const std::string event_id = EventWithLongTexts(600);
  events::v1::ListFeedbackTextsRequest req;
  req.set_event_id(event_id);
  req.set_question_id("mattered_most");
  req.mutable_page()->set_page_size(100);
  std::vector<std::string> all;
  int pages = 0;
  do {
    events::v1::ListFeedbackTextsResponse page;
    grpc::Status s = stub_->ListFeedbackTexts(Call().get(), req, &page);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(page.total(), 600);
    all.insert(all.end(), page.texts().begin(), page.texts().end());
    req.mutable_page()->set_page_token(page.next_page_token());
  } while (!req.page().page_token().empty() && ++pages < 10);
  ASSERT_EQ(all.size(), 600u);
  for (int i = 0; i < 600; ++i) ASSERT_EQ(all[i], LongText(i)) << i;

  // The default page is 25; page sizes and tokens are checked as in every listing.
  req.mutable_page()->Clear();
  events::v1::ListFeedbackTextsResponse page;
  ASSERT_TRUE(stub_->ListFeedbackTexts(Call().get(), req, &page).ok());
  EXPECT_EQ(page.texts_size(), 25);
  req.mutable_page()->set_page_size(101);
  grpc::Status s = stub_->ListFeedbackTexts(Call().get(), req, &page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("page.page_size must be between 1 and 100"));
  req.mutable_page()->set_page_size(0);
  req.mutable_page()->set_page_token("not-a-token!");
  s = stub_->ListFeedbackTexts(Call().get(), req, &page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("page.page_token"));

  // A question the survey does not have; a question without text.
  req.mutable_page()->Clear();
  req.set_question_id("nope");
  EXPECT_EQ(stub_->ListFeedbackTexts(Call().get(), req, &page).error_code(),
            grpc::StatusCode::NOT_FOUND);
  req.set_question_id("");
  EXPECT_EQ(stub_->ListFeedbackTexts(Call().get(), req, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  req.set_question_id("overall");
  ASSERT_TRUE(stub_->ListFeedbackTexts(Call().get(), req, &page).ok());
  EXPECT_EQ(page.texts_size(), 0);
  EXPECT_EQ(page.total(), 0);
}

TEST_F(FeedbackLargeTest, TextsNeedTheReportsRightsAndFollowItsSuppression) {
  const std::string event_id = EventWithLongTexts(3);
  events::v1::ListFeedbackTextsRequest req;
  req.set_event_id(event_id);
  req.set_question_id("mattered_most");
  events::v1::ListFeedbackTextsResponse page;
  // Three writers, fewer than the minimum group of 5: withheld, as in the report.
  grpc::Status s = stub_->ListFeedbackTexts(Call().get(), req, &page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("fewer than 5"));
  events::v1::GetReportRequest report_req;
  report_req.set_event_id(event_id);
  events::v1::FeedbackReport report;
  ASSERT_TRUE(stub_->GetReport(Call().get(), report_req, &report).ok());
  EXPECT_EQ(report.questions(2).texts_size(), 0);
  EXPECT_EQ(report.questions(2).texts_total(), 0);

  // An integration key needs feedback:read; another organisation sees nothing.
  auto reader = auth::IssueKey(harness_.key_store(), ids_, clock_, org_.org_id,
                               {auth::Role::kIntegration}, {"feedback:read"}, "reports");
  auto calendar = auth::IssueKey(harness_.key_store(), ids_, clock_, org_.org_id,
                                 {auth::Role::kIntegration}, {"events:read"}, "calendar");
  auto other = harness_.Bootstrap("Hillside Group");
  ASSERT_TRUE(reader.ok() && calendar.ok() && other.ok());
  EXPECT_EQ(stub_->ListFeedbackTexts(GrpcServiceHarness::Call("").get(), req, &page).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(
      stub_->ListFeedbackTexts(GrpcServiceHarness::Call(calendar->plaintext).get(), req, &page)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      stub_->ListFeedbackTexts(GrpcServiceHarness::Call(other->key).get(), req, &page).error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(stub_->ListFeedbackTexts(GrpcServiceHarness::Call(reader->plaintext).get(), req, &page)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

// Reads a streamed export with a default client, checking the shape of every message.
struct Received {
  grpc::Status status;
  std::string filename, content_type, content;
  int64_t rows = 0;
  int messages = 0;
};
Received ReadExport(FeedbackService::Stub& stub, grpc::ClientContext* ctx,
                    const events::v1::ExportFeedbackRequest& req) {
  Received got;
  auto reader = stub.ExportFeedback(ctx, req);
  events::v1::FeedbackExport chunk;
  while (reader->Read(&chunk)) {
    EXPECT_LE(chunk.content().size(), 256u * 1024) << "message " << got.messages;
    EXPECT_EQ(chunk.filename().empty(), got.messages > 0) << "message " << got.messages;
    EXPECT_EQ(got.rows, 0) << "rows came before the last message";
    if (got.messages == 0) {
      got.filename = chunk.filename();
      got.content_type = chunk.content_type();
    }
    got.content += chunk.content();
    got.rows = chunk.rows();
    ++got.messages;
  }
  got.status = reader->Finish();
  return got;
}

// 600 responses of 2,000 emoji made an export of 4.8 MB in one message, which a default
// client refused. Streamed, both files arrive whole, byte for byte.
TEST_F(FeedbackLargeTest, ExportOfMoreThanFourMegabytesArrivesWholeInChunks) {
  const std::string event_id = EventWithLongTexts(600);
  for (auto format :
       {events::v1::EXPORT_FORMAT_RESPONSES_CSV, events::v1::EXPORT_FORMAT_REPORT_JSON}) {
    SCOPED_TRACE(events::v1::ExportFormat_Name(format));
    events::v1::ExportFeedbackRequest req;
    req.set_event_id(event_id);
    req.set_format(format);
    const Received got = ReadExport(*stub_, Call().get(), req);
    ASSERT_TRUE(got.status.ok()) << got.status.error_message();
    EXPECT_GT(got.content.size(), 4u << 20);
    EXPECT_GE(got.messages, 19);
    EXPECT_EQ(got.rows, 600);
    // The file as the domain makes it, in one piece.
    auto whole = feedback_->Export(org_.org_id, req);
    ASSERT_TRUE(whole.ok()) << whole.status();
    EXPECT_EQ(got.filename, whole->filename());
    EXPECT_EQ(got.content_type, whole->content_type());
    EXPECT_TRUE(got.content == whole->content()) << "the streamed file differs";
    if (format == events::v1::EXPORT_FORMAT_REPORT_JSON) {
      events::v1::FeedbackReport report;
      ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(got.content, &report).ok());
      // The export is streamed, so it holds every text.
      EXPECT_EQ(report.questions(2).texts_size(), 600);
      EXPECT_EQ(report.questions(2).texts(599), LongText(599));
    } else {
      EXPECT_EQ(std::count(got.content.begin(), got.content.end(), '\n'), 601);
    }
  }

  // Errors come as the stream's status, before any message.
  events::v1::ExportFeedbackRequest bad;
  bad.set_event_id(event_id);
  Received refused = ReadExport(*stub_, Call().get(), bad);
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(refused.messages, 0);
  bad.set_format(events::v1::EXPORT_FORMAT_RESPONSES_CSV);
  refused = ReadExport(*stub_, GrpcServiceHarness::Call("").get(), bad);
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(refused.messages, 0);
}

}  // namespace
}  // namespace events::feedback
