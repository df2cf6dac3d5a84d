#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "services/registration/store/registration_store.h"
#include "tools/loadgen/latency_histogram.h"
#include "tools/register_ceiling/bench_registration.h"

namespace events {
class Clock;
class IdGenerator;
}  // namespace events

namespace events::register_ceiling {

// How many registrations, from how many threads at once.
struct CeilingPlan {
  int64_t requests = 0;  // calls, one registration each, distinct e-mails
  int concurrency = 1;   // threads, each calling the store and waiting for its answer
  int64_t deadline_ms = 10000;
};

// What the calls answered, counted from the register script's replies.
struct CeilingResult {
  int64_t calls = 0;
  int64_t registered = 0;  // answered "ok": a place, a place on the waiting list, or approval
  int64_t confirmed = 0, waitlisted = 0, pending = 0;
  // Answered with a refusal (duplicate, closed, no facts, ...), by the outcome's name; the
  // registration was not made.
  std::map<std::string, int64_t> refused;
  int64_t errors = 0;       // failed calls (Redis unreachable, timed out, an error reply)
  std::string first_error;  // the first failed call's status, for the reader
  // From the first call to the last answer.
  double seconds = 0;
  // Per call, from just before the store is called to its answer, in microseconds.
  events::loadgen::LatencyHistogram latency;
  // CPU time (user + system) this process used during the calls.
  double client_cpu_seconds = 0;

  int64_t total_refused() const;
  double calls_per_second() const { return seconds > 0 ? static_cast<double>(calls) / seconds : 0; }
  double registered_per_second() const {
    return seconds > 0 ? static_cast<double>(registered) / seconds : 0;
  }
};

// The name of a refusal, as the register script says it ("duplicate", "no_facts", ...).
std::string OutcomeName(registration::RegisterOutcome outcome);

// Makes plan.requests registrations of `attendees` (BenchRegistration, numbered 0 to
// requests - 1) with store.Register, each one call of the register script on its own, from
// plan.concurrency threads that take the next number as they finish; returns what they
// answered. Every thread is started before the first call and the clock runs from then.
CeilingResult RunCeiling(registration::RegistrationStore& store, const BenchAttendees& attendees,
                         const CeilingPlan& plan, const events::Clock& clock,
                         const events::IdGenerator& ids);

}  // namespace events::register_ceiling
