#include "common/server/service_core.h"

#include <spdlog/spdlog.h>

#include <string>
#include <thread>

#include "common/bus/delayed_job_worker.h"
#include "common/bus/event_bus.h"
#include "common/bus/partition_guard.h"
#include "common/server/service_runner.h"
#include "common/server/service_start.h"

namespace events::server {

ServiceCore::ServiceCore(const redis::RedisOptions& redis_options,
                         const config::ServiceConfig& config)
    : redis(redis_options),
      keys(config.key_prefix, config.partitions),
      adopt_partitions(!config.partitions_set),
      ids(clock),
      key_store(redis, keys),
      auth(key_store, clock),
      platform(redis, clock) {
  WarnIfRedisIsDown(redis);
}

namespace {

// EVENTS_PARTITIONS unset: the installation's own count, if it has one.
absl::Status AdoptInstallationCount(ServiceCore& core) {
  if (!core.adopt_partitions) return absl::OkStatus();
  absl::StatusOr<int> count = bus::InstallationPartitions(core.redis, core.keys);
  if (!count.ok()) return count.status();
  core.adopt_partitions = false;
  if (*count > 0 && *count != core.keys.partitions()) {
    spdlog::info(
        "EVENTS_PARTITIONS is not set: this installation's data is keyed with {} partitions, "
        "so this service uses {} (docs/configuration.md, \"Partitions\")",
        *count, *count);
    core.keys = bus::Keyspace(core.keys.prefix(), *count);
  }
  return absl::OkStatus();
}

}  // namespace

bool PartitionsAgree(ServiceCore& core, std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    absl::Status agreed = AdoptInstallationCount(core);
    if (agreed.ok()) agreed = bus::CheckPartitions(core.redis, core.keys);
    if (agreed.ok()) return true;
    if (!absl::IsUnavailable(agreed) || std::chrono::steady_clock::now() >= deadline) {
      spdlog::critical("cannot start: {}", std::string(agreed.message()));
      return false;
    }
    // Redis may start after the services (a pod restarted, a machine booting).
    spdlog::warn("cannot check the partition count yet ({}); trying again",
                 std::string(agreed.message()));
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

std::optional<int> StartServing(ServiceRunner& runner) {
  absl::StatusOr<int> port = runner.Start();
  if (!port.ok()) {
    spdlog::critical("cannot start: {}", std::string(port.status().message()));
    return std::nullopt;
  }
  return *port;
}

void PrepareConsumer(ServiceCore& core, bus::Consumer& consumer, absl::string_view what) {
  core.platform.Watch(consumer);
  if (absl::Status s = consumer.EnsureGroups(); !s.ok()) {
    spdlog::warn("could not create {} yet ({}); will retry", std::string(what),
                 std::string(s.message()));
  }
}

void WatchJobs(ServiceCore& core, const bus::DelayedJobWorker& worker) {
  core.platform.Watch(worker, core.keys);
}

}  // namespace events::server
