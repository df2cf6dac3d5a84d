#pragma once

#include <map>
#include <string>

#include "absl/strings/substitute.h"
#include "tests/api/samples.h"

// The parts of the sample table (samples.h), one file per group of services.
namespace events::api_test {

// {"<name>": "<id>"}
inline std::string IdJson(const std::string& name, const std::string& id) {
  return absl::Substitute(R"({"$0": "$1"})", name, id);
}

void AddEventSamples(std::map<std::string, Sample>& samples);   // scheduling, registration
void AddCareSamples(std::map<std::string, Sample>& samples);    // accessibility, feedback
void AddToolSamples(std::map<std::string, Sample>& samples);    // integrations, notifications
void AddPeopleSamples(std::map<std::string, Sample>& samples);  // people

}  // namespace events::api_test
