// scheduling_server: reads configuration, builds the objects, serves until SIGTERM.
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <optional>

#include "common/config/env_reader.h"
#include "common/config/service_config.h"
#include "common/server/service_core.h"
#include "common/server/service_runner.h"
#include "common/server/service_start.h"
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
  events::server::ServiceCore core(*redis_options, config.common);
  if (!events::server::PartitionsAgree(core)) return 2;
  events::scheduling::RedisEventStore store(core.redis, core.keys, {});
  events::scheduling::SchedulerOptions scheduler_options;
  scheduler_options.uid_domain = config.calendar_uid_domain;
  events::scheduling::Scheduler scheduler(store, core.clock, core.ids, scheduler_options);

  auto registry = std::make_shared<prometheus::Registry>();
  events::scheduling::SchedulingMetrics metrics(*registry);
  events::scheduling::SchedulingServiceImpl service(scheduler, core.auth, metrics);
  events::scheduling::ReminderWorker worker(
      store, core.clock, {std::chrono::milliseconds(config.reminder_poll_ms), 100},
      {&metrics.reminders_fired, &metrics.reminder_errors});

  events::server::ServiceRunner runner(events::server::ServerOptionsFrom(config.common), registry,
                                       core.platform.collectable());
  runner.AddService(&service);
  std::optional<int> port = events::server::StartServing(runner);
  if (!port) return 1;
  if (config.reminder_worker) {
    events::server::WatchJobs(core, worker.jobs());
    worker.Start();
  }
  spdlog::info("scheduling is serving on port {} (metrics on {})", *port, runner.metrics_port());
  events::server::ServeUntilShutdown(runner, {[&] { worker.Stop(); }});
  spdlog::info("scheduling stopped");
  return 0;
}
