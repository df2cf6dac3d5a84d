#include "services/web/web_config.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/time/local_time.h"

namespace events::web {

WebConfig ReadWebConfig(events::config::EnvReader& env) {
  WebConfig c;
  c.http.host = env.String("EVENTS_LISTEN_HOST", "0.0.0.0");
  c.http.port = static_cast<int>(env.Int("WEB_PORT", 8080, 0, 65535, "a port"));
  c.metrics_port = static_cast<int>(env.Int("EVENTS_METRICS_PORT", 9106, 0, 65535, "a port"));
  c.log_format = env.OneOf("EVENTS_LOG_FORMAT", "json", {"json", "text"});
  c.log_level = env.OneOf("EVENTS_LOG_LEVEL", "info", {"trace", "debug", "info", "warn", "error"});
  c.backends.scheduling = env.String("EVENTS_SCHEDULING_ADDR", "127.0.0.1:50051");
  c.backends.registration = env.String("EVENTS_REGISTRATION_ADDR", "127.0.0.1:50052");
  c.backends.accessibility = env.String("EVENTS_ACCESSIBILITY_ADDR", "127.0.0.1:50053");
  c.backends.feedback = env.String("EVENTS_FEEDBACK_ADDR", "127.0.0.1:50054");
  c.backends.integrations = env.String("EVENTS_INTEGRATIONS_ADDR", "127.0.0.1:50055");
  c.backends.notifications = env.String("EVENTS_NOTIFICATIONS_ADDR", "127.0.0.1:50056");
  c.backends.people = env.String("EVENTS_PEOPLE_ADDR", "127.0.0.1:50057");
  c.api.addresses = {
      {"events.v1.SchedulingService", c.backends.scheduling},
      {"events.v1.RegistrationService", c.backends.registration},
      {"events.v1.AccessibilityService", c.backends.accessibility},
      {"events.v1.FeedbackService", c.backends.feedback},
      {"events.v1.IntegrationsService", c.backends.integrations},
      {"events.v1.NotificationsService", c.backends.notifications},
      {"events.v1.PeopleService", c.backends.people},
  };
  c.api.deadline =
      std::chrono::milliseconds(env.Int("WEB_API_DEADLINE_MS", 10000, 100, 120000, "milliseconds"));
  c.api.max_body_bytes = static_cast<size_t>(
      env.Int("WEB_API_MAX_BODY_BYTES", int64_t{256} * 1024, 1024, 4 << 20, "bytes"));
  for (absl::string_view origin :
       absl::StrSplit(env.String("WEB_API_CORS_ORIGINS", ""), ',', absl::SkipWhitespace())) {
    origin = absl::StripAsciiWhitespace(origin);
    if ((!absl::StartsWith(origin, "https://") && !absl::StartsWith(origin, "http://")) ||
        absl::EndsWith(origin, "/") || origin == "*") {
      env.AddProblem(absl::StrCat("WEB_API_CORS_ORIGINS: \"", origin,
                                  "\" is not an origin like https://tools.example.org (no "
                                  "path, no trailing /, no *)"));
      continue;
    }
    c.api.cors_origins.emplace_back(origin);
  }
  c.deadline_ms = static_cast<int>(env.Int("WEB_DEADLINE_MS", 3000, 50, 60000, "milliseconds"));
  c.cache_ms = static_cast<int>(env.Int("WEB_CACHE_MS", 2000, 0, 60000, "milliseconds"));
  c.http.threads = static_cast<int>(env.Int("WEB_THREADS", 32, 2, 1024));
  c.http.max_body_bytes = static_cast<size_t>(
      env.Int("WEB_MAX_BODY_BYTES", int64_t{64} * 1024, 1024, 1 << 20, "bytes"));
  c.trusted_proxies = env.String("WEB_TRUSTED_PROXIES", "");
  c.csrf_key = env.String("WEB_CSRF_KEY", "");
  if (!c.csrf_key.empty() && c.csrf_key.size() < 32) {
    env.AddProblem(
        "WEB_CSRF_KEY must be at least 32 characters (make one with `openssl rand "
        "-base64 32`), or unset for a random key per process");
  }
  c.secure_cookies = env.Bool("WEB_SECURE_COOKIES", true);
  c.console_time_zone = env.String("WEB_CONSOLE_TIME_ZONE", "Europe/London");
  if (absl::Status s = events::time::ValidateTimeZone(c.console_time_zone, "WEB_CONSOLE_TIME_ZONE");
      !s.ok()) {
    env.AddProblem(std::string(s.message()));
  }
  c.public_url = env.String("WEB_PUBLIC_URL", absl::StrCat("http://localhost:", c.http.port));
  if (!absl::StartsWith(c.public_url, "https://") && !absl::StartsWith(c.public_url, "http://")) {
    env.AddProblem("WEB_PUBLIC_URL must start with https:// (or http:// locally)");
  }
  while (absl::EndsWith(c.public_url, "/")) c.public_url.pop_back();
  c.shutdown_grace_ms =
      static_cast<int>(env.Int("EVENTS_SHUTDOWN_GRACE_MS", 0, 0, 600000, "milliseconds"));
  return c;
}

}  // namespace events::web
