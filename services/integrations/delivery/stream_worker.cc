#include "services/integrations/delivery/stream_worker.h"

#include <prometheus/counter.h>
#include <spdlog/spdlog.h>

#include <utility>
#include <vector>

#include "common/bus/event_bus.h"

namespace events::integrations {
namespace {

// Far beyond any outage: at one reclaim per claim_idle (30 s) this is about 1,000 years.
constexpr int kNeverDeadLetter = 1 << 30;

void Count(prometheus::Counter* counter) {
  if (counter != nullptr) counter->Increment();
}

}  // namespace

events::bus::ConsumerOptions WorkerConsumerOptions(std::string group, std::string consumer,
                                                   std::chrono::milliseconds claim_idle) {
  events::bus::ConsumerOptions options;
  options.group = std::move(group);
  options.consumer = std::move(consumer);
  options.batch_size = 500;
  options.claim_idle = claim_idle;
  options.max_deliveries = kNeverDeadLetter;
  return options;
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

StreamWorker::StreamWorker(std::string name, events::bus::Consumer& consumer, Handler handle,
                           StreamWorkerOptions options, prometheus::Counter* errors)
    : name_(std::move(name)),
      consumer_(consumer),
      handle_(std::move(handle)),
      options_(options),
      errors_(errors),
      loop_(options_.poll_interval, [this] { return PollOnce(); }) {}

StreamWorker::~StreamWorker() { Stop(); }

absl::StatusOr<int> StreamWorker::RunOnce() {
  std::lock_guard<std::mutex> run_lock(run_mu_);
  absl::Status first_failure;
  absl::StatusOr<events::bus::PollResult> polled = events::bus::PollAndAck(
      consumer_,
      [&](const events::bus::Delivery& delivery) -> absl::StatusOr<events::bus::Handled> {
        if (!delivery.parse_error.empty()) {
          Count(errors_);
          spdlog::error("{}: dead-lettering unreadable stream entry {} of partition {}: {}", name_,
                        delivery.stream_id, delivery.partition, delivery.parse_error);
          return events::bus::Handled::kAck;
        }
        absl::Status handled = handle_(delivery);
        if (handled.ok()) return events::bus::Handled::kAck;
        Count(errors_);
        if (IsPermanentError(handled)) {
          spdlog::error("{}: dead-lettering {} (stream entry {} of partition {}): {}", name_,
                        delivery.event.id(), delivery.stream_id, delivery.partition,
                        handled.ToString());
          return events::bus::Handled::kAck;
        }
        spdlog::warn("{}: {} (stream entry {}, handed out {} times) left pending for a retry: {}",
                     name_, delivery.event.id(), delivery.stream_id, delivery.delivery_count,
                     handled.ToString());
        if (first_failure.ok()) first_failure = handled;
        // A dependency is down: the rest of the batch would wait it out once per entry.
        if (absl::IsUnavailable(handled) || absl::IsDeadlineExceeded(handled)) {
          return first_failure;
        }
        return events::bus::Handled::kLeavePending;
      });
  if (!polled.ok()) {
    Count(errors_);
    return polled.status();
  }
  if (!first_failure.ok()) return first_failure;
  return polled->acked;
}

void StreamWorker::Start() { loop_.Start(); }

void StreamWorker::Stop() { loop_.Stop(); }

bool StreamWorker::PollOnce() {
  absl::StatusOr<int> acked = RunOnce();
  if (!acked.ok()) {
    spdlog::warn("{}: poll ended early, will retry: {}", name_, acked.status().ToString());
  }
  return acked.ok() && *acked >= consumer_.batch_size();
}

}  // namespace events::integrations
