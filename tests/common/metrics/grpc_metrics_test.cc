#include "common/metrics/grpc_metrics.h"

#include <gmock/gmock.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <future>
#include <memory>
#include <sstream>
#include <string>

#include "common/log/protobuf_log.h"
#include "common/log/request_id.h"
#include "common/testing/grpc_service_harness.h"
#include "registry_reader.h"
#include "testing/echo_service.h"

namespace events::metrics {
namespace {

using ::events::testing::EchoRequest;
using ::events::testing::EchoResponse;
using ::events::testing::EchoService;
using ::events::testing::FailRequest;
using ::events::testing::MetricValue;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kService[] = "events.testing.EchoService";

// Echo that also reports the request id the handler saw.
class RequestIdEcho : public events::testing::EchoServiceImpl {
 public:
  grpc::Status Echo(grpc::ServerContext* context, const EchoRequest* request,
                    EchoResponse* response) override {
    response->set_request_id(logging::RequestIdOf(*context));
    return EchoServiceImpl::Echo(context, request, response);
  }
};

// A bare gRPC server serving `service` with only the observability interceptor, on a free
// loopback port, and a channel to it; `quota` (optional) limits its threads.
struct InterceptedServer {
  std::unique_ptr<grpc::Server> server;
  std::shared_ptr<grpc::Channel> channel;
};

InterceptedServer StartInterceptedServer(grpc::Service* service,
                                         std::shared_ptr<prometheus::Registry> registry,
                                         grpc::ResourceQuota* quota = nullptr) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  if (quota != nullptr) builder.SetResourceQuota(*quota);
  builder.RegisterService(service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(MakeObservabilityInterceptorFactory(std::move(registry)));
  builder.experimental().SetInterceptorCreators(std::move(creators));
  InterceptedServer started;
  started.server = builder.BuildAndStart();
  started.channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  return started;
}

// A bare gRPC server with only the observability interceptor, on a free port.
class GrpcMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Capture the access log instead of printing it.
    auto logger = std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
    logger->set_pattern("%l %v");
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);

    InterceptedServer started = StartInterceptedServer(&service_, registry_);
    server_ = std::move(started.server);
    ASSERT_NE(server_, nullptr);
    stub_ = EchoService::NewStub(started.channel);
  }

  void TearDown() override {
    server_->Shutdown();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("default"));
  }

  grpc::Status Echo(const std::string& message, EchoResponse* response,
                    grpc::ClientContext* context) {
    EchoRequest request;
    request.set_message(message);
    return stub_->Echo(context, request, response);
  }

  grpc::Status Fail(grpc::StatusCode code) {
    grpc::ClientContext context;
    FailRequest request;
    request.set_code(code);
    EchoResponse response;
    return stub_->Fail(&context, request, &response);
  }

  double Handled(const std::string& method, const std::string& code) {
    return MetricValue(*registry_, "grpc_server_handled_total",
                       {{"grpc_service", kService}, {"grpc_method", method}, {"grpc_code", code}});
  }

  std::ostringstream log_;
  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  RequestIdEcho service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<EchoService::Stub> stub_;
};

TEST_F(GrpcMetricsTest, CountsEveryCallByMethodAndCode) {
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext context;
    EchoResponse response;
    ASSERT_TRUE(Echo("hi", &response, &context).ok());
  }
  EXPECT_EQ(Fail(grpc::StatusCode::INVALID_ARGUMENT).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fail(grpc::StatusCode::INVALID_ARGUMENT).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fail(grpc::StatusCode::NOT_FOUND).error_code(), grpc::StatusCode::NOT_FOUND);

  // The status is counted before it is sent, so the counts are exact once calls return.
  EXPECT_EQ(Handled("Echo", "OK"), 3);
  EXPECT_EQ(Handled("Fail", "INVALID_ARGUMENT"), 2);
  EXPECT_EQ(Handled("Fail", "NOT_FOUND"), 1);
  EXPECT_EQ(Handled("Fail", "OK"), 0);
  EXPECT_EQ(MetricValue(*registry_, "grpc_server_started_total",
                        {{"grpc_service", kService}, {"grpc_method", "Fail"}}),
            3);
  EXPECT_EQ(MetricValue(*registry_, "grpc_server_handling_seconds",
                        {{"grpc_service", kService}, {"grpc_method", "Echo"}}),
            3);
}

