#pragma once

#include <cstddef>

#include "services/web/view/embedded.h"

// The OpenAPI document, generated at build time (web_openapi) and embedded by
// cmake/EmbedFilesRun.cmake as the one file "openapi.json" of this table.
namespace events::web::api::generated {

using EmbeddedFile = events::web::EmbeddedFile;
extern const EmbeddedFile kEmbeddedFiles[];
extern const size_t kEmbeddedFileCount;

}  // namespace events::web::api::generated
