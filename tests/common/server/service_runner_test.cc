#include "common/server/service_runner.h"

#include <gmock/gmock.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "grpc_probes.h"
#include "registry_reader.h"
#include "testing/echo_service.h"

namespace events::server {
namespace {

using ::events::testing::CheckHealth;
using ::events::testing::EchoRequest;
using ::events::testing::EchoResponse;
using ::events::testing::EchoService;
using ::events::testing::Eventually;
using ::events::testing::kHealthNotServing;
using ::events::testing::kHealthServing;
using ::events::testing::MetricValue;
using ::events::testing::SlowRequest;
using ::testing::Contains;
using ::testing::HasSubstr;

constexpr char kEchoService[] = "events.testing.EchoService";

ServerOptions TestOptions() {
  ServerOptions options;
  options.service_name = "echo";
  options.listen_host = "127.0.0.1";
  return options;
}

class ServiceRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Keep the runner's logs for assertions instead of printing them.
    auto logger = std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
    logger->set_pattern("%l %v");
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
  }

  void TearDown() override {
    runner_.reset();  // shuts down before the logger goes
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("default"));
  }

  // Starts a runner with the echo service; returns its channel.
  std::shared_ptr<grpc::Channel> StartRunner(ServerOptions options) {
    runner_ = std::make_unique<ServiceRunner>(std::move(options), registry_);
    runner_->AddService(&echo_);
    absl::StatusOr<int> port = runner_->Start();
    EXPECT_TRUE(port.ok()) << port.status();
    if (!port.ok()) return nullptr;
    EXPECT_EQ(*port, runner_->grpc_port());
    return grpc::CreateChannel("127.0.0.1:" + std::to_string(*port),
                               grpc::InsecureChannelCredentials());
  }

  static grpc::Status CallEcho(const std::shared_ptr<grpc::Channel>& channel) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    EchoRequest request;
    request.set_message("hi");
    EchoResponse response;
    return EchoService::NewStub(channel)->Echo(&context, request, &response);
  }

  // Starts Slow("late", `delay_ms`) on a thread of its own: the answer's message, or
  // "failed: " and the error.
  static std::future<std::string> StartSlowCall(const std::shared_ptr<grpc::Channel>& channel,
                                                int delay_ms) {
    return std::async(std::launch::async, [channel, delay_ms] {
      grpc::ClientContext context;
      SlowRequest request;
      request.set_message("late");
      request.set_delay_ms(delay_ms);
      EchoResponse response;
      grpc::Status status = EchoService::NewStub(channel)->Slow(&context, request, &response);
      return status.ok() ? response.message() : "failed: " + status.error_message();
    });
  }

  static int Health(const std::shared_ptr<grpc::Channel>& channel, const std::string& service) {
    int serving = -1;
    grpc::Status status = CheckHealth(channel, service, &serving);
    return status.ok() ? serving : -static_cast<int>(status.error_code());
  }

  std::ostringstream log_;
  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  events::testing::EchoServiceImpl echo_;
  std::unique_ptr<ServiceRunner> runner_;
};

