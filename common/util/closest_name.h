#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace events {

// The entry of `valid` a person most likely meant by `given`, for "did you mean" in an
// error message or a CLI: the nearest by edit distance (a swap of two neighbouring
// characters counts once, "registratoin" for "registration") if it is within a third of
// the length (at least 1); else the only entry that `given` begins (at least 2
// characters, "bsl" for "bsl_interpreter"). "" when nothing is close or `given` is itself
// valid. Case is ignored in comparing ("Easy_Read" suggests "easy_read"). The one copy for the
// services and eventctl. Thread-safe (pure).
std::string ClosestName(absl::string_view given, const std::vector<std::string>& valid);

// ` (did you mean "x"?)` for the closest name, or "" when there is none: to append to an
// INVALID_ARGUMENT message.
std::string DidYouMean(absl::string_view given, const std::vector<std::string>& valid);

}  // namespace events
