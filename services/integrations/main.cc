// integrations_server: reads configuration, builds the objects, serves until SIGTERM.
#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <optional>

#include "common/bus/event_bus.h"
#include "common/bus/stream_worker.h"
#include "common/config/env_reader.h"
#include "common/config/service_config.h"
#include "common/rpc/peer_channel.h"
#include "common/server/service_core.h"
#include "common/server/service_runner.h"
#include "common/server/service_start.h"
#include "services/integrations/contacts/contacts_projector.h"
#include "services/integrations/delivery/dispatcher.h"
#include "services/integrations/delivery/event_intake.h"
#include "services/integrations/delivery/webhook_sender.h"
#include "services/integrations/delivery/worker_options.h"
#include "services/integrations/domain/integrations.h"
#include "services/integrations/peers/registration_directory.h"
#include "services/integrations/server/integrations_metrics.h"
#include "services/integrations/server/integrations_service.h"
#include "services/integrations/store/redis_integrations_store.h"
#include "services/integrations/webhooks/secret_box.h"

namespace {

struct IntegrationsConfig {
  events::config::ServiceConfig common;
  std::string registration_addr;
  std::string service_key;
  std::string encryption_key;
  int registration_deadline_ms = 2000;
  events::integrations::UrlPolicy policy;
  int http_timeout_ms = 10000;
  int dispatch_threads = 8;
  int poll_ms = 500;
  int retry_divisor = 1;
  int lease_ms = 0;
  int claim_idle_ms = 30000;
  bool workers = true;
};

IntegrationsConfig ReadConfig(events::config::EnvReader& env) {
  IntegrationsConfig c;
  c.common = events::config::ReadServiceConfig(env, "integrations", 50055, 9105);
  c.registration_addr = env.String("EVENTS_REGISTRATION_ADDR", "127.0.0.1:50052");
  c.service_key = env.RequiredString("EVENTS_SERVICE_KEY");
  c.encryption_key = env.RequiredString("INTEGRATIONS_ENCRYPTION_KEY");
  c.registration_deadline_ms =
      static_cast<int>(env.Int("INTEGRATIONS_REGISTRATION_DEADLINE_MS", 2000, 50, 60000));
  c.policy.allow_http_loopback = env.Bool("INTEGRATIONS_ALLOW_HTTP_LOOPBACK", false);
  c.policy.allow_private = env.Bool("INTEGRATIONS_ALLOW_PRIVATE", false);
  c.policy.allow_any_port = env.Bool("INTEGRATIONS_ALLOW_ANY_PORT", false);
  c.http_timeout_ms = static_cast<int>(env.Int("INTEGRATIONS_HTTP_TIMEOUT_MS", 10000, 100, 120000));
  c.dispatch_threads = static_cast<int>(env.Int("INTEGRATIONS_DISPATCH_THREADS", 8, 1, 64));
  c.poll_ms = static_cast<int>(env.Int("INTEGRATIONS_POLL_MS", 500, 10, 60000));
  // Test-only: divides every retry delay, so the three-day schedule runs in seconds.
  c.retry_divisor = static_cast<int>(env.Int("INTEGRATIONS_TEST_RETRY_DIVISOR", 1, 1, 100000000));
  c.workers = env.Bool("INTEGRATIONS_WORKERS", true);
  // How long a claimed try belongs to this process: past the HTTP timeout, so a slow receiver
  // is not tried twice at once; a crashed process's claims come back after it.
  c.lease_ms = static_cast<int>(env.Int("INTEGRATIONS_LEASE_MS", 2 * c.http_timeout_ms + 30000,
                                        c.http_timeout_ms + 1000, 3600000));
  // Stream entries a crashed process had read but not acknowledged are taken over after this.
  c.claim_idle_ms = static_cast<int>(env.Int("INTEGRATIONS_CLAIM_IDLE_MS", 30000, 1000, 3600000));
  return c;
}

}  // namespace