TEST_F(ServiceRunnerTest, HealthIsServingForServerAndEachService) {
  auto channel = StartRunner(TestOptions());
  ASSERT_NE(channel, nullptr);
  EXPECT_EQ(Health(channel, ""), kHealthServing);
  EXPECT_EQ(Health(channel, kEchoService), kHealthServing);
  // A service this server does not run is unknown to health, not serving.
  EXPECT_EQ(Health(channel, "events.v1.NoSuchService"), -grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(log_.str(), HasSubstr("echo serving gRPC on 127.0.0.1:"));
  // gRPC's own services are not listed as the service's.
  EXPECT_THAT(log_.str(), HasSubstr(" (events.testing.EchoService)"));
}

TEST_F(ServiceRunnerTest, ReflectionListsServices) {
  auto channel = StartRunner(TestOptions());
  ASSERT_NE(channel, nullptr);
  std::vector<std::string> names;
  grpc::Status status = events::testing::ListServices(channel, &names);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(names, Contains(kEchoService));
  EXPECT_THAT(names, Contains("grpc.health.v1.Health"));
}

TEST_F(ServiceRunnerTest, MetricsEndpointServesCallCounts) {
  ServerOptions options = TestOptions();
  options.metrics_port = 0;
  auto channel = StartRunner(options);
  ASSERT_NE(channel, nullptr);
  ASSERT_GT(runner_->metrics_port(), 0);
  ASSERT_TRUE(CallEcho(channel).ok());

  const std::string response = events::testing::HttpGet(runner_->metrics_port(), "/metrics");
  EXPECT_THAT(response, HasSubstr("200 OK"));
  EXPECT_THAT(response, HasSubstr("grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Echo\","
                                  "grpc_service=\"events.testing.EchoService\"} 1"));
  EXPECT_THAT(response, HasSubstr("grpc_server_handling_seconds_bucket"));
}

// Connects to 127.0.0.1:`port` and sends nothing, as a stalled or idle client would.
int OpenIdleConnection(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

TEST_F(ServiceRunnerTest, MetricsAnswerWhileHundredsOfIdleConnectionsAreOpen) {
  ServerOptions options = TestOptions();
  options.metrics_port = 0;
  auto channel = StartRunner(options);
  ASSERT_NE(channel, nullptr);
  std::vector<int> idle;
  for (int i = 0; i < 500; ++i) {
    const int fd = OpenIdleConnection(runner_->metrics_port());
    ASSERT_GE(fd, 0) << "connection " << i;
    idle.push_back(fd);
  }
  const int port = runner_->metrics_port();
  auto scrape =
      std::async(std::launch::async, [port] { return events::testing::HttpGet(port, "/metrics"); });
  // prometheus-cpp's exposer (two threads, each held by one idle connection for 30 s) made
  // this wait half a minute.
  ASSERT_EQ(scrape.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  const std::string response = scrape.get();
  EXPECT_THAT(response, HasSubstr("200 OK"));
  EXPECT_THAT(response, HasSubstr("text/plain; version=0.0.4"));
  EXPECT_THAT(events::testing::HttpGet(port, "/other"), HasSubstr("404 Not Found"));
  for (int fd : idle) close(fd);
}

TEST_F(ServiceRunnerTest, RequestsOverTheSizeLimitAreRefusedBeforeParsing) {
  ServerOptions options = TestOptions();
  options.max_receive_message_bytes = 1024;
  auto channel = StartRunner(options);
  ASSERT_NE(channel, nullptr);
  grpc::ClientContext context;
  EchoRequest request;
  request.set_message(std::string(2000, 'x'));
  EchoResponse response;
  grpc::Status status = EchoService::NewStub(channel)->Echo(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  request.set_message(std::string(900, 'x'));
  grpc::ClientContext small;
  EXPECT_TRUE(EchoService::NewStub(channel)->Echo(&small, request, &response).ok());
}

TEST_F(ServiceRunnerTest, MetricsOffByDefault) {
  auto channel = StartRunner(TestOptions());
  ASSERT_NE(channel, nullptr);
  EXPECT_EQ(runner_->metrics_port(), 0);
}

TEST_F(ServiceRunnerTest, HealthChecksLogAtDebugAndCallsAtInfo) {
  auto channel = StartRunner(TestOptions());
  ASSERT_NE(channel, nullptr);
  ASSERT_EQ(Health(channel, ""), kHealthServing);
  ASSERT_TRUE(CallEcho(channel).ok());
  EXPECT_THAT(log_.str(), HasSubstr("debug call rpc=/grpc.health.v1.Health/Check code=OK"));
  EXPECT_THAT(log_.str(), HasSubstr("info call rpc=/events.testing.EchoService/Echo code=OK"));
}

TEST_F(ServiceRunnerTest, ShutdownReportsNotServingThenDrainsInFlightCalls) {
  ServerOptions options = TestOptions();
  options.shutdown_grace = std::chrono::milliseconds(300);
  options.drain_timeout = std::chrono::milliseconds(10000);
  auto channel = StartRunner(options);
  ASSERT_NE(channel, nullptr);

  // A call that is still running when Shutdown starts.
  auto slow = StartSlowCall(channel, 800);
  ASSERT_TRUE(Eventually([&] {
    return MetricValue(*registry_, "grpc_server_started_total", {{"grpc_method", "Slow"}}) == 1;
  }));

  auto shutdown = std::async(std::launch::async, [this] { runner_->Shutdown(); });
  // During the grace period the listener is open but health already says NOT_SERVING, so
  // probes fail before any call is refused.
  EXPECT_TRUE(Eventually([&] { return Health(channel, "") == kHealthNotServing; }));
  EXPECT_EQ(Health(channel, kEchoService), kHealthNotServing);

  EXPECT_EQ(slow.get(), "late");
  shutdown.get();
  // Refused once shut down.
  EXPECT_FALSE(CallEcho(channel).ok());
  const std::string log = log_.str();
  EXPECT_THAT(log, HasSubstr("health set to NOT_SERVING"));
  EXPECT_THAT(log, HasSubstr("waiting 300 ms before closing the gRPC listener"));
  EXPECT_THAT(log, HasSubstr("gRPC server stopped"));
  // The drained call finished with OK.
  EXPECT_EQ(MetricValue(*registry_, "grpc_server_handled_total",
                        {{"grpc_method", "Slow"}, {"grpc_code", "OK"}}),
            1);
}

TEST_F(ServiceRunnerTest, ShutdownRefusesNewCallsAtOnceWhileInFlightCallsFinish) {
  ServerOptions options = TestOptions();
  options.drain_timeout = std::chrono::milliseconds(20000);
  auto channel = StartRunner(options);
  ASSERT_NE(channel, nullptr);
  auto slow = StartSlowCall(channel, 1500);
  ASSERT_TRUE(Eventually([&] {
    return MetricValue(*registry_, "grpc_server_started_total", {{"grpc_method", "Slow"}}) == 1;
  }));
  const auto start = std::chrono::steady_clock::now();
  auto shutdown = std::async(std::launch::async, [this] { runner_->Shutdown(); });
  ASSERT_TRUE(
      Eventually([&] { return log_.str().find("gRPC listener closed") != std::string::npos; }));
  // A new client, and the old one, are refused while the slow call still runs.
  auto fresh = grpc::CreateChannel("127.0.0.1:" + std::to_string(runner_->grpc_port()),
                                   grpc::InsecureChannelCredentials());
  EXPECT_FALSE(CallEcho(fresh).ok());
  EXPECT_FALSE(CallEcho(channel).ok());
  EXPECT_EQ(slow.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  EXPECT_EQ(MetricValue(*registry_, "grpc_server_handled_total",
                        {{"grpc_method", "Echo"}, {"grpc_code", "OK"}}),
            0);
  // The call in flight finishes normally, and shutdown returns right after it, not after
  // the 20 s drain timeout.
  EXPECT_EQ(slow.get(), "late");
  shutdown.get();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(8));
  EXPECT_THAT(log_.str(), HasSubstr("no call in flight"));
}

TEST_F(ServiceRunnerTest, ServeUntilShutdownStopsWorkersOnlyOnceTheServerIsDown) {
  auto channel = StartRunner(TestOptions());
  ASSERT_NE(channel, nullptr);
  std::vector<std::string> seen;
  auto serve = std::async(std::launch::async, [&] {
    ServeUntilShutdown(*runner_,
                       {[&] { seen.push_back("first:" + std::to_string(Health(channel, ""))); },
                        [&] { seen.emplace_back("second"); }});
  });
  EXPECT_TRUE(CallEcho(channel).ok());
  runner_->RequestShutdown();
  ASSERT_EQ(serve.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  // By the time the first worker is stopped, the server no longer answers at all (health
  // included), and the workers stop in the order given.
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_NE(seen[0], "first:" + std::to_string(kHealthServing));
  EXPECT_EQ(seen[1], "second");
  EXPECT_THAT(log_.str(), HasSubstr("stopping 2 background worker(s)"));
}

TEST_F(ServiceRunnerTest, OpenHealthWatchDoesNotHoldUpShutdown) {
  ServerOptions options = TestOptions();
  options.drain_timeout = std::chrono::milliseconds(20000);
  auto channel = StartRunner(options);
  ASSERT_NE(channel, nullptr);
  // A load balancer watching health keeps a stream open for as long as the server lives.
  auto watch = events::testing::WatchHealth(channel, "");
  ASSERT_NE(watch, nullptr);
  EXPECT_EQ(watch->first_status(), kHealthServing);
  const auto start = std::chrono::steady_clock::now();
  runner_->Shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(ServiceRunnerTest, ShutdownIsIdempotentAndStartOnlyOnce) {
  auto channel = StartRunner(TestOptions());
  ASSERT_NE(channel, nullptr);
  EXPECT_EQ(runner_->Start().status().code(), absl::StatusCode::kFailedPrecondition);
  runner_->Shutdown();
  runner_->Shutdown();
  // Shutdown also releases anyone waiting.
  runner_->WaitForShutdown();
}

TEST_F(ServiceRunnerTest, RequestShutdownWakesWaitForShutdown) {
  auto channel = StartRunner(TestOptions());
  ASSERT_NE(channel, nullptr);
  auto waiter = std::async(std::launch::async, [this] { runner_->WaitForShutdown(); });
  EXPECT_EQ(waiter.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  runner_->RequestShutdown();
  EXPECT_EQ(waiter.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  // RequestShutdown only wakes; the server still answers until Shutdown.
  EXPECT_TRUE(CallEcho(channel).ok());
}

TEST_F(ServiceRunnerTest, SigtermWakesWaitForShutdownWhenSignalsHandled) {
  ServerOptions options = TestOptions();
  options.handle_signals = true;
  auto channel = StartRunner(options);
  ASSERT_NE(channel, nullptr);
  auto waiter = std::async(std::launch::async, [this] { runner_->WaitForShutdown(); });
  ASSERT_EQ(raise(SIGTERM), 0);
  EXPECT_EQ(waiter.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_THAT(log_.str(), HasSubstr("received SIGTERM; shutting down"));
}

TEST_F(ServiceRunnerTest, GrpcPortInUseIsAClearError) {
  auto channel = StartRunner(TestOptions());
  ASSERT_NE(channel, nullptr);
  ServerOptions options = TestOptions();
  options.grpc_port = runner_->grpc_port();
  ServiceRunner second(options, registry_);
  second.AddService(&echo_);
  absl::StatusOr<int> port = second.Start();
  EXPECT_EQ(port.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(port.status().message(), HasSubstr("cannot listen for gRPC on 127.0.0.1:" +
                                                 std::to_string(options.grpc_port)));
  EXPECT_THAT(port.status().message(), HasSubstr("EVENTS_GRPC_PORT"));
  // The first server is unaffected.
  EXPECT_TRUE(CallEcho(channel).ok());
}

TEST_F(ServiceRunnerTest, MetricsPortInUseIsAClearError) {
  ServerOptions first_options = TestOptions();
  first_options.metrics_port = 0;
  auto channel = StartRunner(first_options);
  ASSERT_NE(channel, nullptr);
  ServerOptions options = TestOptions();
  options.metrics_port = runner_->metrics_port();
  ServiceRunner second(options, registry_);
  absl::StatusOr<int> port = second.Start();
  EXPECT_EQ(port.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(port.status().message(), HasSubstr("cannot serve metrics on 127.0.0.1:"));
  EXPECT_THAT(port.status().message(), HasSubstr("EVENTS_METRICS_PORT"));
}

TEST(ServerOptionsFromTest, MapsConfig) {
  config::ServiceConfig config;
  config.service_name = "registration";
  config.listen_host = "::";
  config.grpc_port = 50052;
  config.metrics_port = 0;
  config.shutdown_grace_ms = 5000;
  config.drain_timeout_ms = 15000;
  ServerOptions options = ServerOptionsFrom(config);
  EXPECT_EQ(options.service_name, "registration");
  EXPECT_EQ(options.listen_host, "::");
  EXPECT_EQ(options.grpc_port, 50052);
  EXPECT_EQ(options.metrics_port, -1);  // 0 in the environment means off
  EXPECT_EQ(options.shutdown_grace, std::chrono::milliseconds(5000));
  EXPECT_EQ(options.drain_timeout, std::chrono::milliseconds(15000));
  EXPECT_TRUE(options.handle_signals);
  EXPECT_EQ(options.max_receive_message_bytes, config.max_request_bytes);
  EXPECT_EQ(options.grpc_max_threads, config.grpc_max_threads);
  config.metrics_port = 9092;
  EXPECT_EQ(ServerOptionsFrom(config).metrics_port, 9092);
}

}  // namespace
}  // namespace events::server
