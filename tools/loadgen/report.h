#pragma once

#include <string>

#include "tools/loadgen/load_options.h"
#include "tools/loadgen/load_runner.h"

namespace events::loadgen {

// A few lines for people: what ran, throughput, latency percentiles, answers, errors.
std::string FormatSummary(const LoadOptions& options, const LoadResult& result);

// One line of JSON for scripts, with flat keys (numbers; latencies in microseconds):
// target, mode, concurrency, rate, calls, warmup_calls, measured_ok, measured_errors,
// errors, measured_seconds, ok_per_second, p50_us, p90_us, p99_us, p999_us, max_us, mean_us,
// confirmed, waitlisted, pending_approval, other_status, max_send_lag_us,
// client_cpu_seconds, and errors_by_code: {"CODE": n, ...}.
std::string FormatJson(const LoadOptions& options, const LoadResult& result);

}  // namespace events::loadgen