int main() {
  events::config::EnvReader env;
  IntegrationsConfig config = ReadConfig(env);
  std::optional<events::integrations::SecretBox> secrets;
  if (!config.encryption_key.empty()) {
    absl::StatusOr<events::integrations::SecretBox> box =
        events::integrations::SecretBox::FromBase64(config.encryption_key);
    if (box.ok()) {
      secrets.emplace(*std::move(box));
    } else {
      env.AddProblem(std::string(box.status().message()));
    }
  }
  absl::StatusOr<events::redis::RedisOptions> redis_options = events::server::StartService(
      env, config.common,
      "EVENTS_SERVICE_KEY is an API key with the service role (`eventctl admin service-key "
      "--name integrations`); INTEGRATIONS_ENCRYPTION_KEY is `openssl rand -base64 32`");
  if (!redis_options.ok() || !secrets.has_value()) return 2;
  events::server::ServiceCore core(*redis_options, config.common);
  if (!events::server::PartitionsAgree(core)) return 2;
  events::integrations::RedisIntegrationsStore store(
      core.redis, core.keys, events::integrations::RedisIntegrationsStore::Options{});
  events::integrations::GrpcRegistrationDirectory registrations(
      events::rpc::PeerChannel(config.registration_addr), config.service_key,
      std::chrono::milliseconds(config.registration_deadline_ms));
  events::integrations::Integrations integrations(
      store, core.key_store, registrations, *secrets, core.keys, core.clock, core.ids,
      config.policy, [&core](const events::v1::DomainEvent& event) {
        return events::bus::Publish(core.redis, core.keys, core.keys.PartitionOf(event.org_id()),
                                    event)
            .status();
      });

  auto registry = std::make_shared<prometheus::Registry>();
  events::integrations::IntegrationsMetrics metrics(*registry);
  events::integrations::IntegrationsServiceImpl service(integrations, core.auth);

  events::integrations::CurlGlobalInit();
  events::integrations::CurlSenderOptions sender_options;
  sender_options.policy = config.policy;
  sender_options.timeout = std::chrono::milliseconds(config.http_timeout_ms);
  events::integrations::CurlSender sender(sender_options);
  events::integrations::DispatcherOptions dispatcher_options;
  dispatcher_options.poll_interval = std::chrono::milliseconds(config.poll_ms);
  dispatcher_options.lease = std::chrono::milliseconds(config.lease_ms);
  dispatcher_options.try_time = std::chrono::milliseconds(config.http_timeout_ms);
  dispatcher_options.threads = config.dispatch_threads;
  dispatcher_options.retry_scale = 1.0 / config.retry_divisor;
  events::integrations::Dispatcher dispatcher(store, *secrets, sender, core.clock,
                                              dispatcher_options, metrics.DispatcherCountersOf(),
                                              nullptr);

  // Webhook intake and the contacts projection read the streams in groups of their own, so a
  // registration outage holds back only the contacts.
  events::bus::Consumer consumer(
      core.redis, core.keys,
      events::integrations::WorkerConsumerOptions(events::integrations::kWebhookGroup,
                                                  events::server::ProcessName(),
                                                  std::chrono::milliseconds(config.claim_idle_ms)));
  events::bus::Consumer contacts_consumer(
      core.redis, core.keys,
      events::integrations::WorkerConsumerOptions(events::integrations::kContactsGroup,
                                                  events::server::ProcessName(),
                                                  std::chrono::milliseconds(config.claim_idle_ms)));
  events::integrations::ContactsProjector contacts(store, registrations);
  events::integrations::EventIntakeOptions intake_options;
  intake_options.poll_interval = std::chrono::milliseconds(config.poll_ms);
  events::integrations::EventIntake intake(consumer, store, core.clock, intake_options,
                                           metrics.IntakeCountersOf());
  events::bus::StreamWorker contacts_worker(
      "integrations contacts", contacts_consumer,
      [&contacts](const events::bus::Delivery& delivery) { return contacts.Apply(delivery.event); },
      events::bus::StreamWorkerOptions{std::chrono::milliseconds(config.poll_ms)},
      events::bus::StreamWorkerCounters{&metrics.contacts_errors, &metrics.contacts_errors});

  events::server::ServiceRunner runner(events::server::ServerOptionsFrom(config.common), registry,
                                       core.platform.collectable());
  runner.AddService(&service);
  std::optional<int> port = events::server::StartServing(runner);
  if (!port) return 1;
  if (config.workers) {
    events::server::PrepareConsumer(core, consumer, "the integrations webhook consumer group");
    events::server::PrepareConsumer(core, contacts_consumer,
                                    "the integrations contacts consumer group");
    intake.Start();
    contacts_worker.Start();
    dispatcher.Start();
  }
  spdlog::info("integrations is serving on port {} (registration at {}, http loopback {})", *port,
               config.registration_addr, config.policy.allow_http_loopback ? "allowed" : "refused");
  // The dispatcher cuts the webhook tries in progress short (their leases bring them back,
  // same webhook-id), so a slow receiver does not hold the shutdown up.
  events::server::ServeUntilShutdown(
      runner,
      {[&] { intake.Stop(); }, [&] { contacts_worker.Stop(); }, [&] { dispatcher.Stop(); }});
  spdlog::info("integrations stopped");
  return 0;
}
