#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "events/v1/registration.grpc.pb.h"
#include "tools/loadgen/call_factory.h"

namespace events::loadgen {

// RegistrationService.Register, each call with a new attendee:
// e-mail <prefix>-<run id>-<sequence>@bench.example.org, so runs never collide. With several
// events, call `sequence` registers for event `sequence` modulo their number, so they share
// the load evenly (and, in a Redis Cluster, so do the primaries serving their partitions).
class RegisterCalls final : public CallFactory {
 public:
  RegisterCalls(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                std::vector<std::string> event_ids, std::string email_prefix, std::string run_id);

  std::unique_ptr<PendingCall> Make(uint64_t sequence, int channel_index) override;

  // The e-mail of call `sequence`.
  std::string EmailFor(uint64_t sequence) const;
  // The event of call `sequence`.
  const std::string& EventFor(uint64_t sequence) const;

 private:
  std::vector<std::unique_ptr<v1::RegistrationService::Stub>> stubs_;
  const std::vector<std::string> event_ids_;
  const std::string email_prefix_;
  const std::string run_id_;
};

// A short random id (8 lowercase hex digits) for one run.
std::string NewRunId();

}  // namespace events::loadgen
