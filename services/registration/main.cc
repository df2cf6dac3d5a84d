// registration_server: reads configuration, builds the objects, serves until SIGTERM.
#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <optional>

#include "common/bus/event_bus.h"
#include "common/config/env_reader.h"
#include "common/config/service_config.h"
#include "common/rpc/client_address.h"
#include "common/rpc/peer_channel.h"
#include "common/server/service_core.h"
#include "common/server/service_runner.h"
#include "common/server/service_start.h"
#include "services/registration/domain/registrar.h"
#include "services/registration/facts/facts_projector.h"
#include "services/registration/peers/grpc_event_directory.h"
#include "services/registration/rules/link_token.h"
#include "services/registration/server/registration_service.h"
#include "services/registration/store/redis_registration_store.h"

namespace {

struct RegistrationConfig {
  events::config::ServiceConfig common;
  std::string scheduling_addr;
  std::string service_key;
  int scheduling_deadline_ms = 2000;
  bool facts_projector = true;
  int redis_senders = 2;
  int slow_threads = 4;
  std::string trusted_proxies;
  events::registration::RegistrarOptions registrar;
};

RegistrationConfig ReadConfig(events::config::EnvReader& env) {
  RegistrationConfig c;
  c.common = events::config::ReadServiceConfig(env, "registration", 50052, 9102);
  c.scheduling_addr = env.String("EVENTS_SCHEDULING_ADDR", "127.0.0.1:50051");
  c.service_key = env.RequiredString("EVENTS_SERVICE_KEY");
  // Personal links are derived from it (docs/registration.md, "Personal links").
  c.registrar.link_secret = env.RequiredString("REGISTRATION_LINK_SECRET");
  if (!c.registrar.link_secret.empty()) {
    if (absl::Status s = events::registration::CheckLinkSecret(c.registrar.link_secret); !s.ok()) {
      env.AddProblem(std::string(s.message()));
    }
  }
  c.scheduling_deadline_ms =
      static_cast<int>(env.Int("REGISTRATION_SCHEDULING_DEADLINE_MS", 2000, 50, 60000));
  c.facts_projector = env.Bool("REGISTRATION_FACTS_PROJECTOR", true);
  c.redis_senders = static_cast<int>(env.Int("REGISTRATION_REDIS_SENDERS", 2, 0, 16));
  c.slow_threads = static_cast<int>(env.Int("REGISTRATION_SLOW_THREADS", 4, 1, 64));
  c.trusted_proxies = env.String("REGISTRATION_TRUSTED_PROXIES", "");
  c.registrar.limit_per_address_per_minute =
      static_cast<int>(env.Int("REGISTRATION_RATE_PER_ADDRESS", 30, 0, 1000000));
  c.registrar.limit_per_event_per_second =
      static_cast<int>(env.Int("REGISTRATION_RATE_PER_EVENT", 300, 0, 1000000));
  c.registrar.resend.per_registration_per_hour =
      static_cast<int>(env.Int("REGISTRATION_RESEND_PER_ADDRESS", 3, 0, 1000));
  c.registrar.resend.per_event_per_hour =
      static_cast<int>(env.Int("REGISTRATION_RESEND_PER_EVENT", 500, 0, 1000000));
  return c;
}

}  // namespace

int main() {
  events::config::EnvReader env;
  RegistrationConfig config = ReadConfig(env);
  absl::StatusOr<events::redis::RedisOptions> redis_options = events::server::StartService(
      env, config.common,
      "EVENTS_SERVICE_KEY is an API key with the service role: make one with `eventctl admin "
      "service-key --name registration`; REGISTRATION_LINK_SECRET is `openssl rand -base64 32`, "
      "the same on every replica");
  if (!redis_options.ok()) return 2;
  absl::StatusOr<events::rpc::TrustedProxies> trusted_proxies =
      events::rpc::TrustedProxies::Parse(config.trusted_proxies, "REGISTRATION_TRUSTED_PROXIES");
  if (!trusted_proxies.ok()) {
    spdlog::critical("cannot start: {}", std::string(trusted_proxies.status().message()));
    return 2;
  }
  events::server::ServiceCore core(*redis_options, config.common);
  if (!events::server::PartitionsAgree(core)) return 2;
  events::registration::RedisRegistrationStore::Options store_options;
  store_options.register_senders = config.redis_senders;
  store_options.clock = &core.clock;
  events::registration::RedisRegistrationStore store(core.redis, core.keys, store_options);
  events::registration::GrpcEventDirectory directory(
      events::rpc::PeerChannel(config.scheduling_addr), config.service_key,
      std::chrono::milliseconds(config.scheduling_deadline_ms), config.scheduling_addr);
  events::registration::Registrar registrar(store, directory, core.clock, core.ids,
                                            config.registrar);

  auto registry = std::make_shared<prometheus::Registry>();
  events::registration::RegistrationMetrics metrics(*registry);
  events::registration::RegistrationServiceImpl service(registrar, core.auth, metrics,
                                                        config.slow_threads, *trusted_proxies);

  events::bus::ConsumerOptions consumer_options;
  consumer_options.group = "registration-facts";
  consumer_options.consumer = events::server::ProcessName();
  consumer_options.batch_size = 2000;
  events::bus::Consumer consumer(core.redis, core.keys, consumer_options);
  events::registration::FactsProjector projector(consumer, store);

  events::server::ServiceRunner runner(events::server::ServerOptionsFrom(config.common), registry,
                                       core.platform.collectable());
  runner.AddService(&service);
  std::optional<int> port = events::server::StartServing(runner);
  if (!port) return 1;
  if (config.facts_projector) {
    events::server::PrepareConsumer(core, consumer, "the facts consumer group");
    projector.Start();
  }
  spdlog::info("registration is serving on port {} (scheduling at {})", *port,
               config.scheduling_addr);
  events::server::ServeUntilShutdown(runner, {[&] { projector.Stop(); }});
  spdlog::info("registration stopped");
  return 0;
}
