// register_ceiling: the ceiling of one Redis (or Redis Cluster) running the registration
// service's register script alone, with no service in front (./scripts/bench, step 4, and
// ./scripts/bench capacity; docs/benchmarks.md). It composes the script and each call's
// KEYS and MessagePack record with the registration store's own code
// (RedisRegistrationStore::Register, one EVALSHA a registration), seeds an event as the
// service stores one (or takes --event-id), runs --requests registrations with distinct
// e-mails from --concurrency threads, then counts what Redis holds and refuses to give a
// figure when fewer than 95% of the calls registered anyone.
//
// Redis is configured as in every service, by EVENTS_REDIS_URL (redis:// or
// redis+cluster://; in the environment, so a password is not on the command line),
// EVENTS_REDIS_KEY_PREFIX, EVENTS_PARTITIONS and the other EVENTS_REDIS_* variables.
//
// Prints one line of JSON on stdout and a summary on stderr. Exit codes: 0 measured; 2 the
// run was made but its figure is not comparable (the reason on stderr, the JSON still on
// stdout, "comparable":0); 1 it could not run (configuration, Redis, seeding).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <limits>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/bus/keyspace.h"
#include "common/bus/partition_guard.h"
#include "common/config/env_reader.h"
#include "common/config/service_config.h"
#include "common/redis/redis_client.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "services/registration/store/redis_registration_store.h"
#include "tools/register_ceiling/ceiling_event.h"
#include "tools/register_ceiling/ceiling_report.h"
#include "tools/register_ceiling/ceiling_run.h"

namespace {

using events::registration::RedisRegistrationStore;

int Fail(const std::string& message) {
  std::fprintf(stderr, "register_ceiling: %s\n", message.c_str());
  return 1;
}

// The Redis options a service would use (common/server/service_start.cc), with a connection
// for every thread: the ceiling of Redis, not of a pool too small for the threads.
absl::StatusOr<events::redis::RedisOptions> RedisOptionsFor(
    const events::config::ServiceConfig& config, int concurrency) {
  absl::StatusOr<events::redis::RedisOptions> options =
      events::redis::ParseRedisUrl(config.redis_url);
  if (!options.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("EVENTS_REDIS_URL: ", options.status().message()));
  }
  options->pool_size = std::max(config.redis_pool_size, concurrency + 1);
  options->command_timeout = std::chrono::milliseconds(config.redis_timeout_ms);
  options->pool_wait_timeout = options->command_timeout;
  options->cluster_failover_wait = std::chrono::milliseconds(config.redis_failover_wait_ms);
  options->wait_replicas = config.redis_wait_replicas;
  options->wait_timeout = std::chrono::milliseconds(config.redis_wait_timeout_ms);
  options->client_name = "register_ceiling";
  return options;
}

// The event to register for: `event_id` when given (NOT_FOUND, saying what to do, when
// Redis holds no facts of it), else a new one with `places` places.
absl::StatusOr<std::string> EventToRegisterFor(RedisRegistrationStore& store,
                                               const std::string& event_id, int32_t places,
                                               const std::string& key_prefix,
                                               const events::Clock& clock,
                                               const events::IdGenerator& ids) {
  if (event_id.empty()) return events::register_ceiling::SeedEvent(store, places, clock, ids);
  absl::StatusOr<std::optional<events::registration::EventFacts>> facts = store.GetFacts(event_id);
  if (!facts.ok()) return facts.status();
  if (!facts->has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "the registration service holds no facts of event ", event_id,
        " in this Redis (EVENTS_REDIS_KEY_PREFIX \"", key_prefix,
        "\"); register someone for it through the service first, or leave out --event-id to "
        "make an event"));
  }
  return event_id;
}

