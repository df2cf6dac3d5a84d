#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/string_ref.h>

#include <map>
#include <string>
#include <string_view>

namespace events::logging {

// Metadata key carrying a request id, in both directions.
inline constexpr char kRequestIdKey[] = "x-request-id";
inline constexpr size_t kMaxRequestIdLength = 64;

// Request ids end up in log lines and response headers, so a client-supplied one is reduced
// to at most 64 characters of [A-Za-z0-9._-]: other characters are dropped, the rest is
// truncated. May return "" (then the caller generates one).
std::string SanitizeRequestId(std::string_view raw);

// 32 random hex digits. Thread-safe.
std::string NewRequestId();

// The request id of this call: the client's sanitised x-request-id when it sent a usable one,
// otherwise the one generated for the call by the observability interceptor
// (common/metrics/grpc_metrics.h), which also sends it back as x-request-id initial metadata.
// The same value every time for one call. Returns "-" when no interceptor ran and the client
// sent none (a handler called directly in a test).
std::string RequestIdOf(const grpc::ServerContextBase& ctx);

// For the interceptor, once client metadata has arrived: returns the request id of the call.
// When the client sent no usable id, a new one is written to `storage` and added to
// `client_metadata` (which refers to it, so `storage` must outlive the call), which is how
// RequestIdOf finds the same value later.
std::string AssignRequestId(std::multimap<grpc::string_ref, grpc::string_ref>& client_metadata,
                            std::string& storage);

}  // namespace events::logging
