#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/completion_queue.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/util/mutex.h"

namespace events::loadgen {

// What an answered call said, beyond its gRPC status.
enum class Answer {
  kOk,  // a call with nothing more to tell (Echo)
  kConfirmed,
  kWaitlisted,
  kPendingApproval,
  kOtherStatus,  // a registration in any other status
};
inline constexpr int kAnswerCount = 5;

// One call: made by a CallFactory with its request filled in, then started by the runner.
// Its address is the completion-queue tag: when the tag comes out of the queue, `status`
// (and the response the subclass holds) are filled in.
class PendingCall {
 public:
  virtual ~PendingCall() = default;

  // Starts the call; when it ends, `this` comes out of `cq` as the tag, and whoever takes
  // it out owns (and deletes) the call. Set the context's deadline first.
  virtual void StartOn(grpc::CompletionQueue* cq) = 0;

  // What the response said; only meaningful once the call has ended with status.ok().
  virtual Answer Read() const = 0;

  // The fields --record writes after the status (tab-separated, no tabs or newlines
  // inside): for Register the attendee's e-mail and, once answered, the registration's id,
  // status and waiting-list position, so a fault test can check each acknowledged one later.
  virtual std::string RecordFields() const { return ""; }

  grpc::ClientContext context;
  grpc::Status status;
  // Held by the thread that starts the call while StartOn runs, and taken by the queue's
  // thread before it reads the ended call: StartOn may still be inside gRPC's Finish() when
  // the call ends on the other thread. gRPC's queue orders the two, but it is not built
  // with ThreadSanitizer, so the order must be visible in code TSan sees; uncontended, the
  // lock costs nothing measurable against a call.
  events::Mutex start_mu;
  // When the call was meant to start: the send time in closed loop, the scheduled time in
  // open loop. Latency is measured from here.
  std::chrono::steady_clock::time_point intended_start;
  // Wall-clock send time and deadline, for --record (a fault test compares them with when
  // it stopped and resumed Redis).
  std::chrono::system_clock::time_point sent_at;
  uint64_t sequence = 0;
  std::chrono::system_clock::time_point deadline;
  // The queue (and so the thread) the call completes on.
  int queue_index = 0;
};

// Makes calls of one kind. Thread-safe: calls are made from several threads at once.
class CallFactory {
 public:
  virtual ~CallFactory() = default;

  // Call number `sequence` (0, 1, ...; unique in the run), over connection `channel_index`,
  // not started yet.
  virtual std::unique_ptr<PendingCall> Make(uint64_t sequence, int channel_index) = 0;
};

}  // namespace events::loadgen
