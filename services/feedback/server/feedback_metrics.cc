#include "services/feedback/server/feedback_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

namespace events::feedback {

FeedbackMetrics::FeedbackMetrics(prometheus::Registry& registry)
    : responses(prometheus::BuildCounter()
                    .Name("events_feedback_responses_total")
                    .Help("Survey responses stored, first answers and edits")
                    .Register(registry)),
      first(responses.Add({{"kind", "first"}})),
      edited(responses.Add({{"kind", "edit"}})),
      window_jobs(prometheus::BuildCounter()
                      .Name("events_feedback_window_jobs_total")
                      .Help("Surveys opened or closed by the window worker, and failed polls")
                      .Register(registry)),
      window_fired(window_jobs.Add({{"outcome", "fired"}})),
      window_errors(window_jobs.Add({{"outcome", "error"}})),
      projected(prometheus::BuildCounter()
                    .Name("events_feedback_projected_total")
                    .Help("Domain events read by the feedback projector, by outcome")
                    .Register(registry)),
      projected_applied(projected.Add({{"outcome", "applied"}})),
      projected_ignored(projected.Add({{"outcome", "ignored"}})),
      projected_invalid(projected.Add({{"outcome", "invalid"}})),
      projected_errors(projected.Add({{"outcome", "error"}})) {}

}  // namespace events::feedback
