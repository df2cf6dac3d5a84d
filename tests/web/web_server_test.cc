// The HTTP server on a real socket: routes by template, the headers every response has,
// request ids, limits, error pages, and the metrics by route template.
#include "services/web/http/web_server.h"

#include <httplib.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::web {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class WebServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 4;
    options.max_body_bytes = 1024;
    server_ = std::make_unique<WebServer>(options, registry_);
    server_->Route("GET", "/events/{id}", [](const Request& r) {
      Response out;
      out.body = "event " + r.params.at(0) + " via " + r.route;
      out.caching = Caching::kRevalidate;
      return out;
    });
    server_->Route("POST", "/echo", [](const Request& r) {
      Response out;
      out.body = r.body();
      return out;
    });
    server_->Route("POST", "/parts", [](const Request& r) {
      Response out;
      out.body = "body " + std::to_string(r.body().size()) + " bytes, parts:";
      for (const auto& [name, part] : r.raw->files) {
        out.body += " " + name + "=" + part.filename + "/" + std::to_string(part.content.size());
      }
      return out;
    });
    server_->Route("GET", "/boom",
                   [](const Request&) -> Response { throw std::runtime_error("broken handler"); });
    server_->Route("GET", "/go", [](const Request&) { return Response::Redirect("/there"); });
    server_->SetErrorPages([](int status, const Request& r) {
      Response out;
      out.body = "error page " + std::to_string(status) + " for " + r.route;
      return out;
    });
    ASSERT_TRUE(server_->Bind().ok());
    thread_ = std::thread([this] { server_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }
  void TearDown() override {
    server_->Stop();
    thread_.join();
  }

  std::string Metrics() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }

  prometheus::Registry registry_;
  std::unique_ptr<WebServer> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(WebServerTest, RoutesByTemplateWithSecurityHeadersAndARequestId) {
  auto res = client_->Get("/events/ev_123");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "event ev_123 via /events/{id}");
  EXPECT_THAT(res->get_header_value("Content-Security-Policy"),
              HasSubstr("default-src 'none'; style-src 'self'"));
  EXPECT_THAT(res->get_header_value("Content-Security-Policy"),
              HasSubstr("frame-ancestors 'none'"));
  EXPECT_EQ(res->get_header_value("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-cache");
  EXPECT_EQ(res->get_header_value("X-Request-Id").size(), 32u);
  // A caller's id is kept when it is usable.
  res = client_->Get("/events/x", {{"X-Request-Id", "abc-123"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("X-Request-Id"), "abc-123");
}

TEST_F(WebServerTest, UnknownPathsAndFailingHandlersGetErrorPagesWithTheSameHeaders) {
  auto res = client_->Get("/nowhere/secret-token");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->body, "error page 404 for -");
  EXPECT_EQ(res->get_header_value("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
  res = client_->Get("/boom");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  EXPECT_EQ(res->body, "error page 500 for /boom");
}

TEST_F(WebServerTest, ABodyOverTheLimitIs413BeforeAnyHandler) {
  auto res = client_->Post("/echo", std::string(2000, 'x'), "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(res->body, "error page 413 for -");
  res = client_->Post("/echo", "a=1", "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "a=1");
}

// What the console's attendance upload (console/attendance_upload.cc) relies on: cpp-httplib
// splits a multipart/form-data body into parts itself and leaves the body empty, so the
// route's own body check never sees it; the server's limit (the largest route's) still
// refuses a larger whole with 413.
TEST_F(WebServerTest, AMultipartBodyArrivesAsPartsWithTheServersLimit) {
  httplib::MultipartFormDataItems items = {
      {"csrf", "token", "", ""},
      {"file", std::string(600, 'x'), "report.csv", "text/csv"},
  };
  auto res = client_->Post("/parts", items);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "body 0 bytes, parts: csrf=/5 file=report.csv/600");
  items[1].content = std::string(2000, 'x');
  res = client_->Post("/parts", items);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
}

TEST_F(WebServerTest, RedirectsAreSeeOther) {
  auto res = client_->Get("/go");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303);
  EXPECT_EQ(res->get_header_value("Location"), "/there");
}

TEST_F(WebServerTest, MetricsNameTheRouteTemplateNeverThePath) {
  ASSERT_TRUE(client_->Get("/events/ev_secret_1"));
  ASSERT_TRUE(client_->Get("/nowhere/secret-token"));
  const std::string text = Metrics();
  EXPECT_THAT(
      text,
      HasSubstr("web_http_requests_total{method=\"GET\",route=\"/events/{id}\",status=\"200\"} 1"));
  EXPECT_THAT(text, HasSubstr("route=\"-\",status=\"404\""));
  EXPECT_THAT(text, HasSubstr("web_http_request_duration_seconds_bucket"));
  EXPECT_THAT(text, Not(HasSubstr("secret")));
}

TEST_F(WebServerTest, ManyClientsAtOnceAreAllAnswered) {
  std::vector<std::thread> clients;
  clients.reserve(8);
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      httplib::Client c("127.0.0.1", server_->port());
      for (int i = 0; i < 25; ++i) {
        auto res = c.Get("/events/e" + std::to_string(t * 100 + i));
        if (res && res->status == 200) ok.fetch_add(1);
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(ok.load(), 200);
}

}  // namespace
}  // namespace events::web
