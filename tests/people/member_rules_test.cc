#include "services/people/domain/member_rules.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::people {
namespace {

using ::testing::HasSubstr;

google::protobuf::RepeatedField<int> Roles(std::initializer_list<int> roles) {
  google::protobuf::RepeatedField<int> out;
  for (int r : roles) out.Add(r);
  return out;
}

TEST(MemberRulesTest, RolesAreKnownOnceEachAndViewerAlone) {
  auto both = RolesText(
      Roles({events::v1::MEMBER_ROLE_ORGANISER, events::v1::MEMBER_ROLE_ACCESS_COORDINATOR}),
      "roles");
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(*both, "organiser,access_coordinator");
  EXPECT_EQ(RolesInWords(*both), "organiser, access coordinator");
  EXPECT_EQ(RolesOf(*both).size(), 2u);

  auto none = RolesText(Roles({}), "roles");
  EXPECT_THAT(none.status().message(), HasSubstr("roles needs at least one role"));
  auto unknown = RolesText(Roles({0}), "roles");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(RolesText(Roles({99}), "roles").status().message(), HasSubstr("not a role"));
  EXPECT_THAT(RolesText(Roles({1, 1}), "roles").status().message(), HasSubstr("twice"));
  EXPECT_THAT(RolesText(Roles({1, 3}), "roles").status().message(), HasSubstr("viewer alone"));
}

TEST(MemberRulesTest, AddressesAreComparedTrimmedAndWithoutCase) {
  auto email = NormalisedEmail("  Amira.Khan@Example.ORG ", "email");
  ASSERT_TRUE(email.ok());
  EXPECT_EQ(*email, "amira.khan@example.org");
  EXPECT_EQ(EmailHash(*email), EmailHash(*NormalisedEmail("amira.khan@example.org", "email")));
  EXPECT_THAT(NormalisedEmail("", "email").status().message(), HasSubstr("email is required"));
  EXPECT_EQ(NormalisedEmail("not an address", "email").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(MemberRulesTest, NamesSecretsKeysAndIdsHaveTheirLimits) {
  EXPECT_TRUE(CheckMemberName("Amira Khan").ok());
  EXPECT_THAT(CheckMemberName("").message(), HasSubstr("name"));
  EXPECT_FALSE(CheckMemberName(std::string(101, 'a')).ok());
  EXPECT_FALSE(CheckMemberName("line\nbreak").ok());
  EXPECT_TRUE(CheckBrowserSecret(std::string(32, 'x')).ok());
  EXPECT_THAT(CheckBrowserSecret(std::string(31, 'x')).message(), HasSubstr("browser_secret"));
  EXPECT_FALSE(CheckBrowserSecret(std::string(129, 'x')).ok());
  EXPECT_FALSE(CheckBrowserSecret(std::string(31, 'x') + " ").ok());
  EXPECT_TRUE(CheckIdempotencyKey("").ok());
  EXPECT_THAT(CheckIdempotencyKey("has space").message(), HasSubstr("idempotency_key"));
  EXPECT_TRUE(CheckMemberId("mem_01JDQ3V4N7X8K2M9P0R5T6W8Y1").ok());
  EXPECT_THAT(CheckMemberId("mem_01JDQ3V4N7X8K2M9P0R5T6W8Y1-1").message(), HasSubstr("member_id"));
  EXPECT_THAT(CheckMemberId("").message(), HasSubstr("member_id is required"));
}

}  // namespace
}  // namespace events::people
