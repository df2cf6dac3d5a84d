// One trace across two real services: a call into registration that makes registration call
// scheduling (over gRPC, in this process, on the test Redis) logs the same trace_id and
// request_id in both services' access lines, whether the caller sent a traceparent or not.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/log/log_formatters.h"
#include "common/log/trace_context.h"
#include "gtest/gtest.h"
#include "tests/registration/facts/in_process_registration.h"

namespace events::registration {
namespace {

constexpr char kTraceId[] = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr char kParentId[] = "00f067aa0ba902b7";
constexpr char kGetAvailability[] = "/events.v1.RegistrationService/GetAvailability";
constexpr char kRegister[] = "/events.v1.RegistrationService/Register";
constexpr char kGetEvent[] = "/events.v1.SchedulingService/GetEvent";

// Every line the process logs, formatted as the services format them (JSON), kept for the
// test; lines come from gRPC's threads, so under the sink's lock.
class KeptLines final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> Lines() {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t buf;
    formatter_->format(msg, buf);
    lines_.emplace_back(buf.data(), buf.size());
  }
  void flush_() override {}

 private:
  std::vector<std::string> lines_;
};

using Line = std::map<std::string, std::string>;  // a line's string members

std::optional<Line> Parse(const std::string& text) {
  google::protobuf::Struct parsed;
  if (!google::protobuf::util::JsonStringToMessage(text, &parsed).ok()) return std::nullopt;
  Line line;
  for (const auto& [key, value] : parsed.fields()) {
    if (value.kind_case() == google::protobuf::Value::kStringValue) {
      line[key] = value.string_value();
    }
  }
  return line;
}

bool IsLowerHex(const std::string& text, size_t length) {
  return text.size() == length && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

class TracePropagationTest : public testing::InProcessRegistrationTest {
 protected:
  void SetUp() override {
    previous_ = spdlog::default_logger();
    kept_ = std::make_shared<KeptLines>();
    kept_->set_formatter(logging::MakeJsonFormatter("test"));
    auto logger = std::make_shared<spdlog::logger>("test", kept_);
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger);
    InProcessRegistrationTest::SetUp();
  }
  void TearDown() override {
    InProcessRegistrationTest::TearDown();
    spdlog::set_default_logger(previous_);
  }

  // The access line of the call to `rpc` with request id `request_id`, waiting up to 10 s
  // for it (a server writes it as its answer goes out, on its own thread). Every line must
  // be valid JSON.
  std::optional<Line> AccessLine(const std::string& rpc, const std::string& request_id) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      for (const std::string& text : kept_->Lines()) {
        std::optional<Line> line = Parse(text);
        EXPECT_TRUE(line.has_value()) << "not JSON: " << text;
        if (line && (*line)["msg"] == "call" && (*line)["rpc"] == rpc &&
            (*line)["request_id"] == request_id) {
          return line;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "no access line of " << rpc << " with request_id " << request_id;
    return std::nullopt;
  }

  std::unique_ptr<grpc::ClientContext> Traced(const std::string& request_id,
                                              const std::string& traceparent) {
    auto context = Call("");
    context->AddMetadata("x-request-id", request_id);
    if (!traceparent.empty()) context->AddMetadata("traceparent", traceparent);
    return context;
  }

  // A published event whose facts registration has not seen: its first call about it asks
  // scheduling (no facts projector runs here).
  std::string NewEvent() {
    const events::v1::Event event = MustCreate();
    MustPublish(event.id());
    return event.id();
  }

  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<KeptLines> kept_;
};

TEST_F(TracePropagationTest, ASyncCallCarriesTheCallersTraceToScheduling) {
  const std::string event_id = NewEvent();
  events::v1::GetAvailabilityRequest request;
  request.set_event_id(event_id);
  events::v1::Availability availability;
  const std::string traceparent = logging::FormatTraceParent(kTraceId, kParentId, "01");
  grpc::Status s =
      reg_stub_->GetAvailability(Traced("trace-sync-1", traceparent).get(), request, &availability);
  ASSERT_TRUE(s.ok()) << s.error_message();

  std::optional<Line> registration = AccessLine(kGetAvailability, "trace-sync-1");
  std::optional<Line> scheduling = AccessLine(kGetEvent, "trace-sync-1");
  ASSERT_TRUE(registration && scheduling);
  EXPECT_EQ((*registration)["trace_id"], kTraceId);
  EXPECT_EQ((*registration)["parent_span_id"], kParentId);
  EXPECT_TRUE(IsLowerHex((*registration)["span_id"], 16));
  // Scheduling is in the same trace, as a child of the client span registration sent it
  // (a span of its own, neither the caller's nor registration's server span).
  EXPECT_EQ((*scheduling)["trace_id"], kTraceId);
  EXPECT_TRUE(IsLowerHex((*scheduling)["parent_span_id"], 16));
  EXPECT_NE((*scheduling)["parent_span_id"], kParentId);
  EXPECT_NE((*scheduling)["parent_span_id"], (*registration)["span_id"]);
  EXPECT_NE((*scheduling)["span_id"], (*registration)["span_id"]);
}

TEST_F(TracePropagationTest, RegisterCarriesTheTraceThroughItsThreadPool) {
  const std::string event_id = NewEvent();
  events::v1::RegisterRequest request;
  request.set_event_id(event_id);
  request.set_name("Ada Traceable");
  request.set_email("ada.traceable@example.org");
  events::v1::RegisterResponse response;
  const std::string traceparent = logging::FormatTraceParent(kTraceId, kParentId, "00");
  grpc::Status s =
      reg_stub_->Register(Traced("trace-register-1", traceparent).get(), request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();

  std::optional<Line> registration = AccessLine(kRegister, "trace-register-1");
  std::optional<Line> scheduling = AccessLine(kGetEvent, "trace-register-1");
  ASSERT_TRUE(registration && scheduling);
  EXPECT_EQ((*registration)["trace_id"], kTraceId);
  EXPECT_EQ((*scheduling)["trace_id"], kTraceId);
}

TEST_F(TracePropagationTest, ACallWithoutAValidTraceparentStartsAFreshTraceThatCarriesOn) {
  const std::string event_id = NewEvent();
  events::v1::GetAvailabilityRequest request;
  request.set_event_id(event_id);
  events::v1::Availability availability;
  // None at all; then one in upper case, which the spec says to ignore.
  ASSERT_TRUE(
      reg_stub_->GetAvailability(Traced("trace-none", "").get(), request, &availability).ok());
  const std::string upper = "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01";
  ASSERT_TRUE(
      reg_stub_->GetAvailability(Traced("trace-upper", upper).get(), request, &availability).ok());

  std::optional<Line> none = AccessLine(kGetAvailability, "trace-none");
  std::optional<Line> ignored = AccessLine(kGetAvailability, "trace-upper");
  ASSERT_TRUE(none && ignored);
  for (Line* line : {&*none, &*ignored}) {
    EXPECT_TRUE(logging::ParseTraceParent(
        logging::FormatTraceParent((*line)["trace_id"], (*line)["span_id"], "00")))
        << (*line)["trace_id"] << " " << (*line)["span_id"];
    EXPECT_EQ(line->count("parent_span_id"), 0u);  // the trace started here
  }
  EXPECT_NE((*none)["trace_id"], (*ignored)["trace_id"]);
  EXPECT_NE((*ignored)["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
  // The first call asked scheduling, in the trace registration started.
  std::optional<Line> scheduling = AccessLine(kGetEvent, "trace-none");
  ASSERT_TRUE(scheduling);
  EXPECT_EQ((*scheduling)["trace_id"], (*none)["trace_id"]);
}

TEST_F(TracePropagationTest, AnOrganisersCallLogsItsOrganisation) {
  auto context = Traced("trace-org", "");
  context->AddMetadata("authorization", "Bearer " + organiser_key_);
  events::v1::CreateEventRequest create;
  *create.mutable_details() = testing::FutureWebinar();
  events::v1::Event event;
  ASSERT_TRUE(stub_->CreateEvent(context.get(), create, &event).ok());
  std::optional<Line> line = AccessLine("/events.v1.SchedulingService/CreateEvent", "trace-org");
  ASSERT_TRUE(line);
  EXPECT_EQ((*line)["org_id"], org_);
}

}  // namespace
}  // namespace events::registration
