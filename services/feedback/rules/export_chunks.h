#pragma once

#include <cstddef>
#include <vector>

#include "events/v1/feedback.pb.h"

namespace events::feedback {

// The most content in one message of a streamed export: far below the 4 MiB a default gRPC
// client accepts, whatever the size of the file.
inline constexpr size_t kExportChunkBytes = size_t{256} * 1024;

// The messages that stream `whole`: the first has filename and content_type, each has at most
// chunk_bytes of content (in order: the file is their concatenation), the last has rows. An
// empty file is one message. Pure; thread-safe.
std::vector<events::v1::FeedbackExport> ExportChunks(events::v1::FeedbackExport whole,
                                                     size_t chunk_bytes = kExportChunkBytes);

}  // namespace events::feedback
