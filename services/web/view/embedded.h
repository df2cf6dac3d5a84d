#pragma once

#include <cstddef>
#include <optional>

#include "absl/strings/string_view.h"

// The templates, messages and assets built into the binary (cmake/EmbedFiles.cmake writes
// the table from services/web/{templates,messages,assets}).
namespace events::web {

struct EmbeddedFile {
  const char* name;  // path below services/web, e.g. "templates/event.mustache"
  const char* text;
  size_t size;
};

extern const EmbeddedFile kEmbeddedFiles[];
extern const size_t kEmbeddedFileCount;

// The text of the embedded file `name`, or nullopt.
std::optional<absl::string_view> EmbeddedText(absl::string_view name);

}  // namespace events::web
