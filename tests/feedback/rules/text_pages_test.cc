#include "services/feedback/rules/text_pages.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::feedback {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Every page in turn, as a client would read them.
std::vector<std::string> ReadAll(const std::vector<std::string>& sorted, int page_size,
                                 int* pages) {
  std::vector<std::string> all;
  std::string token;
  *pages = 0;
  do {
    auto cursor = DecodeTextPageToken(token);
    EXPECT_TRUE(cursor.ok()) << cursor.status();
    if (!cursor.ok()) break;
    TextPage page = PageOfTexts(sorted, *cursor, page_size);
    EXPECT_LE(static_cast<int>(page.texts.size()), page_size);
    all.insert(all.end(), page.texts.begin(), page.texts.end());
    token = page.next_page_token;
    ++*pages;
  } while (!token.empty() && *pages < 100);
  return all;
}

TEST(TextPagesTest, PagesGiveEveryTextOnceInOrderEvenWithCopiesAcrossPages) {
  const std::vector<std::string> sorted = {"a", "b", "b", "b", "b", "b", "c", "d", "d", "e"};
  for (int size = 1; size <= 11; ++size) {
    int pages = 0;
    EXPECT_EQ(ReadAll(sorted, size, &pages), sorted) << "page size " << size;
    EXPECT_EQ(pages, (static_cast<int>(sorted.size()) + size - 1) / size) << size;
  }
  int pages = 0;
  EXPECT_TRUE(ReadAll({}, 5, &pages).empty());
  EXPECT_EQ(pages, 1);
}

TEST(TextPagesTest, APageResumesAfterTheLastTextWhateverChangedMeanwhile) {
  std::vector<std::string> sorted = {"apples", "braille", "braille", "music", "quiet"};
  TextPage first = PageOfTexts(sorted, std::nullopt, 2);
  EXPECT_THAT(first.texts, ElementsAre("apples", "braille"));
  ASSERT_FALSE(first.next_page_token.empty());
  auto cursor = DecodeTextPageToken(first.next_page_token);
  ASSERT_TRUE(cursor.ok());
  // A text sorting before the cursor arrives, and one after: nothing shifts or repeats.
  sorted = {"aardvark", "apples", "braille", "braille", "lamp", "music", "quiet"};
  EXPECT_THAT(PageOfTexts(sorted, *cursor, 3).texts, ElementsAre("braille", "lamp", "music"));
  // The copy of "braille" not yet returned was taken back (an edited response).
  sorted = {"apples", "braille", "music", "quiet"};
  EXPECT_THAT(PageOfTexts(sorted, *cursor, 3).texts, ElementsAre("music", "quiet"));
  // The cursor's text itself is gone.
  sorted = {"apples", "music", "quiet"};
  EXPECT_THAT(PageOfTexts(sorted, *cursor, 3).texts, ElementsAre("music", "quiet"));
}

TEST(TextPagesTest, TokensThisDidNotMakeAreRefusedNamingTheField) {
  for (const std::string& bad :
       {std::string("not base64!"), absl::WebSafeBase64Escape("no colon"),
        absl::WebSafeBase64Escape(":no count"), absl::WebSafeBase64Escape("0:zero copies"),
        absl::WebSafeBase64Escape("-1:negative"), absl::WebSafeBase64Escape("x1:letters"),
        std::string(12001, 'A')}) {
    auto cursor = DecodeTextPageToken(bad);
    ASSERT_FALSE(cursor.ok()) << bad;
    EXPECT_EQ(cursor.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(cursor.status().message(), HasSubstr("page.page_token"));
  }
  // The longest text (2,000 characters of 4 bytes) still makes a token that is accepted.
  std::string longest;
  for (int i = 0; i < 2000; ++i) longest += "\xF0\x9F\x98\x80";
  TextPage page = PageOfTexts({longest, longest + "!"}, std::nullopt, 1);
  auto cursor = DecodeTextPageToken(page.next_page_token);
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ((*cursor)->last, longest);
}

}  // namespace
}  // namespace events::feedback
