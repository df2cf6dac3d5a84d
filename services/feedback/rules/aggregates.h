#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "events/v1/feedback.pb.h"

// How one response counts in the aggregates a report is read from, and how a report and
// the trends are computed from those aggregates. Pure; thread-safe.
//
// Event aggregates (a Redis hash per event), field -> count:
//   n                       responses
//   q:<question>:n          people who answered the question
//   q:<question>:v:<value>  rating and 0-10 histograms
//   q:<question>:c:<choice> choice counts
//   q:<question>:cm         comments given with a choice
//   x:<outcome>:n, x:<outcome>:<choice>
//                           the access-needs-met answer by accessibility outcome (added by
//                           the store, which reads the outcome when the response arrives)
// Organisation trends (a hash per organisation and partition), for key K = "m:<YYYY-MM>"
// (month of the event's end, in its time zone) and K = "s:<series id>":
//   K:n, K:r:<1-5> (the OVERALL rating), K:s:<0-10> (the RECOMMEND scale)
// An event's trend deltas are held per event and reach the organisation's trends group by
// group (ReleasedTrendFields), never all at once, so a question few answered stays out.
namespace events::feedback {

struct FieldDelta {
  std::string field;
  int64_t delta = 0;
  bool operator==(const FieldDelta& o) const { return field == o.field && delta == o.delta; }
};

struct Contribution {
  std::vector<FieldDelta> event;  // event aggregates
  std::vector<FieldDelta> trend;  // organisation trends
  // Question id -> free text (answers and comments, already redacted).
  std::vector<std::pair<std::string, std::string>> texts;
  // The choice given to the ACCESS_NEEDS_MET question, "" when not answered.
  std::string access_choice;
};

// The contribution of validated answers (ValidateAnswers). `month` is "YYYY-MM"; `series_id`
// may be empty (then no series fields).
Contribution ContributionOf(const events::v1::SurveyDefinition& definition,
                            const std::vector<events::v1::FeedbackAnswer>& answers,
                            const std::string& month, const std::string& series_id);

// GetReportRequest.texts_per_question: 0 means the default, at most the maximum.
inline constexpr int kDefaultTextsPerQuestion = 20;
inline constexpr int kMaxTextsPerQuestion = 200;
// Room for a report's texts: with the numbers (some hundreds of KiB at most, for 30 questions
// of 12 choices) well under the 4 MiB a default gRPC client accepts in one message.
inline constexpr int64_t kReportTextBytes = 2 << 20;

// How much free text a report shows, so that it fits one message whatever the event: at most
// `per_question` texts of each question, and the texts of all questions together at most
// `bytes`, split evenly among the questions whose texts are shown. Each question shows a
// prefix of its sorted texts, so ListFeedbackTexts gives the same ones first. The numbers are
// never capped.
struct TextLimits {
  int per_question = kDefaultTextsPerQuestion;
  int64_t bytes = kReportTextBytes;
};

// Whether a question's free text (answers and comments) may be shown, the same in the report,
// ListFeedbackTexts and the JSON export: not when the question itself is suppressed (fewer
// than min_group answered: kNone only when nobody did), nor when fewer than min_group people
// wrote text for it.
enum class TextVisibility { kNone, kShown, kWithheld };
TextVisibility TextVisibilityOf(int64_t answered, int64_t text_count, int32_t min_group);

// Everything a report is computed from.
struct ReportInputs {
  events::v1::SurveyDefinition definition;
  std::map<std::string, int64_t> aggregates;
  std::map<std::string, std::vector<std::string>> texts;  // question id -> texts
  int64_t eligible = 0;
  int64_t requests_fulfilled = 0;
  int64_t requests_unfulfilled = 0;
  int64_t requests_pending = 0;
  int32_t min_group = 5;
  // nullopt: every text (the JSON export, which is streamed).
  std::optional<TextLimits> text_limits = TextLimits{};
};

// The report: per question answered count, mean, median, distribution, NPS, choice counts and
// texts (sorted; capped by text_limits, with texts_total saying how many there are); the
// access breakdown by outcome. A question (or breakdown row) answered by fewer than min_group
// people shows only its count and is marked suppressed; free text is shown only when at least
// min_group people gave text to that question. notes say what was withheld.
// Event id, org, state and time are left for the caller.
events::v1::FeedbackReport BuildReport(const ReportInputs& in);

// The trend group a field belongs to: "K:n" is its own group, "K:r:<v>" is in "K:r" and
// "K:s:<v>" in "K:s" (one group per question the trends expose).
std::string TrendGroupOf(const std::string& field);

// The part of one event's held trend deltas that may be in the organisation's trends: a group
// only when the event's count in it (responses, or people who answered that question) is at
// least min_group, otherwise nothing of it, count included. Checking only the event's
// responses is not enough: with one event fully answered and another whose rating only one
// person gave, the month's rating sum minus the first event's reported sum is that person's
// rating. The Redis store's submit script applies the same rule (store/lua/submit.lua).
std::map<std::string, int64_t> ReleasedTrendFields(const std::map<std::string, int64_t>& held,
                                                   int32_t min_group);

// The trends from the merged organisation hash: months ascending (within the optional
// inclusive bounds, "" for none), series by id; mean rating and NPS only where at least
// min_group answered.
events::v1::FeedbackTrends BuildTrends(const std::map<std::string, int64_t>& fields,
                                       const std::string& from_month, const std::string& to_month,
                                       int32_t min_group);

// The outcomes of the access breakdown, in report order.
const std::vector<std::string>& AccessOutcomes();

// events.v1.RequestStatus numbers (accessibility.proto), kept here so that feedback does not
// depend on the accessibility service's API beyond its domain events.
inline constexpr int kRequestFulfilled = 4;
inline constexpr int kRequestUnfulfillable = 5;
inline constexpr int kRequestWithdrawn = 6;

// The outcome of one registration's accessibility requests, from their statuses
// (events.v1.RequestStatus): "unfulfilled" if any could not be met, else "fulfilled" if any
// was met, else "pending" if one is still open, else "no_request" (withdrawn ones, 6, do not
// count).
std::string AccessOutcomeOf(const std::vector<int>& request_statuses);

// Adds to `c` the access breakdown's fields (x:<outcome>:n and x:<outcome>:<choice>) for its
// ACCESS_NEEDS_MET answer; nothing when that question was not answered.
void AddAccessOutcome(const std::string& outcome, Contribution& c);

// The event and trend deltas of `parts` summed field by field (zero sums left out; texts and
// access_choice are not summed). A batch of anonymous responses is added to the figures as
// one sum, so no write says which answers came together.
Contribution SumOf(const std::vector<Contribution>& parts);

}  // namespace events::feedback
