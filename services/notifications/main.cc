// notifications_server: reads configuration, builds the objects, serves until SIGTERM.
#include <curl/curl.h>
#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <optional>

#include "common/bus/event_bus.h"
#include "common/bus/worker_options.h"
#include "common/config/env_reader.h"
#include "common/config/service_config.h"
#include "common/rpc/peer_channel.h"
#include "common/server/service_core.h"
#include "common/server/service_runner.h"
#include "common/server/service_start.h"
#include "common/util/text_rules.h"
#include "services/notifications/delivery/dispatcher.h"
#include "services/notifications/delivery/intake.h"
#include "services/notifications/domain/notifications.h"
#include "services/notifications/mail/composer.h"
#include "services/notifications/mail/smtp_sender.h"
#include "services/notifications/peers/peers.h"
#include "services/notifications/server/notifications_metrics.h"
#include "services/notifications/server/notifications_service.h"
#include "services/notifications/store/redis_outbox_store.h"

namespace {

struct NotificationsConfig {
  events::config::ServiceConfig common;
  std::string registration_addr;
  std::string scheduling_addr;
  std::string people_addr;
  std::string service_key;
  int peer_deadline_ms = 5000;
  events::notifications::SmtpOptions smtp;
  events::notifications::DispatcherOptions dispatch;
  int max_event_age_hours = 24;
  int poll_ms = 500;
  int claim_idle_ms = 30000;
  bool workers = true;
};

NotificationsConfig ReadConfig(events::config::EnvReader& env) {
  NotificationsConfig c;
  c.common = events::config::ReadServiceConfig(env, "notifications", 50056, 9107);
  c.registration_addr = env.String("EVENTS_REGISTRATION_ADDR", "127.0.0.1:50052");
  c.scheduling_addr = env.String("EVENTS_SCHEDULING_ADDR", "127.0.0.1:50051");
  c.people_addr = env.String("EVENTS_PEOPLE_ADDR", "127.0.0.1:50057");
  c.service_key = env.RequiredString("EVENTS_SERVICE_KEY");
  c.peer_deadline_ms = static_cast<int>(env.Int("NOTIFICATIONS_PEER_DEADLINE_MS", 5000, 50, 60000));
  c.smtp.url = env.String("NOTIFICATIONS_SMTP_URL", "smtp://127.0.0.1:2525");
  const std::string tls =
      env.OneOf("NOTIFICATIONS_SMTP_TLS", "", {"", "starttls", "none", "implicit"});
  absl::StatusOr<events::notifications::SmtpOptions::Tls> parsed =
      events::notifications::ParseSmtpTls(c.smtp.url, tls);
  if (parsed.ok()) {
    c.smtp.tls = *parsed;
  } else {
    env.AddProblem(std::string(parsed.status().message()));
  }
  c.smtp.username = env.String("NOTIFICATIONS_SMTP_USERNAME", "");
  c.smtp.password = env.String("NOTIFICATIONS_SMTP_PASSWORD", "");
  c.smtp.timeout =
      std::chrono::milliseconds(env.Int("NOTIFICATIONS_SMTP_TIMEOUT_MS", 60000, 1000, 600000));
  c.smtp.connect_timeout = std::min(c.smtp.timeout, std::chrono::milliseconds(10000));
  c.dispatch.from_address = env.String("NOTIFICATIONS_FROM_ADDRESS", "events@localhost");
  if (absl::Status s = events::CheckEmail(c.dispatch.from_address, "NOTIFICATIONS_FROM_ADDRESS");
      !s.ok() && c.dispatch.from_address != "events@localhost") {
    env.AddProblem(std::string(s.message()));
  }
  c.dispatch.default_from_name = env.String("NOTIFICATIONS_FROM_NAME", "Inclusive events");
  c.dispatch.public_url = env.String("NOTIFICATIONS_PUBLIC_URL", "http://127.0.0.1:8080");
  while (!c.dispatch.public_url.empty() && c.dispatch.public_url.back() == '/') {
    c.dispatch.public_url.pop_back();
  }
  c.dispatch.limits.per_recipient =
      static_cast<int>(env.Int("NOTIFICATIONS_LIMIT_PER_RECIPIENT_PER_HOUR", 20, 0, 100000));
  c.dispatch.limits.per_organisation =
      static_cast<int>(env.Int("NOTIFICATIONS_LIMIT_PER_ORGANISATION_PER_HOUR", 5000, 0, 10000000));
  c.dispatch.threads = static_cast<int>(env.Int("NOTIFICATIONS_SEND_THREADS", 4, 1, 64));
  c.poll_ms = static_cast<int>(env.Int("NOTIFICATIONS_POLL_MS", 500, 10, 60000));
  c.dispatch.poll_interval = std::chrono::milliseconds(c.poll_ms);
  // How long a claimed try belongs to this process: past the SMTP timeout.
  c.dispatch.try_time = c.smtp.timeout + std::chrono::milliseconds(5000);
  c.dispatch.lease = c.dispatch.try_time * 2;
  // Test-only: divides every retry delay, so hours of retries run in seconds.
  c.dispatch.retry_scale =
      1.0 / static_cast<double>(env.Int("NOTIFICATIONS_TEST_RETRY_DIVISOR", 1, 1, 100000000));
  c.max_event_age_hours =
      static_cast<int>(env.Int("NOTIFICATIONS_MAX_EVENT_AGE_HOURS", 24, 1, 720));
  c.claim_idle_ms = static_cast<int>(env.Int("NOTIFICATIONS_CLAIM_IDLE_MS", 30000, 1000, 3600000));
  c.workers = env.Bool("NOTIFICATIONS_WORKERS", true);
  return c;
}

}  // namespace

