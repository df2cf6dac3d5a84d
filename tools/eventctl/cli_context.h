#pragma once

#include <memory>
#include <string>

namespace grpc {
class Channel;
class ClientContext;
class Status;
}  // namespace grpc

namespace events::eventctl {

// Which service a command talks to.
enum class Target { kScheduling, kRegistration, kAccessibility };

// What every command shares: where the services are, the API key, and how long to wait.
struct CliContext {
  std::string server = "localhost:50051";
  std::string registration_server = "localhost:50052";
  std::string accessibility_server = "localhost:50053";
  std::string key;
  int timeout_seconds = 10;

  // The address of `target` (server, registration_server or accessibility_server).
  const std::string& Address(Target target = Target::kScheduling) const;
  std::shared_ptr<grpc::Channel> Channel(Target target = Target::kScheduling) const;
  // Sets the deadline and, when a key is set, "authorization: Bearer <key>".
  void Prepare(grpc::ClientContext& context) const;
  // Prints what went wrong and what to do about it to stderr; returns the exit code (1).
  // The hints name the address, option and variable of `target`.
  int Fail(const grpc::Status& status, const std::string& doing,
           Target target = Target::kScheduling) const;
};

// Reads EVENTS_SCHEDULING_ADDR, EVENTS_REGISTRATION_ADDR, EVENTS_ACCESSIBILITY_ADDR and
// EVENTS_API_KEY into the defaults.
CliContext ContextFromEnvironment();

}  // namespace events::eventctl
