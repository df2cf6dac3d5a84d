// Every annotated RPC called over gRPC and over HTTP with the same input (a sample from
// samples.h, on objects made for it), answering alike: the same status (the gRPC code as
// its HTTP status and the problem's "code") and, for a success, the same message. Also:
// every RPC has exactly one of the API options, and the service-only ones refuse an
// organiser's key.
#include <google/protobuf/descriptor.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/web/api/route_table.h"
#include "tests/api/compare.h"
#include "tests/api/samples.h"

namespace events::api_test {
namespace {

using events::web::api::ApiRoute;

std::string ShortName(const ApiRoute& route) {
  return absl::StrCat(route.method->service()->name(), ".", route.method->name());
}

std::vector<ApiRoute> Routes() {
  auto routes = events::web::api::LoadCompiledRoutes();
  EXPECT_TRUE(routes.ok()) << routes.status();
  return routes.ok() ? *routes : std::vector<ApiRoute>{};
}

TEST(RouteCoverageTest, EveryRpcIsOnTheApiOrForServicesOnlyNeverBothNorNeither) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  int rpcs = 0;
  ASSERT_FALSE(Routes().empty());  // links the services' descriptors in
  for (const std::string& name : events::web::api::ApiServices()) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    for (int i = 0; i < service->method_count(); ++i) {
      const auto& options = service->method(i)->options();
      EXPECT_NE(options.HasExtension(events::v1::http),
                options.GetExtension(events::v1::service_only))
          << service->method(i)->full_name() << " must have exactly one of (events.v1.http) "
          << "and (events.v1.service_only)";
      ++rpcs;
    }
  }
  EXPECT_GT(rpcs, 80);
}

TEST(RouteCoverageTest, EveryRouteHasASampleAndEverySampleARoute) {
  std::set<std::string> routed;
  for (const ApiRoute& route : Routes()) {
    routed.insert(ShortName(route));
    EXPECT_EQ(Samples().count(ShortName(route)), 1u)
        << ShortName(route) << " (" << route.http_method << " " << route.path
        << ") has no sample in tests/api/samples_*.cc";
  }
  for (const auto& [name, sample] : Samples()) {
    EXPECT_EQ(routed.count(name), 1u) << "the sample " << name << " names no route";
  }
}

TEST(RouteCoverageTest, ServiceOnlyRpcsRefuseAnOrganisersKey) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  int checked = 0;
  ASSERT_FALSE(Routes().empty());
  for (const std::string& name : events::web::api::ApiServices()) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor& method = *service->method(i);
      if (!method.options().GetExtension(events::v1::service_only)) continue;
      GrpcAnswer answer = CallGrpc(method, *NewMessage(*method.input_type()), World::Get().org_a());
      EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << method.full_name() << ": " << answer.status.error_message();
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);
}

// One route: the sample made (once for a read, once per call for a write), sent both ways.
// A read may see the stack move between the two calls (a projection catching up, an e-mail
// sent): it is asked again, both ways, until the answers agree or 10 s pass.
void CheckRoute(const ApiRoute& route, const Sample& sample) {
  World& world = World::Get();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  CallInput input = sample.make(world);
  std::string difference;
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;
  for (;;) {
    std::unique_ptr<google::protobuf::Message> grpc_request =
        World::Request(*route.method, input.json, input.token);
    GrpcAnswer grpc = CallGrpc(*route.method, *grpc_request, input.key);
    if (sample.write) input = sample.make(world);
    std::unique_ptr<google::protobuf::Message> http_request =
        World::Request(*route.method, input.json, input.token);
    HttpRequest sent = ToHttpRequest(route, *http_request, input.key, input.json);
    HttpAnswer http = CallHttp(route, *http_request, input.key, input.json);
    Expectation expect;
    expect.sent_if_match = sent.headers.count("If-Match") > 0;
    expect.same_detail = !sample.write;
    expect.differ = sample.differ;
    if (sample.write) {
      expect.differ.insert(expect.differ.end(), TwinFields().begin(), TwinFields().end());
      expect.differ_in_times = true;
    }
    difference = Difference(route, grpc, http, expect);
    code = grpc.status.error_code();
    message = grpc.status.error_message();
    if (difference.empty() || sample.write || std::chrono::steady_clock::now() > deadline) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(difference, "") << route.http_method << " " << route.path;
  // The sample's answer, for whoever reads the log: a sample that only meets an error
  // compares less than one that succeeds.
  if (code != grpc::StatusCode::OK) {
    std::printf("sample of %s %s answers %s: %s\n", route.http_method.c_str(), route.path.c_str(),
                CodeName(code).c_str(), message.c_str());
  }
}

TEST(RouteParityTest, EveryRouteAnswersOverHttpAsItsRpcDoesOverGrpc) {
  const std::vector<ApiRoute> routes = Routes();
  ASSERT_GT(routes.size(), 70u);
  for (const ApiRoute& route : routes) {
    SCOPED_TRACE(ShortName(route));
    auto sample = Samples().find(ShortName(route));
    if (sample == Samples().end()) continue;  // RouteCoverageTest names it
    CheckRoute(route, sample->second);
  }
}

}  // namespace
}  // namespace events::api_test
