// Pages from templates: every template parses and names only messages that exist; values
// are escaped; the title says when there is an error.
#include "services/web/view/renderer.h"

#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/web/view/embedded.h"

namespace events::web {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Renderer MakeRenderer() {
  auto c = Catalogue::Parse(*EmbeddedText("messages/en-GB.txt"), "en-GB");
  EXPECT_TRUE(c.ok()) << c.status();
  return Renderer(*std::move(c));
}

TEST(RendererTest, EveryTemplateParsesAndItsMessagesExist) {
  const Renderer r = MakeRenderer();
  EXPECT_TRUE(r.Check().ok()) << r.Check();
}

TEST(RendererTest, ACheckFindsAMessageNoCatalogueHas) {
  auto c = Catalogue::Parse("site_name = X\n", "tiny");
  ASSERT_TRUE(c.ok());
  const Renderer r(*std::move(c));
  EXPECT_THAT(r.Check().message(), HasSubstr("which messages/en-GB.txt lacks"));
}

TEST(RendererTest, AValueNamedLikeAPartialIsRefused) {
  // The member page's roles form rendered without its checkboxes: its value "roles_field"
  // hid the partial of that name (found by the console's browser test).
  const std::map<std::string, std::string, std::less<>> hidden = {
      {"partials/roles_field", "<input>"},
      {"member", "<form>{{#roles_field}}{{> roles_field}}{{/roles_field}}</form>"}};
  EXPECT_THAT(Renderer::HiddenPartial(hidden).message(),
              HasSubstr("templates/member.mustache uses a value named roles_field"));
  for (const char* tag : {"{{roles_field}}", "{{{roles_field}}}", "{{& roles_field}}",
                          "{{^roles_field}}{{/roles_field}}", "{{roles_field.x}}"}) {
    EXPECT_FALSE(Renderer::HiddenPartial({{"partials/roles_field", "x"}, {"page", tag}}).ok())
        << tag;
  }
  // Using the partial under another name is fine, and so are comments and closing tags.
  EXPECT_TRUE(Renderer::HiddenPartial(
                  {{"partials/roles_field", "x"},
                   {"member", "{{#roles}}{{> roles_field}}{{/roles}}{{! roles_field }}"}})
                  .ok());
}

TEST(RendererTest, ValuesAreEscapedAndThePageHasItsLayout) {
  const Renderer r = MakeRenderer();
  Data data(Data::type::object);
  data.set("heading", "<script>alert('x')</script> & \"quotes\"");
  data.set("body", "b");
  data.set("request_id", "r1");
  const std::string page = r.Page("error", data, {"Tom & Jerry's <page>", false});
  EXPECT_THAT(
      page,
      HasSubstr("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;quotes&quot;"));
  EXPECT_THAT(page, Not(HasSubstr("<script>")));
  EXPECT_THAT(page,
              HasSubstr("<title>Tom &amp; Jerry&apos;s &lt;page&gt; - Inclusive events</title>"));
  EXPECT_THAT(page, HasSubstr("<html lang=\"en-GB\">"));
  EXPECT_THAT(page, HasSubstr("href=\"#main\""));
  EXPECT_THAT(page, HasSubstr("href=\"/accessibility\""));
  EXPECT_THAT(page, HasSubstr("href=\"/privacy\""));
  EXPECT_THAT(page, Not(HasSubstr("[[")));
}

TEST(RendererTest, AnErrorPageTitleStartsWithError) {
  const Renderer r = MakeRenderer();
  const std::string page = r.Page("error", Data(Data::type::object), {"Sign up", true});
  EXPECT_THAT(page, HasSubstr("<title>Error: Sign up - Inclusive events</title>"));
}

TEST(RendererTest, EveryPageRendersWithNoDataWithoutAMissingMessage) {
  const Renderer r = MakeRenderer();
  for (const char* page :
       {"events",          "event",          "register",           "register_access",
        "register_check",  "register_done",  "register_duplicate", "manage",
        "manage_unknown",  "manage_cancel",  "manage_access",      "manage_access_end",
        "lost_link",       "lost_link_sent", "accessibility",      "privacy",
        "error",           "feedback",       "feedback_status",    "feedback_thanks",
        "feedback_unknown"}) {
    const std::string html = r.Page(page, Data(Data::type::object), {"t", false});
    EXPECT_THAT(html, Not(HasSubstr("[["))) << page;
    EXPECT_THAT(html, HasSubstr("<h1")) << page;
  }
}

TEST(RendererTest, EveryFormCarriesItsCsrfToken) {
  // A partial named like a value of the page ("csrf") was looked up as that value and
  // rendered nothing: every form then failed its CSRF check (found by ./scripts/run's demo).
  const Renderer r = MakeRenderer();
  for (const char* page :
       {"register", "register_access", "register_check", "manage", "manage_cancel", "manage_access",
        "manage_access_end", "lost_link", "feedback"}) {
    Data data(Data::type::object);
    data.set("csrf", "token123");
    data.set("active", true);
    const std::string html = r.Page(page, data, {"t", false});
    EXPECT_THAT(html, HasSubstr("<input type=\"hidden\" name=\"csrf\" value=\"token123\">"))
        << page;
  }
}

}  // namespace
}  // namespace events::web
