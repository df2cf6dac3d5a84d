// webload: a closed-loop load generator for the web pages (scripts/bench web). Each of
// --concurrency workers keeps one HTTP connection and repeats its task for --duration
// seconds after --warmup:
//   --task register: GET the sign-up form (its CSRF cookie and token), then POST the final
//     step with every answer, a new e-mail and an idempotency key, as a browser does after
//     "Check your answers"; one registration is both requests, and counts only when the
//     confirmation page came back;
//   --task page: GET an event's page.
// Prints one JSON line: {"ok":..,"errors":..,"seconds":..,"ok_per_second":..,"p50_us":..,
// "p99_us":..}, and a summary on stderr.
#include <httplib.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/loadgen/latency_histogram.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string task = "register";
  std::string event_id;
  int concurrency = 16;
  double warmup = 2;
  double duration = 10;
  std::string email_prefix = "web";
};

// The value of the hidden input `name` in a page, or "".
std::string HiddenValue(const std::string& page, const std::string& name) {
  const std::string marker = absl::StrCat("name=\"", name, "\" value=\"");
  const size_t at = page.find(marker);
  if (at == std::string::npos) return "";
  const size_t start = at + marker.size();
  const size_t end = page.find('"', start);
  return end == std::string::npos ? "" : page.substr(start, end - start);
}

// The first failure of a run, for the summary ("GET /events/x/register: HTTP 503").
std::atomic<bool> g_failure_shown{false};
void ShowFailure(const std::string& what, const httplib::Result& res) {
  if (g_failure_shown.exchange(true)) return;
  if (!res) {
    std::fprintf(stderr, "first failure: %s: %s\n", what.c_str(),
                 httplib::to_string(res.error()).c_str());
  } else {
    std::fprintf(stderr, "first failure: %s: HTTP %d\n", what.c_str(), res->status);
  }
}

struct WorkerResult {
  events::loadgen::LatencyHistogram latency;
  int64_t ok = 0;
  int64_t errors = 0;
  int64_t all_ok = 0;  // warm-up included
};

// GET, tried twice: the server closes a kept-alive connection after a number of requests,
// and a request that meets the closed connection is sent again on a new one, as browsers do.
httplib::Result Get(httplib::Client& client, const std::string& path) {
  auto res = client.Get(path);
  if (!res) res = client.Get(path);
  return res;
}

// One registration through the form; true when the confirmation page came back.
bool RegisterOnce(httplib::Client& client, const Options& o, int worker, int64_t n) {
  const std::string form_path = absl::StrCat("/events/", o.event_id, "/register");
  auto form = Get(client, form_path);
  if (!form || form->status != 200) {
    ShowFailure("GET " + form_path, form);
    return false;
  }
  std::string cookie = form->get_header_value("Set-Cookie");
  cookie = cookie.substr(0, cookie.find(';'));
  const std::string csrf = HiddenValue(form->body, "csrf");
  if (csrf.empty() || cookie.empty()) return false;
  httplib::Params fields{
      {"csrf", csrf},
      {"name", absl::StrCat("Bench Attendee ", worker, "-", n)},
      {"email", absl::StrCat(o.email_prefix, "-", worker, "-", n, "@bench.example.org")},
      {"participation", "professional"},
      {"support", "no"},
      {"idempotency_key", absl::StrCat("benchkey-", o.email_prefix, "-", worker, "-", n)}};
  // Sent again on a closed connection too: the idempotency key makes the retry safe.
  auto done = client.Post(form_path + "/confirm", {{"Cookie", cookie}}, fields);
  if (!done) done = client.Post(form_path + "/confirm", {{"Cookie", cookie}}, fields);
  if (!done || done->status != 200 ||
      done->body.find("class=\"panel__body\"") == std::string::npos) {
    ShowFailure("POST " + form_path + "/confirm", done);
    return false;
  }
  return true;
}

bool PageOnce(httplib::Client& client, const Options& o) {
  auto page = Get(client, absl::StrCat("/events/", o.event_id));
  if (!page || page->status != 200) {
    ShowFailure("GET /events/" + o.event_id, page);
    return false;
  }
  return true;
}

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
  CLI::App app{"webload: load for the web pages (closed loop)"};
  app.add_option("--host", o.host);
  app.add_option("--port", o.port)->required();
  app.add_option("--task", o.task)->check(CLI::IsMember({"register", "page"}));
  app.add_option("--event-id", o.event_id)->required();
  app.add_option("--concurrency", o.concurrency)->check(CLI::Range(1, 1024));
  app.add_option("--warmup", o.warmup)->check(CLI::Range(0.0, 600.0));
  app.add_option("--duration", o.duration)->check(CLI::Range(0.1, 3600.0));
  app.add_option("--email-prefix", o.email_prefix);
  CLI11_PARSE(app, argc, argv);

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
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      client.set_read_timeout(10, 0);
      WorkerResult& r = results[static_cast<size_t>(w)];
      for (int64_t n = 0;; ++n) {
        const auto begin = Clock::now();
        if (begin >= stop_at) break;
        const bool ok = o.task == "register" ? RegisterOnce(client, o, w, n) : PageOnce(client, o);
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
