#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "events/v1/feedback.pb.h"

namespace events::eventctl {

// "scheduled", "open", "closed", "cancelled".
std::string SurveyStateWord(events::v1::SurveyState state);

// The survey: state and window, then each question with its type, choices and limits.
// easy_read shows the plain-language wording where there is one. The window in `zone`, the
// event's time zone (UTC when empty).
std::string DescribeSurvey(const events::v1::Survey& survey, bool easy_read = false,
                           const std::string& zone = "");

// Answers from the command line, against the survey: each `answers` item is
// "QUESTION=VALUE" (a number, a choice id, choice ids joined by ',' for multiple choice, or
// the text), each `comments` item "QUESTION=TEXT". INVALID_ARGUMENT naming the item for an
// unknown question or a value that is not a number where one is needed; the service checks
// the rest.
absl::StatusOr<std::vector<events::v1::FeedbackAnswer>> ParseAnswers(
    const events::v1::SurveyDefinition& definition, const std::vector<std::string>& answers,
    const std::vector<std::string>& comments);

// The report as text: responses and rate, then per question mean, median, NPS, a bar per
// value or choice, the first texts (and how many more there are, with the command that
// lists them); the access breakdown; what was withheld and why.
std::string DescribeReport(const events::v1::FeedbackReport& report);

// Texts of a question, one "- " item each (a text's own line breaks indented under it).
std::string TextItems(const google::protobuf::RepeatedPtrField<std::string>& texts);

// One line per month, then one per series: responses, mean rating, NPS.
std::string TrendsTable(const events::v1::FeedbackTrends& trends);

}  // namespace events::eventctl
