#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace events::metrics {

// What /proc/self/stat says of the process (the fields the metrics use).
struct ProcStat {
  double cpu_seconds = 0;      // utime + stime
  double start_seconds = 0;    // since boot
  int64_t threads = 0;         // num_threads
  int64_t virtual_bytes = 0;   // vsize
  int64_t resident_pages = 0;  // rss
};
// Parses the text of /proc/<pid>/stat; `ticks_per_second` is sysconf(_SC_CLK_TCK). nullopt
// when it is not in that format. The command name (2nd field) may hold spaces and ')':
// the fields are counted from the last ')'.
std::optional<ProcStat> ParseProcStat(absl::string_view text, int64_t ticks_per_second);
// The "btime" line of /proc/stat: when the machine booted, in Unix seconds.
std::optional<int64_t> ParseBootTime(absl::string_view proc_stat);

// The standard process metrics of Prometheus's client libraries, read from /proc/self at
// each scrape: process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds, process_max_fds (the soft limit),
// process_threads, process_start_time_seconds; and events_build_info{service,version} = 1.
// A value that cannot be read (no /proc: not Linux) is left out rather than reported as 0.
// Thread-safe (it keeps nothing but the labels).
class ProcessCollector : public prometheus::Collectable {
 public:
  ProcessCollector(std::string service, std::string version);
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const std::string service_;
  const std::string version_;
};

// The version this binary was built from: EVENTS_VERSION at configure time (CMake), by
// default `git describe --always --dirty` of the source folder, or "unknown".
const char* BuildVersion();

}  // namespace events::metrics
