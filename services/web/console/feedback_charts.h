#pragma once

#include <optional>
#include <string>
#include <vector>

#include "events/v1/feedback.pb.h"
#include "services/web/console/svg/bar_chart.h"
#include "services/web/view/catalogue.h"

// What the report page draws, from the feedback report as the service gives it: which bars a
// question has, in which words, and which are withheld (docs/console.md "Withheld groups").
// Pure, so that the withheld rules are tested alone (tests/web/console_feedback_test.cc).
namespace events::web::console {

// The chart of a question: ratings 1 to 5, the 0 to 10 scale, and choices. nullopt for free
// text (its answers are listed instead). A question the report marks suppressed is one bar,
// withheld, with no count (the report gives none below the minimum group).
std::optional<BarChartInput> QuestionChart(const Catalogue& messages,
                                           const events::v1::QuestionReport& question,
                                           int min_group, int index);

// The access breakdown: people by what happened to their access requests. When the report
// withholds any row it withholds them all (secondary suppression), so the chart is then one
// withheld bar for the whole breakdown, never a bar per row. nullopt when the report has no
// breakdown.
std::optional<BarChartInput> AccessChart(const Catalogue& messages,
                                         const events::v1::FeedbackReport& report);

// "Fulfilled", "Could not be met", "Still open", "No access request".
std::string OutcomeWords(const Catalogue& messages, absl::string_view outcome);

}  // namespace events::web::console
