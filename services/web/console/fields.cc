#include "services/web/console/fields.h"

#include "absl/strings/str_cat.h"

namespace events::web::console {

Data TextField(absl::string_view id, absl::string_view value,
               const std::vector<FieldError>& errors) {
  Data field(Data::type::object);
  field.set("id", std::string(id));
  field.set("value", std::string(value));
  for (const FieldError& e : errors) {
    if (e.field != id) continue;
    field.set("error", e.message);
    field.set("error_id", absl::StrCat(id, "-error"));
    break;
  }
  return field;
}

}  // namespace events::web::console
