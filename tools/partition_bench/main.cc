// partition_bench: what polling every partition costs, before and after Consumer::Poll and
// bus::DelayedJobWorker were pipelined, at several partition counts, against one Redis
// (./scripts/bench partitions starts it; docs/benchmarks.md explains the figures).
//
// For each count: an idle consumer poll (nothing to read: the poll every consumer makes
// several times a second), a drain of entries spread over every partition (batch 100), and an
// idle delayed-job poll (scheduling's fire script on every partition). Round trips are
// counted by the code that makes them; time is the client's wall clock; Redis CPU is Redis's
// own (INFO cpu) over the same polls.

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/bus/delayed_job_worker.h"
#include "common/bus/event_bus.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "services/scheduling/store/redis_event_store.h"
#include "tools/partition_bench/legacy_poll.h"

namespace {

using events::bus::Consumer;
using events::bus::ConsumerOptions;
using events::bus::Keyspace;
using events::redis::RedisClient;
using Clock = std::chrono::steady_clock;

// One way of polling, measured: mean wall time and Redis CPU per poll, round trips per poll.
struct Cost {
  double ms = 0;
  double redis_cpu_ms = 0;
  double round_trips = 0;
};

// Redis's CPU time so far (user + system, all threads), in ms.
double RedisCpuMs(RedisClient& redis) {
  absl::StatusOr<events::redis::ReplyPtr> info = redis.Command({"INFO", "cpu"});
  if (!info.ok()) return 0;
  double total = 0;
  for (absl::string_view line : absl::StrSplit(events::redis::AsString(**info), "\r\n")) {
    for (absl::string_view name : {"used_cpu_sys:", "used_cpu_user:"}) {
      if (absl::StartsWith(line, name)) {
        double seconds = 0;
        if (absl::SimpleAtod(line.substr(name.size()), &seconds)) total += seconds * 1000;
      }
    }
  }
  return total;
}

// Runs `poll` (which adds its round trips) at least `min_polls` times and until `max_polls`
// or `budget` has passed.
Cost Measure(RedisClient& redis, int min_polls, int max_polls, std::chrono::milliseconds budget,
             const std::function<bool(int64_t*)>& poll) {
  int64_t trips = 0;
  for (int i = 0; i < 3; ++i) poll(&trips);  // warm: scripts loaded, connections made
  trips = 0;
  const double cpu0 = RedisCpuMs(redis);
  const Clock::time_point start = Clock::now();
  int polls = 0;
  while (polls < max_polls && (polls < min_polls || Clock::now() - start < budget)) {
    if (!poll(&trips)) {
      throw std::runtime_error("a poll failed");
    }
    ++polls;
  }
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  const double cpu = RedisCpuMs(redis) - cpu0;
  return {ms / polls, cpu / polls, static_cast<double>(trips) / polls};
}

events::v1::DomainEvent BenchEvent(int n) {
  events::v1::DomainEvent e;
  e.set_id(absl::StrCat("de_bench", n));
  e.set_type("event.updated");
  e.set_source("bench");
  e.set_time_unix_ms(1735689600000 + n);
  e.set_subject(absl::StrCat("ev_bench", n));
  e.set_org_id("org_bench");
  e.set_data_type("events.v1.EventChanged");
  e.set_data(std::string(200, 'x'));
  return e;
}

// `entries` events spread evenly over every partition, in pipelines of 1,000.
bool Fill(RedisClient& redis, const Keyspace& keys, int entries) {
  std::vector<std::vector<std::string>> batch;
  for (int n = 0; n < entries; ++n) {
    std::vector<std::string> xadd = {"XADD", keys.Stream(n % keys.partitions()), "*"};
    for (std::string& f : events::bus::ToStreamFields(BenchEvent(n))) xadd.push_back(f);
    batch.push_back(std::move(xadd));
    if (batch.size() == 1000 || n + 1 == entries) {
      if (!redis.Pipeline(batch).ok()) return false;
      batch.clear();
    }
  }
  return true;
}

// Drains what Fill wrote with `poll`, acknowledging each batch; the cost of the whole drain.
Cost Drain(
    RedisClient& redis, Consumer& acker, int entries,
    const std::function<absl::StatusOr<std::vector<events::bus::Delivery>>(int64_t*)>& poll) {
  int64_t trips = 0;
  int got = 0;
  int polls = 0;
  const double cpu0 = RedisCpuMs(redis);
  const Clock::time_point start = Clock::now();
  while (got < entries && polls < 100000) {
    absl::StatusOr<std::vector<events::bus::Delivery>> batch = poll(&trips);
    ++polls;
    if (!batch.ok()) {
      throw std::runtime_error(batch.status().ToString());
    }
    std::vector<const events::bus::Delivery*> done;
    for (const events::bus::Delivery& d : *batch) done.push_back(&d);
    if (!done.empty()) {
      if (!acker.AckAll(done).ok()) throw std::runtime_error("acknowledging failed");
      ++trips;
    }
    got += static_cast<int>(batch->size());
  }
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return {ms, RedisCpuMs(redis) - cpu0, static_cast<double>(trips)};
}

ConsumerOptions Group(const std::string& group) {
  ConsumerOptions o;
  o.group = group;
  o.consumer = "bench";
  o.batch_size = 100;
  return o;
}

struct Row {
  int partitions = 0;
  Cost idle_before, idle_after, drain_before, drain_after, jobs_before, jobs_after;
};

Row Run(RedisClient& redis, int partitions, int polls, int entries, int max_ms) {
  Row row;
  row.partitions = partitions;
  const Keyspace keys(absl::StrCat("bench:", partitions, ":"), partitions);
  Consumer after(redis, keys, Group("after"));
  Consumer before_acker(redis, keys, Group("before"));
  if (!after.EnsureGroups().ok() || !before_acker.EnsureGroups().ok()) {
    throw std::runtime_error("making the consumer groups failed");
  }
  events::partition_bench::LegacyPoller before(redis, keys, Group("before"));
  const std::chrono::milliseconds budget(max_ms);

  row.idle_after = Measure(redis, 5, polls, budget, [&](int64_t* trips) {
    absl::StatusOr<std::vector<events::bus::Delivery>> got = after.Poll();
    *trips += got.ok() && !got->empty() ? 2 : 1;
    return got.ok();
  });
  row.idle_before =
      Measure(redis, 5, polls, budget, [&](int64_t* trips) { return before.Poll(trips).ok(); });

  if (!Fill(redis, keys, entries)) throw std::runtime_error("filling the streams failed");
  row.drain_after = Drain(redis, after, entries, [&](int64_t* trips) {
    absl::StatusOr<std::vector<events::bus::Delivery>> got = after.Poll();
    *trips += got.ok() && !got->empty() ? 2 : 1;
    return got;
  });
  row.drain_before =
      Drain(redis, before_acker, entries, [&](int64_t* trips) { return before.Poll(trips); });

  events::scheduling::RedisEventStore store(redis, keys, {});
  const int64_t now = 1735689600000;
  events::bus::DelayedJobWorker jobs_before(
      "bench", {"bench", "jobs"}, partitions,
      [&](int p, int limit) { return store.FireDueJobs(p, now, limit); });
  events::bus::DelayedJobWorker jobs_after(
      "bench", {"bench", "jobs"}, partitions,
      [&](const std::vector<int>& ps, int limit) { return store.FireDueJobsIn(ps, now, limit); });
  row.jobs_after = Measure(redis, 5, polls, budget, [&](int64_t* trips) {
    *trips += 1;
    return jobs_after.RunOnce().ok();
  });
  row.jobs_before = Measure(redis, 5, polls, budget, [&](int64_t* trips) {
    *trips += partitions;
    return jobs_before.RunOnce().ok();
  });

  // Leave nothing behind for the next count.
  std::vector<std::vector<std::string>> del;
  del.reserve(static_cast<size_t>(keys.partitions()));
  for (int p = 0; p < partitions; ++p) {
    del.push_back({"UNLINK", keys.Stream(p), keys.DeadLetterStream(p)});
  }
  (void)redis.Pipeline(del);
  return row;
}

}  // namespace

