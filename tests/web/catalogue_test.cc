// The message catalogue: its format, its errors, and the real en-GB file.
#include "services/web/view/catalogue.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/web/view/embedded.h"

namespace events::web {
namespace {

using ::testing::HasSubstr;

TEST(CatalogueTest, ReadsKeysAndTextsAndSkipsCommentsAndBlankLines) {
  auto c = Catalogue::Parse("# comment\n\ngreeting = Hello {name}\nbye=Goodbye\n", "test");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->Text("bye"), "Goodbye");
  EXPECT_EQ(c->Format("greeting", {{"name", "Sam"}}), "Hello Sam");
  // A missing message shows on the page, where a test sees it.
  EXPECT_EQ(c->Text("missing"), "[[missing]]");
  EXPECT_FALSE(c->Has("missing"));
}

TEST(CatalogueTest, RefusesLinesThatAreNoMessageNamingTheLine) {
  EXPECT_THAT(Catalogue::Parse("a = x\nno equals sign\n", "f").status().message(),
              HasSubstr("f line 2"));
  EXPECT_THAT(Catalogue::Parse("Bad-Key = x\n", "f").status().message(),
              HasSubstr("lower_snake_case"));
  EXPECT_THAT(Catalogue::Parse("a = x\na = y\n", "f").status().message(),
              HasSubstr("a is defined twice"));
  EXPECT_THAT(Catalogue::Parse("a =\n", "f").status().message(), HasSubstr("a has no text"));
}

TEST(CatalogueTest, TheBuiltInEnglishCatalogueParsesAndHasTheDynamicKeys) {
  auto text = EmbeddedText("messages/en-GB.txt");
  ASSERT_TRUE(text.has_value());
  auto c = Catalogue::Parse(*text, "en-GB");
  ASSERT_TRUE(c.ok()) << c.status();
  // Keys the code builds from values rather than naming them (pages/*.cc).
  for (int d = 0; d < 7; ++d) EXPECT_TRUE(c->Has("day_" + std::to_string(d))) << d;
  for (int m = 1; m <= 12; ++m) EXPECT_TRUE(c->Has("month_" + std::to_string(m))) << m;
  for (int s : {400, 403, 404, 405, 413, 429, 500, 503}) {
    EXPECT_TRUE(c->Has("error_" + std::to_string(s) + "_heading")) << s;
    EXPECT_TRUE(c->Has("error_" + std::to_string(s) + "_body")) << s;
  }
  for (const char* p : {"lived_experience", "carer", "professional", "student", "other"}) {
    EXPECT_TRUE(c->Has(std::string("participation_") + p)) << p;
  }
  for (const char* m : {"registration_email", "email", "phone", "text_message"}) {
    EXPECT_TRUE(c->Has(std::string("contact_") + m)) << m;
  }
  for (const char* n : {"updated", "cancelled", "access_sent", "access_updated", "access_withdrawn",
                        "access_erased"}) {
    EXPECT_TRUE(c->Has(std::string("notice_") + n)) << n;
  }
}

}  // namespace
}  // namespace events::web
