#pragma once

#include "services/web/console/console.h"

namespace events::web::console {

// The feedback pages (docs/console.md "Feedback"): an event's survey and its state, opening
// it, the survey builder, the report with its charts, the free-text answers, the CSV export
// and the organisation's trends.
void AddFeedbackPages(WebServer& server, Console& console);

// The routes of survey_builder.cc and feedback_report.cc.
void AddSurveyBuilderPages(WebServer& server, Console& console);
void AddFeedbackReportPages(WebServer& server, Console& console);

}  // namespace events::web::console
