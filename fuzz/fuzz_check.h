#pragma once

// What every fuzz target asserts with: a property that fails prints why and aborts, so
// libFuzzer saves the input as a crash (scripts/fuzz).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace events::fuzz {

[[noreturn]] inline void Fail(absl::string_view what, absl::string_view detail = "") {
  std::fprintf(stderr, "fuzz property failed: %.*s\n  %.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline void Check(bool ok, absl::string_view what, absl::string_view detail = "") {
  if (!ok) Fail(what, detail);
}

// A validator's answer to any request: OK, or INVALID_ARGUMENT / FAILED_PRECONDITION with a
// message that names what is wrong (never empty, one line). Anything else (INTERNAL, an
// unknown code, an empty message) is a bug a client would see.
inline void CheckValidation(const absl::Status& status, absl::string_view rpc) {
  if (status.ok()) return;
  const std::string text = status.ToString();
  Check(status.code() == absl::StatusCode::kInvalidArgument ||
            status.code() == absl::StatusCode::kFailedPrecondition,
        rpc, text);
  Check(!status.message().empty(), rpc, "empty message");
  Check(status.message().find('\n') == absl::string_view::npos, rpc,
        "message of more than one line: " + text);
}

}  // namespace events::fuzz
