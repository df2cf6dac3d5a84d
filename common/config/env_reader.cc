#include "common/config/env_reader.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace events::config {
namespace {

// This abseil build has its own string_view type, distinct from std::string_view.
absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

EnvReader::Getenv EnvReader::DefaultGetenv() {
  return [](const char* name) -> const char* { return std::getenv(name); };
}

EnvReader::EnvReader(Getenv getenv) : getenv_(std::move(getenv)) {}

const char* EnvReader::Lookup(const char* name) const {
  const char* value = getenv_ ? getenv_(name) : nullptr;
  if (value == nullptr || *value == '\0') return nullptr;
  return value;
}

void EnvReader::Problem(const char* name, std::string_view value, std::string_view rule) {
  problems_.push_back(absl::StrCat(name, "=\"", Absl(value), "\" ", Absl(rule)));
}

void EnvReader::AddProblem(std::string message) { problems_.push_back(std::move(message)); }

std::string EnvReader::String(const char* name, std::string default_value) {
  const char* value = Lookup(name);
  return value == nullptr ? std::move(default_value) : std::string(value);
}

std::string EnvReader::RequiredString(const char* name) {
  const char* value = Lookup(name);
  if (value == nullptr) {
    problems_.push_back(absl::StrCat(name, " is not set; it is required"));
    return "";
  }
  return value;
}

int64_t EnvReader::Int(const char* name, int64_t default_value, int64_t min, int64_t max,
                       std::string_view what) {
  const char* value = Lookup(name);
  if (value == nullptr) return default_value;
  const std::string advice = absl::StrCat("set it to ", Absl(what), " between ", min, " and ", max);
  int64_t parsed = 0;
  // SimpleAtoi accepts surrounding spaces and a sign but nothing else, which is the
  // leniency we want ("08" is fine, "8k" and "1e3" are not).
  if (!absl::SimpleAtoi(value, &parsed)) {
    Problem(name, value, absl::StrCat("is not a whole number; ", advice));
    return default_value;
  }
  if (parsed < min || parsed > max) {
    Problem(name, value, absl::StrCat("is out of range; ", advice));
    return default_value;
  }
  return parsed;
}

bool EnvReader::Bool(const char* name, bool default_value) {
  const char* value = Lookup(name);
  if (value == nullptr) return default_value;
  const std::string lower = absl::AsciiStrToLower(value);
  if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return true;
  if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return false;
  Problem(name, value, "is not a boolean; set it to true or false");
  return default_value;
}

std::string EnvReader::OneOf(const char* name, std::string default_value,
                             std::vector<std::string> allowed) {
  const char* value = Lookup(name);
  if (value == nullptr) return default_value;
  for (std::string& candidate : allowed) {
    if (absl::EqualsIgnoreCase(candidate, value)) return std::move(candidate);
  }
  Problem(name, value,
          absl::StrCat("is not allowed; set it to one of: ", absl::StrJoin(allowed, ", ")));
  return default_value;
}

absl::Status EnvReader::Finish() const {
  if (problems_.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("invalid configuration (", problems_.size(),
                                                 problems_.size() == 1 ? " problem" : " problems",
                                                 "):\n- ", absl::StrJoin(problems_, "\n- ")));
}

}  // namespace events::config
