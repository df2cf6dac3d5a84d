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

}  // namespace
}  // namespace events::web
