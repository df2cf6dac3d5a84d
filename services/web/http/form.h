#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// A submitted HTML form (application/x-www-form-urlencoded).
namespace events::web {

class Form {
 public:
  // INVALID_ARGUMENT when the body is not a form: bad percent-encoding, a value that is not
  // UTF-8, more than 500 fields.
  static absl::StatusOr<Form> Parse(absl::string_view body);

  // The first value of `name`, or "".
  std::string Get(absl::string_view name) const;
  // Every value of `name`, in order (checkboxes with one name).
  std::vector<std::string> All(absl::string_view name) const;
  bool Has(absl::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace events::web