int RunDriver(int argc, char** argv) {
  int64_t requests = 10000;
  int concurrency = 64;
  int64_t capacity = 0;
  std::string event_id;
  std::string email_prefix;
  CLI::App app{
      "register_ceiling: runs the registration service's register script by EVALSHA, one "
      "registration a call, against Redis alone, and reports throughput and latency. Redis "
      "comes from EVENTS_REDIS_URL and the other EVENTS_REDIS_* variables, as for a service."};
  // Both fit an event's capacity (int32_t).
  constexpr int64_t kMostPlaces = std::numeric_limits<int32_t>::max();
  app.add_option("--requests", requests, "Calls, one new attendee each")
      ->check(CLI::Range(int64_t{1}, kMostPlaces))
      ->capture_default_str();
  app.add_option("--concurrency", concurrency,
                 "Threads calling at once, each on a Redis connection of its own")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--capacity", capacity,
                 "Places of the event made for the run (0: as many as --requests, so every "
                 "call confirms someone)")
      ->check(CLI::Range(int64_t{0}, kMostPlaces))
      ->capture_default_str();
  app.add_option("--event-id", event_id,
                 "Register for this existing event (its facts stored by the registration "
                 "service) instead of making one");
  app.add_option("--email-prefix", email_prefix,
                 "E-mails are PREFIX-<n>@bench.example.org (default: ceiling-<random>)");
  CLI11_PARSE(app, argc, argv);
  if (!event_id.empty() && capacity != 0) {
    return Fail("--capacity is the new event's; with --event-id the event's own capacity holds");
  }
  if (!event_id.empty()) {
    if (absl::Status s = events::ValidateEventId(event_id); !s.ok()) {
      return Fail(absl::StrCat("--event-id: ", s.message()));
    }
  }

  // The settings every service reads; the ports among them are not used here.
  events::config::EnvReader env;
  const events::config::ServiceConfig config =
      events::config::ReadServiceConfig(env, "register_ceiling", 1, 0);
  if (absl::Status s = env.Finish(); !s.ok()) return Fail(std::string(s.message()));
  absl::StatusOr<events::redis::RedisOptions> options = RedisOptionsFor(config, concurrency);
  if (!options.ok()) return Fail(std::string(options.status().message()));
  events::redis::RedisClient redis(*options);
  if (absl::Status s = redis.Ping(); !s.ok()) {
    return Fail(absl::StrCat("Redis (EVENTS_REDIS_URL ",
                             events::config::RedactedRedisUrl(config.redis_url),
                             ") does not answer: ", s.message()));
  }
  const events::bus::Keyspace keys(config.key_prefix, config.partitions);
  // As a service at start-up: the event's keys must be the installation's.
  if (absl::Status s = events::bus::CheckPartitions(redis, keys); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  RedisRegistrationStore::Options store_options;
  store_options.register_senders = 0;  // no queue: each Register is one script call of its own
  RedisRegistrationStore store(redis, keys, store_options);
  const events::SystemClock clock;
  const events::IdGenerator ids(clock);

  const auto places = static_cast<int32_t>(capacity > 0 ? capacity : requests);
  absl::StatusOr<std::string> event =
      EventToRegisterFor(store, event_id, places, config.key_prefix, clock, ids);
  if (!event.ok()) {
    return Fail(absl::IsNotFound(event.status())
                    ? std::string(event.status().message())
                    : absl::StrCat("cannot make or read the event: ", event.status().ToString()));
  }
  absl::StatusOr<events::registration::StoredSettings> settings = store.GetSettings(*event);
  absl::StatusOr<int64_t> held_before = events::register_ceiling::RegistrationsHeld(store, *event);
  if (!settings.ok() || !held_before.ok()) {
    return Fail(
        absl::StrCat("cannot read the settings and counts of ", *event, ": ",
                     (settings.ok() ? held_before.status() : settings.status()).ToString()));
  }

  const events::redis::LuaScript& script = RedisRegistrationStore::RegisterScript();
  events::register_ceiling::CeilingFacts facts;
  facts.event_id = *event;
  facts.script_sha = script.sha1();
  facts.script_loaded_before = events::register_ceiling::ScriptLoaded(redis, script);
  facts.concurrency = concurrency;
  events::register_ceiling::PreloadScript(redis, script);

  events::register_ceiling::BenchAttendees attendees;
  attendees.event_id = *event;
  attendees.email_prefix =
      email_prefix.empty() ? absl::StrCat("ceiling-", ids.New("x").substr(2)) : email_prefix;
  attendees.settings_version = settings->settings.version();
  attendees.link_secret = events::RandomToken(32);
  events::register_ceiling::CeilingPlan plan;
  plan.requests = requests;
  plan.concurrency = concurrency;
  const events::register_ceiling::CeilingResult result =
      events::register_ceiling::RunCeiling(store, attendees, plan, clock, ids);

  absl::StatusOr<int64_t> held_after = events::register_ceiling::RegistrationsHeld(store, *event);
  if (!held_after.ok()) {
    return Fail(absl::StrCat("cannot count the registrations of ", *event,
                             " after the run: ", held_after.status().ToString()));
  }
  facts.held = *held_after - *held_before;

  std::fputs(events::register_ceiling::FormatSummary(result, facts).c_str(), stderr);
  std::printf("%s\n", events::register_ceiling::FormatJson(result, facts).c_str());
  std::fflush(stdout);
  const std::string reason = events::register_ceiling::NotComparableReason(result, facts);
  if (!reason.empty()) {
    std::fprintf(stderr, "register_ceiling: not comparable: %s\n", reason.c_str());
    return 2;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // A thread that cannot start, or memory that runs out, ends the run with a message and
  // exit code 1 instead of std::terminate's abort.
  try {
    return RunDriver(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "register_ceiling: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "register_ceiling: an unknown exception\n");
  }
  return 1;
}
