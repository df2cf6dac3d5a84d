#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "events/v1/feedback.pb.h"

// Pure rules of the feedback service: what a survey and an answer must look like. No Redis,
// no gRPC; every function is thread-safe (no shared state).
namespace events::feedback {

// Limits, documented in docs/feedback.md.
inline constexpr int kMaxQuestions = 30;
inline constexpr size_t kMaxIdChars = 32;
inline constexpr size_t kMaxQuestionTextChars = 300;
inline constexpr size_t kMaxHelpChars = 500;
inline constexpr int kMinChoices = 2;
inline constexpr int kMaxChoices = 12;
inline constexpr size_t kMaxChoiceTextChars = 120;
inline constexpr int32_t kMaxTextLimit = 2000;
inline constexpr int32_t kDefaultTextLimit = 500;
inline constexpr int32_t kMaxCommentChars = 500;
inline constexpr int kMinWindowDays = 1;
inline constexpr int kMaxWindowDays = 90;

// The template every event starts with: overall rating, access needs met (with a comment),
// what mattered most, likelihood to recommend, and the opt-in to shape future events.
events::v1::SurveyDefinition DefaultSurvey();

// Checks an organiser's survey: at most kMaxQuestions, unique well-formed ids, wording
// lengths, choices for choice questions only, a free-text limit, at most one question per
// role and each role on the type it needs. OK or INVALID_ARGUMENT naming the field and rule,
// e.g. `definition.questions[2].choices: a single-choice question needs 2 to 12 choices`.
absl::Status ValidateDefinition(const events::v1::SurveyDefinition& definition);

// Whether `after` keeps the structure of `before` (same anonymity, window, question ids,
// types, roles, comment permission and choice ids, in the same order), so that aggregates
// already counted stay meaningful: only wording, `required` and limits differ. OK or
// FAILED_PRECONDITION saying what may not change once the survey has opened.
absl::Status CheckSameStructure(const events::v1::SurveyDefinition& before,
                                const events::v1::SurveyDefinition& after);

// The free-text limit of a question (max_length, or the default when 0).
int32_t TextLimit(const events::v1::SurveyQuestion& question);

// Checks a response against the survey: known questions, each at most once, every required
// question answered, values in range, choice ids of the question, text lengths. Returns the
// answers in the survey's question order with free text and comments trimmed and redacted
// (RedactContacts), ready to store. INVALID_ARGUMENT naming the answer and the rule.
absl::StatusOr<std::vector<events::v1::FeedbackAnswer>> ValidateAnswers(
    const events::v1::SurveyDefinition& definition,
    const google::protobuf::RepeatedPtrField<events::v1::FeedbackAnswer>& answers);

}  // namespace events::feedback
