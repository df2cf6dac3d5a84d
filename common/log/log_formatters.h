#pragma once

#include <spdlog/formatter.h>

#include <memory>
#include <string>

namespace events::logging {

// One JSON object per line, for log collectors:
//   {"ts":"2026-11-26T20:00:00.123Z","level":"info","service":"scheduling","msg":"..."}
// Time is UTC with milliseconds; the message is escaped with JsonEscape. A line logged with
// LogWithFields has its fields as members of their own; a line logged while a call is current
// (call_context.h) also has request_id, trace_id, span_id and org_id (when known), unless the
// line names them itself.
std::unique_ptr<spdlog::formatter> MakeJsonFormatter(std::string service);

// One readable line, for a developer's terminal:
//   2026-11-26 20:00:00.123 INFO scheduling: msg
// Time is UTC too, so text and JSON logs of the same run line up. Fields follow the message
// as key=value; inside a call, request_id, trace_id and org_id too (not the span: for people).
std::unique_ptr<spdlog::formatter> MakeTextFormatter(std::string service);

}  // namespace events::logging
