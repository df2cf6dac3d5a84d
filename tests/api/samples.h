#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tests/api/world.h"

// A sample input for every RPC on the API, so that the parity test can call each one over
// gRPC and over HTTP (tests/api/route_parity_test.cc). An annotated RPC with no sample here
// fails that test: a new route needs one.
namespace events::api_test {

struct CallInput {
  std::string json = "{}";  // the request as API JSON (json_mapping.h), registration_token aside
  std::string key = "";     // bearer key, "" for none
  std::string token = "";   // the attendee's Registration-Token, "" for none
};

struct Sample {
  // A read is made once and sent both ways; a write is made twice (each call gets objects
  // of its own in the same state, so the same call can succeed twice).
  bool write = false;
  std::function<CallInput(World&)> make;
  // Fields (by name, at any depth) that rightly differ between the two answers (a time
  // the answer is made at; for writes on top of TwinFields() and every time).
  std::vector<std::string> differ = {};
};

// Keyed by "SchedulingService.CreateEvent".
const std::map<std::string, Sample>& Samples();

// The fields that differ between twins: ids the calls made, the twins' own ids and
// addresses, secrets. (Every time may differ too: Expectation::differ_in_times.)
const std::vector<std::string>& TwinFields();

}  // namespace events::api_test
