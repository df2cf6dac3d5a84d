// eventctl health and reflect: what a kubelet or an operator asks a service.
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "tools/eventctl/cli_context.h"
#include "tools/eventctl/commands.h"

namespace events::eventctl {
namespace {

using grpc::health::v1::HealthCheckResponse;

struct HealthOptions {
  std::string service;
  double wait_seconds = 0;
};

int Health(const CliContext& ctx, const HealthOptions& o) {
  auto stub = grpc::health::v1::Health::NewStub(ctx.Channel());
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<int64_t>(o.wait_seconds * 1000));
  grpc::Status last;
  HealthCheckResponse::ServingStatus last_status = HealthCheckResponse::UNKNOWN;
  do {
    grpc::ClientContext call;
    call.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(o.service);
    HealthCheckResponse resp;
    last = stub->Check(&call, req, &resp);
    if (last.ok()) {
      last_status = resp.status();
      if (last_status == HealthCheckResponse::SERVING) {
        std::printf("%s%s%s: SERVING\n", ctx.server.c_str(), o.service.empty() ? "" : " ",
                    o.service.c_str());
        return 0;
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (true);
  if (!last.ok()) {
    std::fprintf(stderr, "eventctl: %s is not answering health checks: %s\n", ctx.server.c_str(),
                 last.error_message().c_str());
    return ExitCodeFor(last);
  }
  std::fprintf(stderr, "eventctl: %s%s%s: %s\n", ctx.server.c_str(), o.service.empty() ? "" : " ",
               o.service.c_str(), HealthCheckResponse::ServingStatus_Name(last_status).c_str());
  return kExitFailed;
}

int Reflect(const CliContext& ctx) {
  auto stub = grpc::reflection::v1alpha::ServerReflection::NewStub(ctx.Channel());
  grpc::ClientContext call;
  call.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(ctx.timeout_seconds));
  auto stream = stub->ServerReflectionInfo(&call);
  grpc::reflection::v1alpha::ServerReflectionRequest req;
  req.set_list_services("");
  grpc::reflection::v1alpha::ServerReflectionResponse resp;
  if (!stream->Write(req) || !stream->WritesDone() || !stream->Read(&resp)) {
    grpc::Status status = stream->Finish();
    return ctx.Fail(status, "list services by reflection");
  }
  (void)stream->Finish();
  if (resp.has_error_response()) {
    std::fprintf(stderr, "eventctl: reflection error: %s\n",
                 resp.error_response().error_message().c_str());
    return kExitFailed;
  }
  for (const auto& s : resp.list_services_response().service()) {
    std::printf("%s\n", s.name().c_str());
  }
  return 0;
}

}  // namespace

void AddProbeCommands(CLI::App& app, const CliContext& ctx, int& exit_code) {
  auto o = std::make_shared<HealthOptions>();
  CLI::App* h = app.add_subcommand(
      "health",
      "Ask a service's gRPC health check (exit 0: SERVING, 1: not serving, 3: no answer)");
  h->add_option("--service", o->service, "A service name; empty means the whole server");
  h->add_option("--wait", o->wait_seconds, "Keep asking for up to this many seconds");
  h->callback([&ctx, &exit_code, o] { exit_code = Health(ctx, *o); });

  CLI::App* r = app.add_subcommand("reflect", "List a server's gRPC services by reflection");
  r->callback([&ctx, &exit_code] { exit_code = Reflect(ctx); });
}

}  // namespace events::eventctl
