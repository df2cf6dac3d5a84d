// ProcessCollector: process_* metrics from /proc/self, and the build's version.

#include "common/metrics/process_collector.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

#ifndef EVENTS_BUILD_VERSION
#define EVENTS_BUILD_VERSION "unknown"
#endif

namespace events::metrics {
namespace {

std::optional<std::string> ReadFile(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Entries of /proc/self/fd, less the one opendir holds while counting.
std::optional<int64_t> OpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return std::nullopt;
  int64_t count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count - 1;
}

prometheus::MetricFamily Family(std::string name, std::string help, prometheus::MetricType type,
                                double value) {
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return {std::move(name), std::move(help), type, {metric}};
}

}  // namespace

std::optional<ProcStat> ParseProcStat(absl::string_view text, int64_t ticks_per_second) {
  const size_t close = text.rfind(')');
  if (close == absl::string_view::npos || ticks_per_second <= 0) return std::nullopt;
  // Fields from the 3rd (state) on, so field N of proc(5) is fields[N - 3].
  std::vector<absl::string_view> fields =
      absl::StrSplit(absl::StripAsciiWhitespace(text.substr(close + 1)), ' ', absl::SkipEmpty());
  if (fields.size() < 22) return std::nullopt;
  int64_t utime = 0, stime = 0, threads = 0, start = 0, vsize = 0, rss = 0;
  if (!absl::SimpleAtoi(fields[14 - 3], &utime) || !absl::SimpleAtoi(fields[15 - 3], &stime) ||
      !absl::SimpleAtoi(fields[20 - 3], &threads) || !absl::SimpleAtoi(fields[22 - 3], &start) ||
      !absl::SimpleAtoi(fields[23 - 3], &vsize) || !absl::SimpleAtoi(fields[24 - 3], &rss)) {
    return std::nullopt;
  }
  const auto ticks = static_cast<double>(ticks_per_second);
  ProcStat out;
  out.cpu_seconds = static_cast<double>(utime + stime) / ticks;
  out.start_seconds = static_cast<double>(start) / ticks;
  out.threads = threads;
  out.virtual_bytes = vsize;
  out.resident_pages = rss;
  return out;
}

std::optional<int64_t> ParseBootTime(absl::string_view proc_stat) {
  for (absl::string_view line : absl::StrSplit(proc_stat, '\n')) {
    if (absl::ConsumePrefix(&line, "btime ")) {
      int64_t seconds = 0;
      if (absl::SimpleAtoi(line, &seconds)) return seconds;
    }
  }
  return std::nullopt;
}

ProcessCollector::ProcessCollector(std::string service, std::string version)
    : service_(std::move(service)), version_(std::move(version)) {}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> out;
  const long ticks = sysconf(_SC_CLK_TCK);
  const long page = sysconf(_SC_PAGESIZE);
  std::optional<std::string> stat_text = ReadFile("/proc/self/stat");
  std::optional<ProcStat> stat;
  if (stat_text.has_value()) stat = ParseProcStat(*stat_text, ticks);
  if (stat.has_value()) {
    out.push_back(Family("process_cpu_seconds_total", "User and system CPU time, in seconds.",
                         MetricType::Counter, stat->cpu_seconds));
    out.push_back(Family("process_resident_memory_bytes", "Resident memory size, in bytes.",
                         MetricType::Gauge,
                         static_cast<double>(stat->resident_pages) * static_cast<double>(page)));
    out.push_back(Family("process_virtual_memory_bytes", "Virtual memory size, in bytes.",
                         MetricType::Gauge, static_cast<double>(stat->virtual_bytes)));
    out.push_back(Family("process_threads", "Threads of the process.", MetricType::Gauge,
                         static_cast<double>(stat->threads)));
    std::optional<std::string> machine = ReadFile("/proc/stat");
    std::optional<int64_t> boot;
    if (machine.has_value()) boot = ParseBootTime(*machine);
    if (boot.has_value()) {
      out.push_back(Family("process_start_time_seconds",
                           "When the process started, in seconds since the Unix epoch.",
                           MetricType::Gauge, static_cast<double>(*boot) + stat->start_seconds));
    }
  }
  if (std::optional<int64_t> fds = OpenFds()) {
    out.push_back(Family("process_open_fds", "Open file descriptors.", MetricType::Gauge,
                         static_cast<double>(*fds)));
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    out.push_back(Family("process_max_fds", "The soft limit of open file descriptors.",
                         MetricType::Gauge, static_cast<double>(limit.rlim_cur)));
  }
  prometheus::MetricFamily build = Family(
      "events_build_info", "Which build runs: always 1, with the service and version as labels.",
      MetricType::Gauge, 1);
  build.metric.front().label = {{"service", service_}, {"version", version_}};
  out.push_back(std::move(build));
  return out;
}

const char* BuildVersion() { return EVENTS_BUILD_VERSION; }

}  // namespace events::metrics
