#include "tools/eventctl/cli_context.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace events::eventctl {

const std::string& CliContext::Address(Target target) const {
  switch (target) {
    case Target::kRegistration:
      return registration_server;
    case Target::kAccessibility:
      return accessibility_server;
    case Target::kFeedback:
      return feedback_server;
    case Target::kIntegrations:
      return integrations_server;
    default:
      return server;
  }
}

std::shared_ptr<grpc::Channel> CliContext::Channel(Target target) const {
  return grpc::CreateChannel(Address(target), grpc::InsecureChannelCredentials());
}

void CliContext::Prepare(grpc::ClientContext& context, Credential credential) const {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_seconds));
  if (credential == Credential::kKey && !key.empty()) {
    context.AddMetadata("authorization", "Bearer " + key);
  }
}

namespace {

struct Naming {
  const char* service;
  const char* option;
};

Naming NamingOf(Target target) {
  switch (target) {
    case Target::kRegistration:
      return {"registration", "--registration-server (EVENTS_REGISTRATION_ADDR)"};
    case Target::kAccessibility:
      return {"accessibility", "--accessibility-server (EVENTS_ACCESSIBILITY_ADDR)"};
    case Target::kFeedback:
      return {"feedback", "--feedback-server (EVENTS_FEEDBACK_ADDR)"};
    case Target::kIntegrations:
      return {"integrations", "--integrations-server (EVENTS_INTEGRATIONS_ADDR)"};
    default:
      return {"scheduling", "--server (EVENTS_SCHEDULING_ADDR)"};
  }
}

}  // namespace

int CliContext::Fail(const grpc::Status& status, const std::string& doing, Target target) const {
  const auto [service, option] = NamingOf(target);
  std::string hint;
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      hint = "Is the " + std::string(service) + " service running at " + Address(target) +
             "? Start everything with ./scripts/run, or point " + option + " at it.";
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
      hint = key.empty() ? "No API key given: pass --key or set EVENTS_API_KEY (make the first "
                           "one with: eventctl admin bootstrap --org-name \"Your organisation\")."
                         : "Check the API key in --key / EVENTS_API_KEY.";
      break;
    case grpc::StatusCode::ABORTED:
      hint = "Someone changed it at the same time: run the command again.";
      break;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      hint = "Too many requests in a short time: wait a minute and try again.";
      break;
    default:
      break;
  }
  // The service's own messages already say what was refused and why.
  const bool transport = status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
  if (transport) {
    std::fprintf(stderr, "eventctl: could not %s: %s\n", doing.c_str(),
                 status.error_message().c_str());
  } else {
    std::fprintf(stderr, "eventctl: %s\n", status.error_message().c_str());
  }
  if (!hint.empty()) std::fprintf(stderr, "  %s\n", hint.c_str());
  return ExitCodeFor(status);
}

int ExitCodeFor(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return kExitOk;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return kExitUnreachable;
    default:
      return kExitFailed;
  }
}

CliContext ContextFromEnvironment() {
  CliContext ctx;
  ctx.server = EnvOr("EVENTS_SCHEDULING_ADDR", ctx.server.c_str());
  ctx.registration_server = EnvOr("EVENTS_REGISTRATION_ADDR", ctx.registration_server.c_str());
  ctx.accessibility_server = EnvOr("EVENTS_ACCESSIBILITY_ADDR", ctx.accessibility_server.c_str());
  ctx.feedback_server = EnvOr("EVENTS_FEEDBACK_ADDR", ctx.feedback_server.c_str());
  ctx.integrations_server = EnvOr("EVENTS_INTEGRATIONS_ADDR", ctx.integrations_server.c_str());
  if (const char* key = std::getenv("EVENTS_API_KEY"); key != nullptr) ctx.key = key;
  return ctx;
}

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v ? v : fallback;
}

int UsageError(const std::string& message) {
  std::fprintf(stderr, "eventctl: %s\n", message.c_str());
  return kExitUsage;
}

int LocalError(const std::string& message) {
  std::fprintf(stderr, "eventctl: %s\n", message.c_str());
  return kExitFailed;
}

}  // namespace events::eventctl
