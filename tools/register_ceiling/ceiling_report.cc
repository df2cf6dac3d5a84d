#include "tools/register_ceiling/ceiling_report.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace events::register_ceiling {
namespace {

std::string Millis(int64_t micros) {
  return absl::StrFormat("%.2f", static_cast<double>(micros) / 1000.0);
}

// "ok 280, duplicate 20, errors 0".
std::string Answers(const CeilingResult& r) {
  std::vector<std::string> parts = {absl::StrCat("ok ", r.registered)};
  for (const auto& [name, n] : r.refused) parts.push_back(absl::StrCat(name, " ", n));
  parts.push_back(absl::StrCat("errors ", r.errors));
  return absl::StrJoin(parts, ", ");
}

}  // namespace

std::string NotComparableReason(const CeilingResult& r, const CeilingFacts& facts) {
  if (r.calls > 0 && facts.held * 100 >= r.calls * kComparablePercent) return "";
  std::string reason = absl::StrCat(
      "only ", facts.held, " of the ", r.calls, " calls registered anyone (fewer than ",
      kComparablePercent, "%), so the figure is not a ceiling; the script answered: ", Answers(r));
  if (!r.first_error.empty()) absl::StrAppend(&reason, "; the first error: ", r.first_error);
  return reason;
}

std::string FormatJson(const CeilingResult& r, const CeilingFacts& facts) {
  return absl::StrFormat(
      "{\"event_id\":\"%s\",\"script_sha\":\"%s\",\"script_loaded_before\":%d,"
      "\"concurrency\":%d,\"calls\":%d,\"registered\":%d,\"held\":%d,\"confirmed\":%d,"
      "\"waitlisted\":%d,\"pending\":%d,\"refused\":%d,\"errors\":%d,\"seconds\":%.3f,"
      "\"calls_per_second\":%.1f,\"registered_per_second\":%.1f,\"p50_us\":%d,\"p90_us\":%d,"
      "\"p99_us\":%d,\"max_us\":%d,\"mean_us\":%.1f,\"client_cpu_seconds\":%.3f,"
      "\"comparable\":%d}",
      facts.event_id, facts.script_sha, facts.script_loaded_before, facts.concurrency, r.calls,
      r.registered, facts.held, r.confirmed, r.waitlisted, r.pending, r.total_refused(), r.errors,
      r.seconds, r.calls_per_second(), r.registered_per_second(), r.latency.ValueAtQuantile(0.5),
      r.latency.ValueAtQuantile(0.9), r.latency.ValueAtQuantile(0.99), r.latency.max(),
      r.latency.Mean(), r.client_cpu_seconds, NotComparableReason(r, facts).empty() ? 1 : 0);
}

std::string FormatSummary(const CeilingResult& r, const CeilingFacts& facts) {
  std::string out = absl::StrFormat(
      "register_ceiling: the register script (%s) by EVALSHA, one registration a call, %d "
      "connections, event %s\n",
      facts.script_sha, facts.concurrency, facts.event_id);
  absl::StrAppendFormat(&out, "  calls      %d in %.2f s: %.1f calls/s, %.1f registered/s\n",
                        r.calls, r.seconds, r.calls_per_second(), r.registered_per_second());
  absl::StrAppendFormat(&out, "  latency    p50 %s ms, p90 %s ms, p99 %s ms, max %s ms\n",
                        Millis(r.latency.ValueAtQuantile(0.5)),
                        Millis(r.latency.ValueAtQuantile(0.9)),
                        Millis(r.latency.ValueAtQuantile(0.99)), Millis(r.latency.max()));
  absl::StrAppendFormat(&out, "  answers    %s (confirmed %d, waitlisted %d, pending %d)\n",
                        Answers(r), r.confirmed, r.waitlisted, r.pending);
  absl::StrAppendFormat(&out, "  Redis      holds %d new registrations for the event\n",
                        facts.held);
  absl::StrAppendFormat(
      &out, "  client     %.2f s of CPU, %.1f us per call\n", r.client_cpu_seconds,
      r.calls > 0 ? r.client_cpu_seconds * 1e6 / static_cast<double>(r.calls) : 0.0);
  if (facts.held != r.registered) {
    absl::StrAppendFormat(&out,
                          "  mismatch   the script answered ok %d times but Redis holds %d new "
                          "registrations: did something else register for this event?\n",
                          r.registered, facts.held);
  }
  if (!r.first_error.empty()) absl::StrAppend(&out, "  first error ", r.first_error, "\n");
  return out;
}

}  // namespace events::register_ceiling
