#pragma once

#include <optional>
#include <string>

#include "events/v1/feedback.pb.h"
#include "events/v1/scheduling.pb.h"
#include "services/web/console/console.h"

// What the console's feedback pages (feedback_pages.cc, survey_builder.cc,
// feedback_report.cc) share: the event with its survey, the heading with the links between
// the pages, and the survey's state in words.
namespace events::web::console {

// The event of the path's first parameter (404 for another organisation's, LoadEvent) and its
// survey (GetSurvey, made as the person). nullopt when both were read; otherwise the page to
// send instead (a viewer, whom the feedback service refuses, gets the 403 page).
std::optional<Response> LoadSurvey(Console& console, const Request& request, const Person& person,
                                   events::v1::Event* event, events::v1::Survey* survey);

// "/manage/events/<id>/feedback" and the pages under it ("" for the status page).
std::string FeedbackHref(const events::v1::Event& event, absl::string_view page = "");

// The event's title, times in its zone, and the links to the survey's status, builder,
// report and export, for the partial console_fb_event.
Data FeedbackHeading(const Site& site, const events::v1::Event& event);

// "Not open yet", "Open", "Closed", "Cancelled: it never opens", and the tag's modifier class.
std::string SurveyStateWords(const Site& site, events::v1::SurveyState state);
std::string SurveyStateClass(events::v1::SurveyState state);

// "Sunday 6 December 2026, 8:19pm" in the event's own zone; "" for 0 (not known yet).
std::string EventZoneTime(const Site& site, const events::v1::Event& event, int64_t unix_ms);

// A question's type in words: "Rating (1 to 5)", "Scale (0 to 10)", "One choice"...
std::string SurveyTypeWords(const Site& site, events::v1::SurveyQuestionType type);

// "March 2026" for a trend's month "2026-03"; the key itself when it is not one.
std::string MonthText(const Site& site, absl::string_view key);

// 4.25 as "4.3" (one decimal place).
std::string OneDecimal(double value);

// An event of the organisation and its survey.
struct EventSurvey {
  events::v1::Event event;
  events::v1::Survey survey;
};

// The organisation's published and completed events that ended since `ended_after_ms` (0:
// any time), latest end first, at most `limit`, each with its survey (made as the person);
// with `open_only`, only those whose survey is open. An event feedback has not heard of yet
// is left out. A failed call is returned as its status.
grpc::Status ListEventSurveys(Console& console, const Request& request, const Person& person,
                              int64_t ended_after_ms, bool open_only, size_t limit,
                              std::vector<EventSurvey>* out);

}  // namespace events::web::console
