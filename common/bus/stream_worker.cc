#include "common/bus/stream_worker.h"

#include <prometheus/counter.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <utility>

#include "common/bus/event_bus.h"
#include "common/log/call_context.h"

namespace events::bus {
namespace {

void Count(prometheus::Counter* counter) {
  if (counter != nullptr) counter->Increment();
}

}  // namespace

std::shared_ptr<logging::CallContext> EventCallContext(const events::v1::DomainEvent& event) {
  // An event without a traceparent (written before events had one, or by no call) or with
  // one the spec says to ignore starts a new trace, as a call without one does.
  return logging::ContinueStoredTrace(event.traceparent());
}

bool IsPermanentError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kUnimplemented:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
      return true;
    default:
      return false;
  }
}

StreamWorker::StreamWorker(std::string name, Consumer& consumer, Handler handle,
                           StreamWorkerOptions options, StreamWorkerCounters counters)
    : name_(std::move(name)),
      consumer_(consumer),
      batch_size_(consumer.batch_size()),
      handle_(std::move(handle)),
      options_(options),
      counters_(counters),
      loop_(options_.poll_interval, [this] { return PollOnce(); }) {}

StreamWorker::~StreamWorker() { Stop(); }

absl::StatusOr<int> StreamWorker::RunOnce() {
  MutexLock run_lock(&run_mu_);
  absl::Status stopped;  // what ended the batch early
  absl::StatusOr<PollResult> polled =
      PollAndAck(consumer_, [&](const Delivery& delivery) -> absl::StatusOr<Handled> {
        if (!delivery.parse_error.empty()) {
          Count(counters_.invalid);
          spdlog::error("{}: dropping unreadable stream entry {} of partition {}: {}", name_,
                        delivery.stream_id, delivery.partition, delivery.parse_error);
          return Handled::kAck;
        }
        // The handler runs in the event's trace: every line it logs, and every call it makes
        // to another service, carries the trace of the call that wrote the event.
        logging::ScopedCall in_trace(EventCallContext(delivery.event));
        if (logging::CurrentCall()->parent_span_id().empty()) {
          spdlog::debug(
              "{}: {} {} carries no valid traceparent (\"{}\"); handling it in a new trace", name_,
              delivery.event.type(), delivery.event.id(), delivery.event.traceparent());
        }
        absl::Status handled = handle_(delivery);
        if (handled.ok()) return Handled::kAck;
        if (IsPermanentError(handled)) {
          Count(counters_.invalid);
          spdlog::error("{}: dropping {} {} (stream entry {} of partition {}): {}", name_,
                        delivery.event.type(), delivery.event.id(), delivery.stream_id,
                        delivery.partition, handled.ToString());
          return Handled::kAck;
        }
        Count(counters_.errors);
        spdlog::warn(
            "{}: {} {} (stream entry {}, handed out {} times) left pending for a retry: {}", name_,
            delivery.event.type(), delivery.event.id(), delivery.stream_id, delivery.delivery_count,
            handled.ToString());
        // A dependency is down: the rest of the batch would wait it out once per entry.
        if (absl::IsUnavailable(handled) || absl::IsDeadlineExceeded(handled)) {
          if (stopped.ok()) stopped = handled;
          return handled;
        }
        return Handled::kLeavePending;
      });
  if (!polled.ok()) {
    Count(counters_.errors);
    return polled.status();
  }
  if (!stopped.ok()) return stopped;
  return polled->acked;
}

void StreamWorker::Start() { loop_.Start(); }

void StreamWorker::Stop() { loop_.Stop(); }

bool StreamWorker::PollOnce() {
  absl::StatusOr<int> acked = RunOnce();
  if (!acked.ok()) {
    spdlog::warn("{}: poll ended early, will retry: {}", name_, acked.status().ToString());
  }
  // More is waiting after a full poll; otherwise pace the polling, so that a busy stream is
  // read in large batches rather than one entry at a time.
  return acked.ok() && *acked >= batch_size_;
}

}  // namespace events::bus
