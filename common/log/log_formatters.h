#pragma once

#include <spdlog/formatter.h>

#include <memory>
#include <string>

namespace events::logging {

// One JSON object per line, for log collectors:
//   {"ts":"2026-11-26T20:00:00.123Z","level":"info","service":"scheduling","msg":"..."}
// Time is UTC with milliseconds; the message is escaped with JsonEscape.
std::unique_ptr<spdlog::formatter> MakeJsonFormatter(std::string service);

// One readable line, for a developer's terminal:
//   2026-11-26 20:00:00.123 INFO scheduling: msg
// Time is UTC too, so text and JSON logs of the same run line up.
std::unique_ptr<spdlog::formatter> MakeTextFormatter(std::string service);

}  // namespace events::logging
