// The call a thread works for (common/log/call_context.h) and what it adds to log lines.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/sink.h>
#include <spdlog/spdlog.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "common/log/call_context.h"
#include "common/log/log_fields.h"
#include "common/log/log_formatters.h"
#include "common/log/trace_context.h"

namespace events::logging {
namespace {

constexpr char kParent[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

// Writes lines through a formatter into a string, as the stderr sink would.
class LineSink final : public spdlog::sinks::sink {
 public:
  explicit LineSink(std::unique_ptr<spdlog::formatter> formatter)
      : formatter_(std::move(formatter)) {}
  void log(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t buf;
    formatter_->format(msg, buf);
    lines_.append(buf.data(), buf.size());
  }
  void flush() override {}
  void set_pattern(const std::string&) override {}
  void set_formatter(std::unique_ptr<spdlog::formatter> f) override { formatter_ = std::move(f); }
  std::string Take() { return std::exchange(lines_, ""); }

 private:
  std::unique_ptr<spdlog::formatter> formatter_;
  std::string lines_;
};

class CallFieldsTest : public ::testing::Test {
 protected:
  void Use(std::unique_ptr<spdlog::formatter> formatter) {
    sink_ = std::make_shared<LineSink>(std::move(formatter));
    auto logger = std::make_shared<spdlog::logger>("test", sink_);
    logger->set_level(spdlog::level::info);
    previous_ = spdlog::default_logger();
    spdlog::set_default_logger(logger);
  }
  void TearDown() override {
    if (previous_) spdlog::set_default_logger(previous_);
  }

  // `line` parsed by a real JSON parser (protobuf's), which fails on anything but one
  // valid JSON object.
  static google::protobuf::Struct Parse(const std::string& line) {
    google::protobuf::Struct parsed;
    const auto status = google::protobuf::util::JsonStringToMessage(line, &parsed);
    EXPECT_TRUE(status.ok()) << status.ToString() << " in " << line;
    return parsed;
  }
  static std::string StringOf(const google::protobuf::Struct& s, const std::string& key) {
    auto it = s.fields().find(key);
    if (it == s.fields().end()) return "<absent>";
    if (it->second.kind_case() != google::protobuf::Value::kStringValue) return "<not a string>";
    return it->second.string_value();
  }

  std::shared_ptr<LineSink> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(CallFieldsTest, ALineInsideACallCarriesItsTraceRequestAndOrganisation) {
  Use(MakeJsonFormatter("registration"));
  auto call = std::make_shared<CallContext>(ParseTraceParent(kParent), "req-1");
  {
    ScopedCall scope(call);
    NoteOrgId("org_1");
    spdlog::info("plain line");
  }
  const std::string line = sink_->Take();
  ASSERT_EQ(line.find('\n'), line.size() - 1) << line;  // one line
  const google::protobuf::Struct parsed = Parse(line);
  EXPECT_EQ(StringOf(parsed, "msg"), "plain line");
  EXPECT_EQ(StringOf(parsed, "service"), "registration");
  EXPECT_EQ(StringOf(parsed, "level"), "info");
  EXPECT_EQ(StringOf(parsed, "request_id"), "req-1");
  EXPECT_EQ(StringOf(parsed, "trace_id"), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(StringOf(parsed, "span_id"), call->span_id());
  EXPECT_EQ(StringOf(parsed, "org_id"), "org_1");
  // ts: RFC 3339, UTC, milliseconds.
  const std::string ts = StringOf(parsed, "ts");
  ASSERT_EQ(ts.size(), 24u) << ts;
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts[19], '.');
  EXPECT_EQ(ts.back(), 'Z');

  // Outside the call again: none of them.
  spdlog::info("after");
  const google::protobuf::Struct after = Parse(sink_->Take());
  EXPECT_EQ(StringOf(after, "trace_id"), "<absent>");
  EXPECT_EQ(StringOf(after, "request_id"), "<absent>");
  EXPECT_EQ(after.fields_size(), 4);
}

TEST_F(CallFieldsTest, AnAccessLineHasTypedFieldsEachOnce) {
  Use(MakeJsonFormatter("scheduling"));
  auto call = std::make_shared<CallContext>(std::nullopt, "req-2");
  std::string line;
  {
    ScopedCall scope(call);
    LogWithFields(spdlog::level::info, "call",
                  {{"rpc", "/events.v1.SchedulingService/GetEvent"},
                   {"code", "OK"},
                   {"duration_ms", "1.250", /*number=*/true},
                   {"request_id", "named-by-the-line"}});
    line = sink_->Take();
  }
  const google::protobuf::Struct parsed = Parse(line);
  EXPECT_EQ(StringOf(parsed, "rpc"), "/events.v1.SchedulingService/GetEvent");
  EXPECT_EQ(StringOf(parsed, "code"), "OK");
  const auto& duration = parsed.fields().at("duration_ms");
  ASSERT_EQ(duration.kind_case(), google::protobuf::Value::kNumberValue);
  EXPECT_DOUBLE_EQ(duration.number_value(), 1.25);
  // The line's own request_id wins, and the key appears once.
  EXPECT_EQ(StringOf(parsed, "request_id"), "named-by-the-line");
  size_t count = 0;
  for (size_t at = line.find("\"request_id\""); at != std::string::npos;
       at = line.find("\"request_id\"", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 1u) << line;
  EXPECT_EQ(StringOf(parsed, "trace_id"), call->trace_id());
  EXPECT_EQ(StringOf(parsed, "org_id"), "<absent>");  // not known: left out, not ""
}

TEST_F(CallFieldsTest, TextLinesStayReadableWithTheTraceAtTheEnd) {
  Use(MakeTextFormatter("web"));
  auto call = std::make_shared<CallContext>(ParseTraceParent(kParent), "req-3");
  {
    ScopedCall scope(call);
    LogWithFields(spdlog::level::info, "request", {{"rpc", "/events/{id}"}});
  }
  EXPECT_TRUE(sink_->Take().find("INFO web: request rpc=/events/{id} request_id=req-3 "
                                 "trace_id=4bf92f3577b34da6a3ce929d0e0e4736\n") !=
              std::string::npos);
}

TEST(CallContextTest, ANewTraceStartsWithoutAValidParent) {
  CallContext fresh(std::nullopt, "r");
  EXPECT_TRUE(ParseTraceParent(FormatTraceParent(fresh.trace_id(), fresh.span_id(), "00")));
  EXPECT_EQ(fresh.parent_span_id(), "");
  EXPECT_EQ(fresh.trace_flags(), "00");
}

TEST(CallContextTest, OutgoingCallsKeepTheTraceWithANewSpanEach) {
  CallContext call(ParseTraceParent(kParent), "r");
  EXPECT_EQ(call.parent_span_id(), "00f067aa0ba902b7");
  EXPECT_NE(call.span_id(), call.parent_span_id());
  auto first = ParseTraceParent(call.NextTraceParent());
  auto second = ParseTraceParent(call.NextTraceParent());
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(first->flags, "01");  // the caller's sampling decision passes on
  EXPECT_NE(first->parent_id, second->parent_id);
  EXPECT_NE(first->parent_id, "00f067aa0ba902b7");
}

TEST(CallContextTest, ScopesNestAndWorkHandedToAnotherThreadKeepsTheCall) {
  auto outer = std::make_shared<CallContext>(std::nullopt, "outer");
  auto inner = std::make_shared<CallContext>(std::nullopt, "inner");
  EXPECT_EQ(CurrentCall(), nullptr);
  std::function<void()> task;
  std::shared_ptr<CallContext> seen;
  {
    ScopedCall a(outer);
    {
      ScopedCall b(inner);
      EXPECT_EQ(CurrentCall(), inner);
    }
    EXPECT_EQ(CurrentCall(), outer);
    task = WithCurrentCall([&seen] { seen = CurrentCall(); });
  }
  EXPECT_EQ(CurrentCall(), nullptr);
  std::thread other(task);
  other.join();
  EXPECT_EQ(seen, outer);
  NoteOrgId("org_x");  // no call current: nothing to note, nothing breaks
  EXPECT_EQ(outer->org_id(), "");
}

}  // namespace
}  // namespace events::logging
