#pragma once

#include <chrono>
#include <cstdint>

#include "absl/status/statusor.h"
#include "common/bus/stream_worker.h"

namespace prometheus {
class Counter;
}

namespace events::feedback {

class FeedbackStore;

struct FeedbackProjectorOptions {
  // Pause between polls when the last one found nothing to do.
  std::chrono::milliseconds poll_interval{200};
  // The survey window for surveys without window_days of their own.
  int64_t default_window_ms = 14LL * 86400000;
};
struct FeedbackProjectorCounters {
  prometheus::Counter* applied = nullptr;  // may be null
  prometheus::Counter* ignored = nullptr;  // may be null
  prometheus::Counter* invalid = nullptr;  // may be null
  prometheus::Counter* errors = nullptr;   // may be null
};

// Keeps feedback's projections up to date from the partition streams (consumer group
// "feedback"): event facts from scheduling's event.* (EventChanged), which also schedule the
// survey window; registrations' status and attendance from registration.*
// (RegistrationChanged), for invitations; accessibility requests' outcomes from
// accessibility.request_* (AccessibilityRequestChanged), counts only, for the report.
//
// A bus::StreamWorker and this handler. At least once and in any order: an entry is acked
// once applied, and every projection keeps the newest version, so redelivery and reordering
// are harmless. A failed write stays pending and comes back on a later poll (UNAVAILABLE ends
// the batch early); an entry that can never be read is dropped (counted invalid).
class FeedbackProjector {
 public:
  FeedbackProjector(events::bus::Consumer& consumer, FeedbackStore& store,
                    FeedbackProjectorOptions options = {}, FeedbackProjectorCounters counters = {});
  ~FeedbackProjector();
  FeedbackProjector(const FeedbackProjector&) = delete;
  FeedbackProjector& operator=(const FeedbackProjector&) = delete;

  // One poll: applies every delivery, returns how many were acked. Thread-safe.
  absl::StatusOr<int> RunOnce() { return worker_.RunOnce(); }
  // Runs RunOnce on a thread of its own until Stop(). Does nothing if already started.
  void Start() { worker_.Start(); }
  // Stops and joins the thread; idempotent.
  void Stop() { worker_.Stop(); }

 private:
  // OK when the delivery may be acked (applied or ignored); INVALID_ARGUMENT when its payload
  // can never be read (dropped); otherwise the write's error (left pending).
  absl::Status Handle(const events::bus::Delivery& delivery);

  FeedbackStore& store_;
  const FeedbackProjectorOptions options_;
  const FeedbackProjectorCounters counters_;
  events::bus::StreamWorker worker_;  // last: its thread uses the members above
};

}  // namespace events::feedback
