#include "common/testing/grpc_service_harness.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <chrono>
#include <future>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "common/rpc/peer_channel.h"
#include "common/server/service_runner.h"
#include "common/testing/redis_for_test.h"

namespace events::testing {

TestServer::TestServer(std::shared_ptr<prometheus::Registry> registry)
    : registry_(std::move(registry)) {}

TestServer::~TestServer() { Shutdown(); }

absl::Status TestServer::Start(const std::string& service_name,
                               const std::vector<grpc::Service*>& services) {
  if (runner_ != nullptr) return absl::FailedPreconditionError("the server is already started");
  server::ServerOptions options;
  options.service_name = service_name;
  options.listen_host = "127.0.0.1";
  // The same request size limit as the service's binary.
  options.max_receive_message_bytes = config::DefaultMaxRequestBytes(service_name);
  runner_ = std::make_unique<server::ServiceRunner>(options, registry_);
  for (grpc::Service* service : services) runner_->AddService(service);
  absl::StatusOr<int> port = runner_->Start();
  address_ = absl::StrCat("127.0.0.1:", port.value_or(0));
  channel_ = events::rpc::PeerChannel(address_);
  return port.status();
}

void TestServer::Shutdown() {
  channel_.reset();
  if (runner_ != nullptr) runner_->Shutdown();
}

GrpcServiceHarness::GrpcServiceHarness(const Clock& clock, const IdGenerator& ids)
    : clock_(clock),
      ids_(ids),
      registry_(std::make_shared<prometheus::Registry>()),
      server_(registry_) {}

GrpcServiceHarness::~GrpcServiceHarness() { Shutdown(); }

absl::Status GrpcServiceHarness::Connect(int partitions) {
  const redis::RedisOptions options = TestRedisOptions();
  // TestRedisOptions has failed the test, saying what to set; go no further than that.
  if (::testing::Test::HasFailure()) {
    return absl::FailedPreconditionError("no usable test Redis: set EVENTS_TEST_REDIS_URL");
  }
  redis_ = std::make_unique<redis::RedisClient>(options);
  keys_ = std::make_unique<bus::Keyspace>(UniqueKeyPrefix(), partitions);
  key_store_ = std::make_unique<auth::RedisKeyStore>(*redis_, *keys_);
  auth_ = std::make_unique<auth::Authenticator>(*key_store_);
  return absl::OkStatus();
}

absl::Status GrpcServiceHarness::Start(const std::string& service_name,
                                       const std::vector<grpc::Service*>& services) {
  return server_.Start(service_name, services);
}

absl::StatusOr<BootstrappedOrganisation> GrpcServiceHarness::Bootstrap(
    const std::string& org_name) {
  absl::StatusOr<auth::Bootstrap> boot =
      auth::BootstrapOrganisation(*key_store_, ids_, clock_, org_name);
  if (!boot.ok()) return boot.status();
  return BootstrappedOrganisation{boot->org.id, boot->key.plaintext};
}

std::unique_ptr<grpc::ClientContext> GrpcServiceHarness::Call(const std::string& key) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!key.empty()) context->AddMetadata("authorization", "Bearer " + key);
  return context;
}

grpc::Status CallWithBytes(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                           const std::string& bytes) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&done](const grpc::Status& status) { done.set_value(status); });
  return done.get_future().get();
}

}  // namespace events::testing
