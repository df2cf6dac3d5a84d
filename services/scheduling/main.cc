// scheduling_server: reads configuration, builds the objects, serves until SIGTERM.
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
#include "common/bus/keyspace.h"
#include "common/config/env_reader.h"
#include "common/config/service_config.h"
#include "common/redis/redis_client.h"
#include "common/server/service_runner.h"
#include "common/server/service_start.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "services/scheduling/domain/scheduler.h"
#include "services/scheduling/server/scheduling_metrics.h"
#include "services/scheduling/server/scheduling_service.h"
#include "services/scheduling/store/redis_event_store.h"
#include "services/scheduling/worker/reminder_worker.h"

namespace {

struct SchedulingConfig {
  events::config::ServiceConfig common;
  bool reminder_worker = true;
  int reminder_poll_ms = 1000;
  std::string calendar_uid_domain;
};

SchedulingConfig ReadConfig(events::config::EnvReader& env) {
  SchedulingConfig c;
  c.common = events::config::ReadServiceConfig(env, "scheduling", 50051, 9101);
  c.reminder_worker = env.Bool("SCHEDULING_REMINDER_WORKER", true);
  c.reminder_poll_ms = static_cast<int>(env.Int("SCHEDULING_REMINDER_POLL_MS", 1000, 10, 60000));
  c.calendar_uid_domain = env.String("SCHEDULING_CALENDAR_UID_DOMAIN", "events.invalid");
  return c;
}

}  // namespace

int main() {
  events::config::EnvReader env;
  SchedulingConfig config = ReadConfig(env);
  absl::StatusOr<events::redis::RedisOptions> redis_options =
      events::server::StartService(env, config.common);
  if (!redis_options.ok()) return 2;
  events::redis::RedisClient redis(*redis_options);
  events::server::WarnIfRedisIsDown(redis);
  events::bus::Keyspace keys(config.common.key_prefix, config.common.partitions);
  events::SystemClock clock;
  events::IdGenerator ids(clock);
  events::auth::RedisKeyStore key_store(redis, keys);
  events::auth::Authenticator auth(key_store);
  events::scheduling::RedisEventStore store(redis, keys, {});
  events::scheduling::SchedulerOptions scheduler_options;
  scheduler_options.uid_domain = config.calendar_uid_domain;
  events::scheduling::Scheduler scheduler(store, clock, ids, scheduler_options);

  auto registry = std::make_shared<prometheus::Registry>();
  events::scheduling::SchedulingMetrics metrics(*registry);
  events::scheduling::SchedulingServiceImpl service(scheduler, auth, metrics);
  events::scheduling::ReminderWorker worker(
      store, clock, {std::chrono::milliseconds(config.reminder_poll_ms), 100},
      {&metrics.reminders_fired, &metrics.reminder_errors});

  events::server::ServiceRunner runner(events::server::ServerOptionsFrom(config.common), registry);
  runner.AddService(&service);
  absl::StatusOr<int> port = runner.Start();
  if (!port.ok()) {
    spdlog::critical("cannot start: {}", std::string(port.status().message()));
    return 1;
  }
  if (config.reminder_worker) worker.Start();
  spdlog::info("scheduling is serving on port {} (metrics on {})", *port, runner.metrics_port());
  runner.WaitForShutdown();
  worker.Stop();
  runner.Shutdown();
  spdlog::info("scheduling stopped");
  return 0;
}
