// The runner against an in-process EchoService: both modes, limits, warm-up and errors.
#include "tools/loadgen/load_runner.h"

#include <gmock/gmock.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "testing/echo_service.h"
#include "tools/loadgen/echo_calls.h"
#include "tools/loadgen/register_calls.h"
#include "tools/loadgen/report.h"

namespace events::loadgen {
namespace {

using ::testing::HasSubstr;

// EchoService.Fail with a fixed code: every call fails.
class FailCalls final : public CallFactory {
 public:
  explicit FailCalls(const std::vector<std::shared_ptr<grpc::Channel>>& channels) {
    for (const auto& channel : channels)
      stubs_.push_back(events::testing::EchoService::NewStub(channel));
  }

  std::unique_ptr<PendingCall> Make(uint64_t, int channel_index) override {
    auto call = std::make_unique<FailCall>(stubs_[channel_index].get());
    call->request.set_code(grpc::StatusCode::RESOURCE_EXHAUSTED);
    return call;
  }

 private:
  class FailCall final : public PendingCall {
   public:
    explicit FailCall(events::testing::EchoService::Stub* stub) : stub_(stub) {}
    void StartOn(grpc::CompletionQueue* cq) override {
      reader_ = stub_->PrepareAsyncFail(&context, request, cq);
      reader_->StartCall();
      reader_->Finish(&response_, &status, this);
    }
    Answer Read() const override { return Answer::kOk; }
    events::testing::FailRequest request;

   private:
    events::testing::EchoService::Stub* stub_;
    events::testing::EchoResponse response_;
    std::unique_ptr<grpc::ClientAsyncResponseReader<events::testing::EchoResponse>> reader_;
  };
  std::vector<std::unique_ptr<events::testing::EchoService::Stub>> stubs_;
};

class LoadRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    options_.server = "127.0.0.1:" + std::to_string(port_);
    options_.channels = 2;
    options_.threads = 2;
  }
  void TearDown() override { server_->Shutdown(); }

  LoadResult RunEcho() {
    EchoCalls calls(MakeChannels(options_.server, options_.channels));
    return LoadRunner(options_, calls).Run();
  }

  events::testing::EchoServiceImpl service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  LoadOptions options_;
};

TEST_F(LoadRunnerTest, ClosedLoopStopsAfterRequests) {
  options_.concurrency = 8;
  options_.duration_seconds = 0;
  options_.requests = 500;
  const LoadResult r = RunEcho();
  EXPECT_EQ(r.calls, 500);
  EXPECT_EQ(r.measured_ok, 500);
  EXPECT_EQ(r.answer(Answer::kOk), 500);
  EXPECT_EQ(r.total_errors(), 0);
  EXPECT_EQ(r.latency.count(), 500);
  EXPECT_GT(r.latency.ValueAtQuantile(0.5), 0);
  EXPECT_GT(r.OkPerSecond(), 0);
}

TEST_F(LoadRunnerTest, ClosedLoopRunsForItsDurationAfterWarmup) {
  options_.concurrency = 4;
  options_.duration_seconds = 0.3;
  options_.warmup_seconds = 0.2;
  const LoadResult r = RunEcho();
  EXPECT_GT(r.warmup_calls, 0);
  EXPECT_GT(r.measured_ok, 0);
  EXPECT_EQ(r.calls, r.warmup_calls + r.measured_ok);
  EXPECT_EQ(r.latency.count(), r.measured_ok);
  // Measured from the end of the warm-up to the last answer: the duration and a little.
  EXPECT_GE(r.measured_seconds, 0.29);
  EXPECT_LT(r.measured_seconds, 2.0);
}

TEST_F(LoadRunnerTest, OpenLoopKeepsItsRate) {
  options_.mode = Mode::kRate;
  options_.rate = 400;
  options_.duration_seconds = 0.5;
  const LoadResult r = RunEcho();
  // Calls are due at 0, 2.5 ms, ... < 500 ms: exactly 200 of them.
  EXPECT_EQ(r.calls, 200);
  EXPECT_EQ(r.measured_ok, 200);
  EXPECT_NEAR(r.OkPerSecond(), 400, 40);
}

TEST_F(LoadRunnerTest, OpenLoopStopsAfterRequests) {
  options_.mode = Mode::kRate;
  options_.rate = 1000;
  options_.duration_seconds = 0;
  options_.requests = 50;
  EXPECT_EQ(RunEcho().calls, 50);
}

TEST_F(LoadRunnerTest, CountsErrorsByCode) {
  options_.concurrency = 4;
  options_.duration_seconds = 0;
  options_.requests = 40;
  FailCalls calls(MakeChannels(options_.server, options_.channels));
  const LoadResult r = LoadRunner(options_, calls).Run();
  EXPECT_EQ(r.calls, 40);
  EXPECT_EQ(r.measured_ok, 0);
  EXPECT_EQ(r.measured_errors, 40);
  EXPECT_EQ(r.errors.at("RESOURCE_EXHAUSTED"), 40);
  EXPECT_EQ(r.latency.count(), 0);
  EXPECT_THAT(FormatJson(options_, r), HasSubstr("\"errors_by_code\":{\"RESOURCE_EXHAUSTED\":40}"));
  EXPECT_THAT(FormatSummary(options_, r), HasSubstr("RESOURCE_EXHAUSTED 40"));
}

