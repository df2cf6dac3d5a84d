#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/web/pages/registration_form.h"
#include "services/web/view/mustache.h"

namespace events::web::console {

// A form field's data for the templates: {id, value, error, error_id}, the error being the
// first in `errors` for this field.
Data TextField(absl::string_view id, absl::string_view value,
               const std::vector<FieldError>& errors);

}  // namespace events::web::console
