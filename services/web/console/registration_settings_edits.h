#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "events/v1/registration.pb.h"
#include "services/web/http/form.h"
#include "services/web/pages/registration_form.h"
#include "services/web/pages/site.h"

// The registration settings forms read into changes of the settings, each field checked with
// a message for the page (registration_settings_pages.cc sends them and shows the errors).
namespace events::web::console {

// A whole number in [min, max] from field `id`; an error naming the field otherwise.
int ReadWholeNumber(const Site& site, const Form& form, const std::string& id, int min, int max,
                    absl::string_view what_key, std::vector<FieldError>* errors);

// Adds the pool of the "add a reserved pool" form (pool_id, pool_name, pool_places) to
// `settings`, or errors at its fields. `capacity` bounds the places of all pools together.
void AddPool(const Site& site, const Form& form, int capacity,
             events::v1::RegistrationSettings* settings, std::vector<FieldError>* errors);

// Adds the question of the "add a question" form (question_text, question_type,
// question_options one per line, question_required, question_max) to `settings`.
void AddQuestion(const Site& site, const Form& form, events::v1::RegistrationSettings* settings,
                 std::vector<FieldError>* errors);

// A question's id made from its words: "Any dietary needs?" is "any_dietary_needs", unique
// among `settings`' questions (lower_snake_case, 2 to 48 characters, as the service wants).
std::string QuestionId(absl::string_view text, const events::v1::RegistrationSettings& settings);

}  // namespace events::web::console
