#include "tools/loadgen/report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace events::loadgen {
namespace {

std::string Millis(int64_t micros) {
  return absl::StrFormat("%.3f", static_cast<double>(micros) / 1000.0);
}

std::string ErrorList(const LoadResult& result, const char* separator, bool json) {
  std::vector<std::string> parts;
  for (const auto& [code, n] : result.errors) {
    parts.push_back(json ? absl::StrCat("\"", code, "\":", n) : absl::StrCat(code, " ", n));
  }
  return absl::StrJoin(parts, separator);
}

}  // namespace

std::string FormatSummary(const LoadOptions& options, const LoadResult& r) {
  std::string load = options.mode == Mode::kConcurrency
                         ? absl::StrCat("closed loop, ", options.concurrency, " in flight")
                         : absl::StrFormat("open loop, %.0f calls/s", options.rate);
  std::string out = absl::StrFormat("loadgen: %s against %s; %s; %d connections, %d threads\n",
                                    TargetName(options.target), options.server, load,
                                    options.channels, options.threads);
  absl::StrAppendFormat(&out, "  calls      %d (%d in the warm-up), %d failed\n", r.calls,
                        r.warmup_calls, r.total_errors());
  absl::StrAppendFormat(&out, "  measured   %d ok, %d failed, in %.2f s: %.1f ok/s\n",
                        r.measured_ok, r.measured_errors, r.measured_seconds, r.OkPerSecond());
  absl::StrAppendFormat(
      &out, "  latency    p50 %s ms, p90 %s ms, p99 %s ms, p99.9 %s ms, max %s ms",
      Millis(r.latency.ValueAtQuantile(0.5)), Millis(r.latency.ValueAtQuantile(0.9)),
      Millis(r.latency.ValueAtQuantile(0.99)), Millis(r.latency.ValueAtQuantile(0.999)),
      Millis(r.latency.max()));
  absl::StrAppendFormat(&out, " (mean %.3f ms; from the %s start)\n", r.latency.Mean() / 1000.0,
                        options.mode == Mode::kConcurrency ? "actual" : "scheduled");
  absl::StrAppendFormat(
      &out, "  client     %.2f s of CPU, %.1f us per call\n", r.client_cpu_seconds,
      r.calls > 0 ? r.client_cpu_seconds * 1e6 / static_cast<double>(r.calls) : 0.0);
  if (options.mode == Mode::kRate) {
    absl::StrAppendFormat(&out, "  sender     at worst %s ms behind its schedule\n",
                          Millis(r.max_send_lag_us));
  }
  if (options.target == Target::kRegister) {
    absl::StrAppendFormat(
        &out, "  answers    confirmed %d, waitlisted %d, pending approval %d, other %d\n",
        r.answer(Answer::kConfirmed), r.answer(Answer::kWaitlisted),
        r.answer(Answer::kPendingApproval), r.answer(Answer::kOtherStatus));
  }
  if (!r.errors.empty()) absl::StrAppend(&out, "  errors     ", ErrorList(r, ", ", false), "\n");
  return out;
}

std::string FormatJson(const LoadOptions& options, const LoadResult& r) {
  return absl::StrFormat(
      "{\"target\":\"%s\",\"mode\":\"%s\",\"concurrency\":%d,\"rate\":%.3f,\"calls\":%d,"
      "\"warmup_calls\":%d,\"measured_ok\":%d,\"measured_errors\":%d,\"errors\":%d,"
      "\"measured_seconds\":%.3f,\"ok_per_second\":%.1f,\"p50_us\":%d,\"p90_us\":%d,"
      "\"p99_us\":%d,\"p999_us\":%d,\"max_us\":%d,\"mean_us\":%.1f,\"confirmed\":%d,"
      "\"waitlisted\":%d,\"pending_approval\":%d,\"other_status\":%d,\"max_send_lag_us\":%d,"
      "\"client_cpu_seconds\":%.3f,\"errors_by_code\":{%s}}",
      TargetName(options.target), ModeName(options.mode),
      options.mode == Mode::kConcurrency ? options.concurrency : 0,
      options.mode == Mode::kRate ? options.rate : 0.0, r.calls, r.warmup_calls, r.measured_ok,
      r.measured_errors, r.total_errors(), r.measured_seconds, r.OkPerSecond(),
      r.latency.ValueAtQuantile(0.5), r.latency.ValueAtQuantile(0.9),
      r.latency.ValueAtQuantile(0.99), r.latency.ValueAtQuantile(0.999), r.latency.max(),
      r.latency.Mean(), r.answer(Answer::kConfirmed), r.answer(Answer::kWaitlisted),
      r.answer(Answer::kPendingApproval), r.answer(Answer::kOtherStatus), r.max_send_lag_us,
      r.client_cpu_seconds, ErrorList(r, ",", true));
}

}  // namespace events::loadgen
