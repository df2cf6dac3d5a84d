#include "common/log/logging.h"

#include <gmock/gmock.h>
#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

#include "common/log/log_fields.h"
#include "common/log/log_formatters.h"
#include "common/log/protobuf_log.h"
#include "json_check.h"

namespace events::logging {
namespace {

using ::events::logging::testing::ParseFlatJsonObject;
using ::testing::HasSubstr;
using ::testing::Not;

// 2026-11-26T20:00:00.123Z
spdlog::log_clock::time_point FixedTime() {
  struct tm t {};
  t.tm_year = 2026 - 1900;
  t.tm_mon = 10;
  t.tm_mday = 26;
  t.tm_hour = 20;
  return spdlog::log_clock::from_time_t(timegm(&t)) + std::chrono::milliseconds(123);
}

std::string Format(spdlog::formatter& formatter, spdlog::level::level_enum level,
                   std::string_view text) {
  spdlog::details::log_msg msg(FixedTime(), spdlog::source_loc{}, "test", level,
                               spdlog::string_view_t(text.data(), text.size()));
  spdlog::memory_buf_t buf;
  formatter.format(msg, buf);
  return std::string(buf.data(), buf.size());
}

TEST(LogFormatterTest, JsonLineIsExact) {
  auto formatter = MakeJsonFormatter("scheduling");
  EXPECT_EQ(Format(*formatter, spdlog::level::warn, "event \"ev_1\" saved\n"),
            "{\"ts\":\"2026-11-26T20:00:00.123Z\",\"level\":\"warn\",\"service\":\"scheduling\","
            "\"msg\":\"event \\\"ev_1\\\" saved\\n\"}\n");
}

TEST(LogFormatterTest, JsonLineWithHostileMessageParsesAsOneObject) {
  auto formatter = MakeJsonFormatter("svc\"x");
  const std::string line =
      Format(*formatter->clone(), spdlog::level::err, "bad\xff\x01 \"}\n{\"level\":\"info\"");
  ASSERT_EQ(line.back(), '\n');
  // Exactly one line: a newline in a message must not split the record.
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  auto fields = ParseFlatJsonObject(line);
  ASSERT_TRUE(fields.has_value()) << line;
  EXPECT_EQ((*fields)["level"], "error");
  EXPECT_EQ((*fields)["service"], "svc\"x");
  EXPECT_EQ((*fields)["msg"], "bad\xef\xbf\xbd\x01 \"}\n{\"level\":\"info\"");
  EXPECT_EQ(fields->size(), 4u);
}

TEST(LogFormatterTest, TextLineIsExact) {
  auto formatter = MakeTextFormatter("scheduling");
  EXPECT_EQ(Format(*formatter, spdlog::level::info, "started"),
            "2026-11-26 20:00:00.123 INFO scheduling: started\n");
  EXPECT_EQ(Format(*formatter, spdlog::level::err, "x"),
            "2026-11-26 20:00:00.123 ERROR scheduling: x\n");
}

TEST(InitLoggingTest, RejectsUnknownFormatAndLevel) {
  absl::Status format = InitLogging({"svc", "xml", "info"});
  EXPECT_EQ(format.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(format.message(), ::testing::HasSubstr("\"xml\""));
  absl::Status level = InitLogging({"svc", "json", "loud"});
  EXPECT_EQ(level.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(level.message(), ::testing::HasSubstr("\"loud\""));
}

// Runs `body` with stderr redirected to a file and returns what was written.
template <typename Body>
std::string CaptureStderr(Body body) {
  char path[] = "/tmp/events_log_test_XXXXXX";
  const int fd = mkstemp(path);
  const int saved = dup(STDERR_FILENO);
  dup2(fd, STDERR_FILENO);
  body();
  fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(fd);
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  unlink(path);
  return out.str();
}

TEST(InitLoggingTest, WritesJsonLinesToStderrAtTheConfiguredLevel) {
  const std::string out = CaptureStderr([] {
    ASSERT_TRUE(InitLogging({"feedback", "json", "info"}).ok());
    spdlog::debug("hidden");
    spdlog::info("shown {}", 1);
  });
  auto fields = ParseFlatJsonObject(out);
  ASSERT_TRUE(fields.has_value()) << out;
  EXPECT_EQ((*fields)["msg"], "shown 1");
  EXPECT_EQ((*fields)["service"], "feedback");
  EXPECT_EQ((*fields)["level"], "info");
  EXPECT_EQ(spdlog::default_logger()->name(), "feedback");
}

TEST(InitLoggingTest, FieldsAreJsonMembersOfTheirOwn) {
  const std::string out = CaptureStderr([] {
    ASSERT_TRUE(InitLogging({"registration", "json", "info"}).ok());
    LogWithFields(spdlog::level::info, "call",
                  {{"rpc", "/events.v1.X/Y"},
                   {"code", "OK"},
                   {"duration_ms", "1.500", /*number=*/true},
                   {"request_id", "a\"b\n"}});
    LogWithFields(spdlog::level::debug, "hidden", {{"rpc", "/x"}});
  });
  EXPECT_THAT(out, ::testing::EndsWith(
                       "\"service\":\"registration\",\"msg\":\"call\",\"rpc\":\"/events.v1.X/Y\","
                       "\"code\":\"OK\",\"duration_ms\":1.500,\"request_id\":\"a\\\"b\\n\"}\n"));
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
  // A plain line logged afterwards on the same thread has no fields.
  const std::string plain = CaptureStderr([] { spdlog::info("plain"); });
  EXPECT_THAT(plain, ::testing::EndsWith("\"msg\":\"plain\"}\n"));
}

TEST(InitLoggingTest, TextFormatShowsFieldsAsKeyValues) {
  const std::string out = CaptureStderr([] {
    ASSERT_TRUE(InitLogging({"registration", "text", "info"}).ok());
    LogWithFields(spdlog::level::info, "call", {{"rpc", "/x.Y/Z"}, {"code", "OK"}});
  });
  EXPECT_THAT(out, ::testing::EndsWith("INFO registration: call rpc=/x.Y/Z code=OK\n"));
}

TEST(InitLoggingTest, ProtobufParseProblemsAreJsonAndKeptForTheCaller) {
  std::string problem;
  const std::string out = CaptureStderr([&] {
    ASSERT_TRUE(InitLogging({"registration", "json", "debug"}).ok());
    google::protobuf::StringValue value;
    // Field 1 (a string) holding bytes that are not UTF-8.
    EXPECT_FALSE(value.ParseFromString(std::string("\x0a\x02\xff\xfe", 4)));
    problem = TakeParseProblem();
  });
  EXPECT_THAT(problem, HasSubstr("google.protobuf.StringValue.value"));
  EXPECT_THAT(problem, HasSubstr("UTF-8"));
  EXPECT_EQ(TakeParseProblem(), "");  // taken once
  EXPECT_THAT(out, Not(HasSubstr("[libprotobuf")));
  auto fields = ParseFlatJsonObject(out);
  ASSERT_TRUE(fields.has_value()) << out;
  EXPECT_EQ((*fields)["level"], "debug");
  EXPECT_THAT((*fields)["msg"], HasSubstr("protobuf: String field"));
}

}  // namespace
}  // namespace events::logging
