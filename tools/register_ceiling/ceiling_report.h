#pragma once

#include <cstdint>
#include <string>

#include "tools/register_ceiling/ceiling_run.h"

namespace events::register_ceiling {

// What a run is measured against, and what Redis holds after it.
struct CeilingFacts {
  std::string event_id;
  std::string script_sha;
  int script_loaded_before = -1;  // ScriptLoaded before the run: 1, 0, or -1 unknown
  int concurrency = 0;
  // The registrations Redis holds for the event after the run less those before it
  // (RegistrationsHeld): what the calls really made.
  int64_t held = 0;
};

// At least this share of the calls must have made a registration that Redis then holds:
// an early refusal (registration closed, a duplicate e-mail) is fast and meaningless, so a
// rate of them is no ceiling.
inline constexpr int kComparablePercent = 95;

// "" when the run's figure is comparable (held is at least kComparablePercent of the calls);
// otherwise why not, in a sentence for the reader (what the calls answered instead).
std::string NotComparableReason(const CeilingResult& r, const CeilingFacts& facts);

// One line of JSON for scripts, flat keys; latencies in microseconds: event_id, script_sha,
// script_loaded_before, concurrency, calls, registered, held, confirmed, waitlisted, pending,
// refused, errors, seconds, calls_per_second, registered_per_second, p50_us, p90_us, p99_us,
// max_us, mean_us, client_cpu_seconds, comparable (1 or 0).
std::string FormatJson(const CeilingResult& r, const CeilingFacts& facts);

// A few lines for people: what ran, throughput, latency, answers, what Redis holds.
std::string FormatSummary(const CeilingResult& r, const CeilingFacts& facts);

}  // namespace events::register_ceiling
