#pragma once

#include <map>
#include <string>
#include <vector>

#include "events/v1/accessibility.pb.h"
#include "events/v1/registration.pb.h"
#include "services/web/http/form.h"
#include "services/web/view/catalogue.h"
#include "services/web/view/mustache.h"

// The registration journey's answers: read from the submitted form, checked field by field
// with messages in plain English, carried from step to step in hidden fields (there is no
// session: the journey works with cookies for CSRF only, and without JavaScript), and
// turned into the RegisterRequest and the access request at the end.
namespace events::web {

// One problem with one field: the id of the input to link to from the error summary, and
// what to do about it ("Enter your email address").
struct FieldError {
  std::string field;
  std::string message;
};

struct RegistrationAnswers {
  std::string name;
  std::string email;
  std::string organisation;
  std::string participation;  // lived_experience, carer, professional, student, other
  std::string pool;           // "" or a reserved pool's id
  bool companion = false;
  bool marketing = false;
  std::string support;  // "yes" or "no": "Do you need anything to take part?"
  // Question id -> the values given (one for text, single choice and yes/no).
  std::map<std::string, std::vector<std::string>> questions;
  // The access request, when support is "yes".
  std::vector<std::string> needs;
  std::string other_need;
  std::string details;
  std::string contact_method;  // registration_email, email, phone, text_message
  std::string contact_value;
  bool consent = false;
};

// Reads every field of the journey that `form` has.
RegistrationAnswers ReadAnswers(const Form& form, const events::v1::RegistrationSettings& settings);

// The first step's fields: name to "Do you need anything to take part?".
std::vector<FieldError> CheckDetails(const Catalogue& messages, const RegistrationAnswers& answers,
                                     const events::v1::RegistrationSettings& settings);
// The access step's fields, against the organisation's catalogue of needs.
std::vector<FieldError> CheckAccess(const Catalogue& messages, const RegistrationAnswers& answers,
                                    const events::v1::Catalogue& needs);

events::v1::RegisterRequest ToRegisterRequest(const std::string& event_id,
                                              const RegistrationAnswers& answers,
                                              const events::v1::RegistrationSettings& settings);
events::v1::SubmitRequestRequest ToAccessRequest(const std::string& token,
                                                 const RegistrationAnswers& answers);

// Answers as hidden inputs ({name, value} pairs), for the next step's form: the details
// step's fields, the access step's, or both.
DataList HiddenFields(const RegistrationAnswers& answers, bool details, bool access);

// The first step's form, added to `data`: each input's value, checked state and error.
Data DetailsFormData(Data data, const Catalogue& messages, const RegistrationAnswers& answers,
                     const events::v1::RegistrationSettings& settings,
                     const std::vector<FieldError>& errors);
// The access step's form, added to `data`.
Data AccessFormData(Data data, const Catalogue& messages, const RegistrationAnswers& answers,
                    const events::v1::Catalogue& needs, const std::vector<FieldError>& errors);
// Check your answers: {key, value} rows.
DataList SummaryRows(const Catalogue& messages, const RegistrationAnswers& answers,
                     const events::v1::RegistrationSettings& settings,
                     const events::v1::Catalogue& needs);

// The error summary's list: {field, message}.
DataList ErrorList(const std::vector<FieldError>& errors);
// Sets "errors" and "has_errors" for the error summary when there are errors.
void SetErrors(Data& data, const std::vector<FieldError>& errors);

}  // namespace events::web
