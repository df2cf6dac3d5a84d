#include "services/web/http/web_server.h"

#include <httplib.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/log/log_fields.h"
#include "common/log/request_id.h"
#include "common/log/trace_context.h"

namespace events::web {
namespace {

// "/events/{id}/register" -> "^/events/([^/]+)/register$": each {name} matches one path
// segment, everything else itself. Built by hand: std::regex's code draws a false
// -Wmaybe-uninitialized from g++ 12 under ASan, fatal with -Werror (httplib compiles the
// result inside its own library).
std::string RouteRegex(const std::string& route) {
  static constexpr absl::string_view kSyntax = ".^$|()[]*+?\\{}";
  std::string out = "^";
  for (size_t i = 0; i < route.size(); ++i) {
    const char c = route[i];
    const size_t close = c == '{' ? route.find('}', i) : std::string::npos;
    if (close != std::string::npos) {
      out += "([^/]+)";
      i = close;
      continue;
    }
    if (kSyntax.find(c) != absl::string_view::npos) out += '\\';
    out += c;
  }
  return out + "$";
}

const char* CacheControl(Caching caching) {
  switch (caching) {
    case Caching::kNone:
      return "no-store";
    case Caching::kRevalidate:
      return "no-cache";
    case Caching::kAsset:
      return "public, max-age=86400";
  }
  return "no-store";
}

}  // namespace

std::vector<std::pair<std::string, std::string>> SecurityHeaders(Caching caching) {
  return {
      {"Content-Security-Policy",
       "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
      {"X-Frame-Options", "DENY"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      {"Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"},
      {"Cache-Control", CacheControl(caching)},
  };
}

const std::string& Request::method() const { return raw->method; }
const std::string& Request::body() const { return raw->body; }

std::string Request::Header(const std::string& name) const { return raw->get_header_value(name); }

std::string Request::Query(const std::string& name) const {
  // Query parameters only: a form body is read by Form, never through params.
  return raw->get_param_value(name);
}

std::string Request::Cookie(absl::string_view name) const {
  const size_t n = raw->get_header_value_count("Cookie");
  for (size_t i = 0; i < n; ++i) {
    const std::string header = raw->get_header_value("Cookie", i);
    for (absl::string_view pair : absl::StrSplit(header, ';')) {
      pair = absl::StripAsciiWhitespace(pair);
      const size_t eq = pair.find('=');
      if (eq != absl::string_view::npos && pair.substr(0, eq) == name) {
        return std::string(pair.substr(eq + 1));
      }
    }
  }
  return "";
}

Response Response::Redirect(std::string location) {
  Response r;
  r.status = 303;
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

class WebServer::Metrics {
 public:
  explicit Metrics(prometheus::Registry& registry)
      : requests_(prometheus::BuildCounter()
                      .Name("web_http_requests_total")
                      .Help("HTTP requests answered, by route template, method and status")
                      .Register(registry)),
        seconds_(prometheus::BuildHistogram()
                     .Name("web_http_request_duration_seconds")
                     .Help("Time to answer an HTTP request, by route template and method")
                     .Register(registry)) {}

  void Observe(const std::string& route, const std::string& method, int status, double seconds) {
    requests_.Add({{"route", route}, {"method", method}, {"status", std::to_string(status)}})
        .Increment();
    seconds_
        .Add({{"route", route}, {"method", method}},
             prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                                     2.5, 5})
        .Observe(seconds);
  }

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& seconds_;
};

WebServer::WebServer(HttpOptions options, prometheus::Registry& registry)
    : options_(std::move(options)),
      server_(std::make_unique<httplib::Server>()),
      metrics_(std::make_unique<Metrics>(registry)) {
  const auto threads = static_cast<size_t>(options_.threads);
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_payload_max_length(options_.max_body_bytes);
  server_->set_read_timeout(options_.read_timeout);
  server_->set_write_timeout(options_.write_timeout);
  server_->set_keep_alive_timeout(options_.keep_alive_timeout.count());
  server_->set_keep_alive_max_count(100);
  // Pages go out in more than one write (headers, then body): without this, Nagle's
  // algorithm holds the second until the client's delayed ACK, 40 ms on Linux (seen in
  // scripts/bench web: every page took 40 ms more).
  server_->set_tcp_nodelay(true);
  // What httplib answers itself (no route, a body too large, a request it cannot parse):
  // the same error pages and headers, logged and counted under route "-".
  server_->set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& raw, httplib::Response& out) {
        if (!out.body.empty()) return httplib::Server::HandlerResponse::Unhandled;  // a page's own
        const auto start = std::chrono::steady_clock::now();
        Request request = Describe(raw, "-");
        Response response;
        response.status = out.status;
        if (error_pages_) response = error_pages_(out.status, request);
        response.status = out.status;
        Finish(request, response, out, start);
        return httplib::Server::HandlerResponse::Handled;
      }));
  server_->set_exception_handler(
      [](const httplib::Request&, httplib::Response& out, const std::exception_ptr&) {
        // Dispatch catches what handlers throw; this is httplib's own.
        out.status = 500;
      });
}

WebServer::~WebServer() = default;

void WebServer::SetErrorPages(ErrorPageHandler handler) { error_pages_ = std::move(handler); }

