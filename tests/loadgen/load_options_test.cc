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

TEST(LoadOptionsTest, RegisterTakesSeveralEventsAndServers) {
  LoadOptions o = Valid();
  o.target = Target::kRegister;
  o.event_id = "evt_1,evt_2,,evt_3";
  o.server = "127.0.0.1:1,127.0.0.1:2";
  EXPECT_TRUE(ValidateOptions(o).ok());
  EXPECT_EQ(SplitList(o.event_id), (std::vector<std::string>{"evt_1", "evt_2", "evt_3"}));
  // Every server needs a channel of its own.
  o.channels = 1;
  EXPECT_THAT(ValidateOptions(o).message(), HasSubstr("--channels: at least one per server"));
  o.channels = 4;
  o.server = ",";
  EXPECT_THAT(ValidateOptions(o).message(), HasSubstr("--server: required"));
  // GetCapacity reads one event.
  o = Valid();
  o.target = Target::kCapacity;
  o.api_key = "ek_1";
  o.event_id = "evt_1,evt_2";
  EXPECT_THAT(ValidateOptions(o).message(), HasSubstr("one event with --target capacity"));
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