TEST_F(LoadRunnerTest, RecordsOneLinePerCallWithItsCodeAndTimes) {
  options_.concurrency = 4;
  options_.duration_seconds = 0;
  options_.requests = 12;
  options_.timeout_ms = 5000;
  options_.record_path = "unused: the runner only collects the lines";
  FailCalls calls(MakeChannels(options_.server, options_.channels));
  const LoadResult r = LoadRunner(options_, calls).Run();
  ASSERT_EQ(r.records.size(), 12u);
  std::set<std::string> sequences;
  for (const std::string& line : r.records) {
    const std::vector<std::string> f = absl::StrSplit(line, '\t');
    // sequence, sent, ended, deadline, code, message, then the factory's (none here).
    ASSERT_EQ(f.size(), 7u) << line;
    sequences.insert(f[0]);
    int64_t sent = 0, ended = 0, deadline = 0;
    ASSERT_TRUE(absl::SimpleAtoi(f[1], &sent) && absl::SimpleAtoi(f[2], &ended) &&
                absl::SimpleAtoi(f[3], &deadline))
        << line;
    EXPECT_LE(sent, ended);
    EXPECT_EQ(deadline - sent, 5000);
    EXPECT_EQ(f[4], "RESOURCE_EXHAUSTED");
  }
  EXPECT_EQ(sequences.size(), 12u);
}

TEST_F(LoadRunnerTest, RecordsNothingWithoutARecordPath) {
  options_.concurrency = 2;
  options_.duration_seconds = 0;
  options_.requests = 5;
  EXPECT_TRUE(RunEcho().records.empty());
}

TEST_F(LoadRunnerTest, UnreachableServerGivesUnavailable) {
  server_->Shutdown();
  options_.concurrency = 2;
  options_.duration_seconds = 0;
  options_.requests = 4;
  options_.timeout_ms = 2000;
  const LoadResult r = RunEcho();
  EXPECT_EQ(r.calls, 4);
  EXPECT_EQ(r.total_errors(), 4);
}

TEST(ReportTest, JsonHasTheFlatFields) {
  LoadOptions options;
  options.target = Target::kRegister;
  options.concurrency = 64;
  LoadResult r;
  r.calls = 10;
  r.measured_ok = 10;
  r.measured_seconds = 2;
  r.answers[static_cast<int>(Answer::kConfirmed)] = 7;
  r.answers[static_cast<int>(Answer::kWaitlisted)] = 3;
  for (int v = 1; v <= 10; ++v) r.latency.Record(int64_t{v} * 10);  // exact below 128 us
  const std::string json = FormatJson(options, r);
  EXPECT_THAT(json, HasSubstr("\"target\":\"register\""));
  EXPECT_THAT(json, HasSubstr("\"concurrency\":64"));
  EXPECT_THAT(json, HasSubstr("\"ok_per_second\":5.0"));
  EXPECT_THAT(json, HasSubstr("\"p50_us\":50,"));
  EXPECT_THAT(json, HasSubstr("\"max_us\":100,"));
  EXPECT_THAT(json, HasSubstr("\"confirmed\":7,\"waitlisted\":3"));
  EXPECT_THAT(json, HasSubstr("\"client_cpu_seconds\":"));
  EXPECT_THAT(json, HasSubstr("\"errors_by_code\":{}"));
  EXPECT_EQ(json.find('\n'), std::string::npos);
  EXPECT_THAT(FormatSummary(options, r), HasSubstr("confirmed 7, waitlisted 3"));
}

TEST(RegisterCallsTest, EmailsAreUniquePerRunAndCall) {
  RegisterCalls calls({}, {"evt_1"}, "bench", "0a1b2c3d");
  EXPECT_EQ(calls.EmailFor(42), "bench-0a1b2c3d-42@bench.example.org");
  EXPECT_NE(NewRunId(), NewRunId());
  EXPECT_EQ(NewRunId().size(), 8u);
}

TEST(RegisterCallsTest, SeveralEventsTakeTheCallsInTurn) {
  RegisterCalls calls({}, {"evt_1", "evt_2", "evt_3"}, "bench", "0a1b2c3d");
  EXPECT_EQ(calls.EventFor(0), "evt_1");
  EXPECT_EQ(calls.EventFor(1), "evt_2");
  EXPECT_EQ(calls.EventFor(2), "evt_3");
  EXPECT_EQ(calls.EventFor(3), "evt_1");
  EXPECT_EQ(calls.EventFor(40), "evt_2");
}

}  // namespace
}  // namespace events::loadgen
