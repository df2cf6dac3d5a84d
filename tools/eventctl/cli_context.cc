#include "tools/eventctl/cli_context.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"

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
    case Target::kNotifications:
      return notifications_server;
    default:
      return server;
  }
}

std::shared_ptr<grpc::Channel> CliContext::Channel(Target target) const {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxReceiveMessageBytes);
  return grpc::CreateCustomChannel(Address(target), grpc::InsecureChannelCredentials(), args);
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
    case Target::kNotifications:
      return {"notifications", "--notifications-server (EVENTS_NOTIFICATIONS_ADDR)"};
    default:
      return {"scheduling", "--server (EVENTS_SCHEDULING_ADDR)"};
  }
}

// gRPC's own message-size check, parsed from a RESOURCE_EXHAUSTED status: "Received message
// larger than max (N vs. L)" or "Sent message larger than max (N vs. L)". A service limiting
// or shedding calls answers RESOURCE_EXHAUSTED too, in other words: then nullopt.
struct MessageTooLarge {
  bool received = true;  // "Received ...", else "Sent ..."
  long long size = 0;
  long long limit = 0;
};

std::optional<MessageTooLarge> MessageSizeProblem(const grpc::Status& status) {
  if (status.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) return std::nullopt;
  const std::string& m = status.error_message();
  MessageTooLarge big;
  size_t at = std::string::npos;
  for (const char* prefix :
       {"Received message larger than max (", "Sent message larger than max ("}) {
    at = m.find(prefix);
    if (at != std::string::npos) {
      big.received = prefix[0] == 'R';
      at += std::strlen(prefix);
      break;
    }
  }
  if (at == std::string::npos) return std::nullopt;
  // "N vs. L)". SimpleAtoi, unlike sscanf, refuses a number out of range instead of leaving
  // it undefined, and each number must be the whole text up to its delimiter.
  const size_t vs = m.find(" vs. ", at);
  const size_t close = vs == std::string::npos ? std::string::npos : m.find(')', vs);
  if (close == std::string::npos) return std::nullopt;
  const absl::string_view text(m);
  const size_t limit_at = vs + std::strlen(" vs. ");
  if (!absl::SimpleAtoi(text.substr(at, vs - at), &big.size) ||
      !absl::SimpleAtoi(text.substr(limit_at, close - limit_at), &big.limit)) {
    return std::nullopt;
  }
  return big;
}

// What to say about a message gRPC refused for its size: the line after "could not <doing>: "
// and the hint. When eventctl's own limit is the one in the message, it was the answer that
// was too big; otherwise the service refused the request with its limit (or could not send
// its answer: "Sent ...").
std::pair<std::string, std::string> DescribeSize(const MessageTooLarge& big, const char* service) {
  const bool answer = !big.received || big.limit == kMaxReceiveMessageBytes;
  if (answer) {
    return {"the answer was too big for one message (" + std::to_string(big.size) + " bytes; " +
                (big.received ? "eventctl accepts" : "the service sends") + " at most " +
                std::to_string(big.limit) + " bytes)",
            "This is not a rate limit, and trying again will not help. Ask for less at once "
            "(a smaller page or a narrower range), or use the command that pages or streams "
            "it; if there is none, report it as a bug of the " +
                std::string(service) + " service."};
  }
  return {"the request was too big for the service (" + std::to_string(big.size) +
              " bytes; it accepts at most " + std::to_string(big.limit) + " bytes)",
          "This is not a rate limit, and trying again will not help: send less in one request "
          "(shorter texts, fewer items)."};
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
      // Two causes share this code: gRPC refusing a message for its size (retrying cannot
      // help), and a service limiting or shedding calls (retrying later will).
      if (std::optional<MessageTooLarge> big = MessageSizeProblem(status)) {
        const auto [what, size_hint] = DescribeSize(*big, service);
        std::fprintf(stderr, "eventctl: could not %s: %s\n  %s\n", doing.c_str(), what.c_str(),
                     size_hint.c_str());
        return ExitCodeFor(status);
      }
      hint = "The service is busy or limiting requests: wait a minute and try again.";
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
  ctx.notifications_server = EnvOr("EVENTS_NOTIFICATIONS_ADDR", ctx.notifications_server.c_str());
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
