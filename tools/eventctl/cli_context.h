#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

namespace events::eventctl {

// eventctl's exit codes, one convention for every command (shown in --help and in
// docs/eventctl.md). Scripts can tell "try again later" (3) from "the service said no" (1)
// from "the command line is wrong" (2).
inline constexpr int kExitOk = 0;
// The service refused or failed the request (a validation error, not found, permission
// denied, a full event...), or a local file could not be read or written.
inline constexpr int kExitFailed = 1;
// The command line is wrong: unknown command or option, a missing or malformed value.
// Nothing was sent.
inline constexpr int kExitUsage = 2;
// No answer: the service could not be reached or did not answer in time (UNAVAILABLE,
// DEADLINE_EXCEEDED). What happened to a change is unknown; retrying is safe for reads and
// for requests that carry an idempotency key.
inline constexpr int kExitUnreachable = 3;

// The exit-code paragraph of eventctl --help.
inline constexpr char kExitCodeHelp[] =
    "Exit codes: 0 done; 1 the service refused or failed the request; 2 usage error "
    "(nothing was sent); 3 no answer from the service (not running, unreachable or too slow).";

// The largest answer eventctl takes in one message: gRPC's default, set explicitly on every
// channel so that a "Received message larger than max (N vs. L)" can be told apart from the
// same words about a request the service refused (its own L). Large answers are paged or
// streamed by the services rather than eventctl raising this.
inline constexpr int kMaxReceiveMessageBytes = 4 * 1024 * 1024;

// Which service a command talks to.
enum class Target {
  kScheduling,
  kRegistration,
  kAccessibility,
  kFeedback,
  kIntegrations,
  kNotifications
};

// Whether a call carries the API key. Attendees' calls do not: they are public, or the
// registration token in the request is the credential.
enum class Credential { kKey, kNone };

// What every command shares: where the services are, the API key, and how long to wait.
struct CliContext {
  std::string server = "localhost:50051";
  std::string registration_server = "localhost:50052";
  std::string accessibility_server = "localhost:50053";
  std::string feedback_server = "localhost:50054";
  std::string integrations_server = "localhost:50055";
  std::string notifications_server = "localhost:50056";
  std::string key;
  int timeout_seconds = 10;

  // The address of `target` (server, registration_server, accessibility_server,
  // feedback_server or integrations_server).
  const std::string& Address(Target target = Target::kScheduling) const;
  std::shared_ptr<grpc::Channel> Channel(Target target = Target::kScheduling) const;
  // Sets the deadline and, for Credential::kKey when a key is set,
  // "authorization: Bearer <key>".
  void Prepare(grpc::ClientContext& context, Credential credential = Credential::kKey) const;
  // One unary call to `target`: `method` is a generated Stub's, e.g.
  // &events::v1::FeedbackService::Stub::GetReport.
  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(Target target, Credential credential,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& req, Response* resp) const {
    Stub stub(Channel(target));
    grpc::ClientContext call;
    Prepare(call, credential);
    return (stub.*method)(&call, req, resp);
  }
  // Prints what went wrong and what to do about it to stderr; returns the exit code:
  // kExitUnreachable for UNAVAILABLE and DEADLINE_EXCEEDED, else kExitFailed. The hints name
  // the address, option and variable of `target`.
  int Fail(const grpc::Status& status, const std::string& doing,
           Target target = Target::kScheduling) const;
};

// Reads EVENTS_SCHEDULING_ADDR, EVENTS_REGISTRATION_ADDR, EVENTS_ACCESSIBILITY_ADDR,
// EVENTS_FEEDBACK_ADDR, EVENTS_INTEGRATIONS_ADDR and EVENTS_API_KEY into the defaults.
CliContext ContextFromEnvironment();

// The variable `name`, or `fallback` when it is unset or empty.
std::string EnvOr(const char* name, const char* fallback);

// Prints "eventctl: <message>" to stderr; returns the exit code of a usage error (2).
int UsageError(const std::string& message);
// Prints "eventctl: <message>" to stderr; returns kExitFailed (a local file could not be
// read or written, say).
int LocalError(const std::string& message);

// The exit code for a gRPC status: kExitOk, kExitUnreachable or kExitFailed.
int ExitCodeFor(const grpc::Status& status);

}  // namespace events::eventctl
