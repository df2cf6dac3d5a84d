// people_server: reads configuration, builds the objects, serves until SIGTERM.
#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <optional>
#include <thread>

#include "absl/strings/escaping.h"
#include "common/config/env_reader.h"
#include "common/config/service_config.h"
#include "common/rpc/client_address.h"
#include "common/server/service_core.h"
#include "common/server/service_runner.h"
#include "common/server/service_start.h"
#include "services/people/domain/people.h"
#include "services/people/server/people_service.h"
#include "services/people/store/legacy_keys.h"
#include "services/people/store/redis_people_store.h"

namespace {

struct PeopleConfig {
  events::config::ServiceConfig common;
  events::people::PeopleOptions options;
  std::string trusted_proxies;
};

PeopleConfig ReadConfig(events::config::EnvReader& env) {
  PeopleConfig c;
  c.common = events::config::ReadServiceConfig(env, "people", 50057, 9108);
  c.options.link_secret = env.RequiredString("PEOPLE_LINK_SECRET");
  if (!c.options.link_secret.empty() && c.options.link_secret.size() < 32) {
    env.AddProblem(
        "PEOPLE_LINK_SECRET is shorter than 32 characters: set it to `openssl rand -base64 32`, "
        "the same on every replica");
  }
  const std::string key = env.RequiredString("PEOPLE_ENCRYPTION_KEY");
  if (!key.empty() && (!absl::Base64Unescape(key, &c.options.encryption_key) ||
                       c.options.encryption_key.size() != 32)) {
    env.AddProblem(
        "PEOPLE_ENCRYPTION_KEY must be the base64 of 32 random bytes, e.g. from `openssl rand "
        "-base64 32`");
  }
  c.options.link_minutes = static_cast<int>(env.Int("PEOPLE_LINK_MINUTES", 15, 1, 1440));
  c.options.idle_minutes = static_cast<int>(env.Int("PEOPLE_SESSION_IDLE_MINUTES", 30, 1, 1440));
  c.options.session_hours = static_cast<int>(env.Int("PEOPLE_SESSION_HOURS", 12, 1, 720));
  // Sign-in links asked for in 15 minutes: per e-mail address, and per visitor address.
  c.options.sign_ins_per_address =
      static_cast<int>(env.Int("PEOPLE_SIGN_INS_PER_ADDRESS", 5, 1, 10000));
  c.options.sign_ins_per_visitor =
      static_cast<int>(env.Int("PEOPLE_SIGN_INS_PER_VISITOR", 30, 1, 100000));
  c.trusted_proxies = env.String("PEOPLE_TRUSTED_PROXIES", "");
  return c;
}

// Moves keys named as before issue 19 to their one-slot names before this replica serves:
// serving without them would hide members and sessions (docs/people.md, "Keys"). Redis may
// come up after this pod, as the other services allow, so an unreachable Redis is waited
// for, up to 30 s. False (logged) when the keys could not be moved.
bool MoveOldKeys(events::server::ServiceCore& core) {
  absl::StatusOr<events::people::LegacyMove> moved =
      events::people::MoveLegacyKeys(core.redis, core.keys);
  for (int waited = 0; absl::IsUnavailable(moved.status()) && waited < 30; ++waited) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    moved = events::people::MoveLegacyKeys(core.redis, core.keys);
  }
  if (!moved.ok()) {
    spdlog::error(
        "people did not start: moving its keys to the names of this version failed ({}). If "
        "Redis was unreachable, start people again once it answers; if a command was refused, "
        "give people's Redis user SCAN, SMEMBERS, MULTI, EXEC and RENAMENX on the old names "
        "(people:* and auth:session:* after the key prefix)",
        moved.status().ToString());
    return false;
  }
  if (moved->moved > 0) {
    spdlog::info("people moved {} keys to their names of this version (one hash slot)",
                 moved->moved);
  }
  if (moved->left > 0) {
    spdlog::warn(
        "people left {} keys under their old names because their new names exist already "
        "(written by an older replica during the upgrade); see docs/people.md, \"Keys\"",
        moved->left);
  }
  return true;
}

}  // namespace

int main() {
  events::config::EnvReader env;
  PeopleConfig config = ReadConfig(env);
  absl::StatusOr<events::rpc::TrustedProxies> trusted_proxies =
      events::rpc::TrustedProxies::Parse(config.trusted_proxies, "PEOPLE_TRUSTED_PROXIES");
  if (!trusted_proxies.ok()) env.AddProblem(std::string(trusted_proxies.status().message()));
  absl::StatusOr<events::redis::RedisOptions> redis_options = events::server::StartService(
      env, config.common,
      "PEOPLE_LINK_SECRET and PEOPLE_ENCRYPTION_KEY are each `openssl rand -base64 32`, the "
      "same on every replica");
  if (!redis_options.ok()) return 2;
  events::server::ServiceCore core(*redis_options, config.common);
  if (!events::server::PartitionsAgree(core)) return 2;
  if (!MoveOldKeys(core)) return 1;
  events::people::RedisPeopleStore store(core.redis, core.keys);
  events::people::People people(store, core.key_store, core.clock, core.ids, config.options);

  auto registry = std::make_shared<prometheus::Registry>();
  events::people::PeopleServiceImpl service(people, core.auth, *trusted_proxies);
  events::server::ServiceRunner runner(events::server::ServerOptionsFrom(config.common), registry,
                                       core.platform.collectable());
  runner.AddService(&service);
  std::optional<int> port = events::server::StartServing(runner);
  if (!port) return 1;
  spdlog::info("people is serving on port {} (links {} min, sessions {} h, idle {} min)", *port,
               config.options.link_minutes, config.options.session_hours,
               config.options.idle_minutes);
  events::server::ServeUntilShutdown(runner, {});
  spdlog::info("people stopped");
  return 0;
}
