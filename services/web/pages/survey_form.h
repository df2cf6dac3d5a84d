#pragma once

#include <map>
#include <string>
#include <vector>

#include "events/v1/feedback.pb.h"
#include "services/web/http/form.h"
#include "services/web/pages/registration_form.h"
#include "services/web/view/catalogue.h"
#include "services/web/view/mustache.h"

// The feedback survey's form: every question type of feedback.proto read from the submitted
// form, checked question by question with plain-English messages that name the question,
// turned into the SubmitResponse request, and laid out for templates/feedback.mustache.
// Pure functions: no network, no state.
namespace events::web {

// What the form gave for one question. `values` holds the number (rating, 0-10), the
// choice ids (single: one; multiple: any), or the text (free text: one, trimmed).
struct SurveyAnswer {
  std::vector<std::string> values;
  std::string comment;  // choice questions that allow one; trimmed
};

// Question id -> its answer; questions left blank are absent.
using SurveyAnswers = std::map<std::string, SurveyAnswer>;

// The form's names: "q-<question id>" for the answer (the id of the first radio, checkbox or
// the textarea, which the error summary links to) and "q-<question id>-comment".
std::string SurveyField(const std::string& question_id);
std::string SurveyCommentField(const std::string& question_id);

// Reads the answers to `survey`'s questions from `form` (other fields are ignored).
SurveyAnswers ReadSurveyAnswers(const Form& form, const events::v1::SurveyDefinition& survey);

// The answers stored for a named survey (GetMySurvey), to fill the form in again.
SurveyAnswers SurveyAnswersFrom(
    const google::protobuf::RepeatedPtrField<events::v1::FeedbackAnswer>& stored);

// Checks every question: required ones answered, numbers in range, choices of the question,
// texts and comments within their limits and without characters the service refuses. One
// error per question at most, in the survey's order.
std::vector<FieldError> CheckSurveyAnswers(const Catalogue& messages, const SurveyAnswers& answers,
                                           const events::v1::SurveyDefinition& survey);

// The request for answers that passed CheckSurveyAnswers: one answer per answered question,
// in the survey's order.
events::v1::SubmitResponseRequest ToSubmitResponse(const std::string& token,
                                                   const SurveyAnswers& answers,
                                                   const events::v1::SurveyDefinition& survey);

// The survey's questions for the template, added to `data` as "questions": each with its
// wording (the easy-read wording when `easy_read`), hint, kind of control, options with
// their checked state, value and error.
Data SurveyFormData(Data data, const Catalogue& messages, const SurveyAnswers& answers,
                    const events::v1::SurveyDefinition& survey,
                    const std::vector<FieldError>& errors, bool easy_read);

}  // namespace events::web
