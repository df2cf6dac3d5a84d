// webload: a closed-loop load generator for the web pages and the HTTP/JSON API
// (scripts/bench web, scripts/bench api). Each of --concurrency workers keeps one HTTP
// connection and repeats its task for --duration seconds after --warmup; the tasks
// (register, page, api-register, api-capacity) are described in tasks.h. api-capacity takes
// the organiser's key from WEBLOAD_API_KEY: a flag would show in ps.
// Prints one JSON line: {"ok":..,"errors":..,"seconds":..,"ok_per_second":..,"p50_us":..,
// "p99_us":..}, and a summary on stderr.
#include <httplib.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tools/loadgen/latency_histogram.h"
#include "tools/webload/tasks.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string task = "register";
  int concurrency = 16;
  double warmup = 2;
  double duration = 10;
  // Off: a new connection for every request, as a client that does not keep them.
  bool keep_alive = true;
  events::webload::TaskOptions task_options;
};

const std::map<std::string, events::webload::Task>& Tasks() {
  static const auto* const kTasks = new std::map<std::string, events::webload::Task>{
      {"register", events::webload::RegisterThroughForm},
      {"page", events::webload::GetEventPage},
      {"api-register", events::webload::RegisterThroughApi},
      {"api-capacity", events::webload::GetCapacityThroughApi}};
  return *kTasks;
}

struct WorkerResult {
  events::loadgen::LatencyHistogram latency;
  int64_t ok = 0;
  int64_t errors = 0;
  int64_t all_ok = 0;  // warm-up included
};

// CPU time (user + system) of this process so far, in microseconds.
int64_t CpuMicros() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto us = [](const timeval& t) { return int64_t{t.tv_sec} * 1000000 + t.tv_usec; };
  return us(usage.ru_utime) + us(usage.ru_stime);
}

}  // namespace

int Run(int argc, char** argv) {
  Options o;
  CLI::App app{"webload: load for the web pages and the /api/v1 API (closed loop)"};
  app.add_option("--host", o.host);
  app.add_option("--port", o.port)->required();
  std::vector<std::string> task_names;
  for (const auto& [name, task] : Tasks()) task_names.push_back(name);
  app.add_option("--task", o.task)->check(CLI::IsMember(task_names));
  app.add_option("--event-id", o.task_options.event_id)->required();
  app.add_option("--concurrency", o.concurrency)->check(CLI::Range(1, 1024));
  app.add_option("--warmup", o.warmup)->check(CLI::Range(0.0, 600.0));
  app.add_option("--duration", o.duration)->check(CLI::Range(0.1, 3600.0));
  app.add_option("--email-prefix", o.task_options.email_prefix);
  bool no_keep_alive = false;
  app.add_flag("--no-keep-alive", no_keep_alive, "A new connection for every request");
  CLI11_PARSE(app, argc, argv);
  o.keep_alive = !no_keep_alive;
  if (const char* key = std::getenv("WEBLOAD_API_KEY"); key != nullptr) {
    o.task_options.api_key = key;
  }
  if (o.task == "api-capacity" && o.task_options.api_key.empty()) {
    std::fprintf(stderr,
                 "webload: --task api-capacity needs the organiser's API key in "
                 "WEBLOAD_API_KEY\n");
    return 2;
  }
  const events::webload::Task task = Tasks().at(o.task);

  const auto start = Clock::now();
  const auto measure_from =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.warmup));
  const auto stop_at = measure_from + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(o.duration));
  std::vector<WorkerResult> results(static_cast<size_t>(o.concurrency));
  std::vector<std::thread> workers;
  workers.reserve(static_cast<size_t>(o.concurrency));
  for (int w = 0; w < o.concurrency; ++w) {
    workers.emplace_back([&, w] {
      httplib::Client client(o.host, o.port);
      client.set_keep_alive(o.keep_alive);
      client.set_tcp_nodelay(true);
      client.set_read_timeout(10, 0);
      WorkerResult& r = results[static_cast<size_t>(w)];
      for (int64_t n = 0;; ++n) {
        const auto begin = Clock::now();
        if (begin >= stop_at) break;
        const bool ok = task(client, o.task_options, w, n);
        const auto end = Clock::now();
        if (ok) ++r.all_ok;
        if (begin < measure_from || end > stop_at) continue;
        if (ok) {
          ++r.ok;
          r.latency.Record(
              std::chrono::duration_cast<std::chrono::microseconds>(end - begin).count());
        } else {
          ++r.errors;
        }
      }
    });
  }
  // The client's own CPU over the measured time, so the bench can say where time goes.
  std::this_thread::sleep_until(measure_from);
  const int64_t cpu_from = CpuMicros();
  std::this_thread::sleep_until(stop_at);
  const int64_t cpu_used = CpuMicros() - cpu_from;
  for (auto& t : workers) t.join();
  events::loadgen::LatencyHistogram all;
  int64_t ok = 0;
  int64_t errors = 0;
  int64_t all_ok = 0;
  for (const auto& r : results) {
    all_ok += r.all_ok;
    all.Merge(r.latency);
    ok += r.ok;
    errors += r.errors;
  }
  const double rate = static_cast<double>(ok) / o.duration;
  std::fprintf(stderr, "%s: %lld ok, %lld errors in %.1f s: %.1f/s, p50 %.2f ms, p99 %.2f ms\n",
               o.task.c_str(), static_cast<long long>(ok), static_cast<long long>(errors),
               o.duration, rate, static_cast<double>(all.ValueAtQuantile(0.5)) / 1000,
               static_cast<double>(all.ValueAtQuantile(0.99)) / 1000);
  std::printf(
      "{\"ok\":%lld,\"errors\":%lld,\"seconds\":%.3f,\"ok_per_second\":%.2f,\"p50_us\":%lld,"
      "\"p99_us\":%lld,\"client_cpu_us\":%lld,\"all_ok\":%lld}\n",
      static_cast<long long>(ok), static_cast<long long>(errors), o.duration, rate,
      static_cast<long long>(all.ValueAtQuantile(0.5)),
      static_cast<long long>(all.ValueAtQuantile(0.99)), static_cast<long long>(cpu_used),
      static_cast<long long>(all_ok));
  return ok > 0 ? 0 : 1;
}

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "webload: %s\n", e.what());
    return 2;
  }
}
