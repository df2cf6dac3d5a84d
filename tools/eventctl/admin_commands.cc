// eventctl admin bootstrap: the first organisation and key on a new installation. Talks to
// Redis directly, so it is for whoever runs the installation, not for organisers.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "tools/eventctl/commands.h"

namespace events::eventctl {
namespace {

struct BootstrapOptions {
  std::string org_name;
  std::string redis_url;
  std::string key_prefix;
  std::string format = "text";
};

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v ? v : fallback;
}

int Bootstrap(const BootstrapOptions& o) {
  auto options = redis::ParseRedisUrl(o.redis_url);
  if (!options.ok()) {
    std::fprintf(stderr, "eventctl: --redis-url: %s\n",
                 std::string(options.status().message()).c_str());
    return 2;
  }
  redis::RedisClient redis(*options);
  bus::Keyspace keys(o.key_prefix, 16);
  auth::RedisKeyStore store(redis, keys);
  SystemClock clock;
  IdGenerator ids(clock);
  auto boot = auth::BootstrapOrganisation(store, ids, clock, o.org_name);
  if (!boot.ok()) {
    std::fprintf(stderr, "eventctl: could not create the organisation: %s\n",
                 std::string(boot.status().message()).c_str());
    return 1;
  }
  if (o.format == "env") {
    std::printf("EVENTS_ORG_ID=%s\nEVENTS_API_KEY=%s\n", boot->org.id.c_str(),
                boot->key.plaintext.c_str());
    return 0;
  }
  std::printf(
      "Organisation created: %s (%s)\n\n"
      "Its first API key (roles: organiser, access_coordinator). It is shown only this once,\n"
      "and only a hash of it is stored, so keep it somewhere safe:\n\n  %s\n\n"
      "Use it with eventctl:\n  export EVENTS_API_KEY=%s\n",
      boot->org.name.c_str(), boot->org.id.c_str(), boot->key.plaintext.c_str(),
      boot->key.plaintext.c_str());
  return 0;
}

}  // namespace

void AddAdminCommands(CLI::App& app, int& exit_code) {
  CLI::App* admin = app.add_subcommand("admin", "Installation tasks (talk to Redis directly)");
  admin->require_subcommand(1);
  auto o = std::make_shared<BootstrapOptions>();
  o->redis_url = EnvOr("EVENTS_REDIS_URL", "redis://127.0.0.1:6379/0");
  o->key_prefix = EnvOr("EVENTS_REDIS_KEY_PREFIX", "");
  CLI::App* b =
      admin->add_subcommand("bootstrap", "Create an organisation and its first organiser API key");
  b->add_option("--org-name", o->org_name, "The organisation's name")->required();
  b->add_option("--redis-url", o->redis_url, "Redis (default: EVENTS_REDIS_URL)")
      ->capture_default_str();
  b->add_option("--key-prefix", o->key_prefix, "Key prefix (default: EVENTS_REDIS_KEY_PREFIX)");
  b->add_option("--format", o->format, "text, or env for KEY=value lines")
      ->check(CLI::IsMember({"text", "env"}))
      ->capture_default_str();
  b->callback([o, &exit_code] { exit_code = Bootstrap(*o); });
}

}  // namespace events::eventctl
