#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

namespace events::eventctl {

// Which service a command talks to.
enum class Target { kScheduling, kRegistration, kAccessibility, kFeedback, kIntegrations };

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
  // Prints what went wrong and what to do about it to stderr; returns the exit code (1).
  // The hints name the address, option and variable of `target`.
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

}  // namespace events::eventctl
