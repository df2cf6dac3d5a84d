#pragma once

#include <cstdlib>
#include <string>
#include <vector>

namespace events::testing {

// "NAME=value" for each sanitizer option variable (ASAN_OPTIONS, LSAN_OPTIONS, UBSAN_OPTIONS,
// TSAN_OPTIONS) set in this process's environment. A test that starts a server with an
// environment of its own adds these, so that in a sanitizer run (./scripts/test
// --sanitize=...) the server's reports go to the run's files, with the run's suppressions,
// where the run counts them; without them an unsuppressed report on stderr made the server
// exit 66 (seen under TSan in the integrations restart test and the multi-process test).
inline std::vector<std::string> SanitizerEnvironment() {
  std::vector<std::string> out;
  for (const char* var : {"ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS"}) {
    const char* value = std::getenv(var);  // NOLINT(concurrency-mt-unsafe): read-only here
    if (value != nullptr) out.push_back(std::string(var) + "=" + value);
  }
  return out;
}

}  // namespace events::testing
