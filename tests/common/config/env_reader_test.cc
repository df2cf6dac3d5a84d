#include "common/config/env_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <initializer_list>
#include <map>
#include <string>

namespace events::config {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// An EnvReader over a fixed map instead of the process environment.
class FakeEnv {
 public:
  FakeEnv(std::initializer_list<std::pair<const std::string, std::string>> vars) : vars_(vars) {}
  EnvReader Reader() const {
    return EnvReader([this](const char* name) -> const char* {
      auto it = vars_.find(name);
      return it == vars_.end() ? nullptr : it->second.c_str();
    });
  }

 private:
  std::map<std::string, std::string> vars_;
};

TEST(EnvReaderTest, UnsetAndEmptyVariablesGiveDefaults) {
  FakeEnv fake({{"EMPTY", ""}});
  EnvReader env = fake.Reader();
  EXPECT_EQ(env.String("MISSING", "fallback"), "fallback");
  EXPECT_EQ(env.String("EMPTY", "fallback"), "fallback");
  EXPECT_EQ(env.Int("MISSING", 42, 0, 100), 42);
  EXPECT_TRUE(env.Bool("MISSING", true));
  EXPECT_EQ(env.OneOf("MISSING", "json", {"json", "text"}), "json");
  EXPECT_TRUE(env.Finish().ok());
}

TEST(EnvReaderTest, GoodValuesAreParsed) {
  FakeEnv fake({{"NAME", "scheduling"},
                {"PORT", "50051"},
                {"NEGATIVE", "-5"},
                {"FLAG_ON", "Yes"},
                {"FLAG_OFF", "0"},
                {"FORMAT", "TEXT"},
                {"TOKEN", "abc"}});
  EnvReader env = fake.Reader();
  EXPECT_EQ(env.String("NAME", ""), "scheduling");
  EXPECT_EQ(env.Int("PORT", 1, 1, 65535), 50051);
  EXPECT_EQ(env.Int("NEGATIVE", 0, -10, 10), -5);
  EXPECT_TRUE(env.Bool("FLAG_ON", false));
  EXPECT_FALSE(env.Bool("FLAG_OFF", true));
  // Matched without regard to case, returned as spelled in the allowed list.
  EXPECT_EQ(env.OneOf("FORMAT", "json", {"json", "text"}), "text");
  EXPECT_EQ(env.RequiredString("TOKEN"), "abc");
  EXPECT_TRUE(env.Finish().ok());
}

TEST(EnvReaderTest, NotANumberNamesVariableValueAndRule) {
  FakeEnv fake({{"EVENTS_GRPC_PORT", "abc"}});
  EnvReader env = fake.Reader();
  EXPECT_EQ(env.Int("EVENTS_GRPC_PORT", 50051, 1, 65535, "a port"), 50051);
  absl::Status status = env.Finish();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("EVENTS_GRPC_PORT=\"abc\" is not a whole number; set it to a port "
                        "between 1 and 65535"));
}

TEST(EnvReaderTest, TrailingGarbageIsNotANumber) {
  FakeEnv fake({{"N", "8k"}, {"M", "1e3"}});
  EnvReader env = fake.Reader();
  env.Int("N", 1, 0, 100000);
  env.Int("M", 1, 0, 100000);
  EXPECT_THAT(env.Finish().message(), AllOf(HasSubstr("N=\"8k\" is not a whole number"),
                                            HasSubstr("M=\"1e3\" is not a whole number")));
}

TEST(EnvReaderTest, OutOfRangeGivesBounds) {
  FakeEnv fake({{"EVENTS_PARTITIONS", "0"}, {"BIG", "99999999999999999999999"}});
  EnvReader env = fake.Reader();
  EXPECT_EQ(env.Int("EVENTS_PARTITIONS", 16, 1, 1024), 16);
  env.Int("BIG", 1, 1, 10);
  absl::Status status = env.Finish();
  EXPECT_THAT(status.message(),
              HasSubstr("EVENTS_PARTITIONS=\"0\" is out of range; set it to a whole number "
                        "between 1 and 1024"));
  // Beyond int64 is reported, not wrapped around.
  EXPECT_THAT(status.message(), HasSubstr("BIG=\"99999999999999999999999\""));
}

TEST(EnvReaderTest, ValueOutsideAllowedSetListsChoices) {
  FakeEnv fake({{"EVENTS_LOG_FORMAT", "xml"}});
  EnvReader env = fake.Reader();
  EXPECT_EQ(env.OneOf("EVENTS_LOG_FORMAT", "json", {"json", "text"}), "json");
  EXPECT_THAT(env.Finish().message(),
              HasSubstr("EVENTS_LOG_FORMAT=\"xml\" is not allowed; set it to one of: json, text"));
}

TEST(EnvReaderTest, BadBoolean) {
  FakeEnv fake({{"FLAG", "maybe"}});
  EnvReader env = fake.Reader();
  EXPECT_TRUE(env.Bool("FLAG", true));
  EXPECT_THAT(env.Finish().message(),
              HasSubstr("FLAG=\"maybe\" is not a boolean; set it to true or false"));
}

TEST(EnvReaderTest, RequiredMissingOrEmpty) {
  FakeEnv fake({{"EMPTY_SECRET", ""}});
  EnvReader env = fake.Reader();
  EXPECT_EQ(env.RequiredString("API_SECRET"), "");
  EXPECT_EQ(env.RequiredString("EMPTY_SECRET"), "");
  absl::Status status = env.Finish();
  EXPECT_THAT(status.message(), AllOf(HasSubstr("API_SECRET is not set; it is required"),
                                      HasSubstr("EMPTY_SECRET is not set; it is required")));
}

TEST(EnvReaderTest, FinishNamesEveryBadVariable) {
  FakeEnv fake({{"A_PORT", "x"}, {"B_COUNT", "5000"}, {"C_MODE", "loud"}, {"D_OK", "3"}});
  EnvReader env = fake.Reader();
  env.Int("A_PORT", 1, 1, 65535);
  env.Int("B_COUNT", 1, 1, 10);
  env.OneOf("C_MODE", "quiet", {"quiet"});
  env.Int("D_OK", 1, 1, 10);
  env.RequiredString("E_TOKEN");
  env.AddProblem("F_CUSTOM=\"?\" breaks a rule of the caller");
  absl::Status status = env.Finish();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), AllOf(HasSubstr("(5 problems)"), HasSubstr("A_PORT=\"x\""),
                                      HasSubstr("B_COUNT=\"5000\""), HasSubstr("C_MODE=\"loud\""),
                                      HasSubstr("E_TOKEN"), HasSubstr("F_CUSTOM")));
  EXPECT_THAT(std::string(status.message()), ::testing::Not(HasSubstr("D_OK")));
}

// setenv and unsetenv are not thread-safe; this test binary starts no thread of its own, and
// changing the process environment is what the test is about.
TEST(EnvReaderTest, DefaultReaderUsesProcessEnvironment) {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): single-threaded test, see above
  ASSERT_EQ(setenv("EVENTS_TEST_ENV_READER_VALUE", "17", 1), 0);
  EnvReader env;
  EXPECT_EQ(env.Int("EVENTS_TEST_ENV_READER_VALUE", 0, 0, 100), 17);
  unsetenv("EVENTS_TEST_ENV_READER_VALUE");  // NOLINT(concurrency-mt-unsafe): as above
}

}  // namespace
}  // namespace events::config
