#include "common/log/request_id.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace events::logging {
namespace {

using Metadata = std::multimap<grpc::string_ref, grpc::string_ref>;

TEST(RequestIdTest, SanitizeKeepsSafeCharactersOnly) {
  EXPECT_EQ(SanitizeRequestId("abc-DEF_123.x"), "abc-DEF_123.x");
  EXPECT_EQ(SanitizeRequestId("a b/c\"d\xff{e}"), "abcde");
  EXPECT_EQ(SanitizeRequestId("  \t"), "");
  EXPECT_EQ(SanitizeRequestId(std::string(100, 'x')), std::string(64, 'x'));
}

TEST(RequestIdTest, NewIdsAreHexAndDistinct) {
  const std::string a = NewRequestId();
  const std::string b = NewRequestId();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
  EXPECT_EQ(SanitizeRequestId(a), a);
}

TEST(RequestIdTest, AssignKeepsClientId) {
  Metadata metadata = {{"x-request-id", "client-1"}};
  std::string storage;
  EXPECT_EQ(AssignRequestId(metadata, storage), "client-1");
  EXPECT_EQ(metadata.size(), 1u);
}

TEST(RequestIdTest, AssignGeneratesWhenMissingOrUnusable) {
  Metadata none;
  std::string storage;
  const std::string generated = AssignRequestId(none, storage);
  EXPECT_EQ(generated.size(), 32u);
  // Recorded so later lookups on the same call agree.
  ASSERT_EQ(none.count("x-request-id"), 1u);
  EXPECT_EQ(none.find("x-request-id")->second, generated);

  Metadata unusable = {{"x-request-id", "!!!"}};
  std::string storage2;
  const std::string replaced = AssignRequestId(unusable, storage2);
  EXPECT_EQ(replaced.size(), 32u);
  // The next lookup finds the generated id, not the unusable one.
  std::string storage3;
  EXPECT_EQ(AssignRequestId(unusable, storage3), replaced);
}

}  // namespace
}  // namespace events::logging
