#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "events/v1/feedback.pb.h"
#include "services/web/http/form.h"
#include "services/web/pages/registration_form.h"
#include "services/web/view/catalogue.h"

// The survey builder's changes to a survey, pure (no network), so that they are tested alone
// (tests/web/console_feedback_test.cc). Each check names its form field and the rule, in the
// words of the message catalogue; the feedback service checks everything again.
namespace events::web::console {

// The builder's question types as form values, in the order the form offers them.
inline constexpr absl::string_view kSurveyTypeValues[] = {"rating", "scale", "single", "multiple",
                                                          "text"};

// An id for a question or a choice made from its words: lower case letters, digits and '_',
// 1 to 32 characters ("Live captions" is "live_captions"), with "_2", "_3"... when taken.
std::string SurveyIdFrom(absl::string_view words, const std::vector<std::string>& taken);

// Reads the "Add a question" form (question_type, question_text, question_plain,
// question_help, question_choices one per line, question_comment, question_max,
// question_required) and appends the question to `definition`. Errors name their field.
void AddSurveyQuestion(const Catalogue& messages, const Form& form,
                       events::v1::SurveyDefinition* definition, std::vector<FieldError>* errors);

// Reads the settings form (anonymous, window_days: blank for the service's default, or 1 to
// 90) into `definition`.
void ApplySurveySettings(const Catalogue& messages, const Form& form,
                         events::v1::SurveyDefinition* definition, std::vector<FieldError>* errors);

// Moves the question `id` one place up (delta -1) or down (+1). False when there is no such
// question or it is already first (or last).
bool MoveSurveyQuestion(events::v1::SurveyDefinition* definition, absl::string_view id, int delta);

// Removes the question `id`; false when there is none.
bool RemoveSurveyQuestion(events::v1::SurveyDefinition* definition, absl::string_view id);

}  // namespace events::web::console