TEST_F(GrpcMetricsTest, ClientRequestIdReachesHandlerAndComesBack) {
  grpc::ClientContext context;
  context.AddMetadata("x-request-id", "client-req-42");
  EchoResponse response;
  ASSERT_TRUE(Echo("hi", &response, &context).ok());
  EXPECT_EQ(response.request_id(), "client-req-42");
  auto sent_back = context.GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(sent_back, context.GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(sent_back->second.data(), sent_back->second.size()), "client-req-42");
}

TEST_F(GrpcMetricsTest, GeneratedRequestIdIsTheSameForHandlerAndClient) {
  grpc::ClientContext context;
  context.AddMetadata("x-request-id", "{}");  // nothing usable survives sanitising
  EchoResponse response;
  ASSERT_TRUE(Echo("hi", &response, &context).ok());
  EXPECT_EQ(response.request_id().size(), 32u);
  auto sent_back = context.GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(sent_back, context.GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(sent_back->second.data(), sent_back->second.size()), response.request_id());
}

TEST_F(GrpcMetricsTest, RequestIdSentBackOnFailedCalls) {
  grpc::ClientContext context;
  context.AddMetadata("x-request-id", "failing-1");
  FailRequest request;
  request.set_code(grpc::StatusCode::PERMISSION_DENIED);
  EchoResponse response;
  EXPECT_FALSE(stub_->Fail(&context, request, &response).ok());
  auto sent_back = context.GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(sent_back, context.GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(sent_back->second.data(), sent_back->second.size()), "failing-1");
}

TEST_F(GrpcMetricsTest, WritesOneAccessLogLinePerCall) {
  grpc::ClientContext context;
  context.AddMetadata("x-request-id", "log-me");
  context.AddMetadata("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  EchoResponse response;
  ASSERT_TRUE(Echo("hi", &response, &context).ok());
  Fail(grpc::StatusCode::UNAVAILABLE);
  const std::string log = log_.str();
  EXPECT_THAT(log, HasSubstr("info call rpc=/events.testing.EchoService/Echo code=OK "
                             "duration_ms="));
  // The caller's trace, this call's own span under the caller's, then the peer.
  EXPECT_THAT(log, HasSubstr("request_id=log-me trace_id=4bf92f3577b34da6a3ce929d0e0e4736 "
                             "span_id="));
  EXPECT_THAT(log, HasSubstr(" parent_span_id=00f067aa0ba902b7 peer=ipv4:127.0.0.1:"));
  // A call without a traceparent starts a trace: it has one, and no parent.
  EXPECT_THAT(log, ::testing::ContainsRegex(
                       "rpc=/events.testing.EchoService/Fail code=UNAVAILABLE duration_ms=[0-9.]+ "
                       "request_id=[0-9a-f]+ trace_id=[0-9a-f]+ span_id=[0-9a-f]+ peer="));
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 2);
}

