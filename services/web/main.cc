// web_server: the attendees' web pages. Reads configuration, builds the pages, serves HTTP
// until SIGTERM, then reports not ready, waits EVENTS_SHUTDOWN_GRACE_MS and finishes the
// requests in flight.
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/config/env_reader.h"
#include "common/log/logging.h"
#include "common/metrics/metrics_http_server.h"
#include "common/server/shutdown_signal.h"
#include "services/web/api/api_routes.h"
#include "services/web/api/openapi_route.h"
#include "services/web/console/console.h"
#include "services/web/http/csrf.h"
#include "services/web/http/web_server.h"
#include "services/web/pages/event_pages.h"
#include "services/web/pages/feedback_pages.h"
#include "services/web/pages/info_pages.h"
#include "services/web/pages/manage_pages.h"
#include "services/web/pages/register_pages.h"
#include "services/web/pages/site.h"
#include "services/web/view/embedded.h"
#include "services/web/web_config.h"

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "web: cannot start: %s\n", message.c_str());
  return 2;
}

}  // namespace

int main() {
  // Debian builds Abseil with its debug checks on: every absl::Mutex (gRPC takes many per
  // call) keeps a lock graph to detect deadlocks, a few per cent of the CPU under load
  // (measured in scripts/bench api). The services turn it off too (service_runner.cc).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  events::config::EnvReader env;
  events::web::WebConfig config = events::web::ReadWebConfig(env);
  if (absl::Status s = env.Finish(); !s.ok()) return Fail(std::string(s.message()));
  if (absl::Status s = events::logging::InitLogging({"web", config.log_format, config.log_level});
      !s.ok()) {
    return Fail(std::string(s.message()));
  }
  auto proxies = events::rpc::TrustedProxies::Parse(config.trusted_proxies, "WEB_TRUSTED_PROXIES");
  if (!proxies.ok()) return Fail(std::string(proxies.status().message()));
  config.http.trusted_proxies = *proxies;

  const auto messages_text = events::web::EmbeddedText("messages/en-GB.txt");
  if (!messages_text) return Fail("messages/en-GB.txt is not built in");
  auto messages = events::web::Catalogue::Parse(*messages_text, "messages/en-GB.txt");
  if (!messages.ok()) return Fail(std::string(messages.status().message()));
  const events::web::Renderer renderer(*std::move(messages));
  if (absl::Status s = renderer.Check(); !s.ok()) return Fail(std::string(s.message()));

  std::string csrf_key = config.csrf_key;
  if (csrf_key.empty()) {
    csrf_key = events::web::RandomToken(32);
    spdlog::warn(
        "WEB_CSRF_KEY is not set: using a random key for this process. Forms still work with "
        "one replica; set the same WEB_CSRF_KEY on every replica when there are several.");
  }
  const events::web::Csrf csrf(csrf_key, config.secure_cookies);
  events::web::Backends backends(config.backends, std::chrono::milliseconds(config.deadline_ms));
  events::web::PublicData data(backends, std::chrono::milliseconds(config.cache_ms));
  events::web::Site site{renderer, backends, data, csrf, config.public_url};

  if (absl::Status s = events::server::InstallShutdownSignalHandlers(); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  auto registry = std::make_shared<prometheus::Registry>();
  events::web::WebServer server(config.http, *registry);
  std::atomic<bool> draining{false};
  server.SetErrorPages([&site](int status, const events::web::Request& request) {
    if (events::web::api::IsApiRequest(request)) {
      return events::web::api::ApiErrorResponse(status, request);
    }
    return events::web::ErrorPage(site, status, request);
  });
  events::web::AddEventPages(server, site);
  events::web::AddRegisterPages(server, site);
  // The console's routes first: /manage/sign-in is a word, /manage/{token} a personal link.
  events::web::console::Console console{site, events::web::console::Cookies(config.secure_cookies),
                                        config.console_time_zone};
  events::web::console::AddConsolePages(server, console);
  events::web::AddManagePages(server, site);
  events::web::AddFeedbackPages(server, site);
  events::web::AddInfoPages(server, site, draining);
  events::web::api::AddOpenApiRoute(server);
  if (absl::Status s = events::web::api::AddApiRoutes(server, config.api); !s.ok()) {
    return Fail(absl::StrCat("the API's routes: ", s.message()));
  }
  if (absl::Status s = server.Bind(); !s.ok()) return Fail(std::string(s.message()));

  std::unique_ptr<events::metrics::MetricsHttpServer> metrics;
  if (config.metrics_port > 0) {
    events::metrics::MetricsHttpOptions options;
    options.host = config.http.host;
    options.port = config.metrics_port;
    options.service = "web";
    auto started = events::metrics::MetricsHttpServer::Start(options, registry);
    if (!started.ok()) return Fail(std::string(started.status().message()));
    metrics = *std::move(started);
  }

  std::thread serving([&server] { server.Serve(); });
  spdlog::info("web: serving http://{}:{} (public address {}); metrics on port {}",
               config.http.host, server.port(), config.public_url, config.metrics_port);

  events::server::Wakeup never;
  events::server::WaitForWakeupOrSignal(never);
  spdlog::info("web: shutting down: not ready any more, finishing requests in flight");
  draining = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(config.shutdown_grace_ms));
  server.Stop();
  serving.join();
  spdlog::info("web: stopped");
  return 0;
}