void WebServer::Route(const std::string& method, const std::string& route, Handler handler,
                      size_t max_body_bytes) {
  if (max_body_bytes == 0) max_body_bytes = options_.max_body_bytes;
  largest_body_bytes_ = std::max(largest_body_bytes_, max_body_bytes);
  auto dispatch = [this, route, max_body_bytes, handler = std::move(handler)](
                      const httplib::Request& raw, httplib::Response& out) {
    Dispatch(route, handler, max_body_bytes, raw, out);
  };
  const std::string pattern = RouteRegex(route);
  if (method == "GET") {
    server_->Get(pattern, dispatch);
  } else if (method == "POST") {
    server_->Post(pattern, dispatch);
  } else if (method == "PUT") {
    server_->Put(pattern, dispatch);
  } else if (method == "PATCH") {
    server_->Patch(pattern, dispatch);
  } else if (method == "DELETE") {
    server_->Delete(pattern, dispatch);
  } else if (method == "OPTIONS") {
    server_->Options(pattern, dispatch);
  } else {
    spdlog::error("web: route {} {} ignored: not a method the server serves", method, route);
  }
}

Request WebServer::Describe(const httplib::Request& raw, std::string route) const {
  Request request;
  request.raw = &raw;
  request.route = std::move(route);
  for (size_t i = 1; i < raw.matches.size(); ++i) request.params.push_back(raw.matches[i].str());
  request.request_id = events::logging::SanitizeRequestId(raw.get_header_value("X-Request-Id"));
  if (request.request_id.empty()) request.request_id = events::logging::NewRequestId();
  // One traceparent header, valid, or a new trace (two headers: which one was meant is not
  // known, and the spec says to start afresh).
  std::optional<events::logging::TraceParent> parent;
  if (raw.get_header_value_count(events::logging::kTraceparentKey) == 1) {
    parent =
        events::logging::ParseTraceParent(raw.get_header_value(events::logging::kTraceparentKey));
  }
  request.call = std::make_shared<events::logging::CallContext>(parent, request.request_id);
  std::vector<std::string> forwarded;
  const size_t n = raw.get_header_value_count("X-Forwarded-For");
  for (size_t i = 0; i < n; ++i) forwarded.push_back(raw.get_header_value("X-Forwarded-For", i));
  request.client_address = events::rpc::ClientAddress(
      raw.remote_addr, absl::StrJoin(forwarded, ", "), options_.trusted_proxies);
  return request;
}

void WebServer::Dispatch(const std::string& route, const Handler& handler, size_t max_body_bytes,
                         const httplib::Request& raw, httplib::Response& out) {
  const auto start = std::chrono::steady_clock::now();
  Request request = Describe(raw, route);
  const events::logging::ScopedCall scope(request.call);
  Response response;
  try {
    if (raw.body.size() > max_body_bytes) {
      response.status = 413;
    } else {
      response = handler(request);
    }
  } catch (const std::exception& e) {
    events::logging::LogWithFields(spdlog::level::err, "request failed",
                                   {{"rpc", route}, {"error", e.what()}});
    response = error_pages_ ? error_pages_(500, request) : Response{};
    response.status = 500;
  }
  if (response.status >= 400 && response.body.empty() && error_pages_) {
    const int status = response.status;
    response = error_pages_(status, request);
    response.status = status;
  }
  Finish(request, response, out, start);
}

void WebServer::Finish(const Request& request, const Response& response, httplib::Response& out,
                       std::chrono::steady_clock::time_point start) {
  out.status = response.status;
  for (auto& [name, value] : SecurityHeaders(response.caching)) {
    if (!out.has_header(name)) out.set_header(name, value);
  }
  out.set_header("X-Request-Id", request.request_id);
  for (auto& [name, value] : response.headers) out.set_header(name, value);
  if (response.status == 303 && response.body.empty()) {
    out.set_content("", "text/plain; charset=utf-8");
  } else {
    out.set_content(response.body, response.content_type);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_->Observe(request.route, request.raw->method, response.status, seconds);
  // The route's template, never the path: paths carry personal tokens. The names are the
  // services' (rpc, code), so one query finds calls at every tier.
  std::vector<events::logging::LogField> fields{
      {"rpc", request.route},
      {"method", request.raw->method},
      {"code", std::to_string(response.status), /*number=*/true},
      {"duration_ms", absl::StrFormat("%.3f", seconds * 1000), /*number=*/true},
      {"request_id", request.request_id}};
  // No org_id: the web tier authenticates nobody itself, so its calls never learn one.
  if (request.call != nullptr) events::logging::AppendTraceFields(*request.call, fields);
  events::logging::LogWithFields(response.status >= 500 ? spdlog::level::warn : spdlog::level::info,
                                 "request", fields);
}

absl::Status WebServer::Bind() {
  server_->set_payload_max_length(std::max(largest_body_bytes_, options_.max_body_bytes));
  if (options_.port == 0) {
    port_ = server_->bind_to_any_port(options_.host);
    if (port_ > 0) return absl::OkStatus();
  } else if (server_->bind_to_port(options_.host, options_.port)) {
    port_ = options_.port;
    return absl::OkStatus();
  }
  return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.host, ":", options_.port,
                                             " (in use, or not an address of this machine?)"));
}

void WebServer::Serve() { server_->listen_after_bind(); }

void WebServer::Stop() { server_->stop(); }

}  // namespace events::web
