#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/log/call_context.h"
#include "common/rpc/client_address.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace prometheus {
class Registry;
}

// The HTTP face of the web service: routes by template, limits, security headers, request
// ids, the access log and the request metrics, on cpp-httplib (Debian's
// libcpp-httplib-dev). Handlers are plain functions from a Request to a Response; they
// block on their gRPC calls, each on one of the server's threads.
namespace events::web {

struct HttpOptions {
  std::string host = "0.0.0.0";
  int port = 8080;  // 0: any free port (tests)
  // Requests handled at once; more wait for a thread. A connection holds its thread while it
  // is kept alive, so keep_alive_timeout is short.
  int threads = 32;
  // The largest request body; larger ones get 413 before a handler runs.
  size_t max_body_bytes = size_t{64} * 1024;
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{10};
  std::chrono::seconds keep_alive_timeout{5};
  // Proxies (the ingress controller) whose X-Forwarded-For says who the visitor is.
  events::rpc::TrustedProxies trusted_proxies;
};

// How a response may be kept by the browser and by caches in between.
enum class Caching {
  kNone,        // no-store: personal pages, forms, anything with a secret or a CSRF token
  kRevalidate,  // no-cache: public pages whose figures change (places left)
  kAsset,       // public, for a day: the stylesheet and icons
};

struct Request {
  const httplib::Request* raw = nullptr;
  // The route's template, e.g. "/events/{id}": what the log and the metrics see.
  std::string route;
  // The values of the template's {parameters}, in order.
  std::vector<std::string> params;
  std::string request_id;
  // The request's trace (from the caller's traceparent header, or new) and request id: current
  // on the handler's thread, so its log lines and its calls to the services carry them.
  std::shared_ptr<events::logging::CallContext> call;
  // The visitor's address (behind trusted proxies, from X-Forwarded-For).
  std::string client_address;

  const std::string& method() const;
  // The value of header `name` ("" when absent).
  std::string Header(const std::string& name) const;
  // The value of cookie `name` ("" when absent).
  std::string Cookie(absl::string_view name) const;
  const std::string& body() const;
  // The query parameter `name` ("" when absent).
  std::string Query(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  Caching caching = Caching::kNone;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response Redirect(std::string location);  // 303 See Other
};

using Handler = std::function<Response(const Request&)>;
// Renders an error page for `status` (404 for an unknown path, 413, 400...); `request` has
// what is known (its route is "-" when no route matched).
using ErrorPageHandler = std::function<Response(int status, const Request& request)>;

class WebServer {
 public:
  WebServer(HttpOptions options, prometheus::Registry& registry);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // `route` is a path with {name} parameters, each matching one path segment:
  // "/events/{id}/register". `method` is GET, POST, PUT, PATCH, DELETE or OPTIONS. A body
  // larger than `max_body_bytes` (0: options' max_body_bytes) gets 413. Register every
  // route before Bind.
  void Route(const std::string& method, const std::string& route, Handler handler,
             size_t max_body_bytes = 0);
  void SetErrorPages(ErrorPageHandler handler);

  // Binds the listener; UNAVAILABLE naming the address when it cannot.
  absl::Status Bind();
  int port() const { return port_; }
  // Serves until Stop(); in-flight requests finish before it returns.
  void Serve();
  void Stop();

 private:
  class Metrics;
  void Dispatch(const std::string& route, const Handler& handler, size_t max_body_bytes,
                const httplib::Request& raw, httplib::Response& out);
  Request Describe(const httplib::Request& raw, std::string route) const;
  void Finish(const Request& request, const Response& response, httplib::Response& out,
              std::chrono::steady_clock::time_point start);

  HttpOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::unique_ptr<Metrics> metrics_;
  ErrorPageHandler error_pages_;
  // The largest body any route takes: httplib refuses larger ones before routing.
  size_t largest_body_bytes_ = 0;
  int port_ = 0;
};

// Security headers every response carries: a strict Content-Security-Policy (no inline
// script or style, nothing from elsewhere, no framing), no referrer (personal links carry
// secrets), nosniff; and Cache-Control from `caching`.
std::vector<std::pair<std::string, std::string>> SecurityHeaders(Caching caching);

}  // namespace events::web
