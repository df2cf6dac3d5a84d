#pragma once

#include <optional>
#include <string>
#include <string_view>

// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` header that
// carries a trace across services, in the form OpenTelemetry reads and writes, so that an
// exporter can be added later without changing the ids (docs/operations.md).
namespace events::logging {

// The metadata key (gRPC) and header name (HTTP, case-insensitive there).
inline constexpr char kTraceparentKey[] = "traceparent";

// A traceparent as received: "00-<trace id>-<parent id>-<flags>".
struct TraceParent {
  std::string trace_id;   // 32 lower-case hex digits, not all zero
  std::string parent_id;  // 16 lower-case hex digits, not all zero: the caller's span
  std::string flags;      // 2 lower-case hex digits (01: the caller sampled the trace)
};

// `header` as a traceparent, or nullopt when the spec says to ignore it (and start a new
// trace): a version that is not two lower-case hex digits or is "ff"; for version 00 any
// length but 55; for a later version, fewer than 55 characters or a 56th that is not '-'
// (its extra fields are not read); ids or flags of the wrong length, with upper-case or
// other non-hex characters, or ids of all zeros. Pure; thread-safe.
std::optional<TraceParent> ParseTraceParent(std::string_view header);

// "00-<trace_id>-<span_id>-<flags>", for the next hop. The arguments must be valid (as made
// by NewTraceId and NewSpanId, or read by ParseTraceParent).
std::string FormatTraceParent(std::string_view trace_id, std::string_view span_id,
                              std::string_view flags);

// A random trace id (16 bytes as 32 lower-case hex digits, never all zero) and span id
// (8 bytes as 16). Random, as the spec asks, so that ids of different services and
// replicas do not collide. Thread-safe.
std::string NewTraceId();
std::string NewSpanId();

}  // namespace events::logging
