#pragma once

#include <cstddef>

// The e-mail templates built into the binary (cmake/EmbedFiles.cmake writes the table from
// services/notifications/templates).
namespace events::notifications {

struct EmbeddedFile {
  const char* name;  // path below services/notifications, e.g. "templates/layout.mustache"
  const char* text;
  size_t size;
};

extern const EmbeddedFile kEmbeddedFiles[];
extern const size_t kEmbeddedFileCount;

}  // namespace events::notifications
