// Who may call what, over HTTP as over gRPC: another organisation's key on org A's
// objects (BOLA), missing, malformed and revoked keys, and integration keys of each scope
// against every route that takes a key. The gateway checks nothing itself (it forwards the
// key), so each answer must be the HTTP form of what the service says.
#include <google/protobuf/descriptor.h>

#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/substitute.h"
#include "events/v1/integrations.pb.h"
#include "gtest/gtest.h"
#include "tests/api/compare.h"
#include "tests/api/samples.h"
#include "tests/api/samples_internal.h"
#include "tests/api/world.h"

namespace events::api_test {
namespace {

using absl::Substitute;
using events::web::api::ApiRoute;

const ApiRoute* RouteOf(const std::string& rpc) {
  static const auto* const kRoutes = new std::vector<ApiRoute>([] {
    auto routes = events::web::api::LoadCompiledRoutes();
    return routes.ok() ? *routes : std::vector<ApiRoute>{};
  }());
  for (const ApiRoute& route : *kRoutes) {
    if (absl::StrCat(route.method->service()->name(), ".", route.method->name()) == rpc) {
      return &route;
    }
  }
  ADD_FAILURE() << "no route for " << rpc;
  return nullptr;
}

// Calls `rpc` both ways with the same input and key; "" when HTTP says what gRPC says.
struct Both {
  GrpcAnswer grpc;
  HttpAnswer http;
  std::string difference;
};
Both CallBoth(const ApiRoute& route, const std::string& json, const std::string& key) {
  auto request = World::Request(*route.method, json);
  Both both;
  both.grpc = CallGrpc(*route.method, *request, key);
  both.http = CallHttp(route, *request, key, json);
  both.difference = Difference(route, both.grpc, both.http, Expectation{});
  return both;
}

TEST(BolaTest, AnotherOrganisationsKeyNeverReachesOrgAsObjects) {
  World& w = World::Get();
  const World::Shared& a = w.shared();
  const std::string reg = Substitute(R"({"event_id": "$0", "registration_id": "$1"})", a.event_id,
                                     a.person.registration_id);
  const std::string event = IdJson("event_id", a.event_id);
  const std::string hook = IdJson("webhook_id", a.webhook_id);
  const std::string request = IdJson("request_id", a.request_id);
  const std::vector<std::pair<std::string, std::string>> calls = {
      {"RegistrationService.GetRegistration", reg},
      {"RegistrationService.CancelRegistration", reg},
      {"RegistrationService.ApproveRegistration", reg},
      {"RegistrationService.ListRegistrations", event},
      {"RegistrationService.ExportRegistrations", event},
      {"RegistrationService.GetCapacity", event},
      {"RegistrationService.ChangeCapacity",
       Substitute(R"({"event_id": "$0", "capacity": 1})", a.event_id)},
      {"RegistrationService.MarkAttendance",
       Substitute(R"({"event_id": "$0", "registration_ids": ["$1"], "attended": true})", a.event_id,
                  a.person.registration_id)},
      {"SchedulingService.CancelEvent",
       Substitute(R"({"event_id": "$0", "reason": "x"})", a.event_id)},
      {"SchedulingService.UpdateEvent",
       Substitute(R"({"event_id": "$0", "details": $1})", a.event_id, World::Details("Mine"))},
      {"FeedbackService.GetSurvey", event},
      {"FeedbackService.GetReport", event},
      {"FeedbackService.ExportFeedback",
       Substitute(R"({"event_id": "$0", "format": "EXPORT_FORMAT_RESPONSES_CSV"})", a.event_id)},
      {"AccessibilityService.ListRequests", event},
      {"AccessibilityService.GetRequestCounts", event},
      {"AccessibilityService.ListProvisions", event},
      {"AccessibilityService.GetRequest", request},
      {"AccessibilityService.TransitionRequest",
       Substitute(R"({"request_id": "$0", "to": "REQUEST_STATUS_ACKNOWLEDGED"})", a.request_id)},
      {"AccessibilityService.FulfilWithProvision",
       Substitute(R"({"provision_id": "$0", "request_ids": ["$1"]})", a.provision_id,
                  a.request_id)},
      {"IntegrationsService.UpdateWebhook",
       Substitute(R"({"webhook_id": "$0", "update_enabled": true})", a.webhook_id)},
      {"IntegrationsService.RotateWebhookSecret", hook},
      {"IntegrationsService.TestWebhook", hook},
      {"IntegrationsService.ListDeliveries", hook},
      {"IntegrationsService.DeleteWebhook", hook},
  };
  for (const auto& [rpc, json] : calls) {
    SCOPED_TRACE(rpc);
    const ApiRoute* route = RouteOf(rpc);
    if (route == nullptr) continue;
    Both both = CallBoth(*route, json, w.org_b());
    EXPECT_TRUE(both.grpc.status.error_code() == grpc::StatusCode::NOT_FOUND ||
                both.grpc.status.error_code() == grpc::StatusCode::PERMISSION_DENIED)
        << CodeName(both.grpc.status.error_code()) << " " << both.grpc.status.error_message();
    EXPECT_EQ(both.difference, "");
    EXPECT_TRUE(both.http.status == 404 || both.http.status == 403) << both.http.status;
    for (const std::string& secret :
         {a.person.email, std::string("Sam Rivers"), std::string("Peer support circle"),
          std::string("hooks.example.org")}) {
      EXPECT_FALSE(absl::StrContains(both.http.body, secret)) << both.http.body;
    }
  }
  // B's contacts filtered by A's event: B's own (none), never A's people.
  for (const char* rpc :
       {"IntegrationsService.ExportContacts", "IntegrationsService.ListContacts"}) {
    SCOPED_TRACE(rpc);
    const ApiRoute* route = RouteOf(rpc);
    if (route == nullptr) continue;
    Both both = CallBoth(*route, event, w.org_b());
    EXPECT_EQ(both.difference, "");
    EXPECT_FALSE(absl::StrContains(both.http.body, a.person.email)) << both.http.body;
  }
  // A's objects are as they were: B's calls changed nothing.
  auto hooks =
      w.Call<events::v1::ListWebhooksResponse>("IntegrationsService.ListWebhooks", "{}", w.org_a());
  bool found = false;
  for (const auto& h : hooks.webhooks()) found = found || h.id() == a.webhook_id;
  EXPECT_TRUE(found) << "org B deleted org A's webhook";
}

TEST(KeysTest, NoKeyAMalformedKeyOrARevokedKeyIs401) {
  World& w = World::Get();
  const std::string target = "/api/v1/events?page_size=5";
  EXPECT_EQ(ProblemDifference(SendHttp("GET", target, {}), 401, "UNAUTHENTICATED"), "");
  for (const std::string& value :
       {std::string("Bearer not-a-key"), std::string("Bearer "), std::string("Basic dXNlcjpwdw=="),
        std::string("Bearer evk_") + std::string(40, 'x'), absl::StrCat("bearer", w.org_a())}) {
    SCOPED_TRACE(value);
    EXPECT_EQ(ProblemDifference(SendHttp("GET", target, {{"Authorization", value}}), 401,
                                "UNAUTHENTICATED"),
              "");
  }
  const IssuedKey key = w.NewKey({"events:read"});
  EXPECT_EQ(SendHttp("GET", target, {{"Authorization", "Bearer " + key.key}}).status, 200);
  const HttpAnswer revoked =
      SendHttp("POST", absl::StrCat("/api/v1/api-keys/", key.key_id, "/revoke"),
               {{"Authorization", "Bearer " + w.org_a()}}, "{}");
  EXPECT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(ProblemDifference(SendHttp("GET", target, {{"Authorization", "Bearer " + key.key}}),
                              401, "UNAUTHENTICATED", "revoked"),
            "");
}

TEST(ScopesTest, IntegrationKeysGetOverHttpExactlyWhatTheirScopesAllow) {
  World& w = World::Get();
  auto routes = events::web::api::LoadCompiledRoutes();
  ASSERT_TRUE(routes.ok()) << routes.status();
  std::set<std::string> scopes;
  for (const ApiRoute& route : *routes) {
    if (!route.option.scope().empty()) scopes.insert(route.option.scope());
  }
  ASSERT_GE(scopes.size(), 5u);
  std::map<std::string, std::string> key_of;
  for (const std::string& scope : scopes) key_of[scope] = w.NewKey({scope}).key;
  const std::string every = w.NewKey(std::vector<std::string>(scopes.begin(), scopes.end())).key;
  int allowed = 0;
  for (const ApiRoute& route : *routes) {
    const std::string& access = route.option.access();
    const std::string name =
        absl::StrCat(route.method->service()->name(), ".", route.method->name());
    auto sample = Samples().find(name);
    // A person's own calls need their session, not a key (SessionRoutesRefuseKeys below).
    if (access == "public" || access == "attendee" || access == "signed-in person" ||
        sample == Samples().end()) {
      continue;
    }
    SCOPED_TRACE(absl::StrCat(route.http_method, " ", route.path));
    // A valid request (the parity test's sample), so that only the key decides.
    const std::string json = sample->second.make(w).json;
    if (route.option.scope().empty()) {
      // For organisers (or coordinators) only: no scope opens it.
      Both both = CallBoth(route, json, every);
      EXPECT_EQ(both.difference, "");
      EXPECT_EQ(ProblemDifference(both.http, 403, "PERMISSION_DENIED", "role"), "");
      continue;
    }
    for (const auto& [scope, key] : key_of) {
      SCOPED_TRACE(scope);
      if (scope != route.option.scope()) {
        Both both = CallBoth(route, json, key);
        EXPECT_EQ(both.difference, "");
        EXPECT_EQ(ProblemDifference(both.http, 403, "PERMISSION_DENIED", route.option.scope()), "");
        continue;
      }
      // Past the door (a write acts: over HTTP only, once).
      HttpAnswer http = CallHttp(route, *World::Request(*route.method, json), key, json);
      EXPECT_NE(http.status, 403) << http.body;
      EXPECT_NE(http.status, 401) << http.body;
      EXPECT_LT(http.status, 500) << http.body;
      ++allowed;
    }
  }
  EXPECT_GE(allowed, 20);
}

// The calls about a person's own session (GetMe, the second factor, signing out) refuse
// every key, even an organiser's, saying that a signed-in person's session is needed.
TEST(ScopesTest, SessionRoutesRefuseKeys) {
  World& w = World::Get();
  auto routes = events::web::api::LoadCompiledRoutes();
  ASSERT_TRUE(routes.ok()) << routes.status();
  int checked = 0;
  for (const ApiRoute& route : *routes) {
    if (route.option.access() != "signed-in person") continue;
    SCOPED_TRACE(absl::StrCat(route.http_method, " ", route.path));
    const std::string name =
        absl::StrCat(route.method->service()->name(), ".", route.method->name());
    auto sample = Samples().find(name);
    ASSERT_NE(sample, Samples().end());
    const std::string json = sample->second.make(w).json;
    Both both = CallBoth(route, json, w.org_a());
    EXPECT_EQ(both.difference, "");
    // 401 where the call reads the session itself (finishing a sign-in, signing out), 403
    // where the key authenticates and is not a person: both say a session is needed.
    if (both.http.status == 401) {
      EXPECT_EQ(ProblemDifference(both.http, 401, "UNAUTHENTICATED", "session"), "");
    } else {
      EXPECT_EQ(ProblemDifference(both.http, 403, "PERMISSION_DENIED", "session"), "");
    }
    ++checked;
  }
  EXPECT_GE(checked, 6);
}

}  // namespace
}  // namespace events::api_test
