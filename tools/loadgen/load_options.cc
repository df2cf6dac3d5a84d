#include "tools/loadgen/load_options.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace events::loadgen {

absl::Status ValidateOptions(const LoadOptions& o) {
  auto bad = [](auto... parts) { return absl::InvalidArgumentError(absl::StrCat(parts...)); };
  if (SplitList(o.server).empty()) return bad("--server: required, host:port[,host:port...]");
  const size_t events = SplitList(o.event_id).size();
  if (o.target != Target::kEcho && events == 0) {
    return bad("--event-id: required with --target ", TargetName(o.target));
  }
  if (o.target == Target::kCapacity && events > 1) {
    return bad("--event-id: one event with --target capacity");
  }
  if (SplitList(o.server).size() > static_cast<size_t>(std::max(o.channels, 1))) {
    return bad("--channels: at least one per server in --server (", SplitList(o.server).size(),
               "), got ", o.channels);
  }
  if (o.target == Target::kCapacity && o.api_key.empty()) {
    return bad(
        "LOADGEN_API_KEY: required with --target capacity (an API key of the event's "
        "organisation, in the environment: a flag would show in ps)");
  }
  if (o.mode == Mode::kConcurrency && (o.concurrency < 1 || o.concurrency > 100000)) {
    return bad("--concurrency: must be between 1 and 100000, got ", o.concurrency);
  }
  if (o.mode == Mode::kRate && !(o.rate > 0 && o.rate <= 1e6)) {
    return bad("--rate: must be above 0 and at most 1000000 calls per second with --mode rate");
  }
  if (!(o.duration_seconds >= 0 && o.duration_seconds <= 86400)) {
    return bad("--duration: must be between 0 and 86400 seconds");
  }
  if (!(o.warmup_seconds >= 0 && o.warmup_seconds <= 3600)) {
    return bad("--warmup: must be between 0 and 3600 seconds");
  }
  if (o.requests < 0) return bad("--requests: must be 0 (no limit) or more");
  if (o.duration_seconds == 0 && o.requests == 0) {
    return bad("--duration 0 needs --requests: the run would never end");
  }
  if (o.channels < 1 || o.channels > 256) return bad("--channels: must be between 1 and 256");
  if (o.threads < 1 || o.threads > 64) return bad("--threads: must be between 1 and 64");
  if (o.timeout_ms < 1) return bad("--timeout-ms: must be at least 1");
  if (o.max_in_flight < 1) return bad("--max-in-flight: must be at least 1");
  if (o.email_prefix.empty() || o.email_prefix.size() > 40 ||
      o.email_prefix.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-") !=
          std::string::npos) {
    return bad("--email-prefix: 1 to 40 of a-z 0-9 . _ -");
  }
  return absl::OkStatus();
}

std::vector<std::string> SplitList(const std::string& list) {
  return absl::StrSplit(list, ',', absl::SkipEmpty());
}

const char* TargetName(Target target) {
  if (target == Target::kRegister) return "register";
  return target == Target::kCapacity ? "capacity" : "echo";
}

const char* ModeName(Mode mode) { return mode == Mode::kConcurrency ? "concurrency" : "rate"; }

}  // namespace events::loadgen
