#pragma once

namespace prometheus {
class Registry;
class Counter;
template <typename T>
class Family;
}  // namespace prometheus

namespace events::feedback {

// Every metric the feedback service adds to the shared gRPC ones.
struct FeedbackMetrics {
  explicit FeedbackMetrics(prometheus::Registry& registry);
  // events_feedback_responses_total{kind="first|edit"}
  prometheus::Family<prometheus::Counter>& responses;
  prometheus::Counter& first;
  prometheus::Counter& edited;
  // events_feedback_window_jobs_total{outcome="fired|error"}: surveys opened or closed.
  prometheus::Family<prometheus::Counter>& window_jobs;
  prometheus::Counter& window_fired;
  prometheus::Counter& window_errors;
  // events_feedback_projected_total{outcome="applied|ignored|invalid|error"}
  prometheus::Family<prometheus::Counter>& projected;
  prometheus::Counter& projected_applied;
  prometheus::Counter& projected_ignored;
  prometheus::Counter& projected_invalid;
  prometheus::Counter& projected_errors;
};

}  // namespace events::feedback
