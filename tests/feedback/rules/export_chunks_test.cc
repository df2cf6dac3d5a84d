#include "services/feedback/rules/export_chunks.h"

#include <string>

#include "gtest/gtest.h"

namespace events::feedback {
namespace {

events::v1::FeedbackExport File(size_t bytes) {
  events::v1::FeedbackExport whole;
  whole.set_filename("feedback-responses-ev_1.csv");
  whole.set_content_type("text/csv; charset=utf-8");
  std::string content(bytes, ' ');
  for (size_t i = 0; i < bytes; ++i) content[i] = static_cast<char>('a' + i % 26);
  whole.set_content(content);
  whole.set_rows(600);
  return whole;
}

TEST(ExportChunksTest, TheFileIsTheConcatenationOfChunksNoneLargerThanTheLimit) {
  for (size_t bytes : {size_t{0}, size_t{1}, kExportChunkBytes - 1, kExportChunkBytes,
                       kExportChunkBytes + 1, size_t{5} << 20}) {
    SCOPED_TRACE(bytes);
    const events::v1::FeedbackExport whole = File(bytes);
    const auto chunks = ExportChunks(whole);
    ASSERT_FALSE(chunks.empty());
    EXPECT_EQ(chunks.size(), bytes == 0 ? 1 : (bytes + kExportChunkBytes - 1) / kExportChunkBytes);
    std::string joined;
    for (size_t i = 0; i < chunks.size(); ++i) {
      EXPECT_LE(chunks[i].content().size(), kExportChunkBytes);
      EXPECT_EQ(chunks[i].filename().empty(), i != 0);
      EXPECT_EQ(chunks[i].content_type().empty(), i != 0);
      EXPECT_EQ(chunks[i].rows(), i + 1 == chunks.size() ? 600 : 0);
      joined += chunks[i].content();
    }
    EXPECT_EQ(joined, whole.content());
    EXPECT_EQ(chunks.front().filename(), "feedback-responses-ev_1.csv");
    EXPECT_EQ(chunks.front().content_type(), "text/csv; charset=utf-8");
  }
}

}  // namespace
}  // namespace events::feedback
