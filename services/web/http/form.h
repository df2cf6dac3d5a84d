#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// A submitted HTML form (application/x-www-form-urlencoded, or multipart/form-data for a
// file upload).
namespace events::web {

// One part of a multipart/form-data body as the HTTP server (cpp-httplib) splits it: a text
// field has no filename and no content type; a file input has a content type (and an empty
// filename when no file was chosen).
struct FormPart {
  std::string name;
  std::string filename;
  std::string content_type;
  std::string content;

  bool IsFile() const { return !filename.empty() || !content_type.empty(); }
};

class Form {
 public:
  // INVALID_ARGUMENT when the body is not a form: bad percent-encoding, a value that is not
  // UTF-8, more than 500 fields.
  static absl::StatusOr<Form> Parse(absl::string_view body);

  // A multipart/form-data body, already split into parts by the HTTP server: the text fields
  // become the form, the files go to `files` (in order). INVALID_ARGUMENT for more than 500
  // parts or a text field that is not UTF-8; OUT_OF_RANGE naming the field when a file is
  // larger than `max_file_bytes` (a page can say so at the field; the server's own limit on
  // the whole body is a 413 before any of this runs).
  static absl::StatusOr<Form> FromParts(const std::vector<FormPart>& parts, size_t max_file_bytes,
                                        std::vector<FormPart>* files);

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
