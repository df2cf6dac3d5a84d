#pragma once

#include <chrono>
#include <optional>

#include "absl/strings/string_view.h"
#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
#include "common/bus/keyspace.h"
#include "common/config/service_config.h"
#include "common/metrics/platform_metrics.h"
#include "common/redis/redis_client.h"
#include "common/util/clock.h"
#include "common/util/ids.h"

namespace events::bus {
class Consumer;
class DelayedJobWorker;
}  // namespace events::bus

namespace events::server {

class ServiceRunner;

// What every service binary builds first, once StartService (service_start.h) has read its
// configuration: the Redis client (warning when Redis does not answer yet), the keyspace,
// the clock, ids, and API-key authentication on Redis. Members are built in this order and
// later ones refer to earlier ones, so it is neither copied nor moved.
struct ServiceCore {
  ServiceCore(const redis::RedisOptions& redis_options, const config::ServiceConfig& config);
  ServiceCore(const ServiceCore&) = delete;
  ServiceCore& operator=(const ServiceCore&) = delete;

  redis::RedisClient redis;
  // Replaced by PartitionsAgree with the installation's count when EVENTS_PARTITIONS is unset
  // (what refers to it holds a reference, so sees the change); fixed from then on.
  bus::Keyspace keys;
  // EVENTS_PARTITIONS was unset: take the installation's count (PartitionsAgree).
  bool adopt_partitions = false;
  SystemClock clock;
  IdGenerator ids;
  auth::RedisKeyStore key_store;
  auth::Authenticator auth;
  // The Redis client's metrics and those of the consumer groups and delayed-job queues the
  // service watches (PrepareConsumer, WatchJobs); serve `platform.collectable()` with the
  // service's registry: ServiceRunner(options, registry, core.platform.collectable()).
  metrics::PlatformMetrics platform;
};

// Checks the configured EVENTS_PARTITIONS against the count the installation's data is keyed
// with (bus::CheckPartitions, which records it on a new installation). With EVENTS_PARTITIONS
// unset, first takes that count when the installation has one (bus::InstallationPartitions),
// so only a new installation gets the default: call it before anything uses core.keys'
// count. While Redis does not answer, tries again every second for up to `wait`. False after
// logging why the service must not start (the binary then exits with code 2).
bool PartitionsAgree(ServiceCore& core, std::chrono::milliseconds wait = std::chrono::seconds(60));

// Starts `runner`: its gRPC port, or nullopt after logging why it could not start (the
// binary then exits with code 1).
std::optional<int> StartServing(ServiceRunner& runner);

// Before a consumer starts: creates `consumer`'s consumer groups now, so that its streams are
// read from their start even before the first poll, and adds its group to core's metrics
// (lag, pending, redeliveries, dead letters). When Redis does not answer yet, logs a warning
// naming `what` (e.g. "the facts consumer group"); the consumer creates them when it polls.
void PrepareConsumer(ServiceCore& core, bus::Consumer& consumer, absl::string_view what);

// Adds a delayed-job worker's queue to core's metrics (due, overdue, fired).
void WatchJobs(ServiceCore& core, const bus::DelayedJobWorker& worker);

}  // namespace events::server