int RunBench(int argc, char** argv) {
  CLI::App app{"What polling every partition costs, before and after pipelining"};
  std::string url;
  std::string counts = "16,64,256,1024";
  int polls = 200;
  int entries = 5000;
  int max_ms = 3000;
  app.add_option("--redis-url", url, "redis://host:port/db of a Redis of the bench's own")
      ->required();
  app.add_option("--partitions", counts,
                 "partition counts, comma-separated (the first is "
                 "the one ratios are against)");
  app.add_option("--polls", polls, "idle polls measured per way and count (at most)");
  app.add_option("--entries", entries, "entries drained per way and count");
  app.add_option("--max-ms", max_ms, "time one measurement may take, after 5 polls");
  CLI11_PARSE(app, argc, argv);

  absl::StatusOr<events::redis::RedisOptions> options = events::redis::ParseRedisUrl(url);
  if (!options.ok()) {
    std::fprintf(stderr, "partition_bench: %s\n", options.status().ToString().c_str());
    return 2;
  }
  options->command_timeout = std::chrono::milliseconds(30000);
  RedisClient redis(*options);
  std::vector<Row> rows;
  for (absl::string_view c : absl::StrSplit(counts, ',')) {
    int n = 0;
    if (!absl::SimpleAtoi(c, &n) || n < 1 || n > 1024) {
      std::fprintf(stderr, "partition_bench: --partitions: '%s' is not a count from 1 to 1024\n",
                   std::string(c).c_str());
      return 2;
    }
    std::fprintf(stderr, "measuring %d partitions...\n", n);
    rows.push_back(Run(redis, n, polls, entries, max_ms));
  }

  std::printf("%-10s | %-38s | %-33s | %-30s\n", "", "consumer idle poll: ms (Redis CPU ms), rt",
              "drain: total ms, rt (batch 100)", "delayed-job idle poll: ms, rt");
  std::printf("%-10s | %-18s %-19s | %-16s %-16s | %-14s %-15s\n", "partitions", "before", "after",
              "before", "after", "before", "after");
  for (const Row& r : rows) {
    auto idle = [](const Cost& c) {
      char s[64];
      std::snprintf(s, sizeof s, "%.2f (%.2f), %.0f", c.ms, c.redis_cpu_ms, c.round_trips);
      return std::string(s);
    };
    auto total = [](const Cost& c) {
      char s[64];
      std::snprintf(s, sizeof s, "%.0f, %.0f", c.ms, c.round_trips);
      return std::string(s);
    };
    auto jobs = [](const Cost& c) {
      char s[64];
      std::snprintf(s, sizeof s, "%.2f, %.0f", c.ms, c.round_trips);
      return std::string(s);
    };
    std::printf("%-10d | %-18s %-19s | %-16s %-16s | %-14s %-15s\n", r.partitions,
                idle(r.idle_before).c_str(), idle(r.idle_after).c_str(),
                total(r.drain_before).c_str(), total(r.drain_after).c_str(),
                jobs(r.jobs_before).c_str(), jobs(r.jobs_after).c_str());
  }
  const Row& base = rows.front();
  std::printf("\nratios against %d partitions, same run (after; before in brackets):\n",
              base.partitions);
  for (const Row& r : rows) {
    std::printf(
        "  %4d: consumer idle poll time %.2f (%.2f), its Redis CPU %.2f (%.2f); delayed-job "
        "idle poll time %.2f (%.2f)\n",
        r.partitions, r.idle_after.ms / base.idle_after.ms, r.idle_before.ms / base.idle_before.ms,
        r.idle_after.redis_cpu_ms / base.idle_after.redis_cpu_ms,
        r.idle_before.redis_cpu_ms / base.idle_before.redis_cpu_ms,
        r.jobs_after.ms / base.jobs_after.ms, r.jobs_before.ms / base.jobs_before.ms);
  }
  const Row& last = rows.back();
  std::printf("%d/%d partitions consumer idle poll time ratio: %.2f (before: %.2f)\n",
              last.partitions, base.partitions, last.idle_after.ms / base.idle_after.ms,
              last.idle_before.ms / base.idle_before.ms);
  return 0;
}

int main(int argc, char** argv) {
  // A failed step ends the run with its message and exit code 1, not std::terminate's abort.
  try {
    return RunBench(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "partition_bench: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "partition_bench: an unknown exception\n");
  }
  return 1;
}
