// The gateway's own answers on a real socket, with no service behind it (every address a
// closed port): CORS preflights, 405 with Allow, unknown paths, bodies too large or not
// JSON, the token refused in the address, and a service that does not answer (503, never
// a 500). What the services answer through it is tests/api (a real stack).
#include <httplib.h>
#include <prometheus/registry.h>

#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/web/api/api_routes.h"
#include "services/web/http/web_server.h"

namespace events::web::api {
namespace {

using ::testing::HasSubstr;

class ApiGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpOptions http;
    http.host = "127.0.0.1";
    http.port = 0;
    http.threads = 4;
    http.max_body_bytes = 1024;  // the pages' limit; the API has its own
    server_ = std::make_unique<WebServer>(http, registry_);
    server_->SetErrorPages([](int status, const Request& request) {
      if (IsApiRequest(request)) return ApiErrorResponse(status, request);
      Response page;
      page.body = "a page";
      return page;
    });
    ApiOptions options;
    // Port 1 on loopback: nothing listens, so every call fails at once.
    for (const char* service : {"events.v1.SchedulingService", "events.v1.RegistrationService",
                                "events.v1.AccessibilityService", "events.v1.FeedbackService",
                                "events.v1.IntegrationsService", "events.v1.NotificationsService",
                                "events.v1.PeopleService"}) {
      options.addresses[service] = "127.0.0.1:1";
    }
    options.deadline = std::chrono::milliseconds(2000);
    options.max_body_bytes = 4096;
    options.cors_origins = {"https://tools.example.org"};
    ASSERT_TRUE(AddApiRoutes(*server_, options).ok());
    ASSERT_TRUE(server_->Bind().ok());
    thread_ = std::thread([this] { server_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }
  void TearDown() override {
    server_->Stop();
    thread_.join();
  }

  static void ExpectProblem(const httplib::Result& res, int status, const std::string& code,
                            const std::string& detail) {
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, status) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/problem+json");
    EXPECT_THAT(res->body, HasSubstr("\"code\":\"" + code + "\""));
    EXPECT_THAT(res->body, HasSubstr(detail));
  }

  prometheus::Registry registry_;
  std::unique_ptr<WebServer> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ApiGatewayTest, APreflightFromAnAllowedOriginListsEveryMethodOfThePath) {
  // GET names the parameter event_id, PUT settings.event_id: one path all the same.
  auto res = client_->Options(
      "/api/v1/events/ev_1/registration-settings",
      {{"Origin", "https://tools.example.org"}, {"Access-Control-Request-Method", "PUT"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Methods"), "GET, PUT");
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "https://tools.example.org");
  EXPECT_THAT(res->get_header_value("Access-Control-Allow-Headers"), HasSubstr("If-Match"));
}

TEST_F(ApiGatewayTest, OtherOriginsGetNoCorsAtAll) {
  ExpectProblem(client_->Options("/api/v1/events", {{"Origin", "https://evil.example"}}), 403,
                "PERMISSION_DENIED", "WEB_API_CORS_ORIGINS");
  auto res = client_->Get("/api/v1/upcoming-events", {{"Origin", "https://evil.example"}});
  ASSERT_TRUE(res);
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin"));
  res = client_->Get("/api/v1/upcoming-events", {{"Origin", "https://tools.example.org"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "https://tools.example.org");
}

TEST_F(ApiGatewayTest, AnotherMethodOfAKnownPathIs405WithAllow) {
  auto res = client_->Delete("/api/v1/events");
  ExpectProblem(res, 405, "UNIMPLEMENTED", "it takes GET, POST");
  EXPECT_EQ(res->get_header_value("Allow"), "GET, POST");
}

TEST_F(ApiGatewayTest, AnUnknownApiPathIsAProblemNotAPage) {
  ExpectProblem(client_->Get("/api/v1/nothing/here"), 404, "NOT_FOUND", "openapi.json");
  auto page = client_->Get("/nothing/here");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->body, "a page");
}

TEST_F(ApiGatewayTest, BodiesOverTheApisLimitOrNotJsonAreRefusedBeforeAnyCall) {
  // Over the pages' 1 KiB but within the API's 4 KiB: the API's limit applies.
  const std::string big = "{\"name\":\"" + std::string(2000, 'a') + "\"}";
  ExpectProblem(client_->Post("/api/v1/api-keys", big, "application/json"), 503, "UNAVAILABLE", "");
  ExpectProblem(client_->Post("/api/v1/api-keys", std::string(5000, ' '), "application/json"), 413,
                "RESOURCE_EXHAUSTED", "larger than the API takes");
  ExpectProblem(client_->Post("/api/v1/api-keys", "name=x", "application/x-www-form-urlencoded"),
                415, "INVALID_ARGUMENT", "application/json");
  ExpectProblem(client_->Post("/api/v1/api-keys", "{\"name\":", "application/json"), 400,
                "INVALID_ARGUMENT", "not JSON");
}

TEST_F(ApiGatewayTest, TheTokenIsRefusedInTheAddressAndHeadersMustBePlain) {
  ExpectProblem(client_->Get("/api/v1/my/registration?registration_token=rg_1.x"), 400,
                "INVALID_ARGUMENT", "Registration-Token header");
  ExpectProblem(client_->Get("/api/v1/upcoming-events?colour=blue"), 400, "INVALID_ARGUMENT",
                "query parameter colour is not one this call takes");
  ExpectProblem(client_->Get("/api/v1/events/ev_1", {{"If-Match", "\"3\""}}), 400,
                "INVALID_ARGUMENT", "If-Match is not taken by this call");
  ExpectProblem(
      client_->Put("/api/v1/events/ev_1", {{"If-Match", "yesterday"}}, "{}", "application/json"),
      400, "INVALID_ARGUMENT", "If-Match must be");
  ExpectProblem(client_->Get("/api/v1/events/.."), 400, "INVALID_ARGUMENT", "cannot be . or ..");
}

TEST_F(ApiGatewayTest, AServiceThatDoesNotAnswerIs503NeverA500) {
  ExpectProblem(client_->Get("/api/v1/upcoming-events?page_size=5"), 503, "UNAVAILABLE", "");
  auto res = client_->Get("/api/v1/events/ev_1/capacity", {{"Authorization", "Bearer evk_x"}});
  ExpectProblem(res, 503, "UNAVAILABLE", "");
  EXPECT_FALSE(res->get_header_value("X-Request-Id").empty());
}

}  // namespace
}  // namespace events::web::api
