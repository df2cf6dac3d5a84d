#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace events::config {

// Reads typed settings from environment variables and collects every problem instead of
// stopping at the first, so an operator fixes a broken deployment in one pass.
//
// Each getter returns the value when it is set and valid, and the default otherwise (an
// invalid value is recorded as a problem). A variable that is set but empty counts as unset:
// Kubernetes ConfigMaps and shell scripts often export empty strings to mean "not given".
// Not thread-safe; meant to be used once, at start-up, from main.
class EnvReader {
 public:
  using Getenv = std::function<const char*(const char*)>;

  // `getenv` is injectable so tests need not touch the process environment.
  explicit EnvReader(Getenv getenv = DefaultGetenv());

  // Any text.
  std::string String(const char* name, std::string default_value);
  // Any non-empty text; a missing value is a problem (and "" is returned).
  std::string RequiredString(const char* name);
  // A whole number in [min, max]. `what` names the kind of number in the advice given to
  // the operator, e.g. "a port" gives "set it to a port between 1 and 65535".
  int64_t Int(const char* name, int64_t default_value, int64_t min, int64_t max,
              std::string_view what = "a whole number");
  // Whether `name` has a value (set and not empty).
  bool IsSet(const char* name) const { return Lookup(name) != nullptr; }
  // true/false, 1/0, yes/no, on/off (any case).
  bool Bool(const char* name, bool default_value);
  // One of `allowed`, compared without regard to case; returns the spelling in `allowed`.
  std::string OneOf(const char* name, std::string default_value, std::vector<std::string> allowed);

  // Records a problem found by a caller's own rule, e.g. a cross-field check. The message
  // should name the variable, its value and what to set instead.
  void AddProblem(std::string message);

  // OK when every value read so far was valid; otherwise INVALID_ARGUMENT listing each
  // problem on its own line.
  absl::Status Finish() const;

 private:
  static Getenv DefaultGetenv();
  // The value of `name`, or nullptr when unset or empty.
  const char* Lookup(const char* name) const;
  void Problem(const char* name, std::string_view value, std::string_view rule);

  Getenv getenv_;
  std::vector<std::string> problems_;
};

}  // namespace events::config