int main() {
  events::config::EnvReader env;
  NotificationsConfig config = ReadConfig(env);
  absl::StatusOr<events::notifications::Composer> composer =
      events::notifications::Composer::Create();
  if (!composer.ok()) env.AddProblem(std::string(composer.status().message()));
  absl::StatusOr<events::redis::RedisOptions> redis_options = events::server::StartService(
      env, config.common,
      "EVENTS_SERVICE_KEY is an API key with the service role (`eventctl admin service-key "
      "--name notifications`); NOTIFICATIONS_SMTP_URL points at the mail server");
  if (!redis_options.ok() || !composer.ok()) return 2;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  events::server::ServiceCore core(*redis_options, config.common);
  if (!events::server::PartitionsAgree(core)) return 2;
  events::notifications::RedisOutboxStore store(core.redis, core.keys,
                                                events::notifications::RedisOutboxStore::Options{});
  std::unique_ptr<events::notifications::Peers> peers =
      events::notifications::MakeGrpcPeers(events::notifications::PeerAddresses{
          events::rpc::PeerChannel(config.registration_addr), config.registration_addr,
          events::rpc::PeerChannel(config.scheduling_addr), config.scheduling_addr,
          events::rpc::PeerChannel(config.people_addr), config.people_addr, config.service_key,
          config.peer_deadline_ms});
  events::notifications::Notifications notifications(store, core.clock);

  auto registry = std::make_shared<prometheus::Registry>();
  events::notifications::NotificationsMetrics metrics(*registry);
  events::notifications::NotificationsServiceImpl service(notifications, core.auth);

  events::notifications::CurlMailSender sender(config.smtp);
  events::notifications::Dispatcher dispatcher(store, *peers, *composer, sender, core.clock,
                                               config.dispatch, metrics.DispatcherMetricsOf());
  events::bus::Consumer consumer(
      core.redis, core.keys,
      events::bus::WorkerConsumerOptions(events::notifications::kNotificationsGroup,
                                         events::server::ProcessName(),
                                         std::chrono::milliseconds(config.claim_idle_ms)));
  events::notifications::IntakeOptions intake_options;
  intake_options.poll_interval = std::chrono::milliseconds(config.poll_ms);
  intake_options.max_event_age = std::chrono::hours(config.max_event_age_hours);
  events::notifications::Intake intake(consumer, store, *peers, core.clock, intake_options,
                                       metrics.IntakeCountersOf());

  events::server::ServiceRunner runner(events::server::ServerOptionsFrom(config.common), registry,
                                       core.platform.collectable());
  runner.AddService(&service);
  std::optional<int> port = events::server::StartServing(runner);
  if (!port) return 1;
  if (config.workers) {
    events::server::PrepareConsumer(core, consumer, "the notifications consumer group");
    intake.Start();
    dispatcher.Start();
  }
  // The mail server's address is logged without any user name or password (they are apart).
  spdlog::info(
      "notifications is serving on port {} (mail server {}, registration at {}, "
      "scheduling at {}, people at {})",
      *port, config.smtp.url, config.registration_addr, config.scheduling_addr, config.people_addr);
  events::server::ServeUntilShutdown(runner, {[&] { intake.Stop(); }, [&] { dispatcher.Stop(); }});
  spdlog::info("notifications stopped");
  curl_global_cleanup();
  return 0;
}
