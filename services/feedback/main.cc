// feedback_server: reads configuration, builds the objects, serves until SIGTERM.
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
#include "services/feedback/domain/feedback.h"
#include "services/feedback/peers/grpc_directories.h"
#include "services/feedback/server/feedback_metrics.h"
#include "services/feedback/server/feedback_service.h"
#include "services/feedback/store/redis_feedback_store.h"
#include "services/feedback/worker/feedback_projector.h"
#include "services/feedback/worker/window_worker.h"

namespace {

struct FeedbackConfig {
  events::config::ServiceConfig common;
  std::string scheduling_addr;
  std::string registration_addr;
  std::string service_key;
  int peer_deadline_ms = 2000;
  bool projector = true;
  bool window_worker = true;
  events::feedback::FeedbackOptions feedback;
};

FeedbackConfig ReadConfig(events::config::EnvReader& env) {
  FeedbackConfig c;
  c.common = events::config::ReadServiceConfig(env, "feedback", 50054, 9104);
  c.scheduling_addr = env.String("EVENTS_SCHEDULING_ADDR", "127.0.0.1:50051");
  c.registration_addr = env.String("EVENTS_REGISTRATION_ADDR", "127.0.0.1:50052");
  c.service_key = env.RequiredString("EVENTS_SERVICE_KEY");
  c.peer_deadline_ms = static_cast<int>(env.Int("FEEDBACK_PEER_DEADLINE_MS", 2000, 50, 60000));
  c.projector = env.Bool("FEEDBACK_PROJECTOR", true);
  c.window_worker = env.Bool("FEEDBACK_WINDOW_WORKER", true);
  c.feedback.window_days = static_cast<int>(env.Int("FEEDBACK_WINDOW_DAYS", 14, 1, 90));
  c.feedback.min_group = static_cast<int32_t>(env.Int("FEEDBACK_MIN_GROUP", 5, 3, 1000));
  c.feedback.allow_manual_open = env.Bool("FEEDBACK_ALLOW_MANUAL_OPEN", false);
  // The anonymity key must never reach Redis (docs/feedback.md, "Anonymity"). Optional: when
  // unset it is derived from the service key, which Redis holds only as a hash.
  const std::string anonymity_key = env.String("FEEDBACK_ANONYMITY_KEY", "");
  if (!anonymity_key.empty() && anonymity_key.size() < 32) {
    env.AddProblem(
        "FEEDBACK_ANONYMITY_KEY must be at least 32 characters (e.g. openssl rand -base64 32), "
        "or unset to derive it from EVENTS_SERVICE_KEY");
  }
  c.feedback.marker_key = events::feedback::MarkerKey(anonymity_key, c.service_key);
  return c;
}

}  // namespace

int main() {
  events::config::EnvReader env;
  FeedbackConfig config = ReadConfig(env);
  absl::StatusOr<events::redis::RedisOptions> redis_options = events::server::StartService(
      env, config.common,
      "EVENTS_SERVICE_KEY is an API key with the service role: make one with `eventctl admin "
      "service-key --name feedback`");
  if (!redis_options.ok()) return 2;
  events::server::ServiceCore core(*redis_options, config.common);
  if (!events::server::PartitionsAgree(core)) return 2;
  events::feedback::RedisFeedbackStore store(core.redis, core.keys, {});
  const std::chrono::milliseconds deadline(config.peer_deadline_ms);
  events::feedback::GrpcEventDirectory event_directory(
      events::rpc::PeerChannel(config.scheduling_addr), config.service_key,
      {config.scheduling_addr, "EVENTS_SCHEDULING_ADDR", deadline});
  events::feedback::GrpcRegistrationDirectory registration_directory(
      events::rpc::PeerChannel(config.registration_addr),
      {config.registration_addr, "EVENTS_REGISTRATION_ADDR", deadline});
  events::feedback::Feedback feedback(store, event_directory, registration_directory, core.clock,
                                      core.ids, config.feedback);

  auto registry = std::make_shared<prometheus::Registry>();
  events::feedback::FeedbackMetrics metrics(*registry);
  events::feedback::FeedbackServiceImpl service(feedback, core.auth, metrics);

  events::bus::ConsumerOptions consumer_options;
  consumer_options.group = "feedback";
  consumer_options.consumer = events::server::ProcessName();
  consumer_options.batch_size = 1000;
  events::bus::Consumer consumer(core.redis, core.keys, consumer_options);
  events::feedback::FeedbackProjectorOptions projector_options;
  projector_options.default_window_ms = feedback.default_window_ms();
  events::feedback::FeedbackProjector projector(
      consumer, store, projector_options,
      {&metrics.projected_applied, &metrics.projected_ignored, &metrics.projected_invalid,
       &metrics.projected_errors});
  events::feedback::WindowWorkerOptions window_options;
  window_options.batches = &feedback.batches();
  events::feedback::WindowWorker window_worker(store, core.clock, window_options,
                                               {&metrics.window_fired, &metrics.window_errors});

  events::server::ServiceRunner runner(events::server::ServerOptionsFrom(config.common), registry,
                                       core.platform.collectable());
  runner.AddService(&service);
  std::optional<int> port = events::server::StartServing(runner);
  if (!port) return 1;
  if (config.projector) {
    events::server::PrepareConsumer(core, consumer, "the feedback consumer group");
    projector.Start();
  }
  if (config.window_worker) {
    events::server::WatchJobs(core, window_worker.jobs());
    window_worker.Start();
  }
  spdlog::info("feedback is serving on port {} (scheduling at {}, registration at {})", *port,
               config.scheduling_addr, config.registration_addr);
  events::server::ServeUntilShutdown(runner,
                                     {[&] { window_worker.Stop(); }, [&] { projector.Stop(); }});
  spdlog::info("feedback stopped");
  return 0;
}
