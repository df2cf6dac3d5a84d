#include "common/log/log_fields.h"

#include <utility>

#include "common/log/call_context.h"

namespace events::logging {
namespace {

// spdlog's loggers here are synchronous: a line is formatted on the thread that logs it,
// while LogWithFields is on the stack.
thread_local const ActiveFields* active_fields = nullptr;

}  // namespace

void AppendTraceFields(const CallContext& call, std::vector<LogField>& fields) {
  fields.push_back({"trace_id", call.trace_id()});
  fields.push_back({"span_id", call.span_id()});
  if (!call.parent_span_id().empty()) fields.push_back({"parent_span_id", call.parent_span_id()});
  if (std::string org = call.org_id(); !org.empty()) fields.push_back({"org_id", std::move(org)});
}

void LogWithFields(spdlog::level::level_enum level, std::string_view message,
                   const std::vector<LogField>& fields) {
  if (!spdlog::should_log(level)) return;
  std::string payload(message);
  for (const LogField& field : fields) {
    payload.append(" ").append(field.key).append("=").append(field.value);
  }
  const ActiveFields active{&fields, message.size()};
  active_fields = &active;
  spdlog::log(level, "{}", payload);
  active_fields = nullptr;
}

const ActiveFields* CurrentLogFields() { return active_fields; }

}  // namespace events::logging
