// The signed double-submit cookie: a form's token matches only its own browser's cookie.
#include "services/web/http/csrf.h"

#include <httplib.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::web {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

Request With(httplib::Request& raw, const std::string& cookie) {
  if (!cookie.empty()) raw.headers.emplace("Cookie", cookie);
  Request r;
  r.raw = &raw;
  return r;
}

std::string SecretOf(const std::string& set_cookie) {
  const size_t eq = set_cookie.find('=');
  return set_cookie.substr(eq + 1, set_cookie.find(';') - eq - 1);
}

TEST(CsrfTest, ANewVisitorGetsAStrictHttpOnlyCookieAndAMatchingToken) {
  const Csrf csrf(std::string(32, 'k'), true);
  httplib::Request raw;
  const Csrf::Issued issued = csrf.ForPage(With(raw, ""));
  EXPECT_THAT(issued.set_cookie, StartsWith("__Host-csrf="));
  EXPECT_THAT(issued.set_cookie, HasSubstr("HttpOnly; SameSite=Strict; Secure"));
  EXPECT_THAT(issued.set_cookie, HasSubstr("Path=/"));
  httplib::Request back;
  const Request posted = With(back, "other=1; __Host-csrf=" + SecretOf(issued.set_cookie));
  EXPECT_TRUE(csrf.Valid(posted, issued.token));
  // The same cookie: no new one, the same token.
  EXPECT_EQ(csrf.ForPage(posted).set_cookie, "");
  EXPECT_EQ(csrf.ForPage(posted).token, issued.token);
}

TEST(CsrfTest, ForeignTokensMissingCookiesAndOtherKeysAreRefused) {
  const Csrf csrf(std::string(32, 'k'), false);
  httplib::Request a_raw;
  httplib::Request b_raw;
  const Csrf::Issued a = csrf.ForPage(With(a_raw, ""));
  const Csrf::Issued b = csrf.ForPage(With(b_raw, ""));
  EXPECT_THAT(a.set_cookie, StartsWith("csrf="));
  EXPECT_THAT(a.set_cookie, ::testing::Not(HasSubstr("Secure")));
  httplib::Request post_raw;
  const Request posted = With(post_raw, "csrf=" + SecretOf(a.set_cookie));
  EXPECT_TRUE(csrf.Valid(posted, a.token));
  EXPECT_FALSE(csrf.Valid(posted, b.token));
  EXPECT_FALSE(csrf.Valid(posted, ""));
  httplib::Request bare;
  EXPECT_FALSE(csrf.Valid(With(bare, ""), a.token));
  // Another replica with another key cannot vouch for this one's forms.
  const Csrf other(std::string(32, 'z'), false);
  EXPECT_FALSE(other.Valid(posted, a.token));
}

}  // namespace
}  // namespace events::web
