#include "common/log/trace_context.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace events::logging {
namespace {

// The example of the W3C recommendation.
constexpr char kValid[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

bool IsLowerHexOfLength(const std::string& text, size_t length) {
  return text.size() == length && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(TraceParentTest, ReadsTheSpecsExample) {
  auto parent = ParseTraceParent(kValid);
  ASSERT_TRUE(parent.has_value());
  EXPECT_EQ(parent->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(parent->parent_id, "00f067aa0ba902b7");
  EXPECT_EQ(parent->flags, "01");
  EXPECT_EQ(FormatTraceParent(parent->trace_id, parent->parent_id, parent->flags), kValid);
}

TEST(TraceParentTest, RefusesVersionFfAndVersionsThatAreNotHex) {
  std::string ff = kValid;
  ff.replace(0, 2, "ff");
  EXPECT_FALSE(ParseTraceParent(ff).has_value());
  for (const char* version : {"0g", "0A", "-0", "  "}) {
    std::string bad = kValid;
    bad.replace(0, 2, version);
    EXPECT_FALSE(ParseTraceParent(bad).has_value()) << bad;
  }
}

TEST(TraceParentTest, ReadsALaterVersionsFirstFieldsOnly) {
  std::string later = kValid;
  later.replace(0, 2, "cc");
  EXPECT_TRUE(ParseTraceParent(later).has_value());
  auto longer = ParseTraceParent(later + "-what-comes-next");
  ASSERT_TRUE(longer.has_value());
  EXPECT_EQ(longer->flags, "01");
  // A later version's extra fields follow a '-'; anything else there is not a traceparent.
  EXPECT_FALSE(ParseTraceParent(later + "x").has_value());
  // Version 00 has no extra fields at all.
  EXPECT_FALSE(ParseTraceParent(std::string(kValid) + "-x").has_value());
}

TEST(TraceParentTest, RefusesAllZeroIds) {
  EXPECT_FALSE(
      ParseTraceParent("00-00000000000000000000000000000000-00f067aa0ba902b7-01").has_value());
  EXPECT_FALSE(
      ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01").has_value());
}

TEST(TraceParentTest, RefusesWrongLengthsAndSeparators) {
  EXPECT_FALSE(ParseTraceParent("").has_value());
  EXPECT_FALSE(
      ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01").has_value());
  EXPECT_FALSE(
      ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01").has_value());
  EXPECT_FALSE(
      ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1").has_value());
  EXPECT_FALSE(
      ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e47360-0f067aa0ba902b7-01").has_value());
  EXPECT_FALSE(
      ParseTraceParent("00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01").has_value());
  EXPECT_FALSE(ParseTraceParent(std::string(kValid) + " ").has_value());
}

TEST(TraceParentTest, RefusesUpperCaseAndOtherCharacters) {
  EXPECT_FALSE(
      ParseTraceParent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01").has_value());
  EXPECT_FALSE(
      ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01").has_value());
  EXPECT_FALSE(
      ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A").has_value());
  EXPECT_FALSE(
      ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01").has_value());
}

TEST(TraceParentTest, NewIdsAreLowerHexNonZeroAndDistinct) {
  std::set<std::string> traces;
  std::set<std::string> spans;
  for (int i = 0; i < 100; ++i) {
    const std::string trace = NewTraceId();
    const std::string span = NewSpanId();
    EXPECT_TRUE(IsLowerHexOfLength(trace, 32)) << trace;
    EXPECT_TRUE(IsLowerHexOfLength(span, 16)) << span;
    traces.insert(trace);
    spans.insert(span);
    // What this service sends on parses as a traceparent again.
    EXPECT_TRUE(ParseTraceParent(FormatTraceParent(trace, span, "00")).has_value());
  }
  EXPECT_EQ(traces.size(), 100u);
  EXPECT_EQ(spans.size(), 100u);
}

}  // namespace
}  // namespace events::logging
