// Reading a submitted form: decoding, repeated names, and what is no form.
#include "services/web/http/form.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::web {
namespace {

TEST(FormTest, DecodesPlusAndPercentAndKeepsRepeatedNamesInOrder) {
  auto f = Form::Parse("name=Jo+Lee&email=jo%40example.org&needs=a&needs=b&empty=&flag");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->Get("name"), "Jo Lee");
  EXPECT_EQ(f->Get("email"), "jo@example.org");
  EXPECT_THAT(f->All("needs"), ::testing::ElementsAre("a", "b"));
  EXPECT_TRUE(f->Has("empty"));
  EXPECT_TRUE(f->Has("flag"));
  EXPECT_EQ(f->Get("absent"), "");
  EXPECT_FALSE(f->Has("absent"));
  // UTF-8 written as escapes.
  EXPECT_EQ(Form::Parse("n=Zo%C3%AB")->Get("n"), "Zo\xC3\xAB");
}

TEST(FormTest, RefusesBadEscapesTextThatIsNotUtf8AndTooManyFields) {
  EXPECT_FALSE(Form::Parse("a=%zz").ok());
  EXPECT_FALSE(Form::Parse("a=%4").ok());
  EXPECT_FALSE(Form::Parse("a=%ff%fe").ok());
  std::string many;
  for (int i = 0; i < 501; ++i) many += "x=1&";
  EXPECT_FALSE(Form::Parse(many).ok());
}

// A file upload (multipart/form-data), as cpp-httplib splits it into parts.
TEST(FormTest, MultipartKeepsTextFieldsAsTheFormAndFilesApart) {
  std::vector<FormPart> parts = {
      {"csrf", "", "", "token"},
      {"report", "zoom.csv", "text/csv", "Email\nsam@example.org\n"},
      {"note", "", "", "Zo\xC3\xAB"},
  };
  std::vector<FormPart> files;
  auto f = Form::FromParts(parts, 1024, &files);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->Get("csrf"), "token");
  EXPECT_EQ(f->Get("note"), "Zo\xC3\xAB");
  EXPECT_FALSE(f->Has("report"));
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].name, "report");
  EXPECT_EQ(files[0].filename, "zoom.csv");
  EXPECT_EQ(files[0].content, "Email\nsam@example.org\n");
}

TEST(FormTest, MultipartFileInputWithNoFileChosenIsAnEmptyFile) {
  // Browsers send a file input with no file as filename="" and application/octet-stream.
  std::vector<FormPart> files;
  auto f = Form::FromParts({{"report", "", "application/octet-stream", ""}}, 1024, &files);
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(files[0].content.empty());
  EXPECT_FALSE(f->Has("report"));
}

TEST(FormTest, MultipartRefusesALargeFileTextThatIsNotUtf8AndTooManyParts) {
  std::vector<FormPart> files;
  auto big =
      Form::FromParts({{"report", "a.csv", "text/csv", std::string(1025, 'x')}}, 1024, &files);
  EXPECT_EQ(big.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(std::string(big.status().message()), ::testing::HasSubstr("report"));
  // Exactly at the limit is fine.
  files.clear();
  EXPECT_TRUE(
      Form::FromParts({{"report", "a.csv", "text/csv", std::string(1024, 'x')}}, 1024, &files)
          .ok());
  EXPECT_EQ(Form::FromParts({{"n", "", "", "\xff\xfe"}}, 1024, &files).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::vector<FormPart> many(501, FormPart{"x", "", "", "1"});
  EXPECT_EQ(Form::FromParts(many, 1024, &files).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace events::web
