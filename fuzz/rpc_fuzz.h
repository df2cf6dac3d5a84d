#pragma once

// Shared by the fuzz_rpc_<service> targets: the first input byte picks the RPC, the rest is
// its request message as a client would send it (protobuf wire format). Each target then
// runs the pure validation the service's domain applies to that request (no store, no
// network) and checks what any client may rely on: no crash, and OK or INVALID_ARGUMENT /
// FAILED_PRECONDITION with a one-line message that names a field of the request.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace events::fuzz {

// The field names of `type` and of the messages inside it (a few levels deep).
inline void FieldNames(const google::protobuf::Descriptor* type, int depth,
                       std::set<std::string>& out) {
  if (depth > 4) return;
  for (int i = 0; i < type->field_count(); ++i) {
    const auto* field = type->field(i);
    out.insert(field->name());
    if (field->message_type() != nullptr) FieldNames(field->message_type(), depth + 1, out);
  }
}

// INVALID_ARGUMENT names a field of the request (or one of `extra`, names the domain uses
// for a part of it, such as "template" for CreateSeries' details).
inline void CheckRpcStatus(const absl::Status& status, const google::protobuf::Message& request,
                           absl::string_view rpc, std::set<std::string> extra = {}) {
  CheckValidation(status, rpc);
  if (status.code() != absl::StatusCode::kInvalidArgument) return;
  FieldNames(request.GetDescriptor(), 0, extra);
  for (const std::string& name : extra) {
    if (absl::StrContains(status.message(), name)) return;
  }
  Fail(std::string(rpc) + ": the error names no field of " + request.GetTypeName(),
       status.ToString());
}

template <typename T>
void CheckRpcStatus(const absl::StatusOr<T>& result, const google::protobuf::Message& request,
                    absl::string_view rpc, std::set<std::string> extra = {}) {
  CheckRpcStatus(result.status(), request, rpc, std::move(extra));
}

// Parses the request; false (input skipped) when the bytes are not a message of its type,
// as gRPC refuses those before any handler runs.
inline bool ParseRequest(const uint8_t* data, size_t size, google::protobuf::Message& request) {
  return request.ParseFromArray(data, static_cast<int>(size));
}

}  // namespace events::fuzz
