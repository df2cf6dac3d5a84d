#include "common/log/log_formatters.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string_view>
#include <utility>
#include <vector>

#include "common/log/call_context.h"
#include "common/log/json_escape.h"
#include "common/log/log_fields.h"

namespace events::logging {
namespace {

// Both formats print the same instant; only the separators differ.
std::string FormatUtc(spdlog::log_clock::time_point when, char date_time_separator,
                      std::string_view suffix) {
  const auto since_epoch = when.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  const time_t t = static_cast<time_t>(seconds.count());
  struct tm utc {};
  gmtime_r(&t, &utc);
  char buf[40];
  const int n = std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d%c%02d:%02d:%02d.%03d%.*s",
                              utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, date_time_separator,
                              utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis),
                              static_cast<int>(suffix.size()), suffix.data());
  return std::string(buf, n > 0 ? static_cast<size_t>(n) : 0);
}

// spdlog's own names say "warning" and "err"; operators grep for the names they configure.
std::string_view LevelName(spdlog::level::level_enum level, bool upper) {
  switch (level) {
    case spdlog::level::trace:
      return upper ? "TRACE" : "trace";
    case spdlog::level::debug:
      return upper ? "DEBUG" : "debug";
    case spdlog::level::info:
      return upper ? "INFO" : "info";
    case spdlog::level::warn:
      return upper ? "WARN" : "warn";
    case spdlog::level::err:
      return upper ? "ERROR" : "error";
    case spdlog::level::critical:
      return upper ? "CRITICAL" : "critical";
    default:
      return upper ? "OFF" : "off";
  }
}

void Append(spdlog::memory_buf_t& dest, std::string_view text) {
  dest.append(text.data(), text.data() + text.size());
}

std::string_view Payload(const spdlog::details::log_msg& msg) {
  return std::string_view(msg.payload.data(), msg.payload.size());
}

bool Named(const ActiveFields* fields, std::string_view key) {
  if (fields == nullptr) return false;
  for (const LogField& field : *fields->fields) {
    if (field.key == key) return true;
  }
  return false;
}

// The fields of the call this thread works for (call_context.h) that the line does not name
// itself: a line logged anywhere inside a call can be found by its trace or request id.
// The span is left to JSON, where a machine reads it; text keeps to what a person greps for.
std::vector<LogField> CallFields(const ActiveFields* fields, bool with_span) {
  std::vector<LogField> out;
  const std::shared_ptr<CallContext>& call = CurrentCall();
  if (call == nullptr) return out;
  auto add = [&](std::string_view key, const std::string& value) {
    if (!value.empty() && !Named(fields, key)) out.push_back({std::string(key), value});
  };
  add("request_id", call->request_id());
  add("trace_id", call->trace_id());
  if (with_span) add("span_id", call->span_id());
  add("org_id", call->org_id());
  return out;
}

void AppendJsonMember(const LogField& field, std::string& line) {
  line.append(",\"").append(field.key).append("\":");
  if (field.number) {
    line.append(field.value);
  } else {
    line.append("\"");
    AppendJsonEscaped(field.value, line);
    line.append("\"");
  }
}

class JsonFormatter final : public spdlog::formatter {
 public:
  explicit JsonFormatter(std::string service) : service_(std::move(service)) {
    escaped_service_ = JsonEscape(service_);
  }

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line;
    line.reserve(96 + msg.payload.size());
    line.append("{\"ts\":\"");
    line.append(FormatUtc(msg.time, 'T', "Z"));
    line.append("\",\"level\":\"");
    line.append(LevelName(msg.level, /*upper=*/false));
    line.append("\",\"service\":\"");
    line.append(escaped_service_);
    line.append("\",\"msg\":\"");
    const ActiveFields* fields = CurrentLogFields();
    std::string_view payload = Payload(msg);
    if (fields != nullptr && fields->message_size <= payload.size()) {
      AppendJsonEscaped(payload.substr(0, fields->message_size), line);
      line.append("\"");
      for (const LogField& field : *fields->fields) AppendJsonMember(field, line);
    } else {
      fields = nullptr;
      AppendJsonEscaped(payload, line);
      line.append("\"");
    }
    for (const LogField& field : CallFields(fields, /*with_span=*/true)) {
      AppendJsonMember(field, line);
    }
    line.append("}\n");
    Append(dest, line);
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>(service_);
  }

 private:
  std::string service_;
  std::string escaped_service_;
};

class TextFormatter final : public spdlog::formatter {
 public:
  explicit TextFormatter(std::string service) : service_(std::move(service)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    Append(dest, FormatUtc(msg.time, ' ', ""));
    Append(dest, " ");
    Append(dest, LevelName(msg.level, /*upper=*/true));
    Append(dest, " ");
    Append(dest, service_);
    Append(dest, ": ");
    Append(dest, Payload(msg));
    for (const LogField& field : CallFields(CurrentLogFields(), /*with_span=*/false)) {
      Append(dest, " ");
      Append(dest, field.key);
      Append(dest, "=");
      Append(dest, field.value);
    }
    Append(dest, "\n");
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<TextFormatter>(service_);
  }

 private:
  std::string service_;
};

}  // namespace

std::unique_ptr<spdlog::formatter> MakeJsonFormatter(std::string service) {
  return std::make_unique<JsonFormatter>(std::move(service));
}

std::unique_ptr<spdlog::formatter> MakeTextFormatter(std::string service) {
  return std::make_unique<TextFormatter>(std::move(service));
}

}  // namespace events::logging
