#include "common/util/ids.h"

#include <set>

#include "common/util/clock.h"
#include "gtest/gtest.h"

namespace events {
namespace {

TEST(IdGeneratorTest, IdsAreWellFormedUniqueAndSortByTime) {
  FakeClock clock(1'780'000'000'000);
  IdGenerator ids(clock);
  std::set<std::string> seen;
  std::string previous;
  for (int i = 0; i < 1000; ++i) {
    clock.Advance(1);
    std::string id = ids.New("ev");
    EXPECT_TRUE(IsWellFormedId(id, "ev")) << id;
    EXPECT_GT(id, previous);
    previous = id;
    EXPECT_TRUE(seen.insert(id).second);
  }
}

TEST(IdGeneratorTest, WellFormedRejectsOtherShapes) {
  EXPECT_FALSE(IsWellFormedId("", "ev"));
  EXPECT_FALSE(IsWellFormedId("ev_", "ev"));
  EXPECT_FALSE(IsWellFormedId("se_01JDQ3V4N7X8K2M9P0R5T6W8Y1", "ev"));
  EXPECT_FALSE(IsWellFormedId("ev_01JDQ3V4N7X8K2M9P0R5T6W8Y", "ev"));   // 25 chars
  EXPECT_FALSE(IsWellFormedId("ev_01JDQ3V4N7X8K2M9P0R5T6W8YU", "ev"));  // U not Crockford
  EXPECT_FALSE(IsWellFormedId("ev_01JDQ3V4N7X8K2M9P0R5T6W8Y1-", "ev"));
  EXPECT_FALSE(IsWellFormedId("ev_01JDQ3V4N7X8K2M9P0R5T6W8Y1-12345", "ev"));
  EXPECT_FALSE(IsWellFormedId("ev_01JDQ3V4N7X8K2M9P0R5T6W8Y1x", "ev"));
  EXPECT_TRUE(IsWellFormedId("ev_01JDQ3V4N7X8K2M9P0R5T6W8Y1-003", "ev"));
}

TEST(SecretsTest, RandomTokensDifferAndHashesAreStable) {
  std::string a = RandomToken(32), b = RandomToken(32);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 43u);  // 32 bytes in unpadded base64url
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace events

#include "common/util/aead.h"

namespace events {
namespace {

TEST(AeadTest, SealsAndOpensAndRefusesTampering) {
  std::string key = Sha256Raw("a long client secret");
  auto sealed = Seal(key, "rg_X.secret-token");
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->find("secret-token"), std::string::npos);
  auto opened = Open(key, *sealed);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "rg_X.secret-token");
  EXPECT_NE(*Seal(key, "rg_X.secret-token"), *sealed);  // a fresh nonce each time
  std::string tampered = *sealed;
  tampered[14] ^= 1;
  EXPECT_EQ(Open(key, tampered).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Open(Sha256Raw("another"), *sealed).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Open(key, "short").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace events
