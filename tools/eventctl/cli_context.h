#pragma once

#include <memory>
#include <string>

namespace grpc {
class Channel;
class ClientContext;
class Status;
}  // namespace grpc

namespace events::eventctl {

// What every command shares: where the service is, the API key, and how long to wait.
struct CliContext {
  std::string server = "localhost:50051";
  std::string key;
  int timeout_seconds = 10;

  std::shared_ptr<grpc::Channel> Channel() const;
  // Sets the deadline and, when a key is set, "authorization: Bearer <key>".
  void Prepare(grpc::ClientContext& context) const;
  // Prints what went wrong and what to do about it to stderr; returns the exit code (1).
  int Fail(const grpc::Status& status, const std::string& doing) const;
};

// Reads EVENTS_SCHEDULING_ADDR and EVENTS_API_KEY into the defaults.
CliContext ContextFromEnvironment();

}  // namespace events::eventctl
