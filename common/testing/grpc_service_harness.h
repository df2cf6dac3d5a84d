#pragma once

// What a gRPC integration test needs around the service it tests: the test Redis, an API-key
// store and authenticator on it, and a real server on 127.0.0.1 at a free port. Typical
// fixture:
//   void SetUp() override {
//     absl::Status connected = harness_.Connect();
//     ASSERT_TRUE(connected.ok()) << connected;
//     (build service_ from harness_.redis(), harness_.auth(), metrics on *harness_.registry())
//     absl::Status started = harness_.Start("scheduling", {service_.get()});
//     ASSERT_TRUE(started.ok()) << started;
//     stub_ = SchedulingService::NewStub(harness_.Channel());
//     auto org = harness_.Bootstrap("Riverside Forum");
//   }
//   void TearDown() override { harness_.Shutdown(); }
// and each call: stub_->GetEvent(harness_.Call(org->key).get(), request, &response).

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace grpc {
class Channel;
class ClientContext;
class Service;
class Status;
}  // namespace grpc
namespace prometheus {
class Registry;
}  // namespace prometheus
namespace events {
class Clock;
class IdGenerator;
}  // namespace events
namespace events::auth {
class Authenticator;
class RedisKeyStore;
}  // namespace events::auth
namespace events::bus {
class Keyspace;
}  // namespace events::bus
namespace events::redis {
class RedisClient;
}  // namespace events::redis
namespace events::server {
class ServiceRunner;
}  // namespace events::server

namespace events::testing {

// One server::ServiceRunner on 127.0.0.1 at a free port, without a /metrics endpoint, and a
// plaintext channel to it. Not thread-safe; use it from the test's thread.
class TestServer {
 public:
  // The runner counts calls on `registry`, which other servers may share.
  explicit TestServer(std::shared_ptr<prometheus::Registry> registry);
  // Shuts down if still running.
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  // Serves `services` (not owned; they must outlive Shutdown) as `service_name` (for health
  // and logs). Returns ServiceRunner::Start's error (UNAVAILABLE when no port can be bound,
  // FAILED_PRECONDITION when called twice); after a failure address() is "127.0.0.1:0", so
  // calls on Channel() fail UNAVAILABLE rather than crash a test that only EXPECTs.
  absl::Status Start(const std::string& service_name, const std::vector<grpc::Service*>& services);

  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }
  // "127.0.0.1:<port>"; empty before Start.
  const std::string& address() const { return address_; }
  // A channel to address(), made by Start; nullptr before Start and after Shutdown.
  const std::shared_ptr<grpc::Channel>& Channel() const { return channel_; }
  // Drops the channel, then stops the runner, draining calls in flight. Idempotent.
  void Shutdown();

 private:
  const std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<server::ServiceRunner> runner_;
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
};

// An organisation made by GrpcServiceHarness::Bootstrap.
struct BootstrappedOrganisation {
  std::string org_id;
  // The plaintext of its first key (organiser and access_coordinator roles).
  std::string key;
};

// The test Redis under a fresh key prefix, an auth::RedisKeyStore and auth::Authenticator on
// it, a Prometheus registry, and one TestServer for the service under test. Accessors that
// return references may be used only after Connect succeeded. Not thread-safe, except that
// the objects it hands out are as thread-safe as they say.
class GrpcServiceHarness {
 public:
  // `clock` and `ids` date and name what Bootstrap makes; both must outlive the harness.
  GrpcServiceHarness(const Clock& clock, const IdGenerator& ids);
  // Shuts down if still running.
  ~GrpcServiceHarness();
  GrpcServiceHarness(const GrpcServiceHarness&) = delete;
  GrpcServiceHarness& operator=(const GrpcServiceHarness&) = delete;

  // Connects to the Redis named by EVENTS_TEST_REDIS_URL with a fresh key prefix and
  // `partitions` partitions, and builds the key store and authenticator on it. Call once,
  // from SetUp. FAILED_PRECONDITION when the variable is unset or bad; the test has then
  // also failed with a message saying what to set.
  absl::Status Connect(int partitions = 16);

  // Serves `services` (not owned; they must outlive Shutdown) as `service_name`, counting
  // calls on registry(). Errors as TestServer::Start.
  absl::Status Start(const std::string& service_name, const std::vector<grpc::Service*>& services);

  redis::RedisClient& redis() { return *redis_; }
  bus::Keyspace& keys() { return *keys_; }
  auth::RedisKeyStore& key_store() { return *key_store_; }
  auth::Authenticator& auth() { return *auth_; }
  // Where the service registers its metrics; exists from construction.
  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }
  // "127.0.0.1:<port>" of the server; empty before Start.
  const std::string& address() const { return server_.address(); }
  // A channel to the server; nullptr before Start and after Shutdown.
  const std::shared_ptr<grpc::Channel>& Channel() const { return server_.Channel(); }

  // A new organisation and its first key (auth::BootstrapOrganisation); its errors.
  absl::StatusOr<BootstrappedOrganisation> Bootstrap(const std::string& org_name);

  // A context for one call: a 10 s deadline and, unless `key` is empty,
  // "authorization: Bearer <key>".
  static std::unique_ptr<grpc::ClientContext> Call(const std::string& key = "");

  // Drops the channel and stops the server (see TestServer::Shutdown). Idempotent.
  void Shutdown() { server_.Shutdown(); }

 private:
  const Clock& clock_;
  const IdGenerator& ids_;
  const std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<auth::RedisKeyStore> key_store_;
  std::unique_ptr<auth::Authenticator> auth_;
  TestServer server_;
};

// Calls `method` ("/events.v1.X/Y") with `bytes` as the request, whatever they are (to test
// what a server answers to bytes that are not its request), with a 5 s deadline.
grpc::Status CallWithBytes(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                           const std::string& bytes);

}  // namespace events::testing
