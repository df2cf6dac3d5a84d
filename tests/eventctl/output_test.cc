#include "tools/eventctl/output.h"

#include <google/protobuf/util/json_util.h>

#include <CLI/CLI.hpp>

#include "events/v1/registration.pb.h"
#include "events/v1/scheduling.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::eventctl {
namespace {

using ::testing::HasSubstr;

TEST(EventctlOutputTest, JsonIsTheMessageWithProtoFieldNamesAndEnumNames) {
  events::v1::Event event;
  event.set_id("ev_1");
  event.set_status(events::v1::EVENT_STATUS_PUBLISHED);
  event.mutable_details()->set_time_zone("Europe/London");
  event.set_start_unix_ms(1776157200000);
  const std::string json = ToJson(event);
  EXPECT_THAT(json, HasSubstr("\"id\": \"ev_1\""));
  EXPECT_THAT(json, HasSubstr("\"status\": \"EVENT_STATUS_PUBLISHED\""));
  EXPECT_THAT(json, HasSubstr("\"time_zone\": \"Europe/London\""));
  EXPECT_EQ(json.back(), '\n');
  // It reads back as the same message: scripts can rely on the .proto.
  events::v1::Event back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &back).ok());
  EXPECT_EQ(back.SerializeAsString(), event.SerializeAsString());
}

// --format used to mean the event's format on create and the output elsewhere.
TEST(EventctlOutputTest, FormatOptionTakesTextOrJsonAndPointsEventFormatsAtMode) {
  std::string format;
  CLI::App app;
  AddFormatOption(&app, format);
  EXPECT_EQ(format, "text");
  app.parse("--format json", false);
  EXPECT_EQ(format, "json");

  CLI::App again;
  AddFormatOption(&again, format);
  try {
    again.parse("--format online", false);
    FAIL() << "--format online was accepted";
  } catch (const CLI::ParseError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("--mode online"));
  }
  CLI::App third;
  AddFormatOption(&third, format);
  EXPECT_THROW(third.parse("--format yaml", false), CLI::ParseError);
}

TEST(EventctlOutputTest, JsonAliasSetsTheFormat) {
  std::string format;
  CLI::App app;
  AddFormatOption(&app, format);
  AddJsonAlias(&app, format);
  app.parse("--json", false);
  EXPECT_EQ(format, "json");
}

}  // namespace
}  // namespace events::eventctl
