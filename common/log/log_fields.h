#pragma once

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>
#include <vector>

namespace events::logging {

class CallContext;

// One named value of a log line. `number` values are written to JSON unquoted, so they
// must be valid JSON numbers.
struct LogField {
  std::string key;
  std::string value;
  bool number = false;
};

// Logs `message` at `level` with `fields` that a log collector can filter on. The JSON
// format writes each field as a member of its own next to "msg":
//   {"ts":...,"level":"info","service":"registration","msg":"call","rpc":"/x.Y/Z","code":"OK",
//    "duration_ms":1.204}
// and any other format (text, a test's pattern) sees "call rpc=/x.Y/Z code=OK ...".
// Keys must be plain names (letters, digits, '_'); values are escaped. Thread-safe.
void LogWithFields(spdlog::level::level_enum level, std::string_view message,
                   const std::vector<LogField>& fields);

// Appends `call`'s trace to an access line's fields: trace_id, span_id, parent_span_id (when
// the trace came from a caller) and org_id (when known). For the lines that end a call (the
// gRPC interceptor's, the web tier's), which may be written on a thread where the call is not
// current, so the formatter cannot add them itself.
void AppendTraceFields(const CallContext& call, std::vector<LogField>& fields);

// What the JSON formatter needs while formatting a line logged by LogWithFields on this
// thread: the fields and the length of the plain message at the start of the payload.
// nullptr for any other line.
struct ActiveFields {
  const std::vector<LogField>* fields;
  size_t message_size;
};
const ActiveFields* CurrentLogFields();

}  // namespace events::logging
