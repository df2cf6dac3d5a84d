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
    default:
      return server;
  }
}

std::shared_ptr<grpc::Channel> CliContext::Channel(Target target) const {
  return grpc::CreateChannel(Address(target), grpc::InsecureChannelCredentials());
}

void CliContext::Prepare(grpc::ClientContext& context) const {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_seconds));
  if (!key.empty()) context.AddMetadata("authorization", "Bearer " + key);
}

int CliContext::Fail(const grpc::Status& status, const std::string& doing, Target target) const {
  const char* service = target == Target::kRegistration    ? "registration"
                        : target == Target::kAccessibility ? "accessibility"
                                                           : "scheduling";
  const char* option =
      target == Target::kRegistration    ? "--registration-server (EVENTS_REGISTRATION_ADDR)"
      : target == Target::kAccessibility ? "--accessibility-server (EVENTS_ACCESSIBILITY_ADDR)"
                                         : "--server (EVENTS_SCHEDULING_ADDR)";
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
  return 1;
}

CliContext ContextFromEnvironment() {
  CliContext ctx;
  if (const char* addr = std::getenv("EVENTS_SCHEDULING_ADDR"); addr != nullptr && *addr) {
    ctx.server = addr;
  }
  if (const char* addr = std::getenv("EVENTS_REGISTRATION_ADDR"); addr != nullptr && *addr) {
    ctx.registration_server = addr;
  }
  if (const char* addr = std::getenv("EVENTS_ACCESSIBILITY_ADDR"); addr != nullptr && *addr) {
    ctx.accessibility_server = addr;
  }
  if (const char* key = std::getenv("EVENTS_API_KEY"); key != nullptr) ctx.key = key;
  return ctx;
}

}  // namespace events::eventctl
