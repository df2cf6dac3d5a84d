// accessibility_server: reads configuration, builds the objects, serves until SIGTERM.
#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <optional>

#include "common/bus/event_bus.h"
#include "common/config/env_reader.h"
#include "common/config/service_config.h"
#include "common/rpc/peer_channel.h"
#include "common/server/service_core.h"
#include "common/server/service_runner.h"
#include "common/server/service_start.h"
#include "services/accessibility/domain/access_desk.h"
#include "services/accessibility/domain/detail_cipher.h"
#include "services/accessibility/peers/grpc_directories.h"
#include "services/accessibility/server/accessibility_service.h"
#include "services/accessibility/store/redis_accessibility_store.h"
#include "services/accessibility/worker/job_worker.h"
#include "services/accessibility/worker/risk_gauges.h"
#include "services/accessibility/worker/schedule_listener.h"

namespace {

struct AccessibilityConfig {
  events::config::ServiceConfig common;
  std::string scheduling_addr;
  std::string registration_addr;
  std::string service_key;
  int upstream_deadline_ms = 2000;
  events::accessibility::CipherKey key;
  std::vector<events::accessibility::CipherKey> previous_keys;
  events::accessibility::DeskOptions desk;
  events::accessibility::RedisAccessibilityStore::Options store;
  bool workers = true;
};

AccessibilityConfig ReadConfig(events::config::EnvReader& env) {
  using events::accessibility::DetailCipher;
  AccessibilityConfig c;
  c.common = events::config::ReadServiceConfig(env, "accessibility", 50053, 9103);
  c.scheduling_addr = env.String("EVENTS_SCHEDULING_ADDR", "127.0.0.1:50051");
  c.registration_addr = env.String("EVENTS_REGISTRATION_ADDR", "127.0.0.1:50052");
  c.service_key = env.RequiredString("EVENTS_SERVICE_KEY");
  c.upstream_deadline_ms =
      static_cast<int>(env.Int("ACCESSIBILITY_UPSTREAM_DEADLINE_MS", 2000, 50, 60000));
  c.desk.retention_days =
      static_cast<int>(env.Int("ACCESSIBILITY_RETENTION_DAYS", 30, 0, 3650, "a number of days"));
  c.desk.at_risk_window_ms =
      env.Int("ACCESSIBILITY_AT_RISK_HOURS", 48, 0, int64_t{24} * 365, "a number of hours") * 3600 *
      1000;
  c.store.audit_max_entries =
      env.Int("ACCESSIBILITY_AUDIT_MAX_ENTRIES", 10000000, 1000, 1000000000, "a number of entries");
  c.desk.min_group =
      static_cast<int>(env.Int("ACCESSIBILITY_MIN_GROUP", 5, 3, 1000, "a number of requests"));
  c.workers = env.Bool("ACCESSIBILITY_WORKERS", true);

  const std::string key = env.RequiredString("ACCESSIBILITY_ENCRYPTION_KEY");
  c.key.id = env.String("ACCESSIBILITY_ENCRYPTION_KEY_ID", "k1");
  if (!DetailCipher::IsValidKeyId(c.key.id)) {
    env.AddProblem(
        "ACCESSIBILITY_ENCRYPTION_KEY_ID must be 1 to 32 of A-Z a-z 0-9 _ . - (e.g. k1)");
  }
  if (!key.empty()) {
    auto parsed = DetailCipher::ParseKey(key, "ACCESSIBILITY_ENCRYPTION_KEY");
    if (parsed.ok()) {
      c.key.key = *parsed;
    } else {
      env.AddProblem(std::string(parsed.status().message()));
    }
  }
  auto previous = DetailCipher::ParseKeyList(env.String("ACCESSIBILITY_PREVIOUS_KEYS", ""),
                                             "ACCESSIBILITY_PREVIOUS_KEYS");
  if (previous.ok()) {
    c.previous_keys = *previous;
  } else {
    env.AddProblem(std::string(previous.status().message()));
  }
  return c;
}

}  // namespace

int main() {
  events::config::EnvReader env;
  AccessibilityConfig config = ReadConfig(env);
  absl::StatusOr<events::redis::RedisOptions> redis_options = events::server::StartService(
      env, config.common,
      "EVENTS_SERVICE_KEY is an API key with the service role (eventctl admin service-key --name "
      "accessibility); ACCESSIBILITY_ENCRYPTION_KEY is 32 random bytes (openssl rand -base64 "
      "32), kept apart from the data");
  if (!redis_options.ok()) return 2;
  events::server::ServiceCore core(*redis_options, config.common);
  if (!events::server::PartitionsAgree(core)) return 2;
  events::accessibility::RedisAccessibilityStore store(core.redis, core.keys, config.store);
  const std::chrono::milliseconds deadline(config.upstream_deadline_ms);
  events::accessibility::GrpcEventDirectory event_directory(
      events::rpc::PeerChannel(config.scheduling_addr), config.service_key, deadline,
      config.scheduling_addr);
  events::accessibility::GrpcRegistrationDirectory registration_directory(
      events::rpc::PeerChannel(config.registration_addr), config.service_key, deadline,
      config.registration_addr);
  events::accessibility::DetailCipher cipher(config.key, config.previous_keys);
  events::accessibility::AccessDesk desk(store, event_directory, registration_directory, cipher,
                                         core.clock, core.ids, config.desk);

  auto registry = std::make_shared<prometheus::Registry>();
  events::accessibility::AccessibilityMetrics metrics(*registry);
  events::accessibility::AccessibilityServiceImpl service(desk, core.auth, metrics);

  events::bus::ConsumerOptions consumer_options;
  consumer_options.group = "accessibility";
  consumer_options.consumer = events::server::ProcessName();
  consumer_options.batch_size = 500;
  events::bus::Consumer consumer(core.redis, core.keys, consumer_options);
  events::accessibility::ScheduleListener listener(consumer, desk);
  events::accessibility::JobWorker jobs(desk);
  // Read-only, and every replica reports the same counts: on whether or not it runs workers.
  events::accessibility::RiskGauges risk_gauges(store, core.clock, metrics.at_risk,
                                                metrics.past_deadline);

  events::server::ServiceRunner runner(events::server::ServerOptionsFrom(config.common), registry,
                                       core.platform.collectable());
  runner.AddService(&service);
  runner.DeclareFamilies(events::accessibility::AccessibilityMetrics::Declared());
  std::optional<int> port = events::server::StartServing(runner);
  if (!port) return 1;
  if (config.workers) {
    events::server::PrepareConsumer(core, consumer, "the accessibility consumer group");
    listener.Start();
    events::server::WatchJobs(core, jobs.jobs());
    jobs.Start();
  }
  spdlog::info(
      "accessibility is serving on port {} (scheduling at {}, registration at {}, key id {}, "
      "retention {} days)",
      *port, config.scheduling_addr, config.registration_addr, config.key.id,
      config.desk.retention_days);
  risk_gauges.Start();
  events::server::ServeUntilShutdown(
      runner, {[&] { jobs.Stop(); }, [&] { listener.Stop(); }, [&] { risk_gauges.Stop(); }});
  spdlog::info("accessibility stopped");
  return 0;
}
