// The process metrics (ProcessCollector, read from /proc/self) and what every /metrics endpoint
// adds to the service's own: the process metrics, build info and the exposer's latency.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/metrics/metrics_http_server.h"
#include "common/metrics/process_collector.h"
#include "tests/common/server/grpc_probes.h"

namespace events::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The value of the unlabelled (or first) series of `name`; -1 when there is none.
double Value(const std::vector<prometheus::MetricFamily>& families, const std::string& name) {
  for (const prometheus::MetricFamily& family : families) {
    if (family.name != name || family.metric.empty()) continue;
    const prometheus::ClientMetric& m = family.metric.front();
    return family.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
  }
  return -1;
}

TEST(ProcStatTest, FieldsAreCountedFromTheLastParenthesisSoANameWithSpacesParses) {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
  // stime cutime cstime priority nice num_threads itrealvalue starttime vsize rss ...
  const std::string text =
      "4242 (odd) name)) S 1 4242 4242 0 -1 4194304 900 0 0 0 250 150 0 0 20 0 7 0 12345 "
      "104857600 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  std::optional<ProcStat> stat = ParseProcStat(text, 100);
  ASSERT_TRUE(stat.has_value());
  EXPECT_DOUBLE_EQ(stat->cpu_seconds, 4.0);  // (250 + 150) / 100
  EXPECT_EQ(stat->threads, 7);
  EXPECT_DOUBLE_EQ(stat->start_seconds, 123.45);
  EXPECT_EQ(stat->virtual_bytes, 104857600);
  EXPECT_EQ(stat->resident_pages, 2560);
  EXPECT_FALSE(ParseProcStat("4242 (cut short) S 1 2", 100).has_value());
  EXPECT_FALSE(ParseProcStat("no parenthesis at all", 100).has_value());
}

TEST(ProcStatTest, BootTimeComesFromTheBtimeLine) {
  EXPECT_EQ(ParseBootTime("cpu  1 2 3\nintr 5\nbtime 1735689600\nprocesses 9\n"), 1735689600);
  EXPECT_FALSE(ParseBootTime("cpu  1 2 3\n").has_value());
}

TEST(ProcessCollectorTest, ValuesAreThoseOfThisProcess) {
  ProcessCollector collector("testsvc", "v1.2.3");
  std::vector<prometheus::MetricFamily> before = collector.Collect();
  EXPECT_GT(Value(before, "process_resident_memory_bytes"), 1024 * 1024);
  EXPECT_GE(Value(before, "process_virtual_memory_bytes"),
            Value(before, "process_resident_memory_bytes"));
  EXPECT_GE(Value(before, "process_threads"), 1);
  EXPECT_GE(Value(before, "process_cpu_seconds_total"), 0);
  EXPECT_GT(Value(before, "process_max_fds"), 0);
  // This test process started moments ago, not at boot and not in the future.
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const double start = Value(before, "process_start_time_seconds");
  EXPECT_LE(start, now + 1);
  EXPECT_GT(start, now - 600);

  // Opening files shows in process_open_fds.
  const double fds = Value(before, "process_open_fds");
  std::vector<int> opened;
  opened.reserve(3);
  for (int i = 0; i < 3; ++i) opened.push_back(open("/proc/self/stat", O_RDONLY));
  EXPECT_EQ(Value(collector.Collect(), "process_open_fds"), fds + 3);
  for (int fd : opened) close(fd);
  EXPECT_EQ(Value(collector.Collect(), "process_open_fds"), fds);

  bool found = false;
  for (const prometheus::MetricFamily& family : before) {
    if (family.name != "events_build_info") continue;
    found = true;
    ASSERT_EQ(family.metric.size(), 1U);
    EXPECT_EQ(family.metric[0].gauge.value, 1);
    EXPECT_EQ(family.metric[0].label.size(), 2U);
    EXPECT_EQ(family.metric[0].label[0].name, "service");
    EXPECT_EQ(family.metric[0].label[0].value, "testsvc");
    EXPECT_EQ(family.metric[0].label[1].value, "v1.2.3");
  }
  EXPECT_TRUE(found);
  EXPECT_STRNE(BuildVersion(), "");
}

TEST(MetricsEndpointTest, ServesProcessMetricsAndItsOwnLatencyAfterAScrape) {
  auto registry = std::make_shared<prometheus::Registry>();
  MetricsHttpOptions options;
  options.host = "127.0.0.1";
  options.service = "testsvc";
  absl::StatusOr<std::unique_ptr<MetricsHttpServer>> server =
      MetricsHttpServer::Start(options, registry);
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();
  const std::string first = events::testing::HttpGet(port, "/metrics");
  EXPECT_THAT(first, HasSubstr("process_resident_memory_bytes "));
  EXPECT_THAT(first, HasSubstr("events_build_info{service=\"testsvc\",version="));
  // Observed once sent: the first answer cannot count itself.
  EXPECT_THAT(first, HasSubstr("events_metrics_scrape_duration_seconds_count 0"));
  events::testing::HttpGet(port, "/other");  // not a scrape: not observed
  const std::string second = events::testing::HttpGet(port, "/metrics");
  EXPECT_THAT(second, HasSubstr("events_metrics_scrape_duration_seconds_count 1"));
  EXPECT_THAT(second, HasSubstr("events_metrics_scrape_duration_seconds_bucket{le=\"0.0005\"}"));
}

// A declared family is named (HELP, TYPE) until it has a series, then served once, as the
// registry has it: never twice, never a header left without its samples.
TEST(MetricsEndpointTest, NamesADeclaredFamilyUntilItHasASeries) {
  auto registry = std::make_shared<prometheus::Registry>();
  auto& gauges = prometheus::BuildGauge().Name("t_per_org").Help("per org").Register(*registry);
  MetricsHttpOptions options;
  options.host = "127.0.0.1";
  options.declared.push_back(
      prometheus::MetricFamily{"t_per_org", "per org", prometheus::MetricType::Gauge, {}});
  absl::StatusOr<std::unique_ptr<MetricsHttpServer>> server =
      MetricsHttpServer::Start(options, registry);
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();
  const std::string before = events::testing::HttpGet(port, "/metrics");
  EXPECT_THAT(before, HasSubstr("# TYPE t_per_org gauge\n"));
  EXPECT_THAT(before, Not(HasSubstr("t_per_org{")));

  gauges.Add({{"org_id", "org_a"}}).Set(3);
  const std::string after = events::testing::HttpGet(port, "/metrics");
  EXPECT_THAT(after, HasSubstr("t_per_org{org_id=\"org_a\"} 3"));
  size_t headers = 0;
  for (size_t at = after.find("# TYPE t_per_org "); at != std::string::npos;
       at = after.find("# TYPE t_per_org ", at + 1)) {
    ++headers;
  }
  EXPECT_EQ(headers, 1u);
}

}  // namespace
}  // namespace events::metrics
