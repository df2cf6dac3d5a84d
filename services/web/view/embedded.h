#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

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
std::optional<std::string_view> EmbeddedText(std::string_view name);

}  // namespace events::web