// The same echo through gRPC's callback API, which registration's Register uses.
class CallbackEcho : public EchoService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context, const EchoRequest* request,
                                 EchoResponse* response) override {
    response->set_message(request->message());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

// Sends `bytes` as the request of EchoService/Echo, whatever they are.
grpc::Status SendRawEcho(const std::shared_ptr<grpc::Channel>& channel, const std::string& bytes) {
  return events::testing::CallWithBytes(channel, "/events.testing.EchoService/Echo", bytes);
}

class UndecodableRequestTest : public ::testing::TestWithParam<bool> {};

TEST_P(UndecodableRequestTest, IsInvalidArgumentNamingTheProblem) {
  logging::RouteProtobufLogs();
  std::ostringstream log;
  auto logger = std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  logger->set_pattern("%l %v");
  spdlog::set_default_logger(logger);

  auto registry = std::make_shared<prometheus::Registry>();
  events::testing::EchoServiceImpl sync_service;
  CallbackEcho callback_service;
  grpc::Service* service = &sync_service;
  if (GetParam()) service = &callback_service;
  InterceptedServer started = StartInterceptedServer(service, registry);
  ASSERT_NE(started.server, nullptr);
  std::unique_ptr<grpc::Server> server = std::move(started.server);
  auto channel = started.channel;

  // Field 1 (a string) holding bytes that are not UTF-8.
  grpc::Status utf8 = SendRawEcho(channel, std::string("\x0a\x02\xff\xfe", 4));
  EXPECT_EQ(utf8.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(utf8.error_message(), HasSubstr("/events.testing.EchoService/Echo"));
  EXPECT_THAT(utf8.error_message(), HasSubstr("events.testing.EchoRequest.message"));
  EXPECT_THAT(utf8.error_message(), HasSubstr("UTF-8"));
  // Not protobuf at all (a field number 0 is never valid).
  grpc::Status garbage = SendRawEcho(channel, std::string("\x00\x01\x02garbage", 10));
  EXPECT_EQ(garbage.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(garbage.error_message(), HasSubstr("not a valid protobuf message"));
  // A good request still works, and the access log counts what the client got.
  EXPECT_TRUE(SendRawEcho(channel, std::string("\x0a\x02hi", 4)).ok());
  EXPECT_EQ(MetricValue(*registry, "grpc_server_handled_total",
                        {{"grpc_method", "Echo"}, {"grpc_code", "INVALID_ARGUMENT"}}),
            2);
  EXPECT_THAT(log.str(), Not(HasSubstr("[libprotobuf")));
  server->Shutdown();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("default"));
}

// A sync server with no thread free refuses a call with RESOURCE_EXHAUSTED and hands the
// interceptor a null message too: that must stay RESOURCE_EXHAUSTED (retry), not become
// INVALID_ARGUMENT (do not retry).
TEST(ThreadLimitTest, AServerOutOfThreadsStaysResourceExhausted) {
  logging::RouteProtobufLogs();
  auto registry = std::make_shared<prometheus::Registry>();
  events::testing::EchoServiceImpl service;
  grpc::ResourceQuota quota("test");
  quota.SetMaxThreads(2);
  InterceptedServer started = StartInterceptedServer(&service, registry, &quota);
  ASSERT_NE(started.server, nullptr);
  std::unique_ptr<grpc::Server> server = std::move(started.server);
  auto channel = started.channel;
  std::vector<std::future<grpc::StatusCode>> calls;
  calls.reserve(12);
  for (int i = 0; i < 12; ++i) {
    calls.push_back(std::async(std::launch::async, [channel] {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      events::testing::SlowRequest request;
      request.set_delay_ms(500);
      EchoResponse response;
      return EchoService::NewStub(channel)->Slow(&context, request, &response).error_code();
    }));
  }
  int exhausted = 0;
  for (auto& call : calls) {
    const grpc::StatusCode code = call.get();
    EXPECT_NE(code, grpc::StatusCode::INVALID_ARGUMENT);
    if (code == grpc::StatusCode::RESOURCE_EXHAUSTED) ++exhausted;
  }
  EXPECT_GT(exhausted, 0) << "the thread limit never refused a call; the test proves nothing";
  server->Shutdown();
}

INSTANTIATE_TEST_SUITE_P(SyncAndCallbackApis, UndecodableRequestTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param_info) {
                           return param_info.param ? "Callback" : "Sync";
                         });

TEST(GrpcCodeNameTest, NamesEveryCode) {
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::INVALID_ARGUMENT), "INVALID_ARGUMENT");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::FAILED_PRECONDITION), "FAILED_PRECONDITION");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::UNAUTHENTICATED), "UNAUTHENTICATED");
  // 20 is no code, yet inside the enum's range of values (it goes up to 31): casting a number
  // beyond that range, as 99 was, is unspecified behaviour.
  EXPECT_EQ(GrpcCodeName(static_cast<grpc::StatusCode>(20)), "UNKNOWN");
}

TEST(GrpcServerMetricsTest, RegisteringTwiceSharesFamilies) {
  prometheus::Registry registry;
  GrpcServerMetrics first(registry);
  GrpcServerMetrics second(registry);
  EXPECT_EQ(&first.handled, &second.handled);
}

}  // namespace
}  // namespace events::metrics
