#include "services/feedback/rules/export_chunks.h"

#include <algorithm>
#include <string>
#include <utility>

namespace events::feedback {

std::vector<events::v1::FeedbackExport> ExportChunks(events::v1::FeedbackExport whole,
                                                     size_t chunk_bytes) {
  chunk_bytes = std::max<size_t>(1, chunk_bytes);
  const std::string content = std::move(*whole.mutable_content());
  std::vector<events::v1::FeedbackExport> chunks;
  size_t at = 0;
  do {
    events::v1::FeedbackExport& chunk = chunks.emplace_back();
    if (chunks.size() == 1) {
      chunk.set_filename(whole.filename());
      chunk.set_content_type(whole.content_type());
    }
    const size_t n = std::min(chunk_bytes, content.size() - at);
    chunk.set_content(content.substr(at, n));
    at += n;
  } while (at < content.size());
  chunks.back().set_rows(whole.rows());
  return chunks;
}

}  // namespace events::feedback
