#include "services/web/view/embedded.h"

namespace events::web {

std::optional<absl::string_view> EmbeddedText(absl::string_view name) {
  for (size_t i = 0; i < kEmbeddedFileCount; ++i) {
    if (name == kEmbeddedFiles[i].name) {
      return absl::string_view(kEmbeddedFiles[i].text, kEmbeddedFiles[i].size);
    }
  }
  return std::nullopt;
}

}  // namespace events::web
