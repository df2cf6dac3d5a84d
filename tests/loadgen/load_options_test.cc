#include "tools/loadgen/load_options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace events::loadgen {
namespace {

using ::testing::HasSubstr;

LoadOptions Valid() {
  LoadOptions o;
  o.server = "127.0.0.1:50051";
  return o;
}

TEST(LoadOptionsTest, DefaultsWithAServerAreValid) { EXPECT_TRUE(ValidateOptions(Valid()).ok()); }

TEST(LoadOptionsTest, RegisterNeedsAnEvent) {
  LoadOptions o = Valid();
  o.target = Target::kRegister;
  EXPECT_THAT(ValidateOptions(o).message(), HasSubstr("--event-id"));
  o.event_id = "evt_1";
  EXPECT_TRUE(ValidateOptions(o).ok());
}

TEST(LoadOptionsTest, CapacityNeedsAnEventAndAKeyFromTheEnvironment) {
  LoadOptions o = Valid();
  o.target = Target::kCapacity;
  EXPECT_THAT(ValidateOptions(o).message(), HasSubstr("--event-id"));
  o.event_id = "evt_1";
  EXPECT_THAT(ValidateOptions(o).message(), HasSubstr("LOADGEN_API_KEY"));
  o.api_key = "ek_1";
  EXPECT_TRUE(ValidateOptions(o).ok());
}

TEST(LoadOptionsTest, EveryTargetHasItsName) {
  EXPECT_STREQ(TargetName(Target::kRegister), "register");
  EXPECT_STREQ(TargetName(Target::kCapacity), "capacity");
  EXPECT_STREQ(TargetName(Target::kEcho), "echo");
}

TEST(LoadOptionsTest, RateModeNeedsARate) {
  LoadOptions o = Valid();
  o.mode = Mode::kRate;
  EXPECT_THAT(ValidateOptions(o).message(), HasSubstr("--rate"));
  o.rate = 100;
  EXPECT_TRUE(ValidateOptions(o).ok());
}

TEST(LoadOptionsTest, EndlessRunIsRefused) {
  LoadOptions o = Valid();
  o.duration_seconds = 0;
  EXPECT_THAT(ValidateOptions(o).message(), HasSubstr("--requests"));
  o.requests = 10;
  EXPECT_TRUE(ValidateOptions(o).ok());
}

TEST(LoadOptionsTest, NamesTheBadFlag) {
  LoadOptions o = Valid();
  o.concurrency = 0;
  EXPECT_THAT(ValidateOptions(o).message(), HasSubstr("--concurrency"));
  o = Valid();
  o.channels = 0;
  EXPECT_THAT(ValidateOptions(o).message(), HasSubstr("--channels"));
  o = Valid();
  o.email_prefix = "Has Space";
  EXPECT_THAT(ValidateOptions(o).message(), HasSubstr("--email-prefix"));
  o = Valid();
  o.server = "";
  EXPECT_THAT(ValidateOptions(o).message(), HasSubstr("--server"));
}

}  // namespace
}  // namespace events::loadgen
