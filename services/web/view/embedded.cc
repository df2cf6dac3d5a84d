#include "services/web/view/embedded.h"

namespace events::web {

std::optional<std::string_view> EmbeddedText(std::string_view name) {
  for (size_t i = 0; i < kEmbeddedFileCount; ++i) {
    if (name == kEmbeddedFiles[i].name) {
      return std::string_view(kEmbeddedFiles[i].text, kEmbeddedFiles[i].size);
    }
  }
  return std::nullopt;
}

}  // namespace events::web
