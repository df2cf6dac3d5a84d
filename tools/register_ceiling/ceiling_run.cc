#include "tools/register_ceiling/ceiling_run.h"

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "common/util/clock.h"
#include "common/util/ids.h"
#include "common/util/mutex.h"

namespace events::register_ceiling {
namespace {

using registration::RegisterOutcome;
using SteadyClock = std::chrono::steady_clock;

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// What one thread counted; merged at the end, so the calls share no lock.
struct ThreadCounts {
  CeilingResult result;
  SteadyClock::time_point last_answer;
};

void CountAnswer(const absl::StatusOr<registration::RegisterResult>& answer, CeilingResult& out) {
  ++out.calls;
  if (!answer.ok()) {
    if (out.errors++ == 0) out.first_error = answer.status().ToString();
    return;
  }
  if (answer->outcome != RegisterOutcome::kCreated) {
    ++out.refused[OutcomeName(answer->outcome)];
    return;
  }
  ++out.registered;
  switch (answer->status) {
    case events::v1::REGISTRATION_STATUS_CONFIRMED:
      ++out.confirmed;
      break;
    case events::v1::REGISTRATION_STATUS_WAITLISTED:
      ++out.waitlisted;
      break;
    case events::v1::REGISTRATION_STATUS_PENDING_APPROVAL:
      ++out.pending;
      break;
    default:
      break;
  }
}

}  // namespace

int64_t CeilingResult::total_refused() const {
  int64_t n = 0;
  for (const auto& [name, count] : refused) n += count;
  return n;
}

std::string OutcomeName(RegisterOutcome outcome) {
  switch (outcome) {
    case RegisterOutcome::kCreated:
      return "ok";
    case RegisterOutcome::kExpired:
      return "expired";
    case RegisterOutcome::kReplay:
      return "replay";
    case RegisterOutcome::kRateLimitedAddress:
      return "rate_address";
    case RegisterOutcome::kRateLimitedEvent:
      return "rate_event";
    case RegisterOutcome::kIdempotencyMismatch:
      return "idem_mismatch";
    case RegisterOutcome::kNoFacts:
      return "no_facts";
    case RegisterOutcome::kNotPublished:
      return "not_published";
    case RegisterOutcome::kNotOpen:
      return "not_open";
    case RegisterOutcome::kClosed:
      return "closed";
    case RegisterOutcome::kSettingsChanged:
      return "settings_changed";
    case RegisterOutcome::kDuplicate:
      return "duplicate";
  }
  return "unknown";
}

CeilingResult RunCeiling(registration::RegistrationStore& store, const BenchAttendees& attendees,
                         const CeilingPlan& plan, const events::Clock& clock,
                         const events::IdGenerator& ids) {
  std::vector<ThreadCounts> counts(static_cast<size_t>(plan.concurrency));
  std::atomic<int64_t> next{0};
  // Every thread waits here until all have started, so thread start-up is not measured.
  Mutex mu;
  CondVar all_ready;
  int ready = 0;
  bool go = false;
  SteadyClock::time_point start;
  double cpu_start = 0;

  std::vector<std::thread> threads;
  threads.reserve(counts.size());
  for (ThreadCounts& mine : counts) {
    threads.emplace_back([&, &mine = mine] {
      {
        MutexLock lock(&mu);
        ++ready;
        all_ready.SignalAll();
        while (!go) all_ready.Wait(&mu);
      }
      for (int64_t n = next++; n < plan.requests; n = next++) {
        const int64_t now_ms = clock.NowUnixMs();
        const registration::NewRegistration reg =
            BenchRegistration(attendees, n, now_ms, plan.deadline_ms, ids);
        const SteadyClock::time_point sent = SteadyClock::now();
        const absl::StatusOr<registration::RegisterResult> answer = store.Register(reg, now_ms);
        mine.last_answer = SteadyClock::now();
        mine.result.latency.Record(
            std::chrono::duration_cast<std::chrono::microseconds>(mine.last_answer - sent).count());
        CountAnswer(answer, mine.result);
      }
    });
  }
  {
    MutexLock lock(&mu);
    while (ready < plan.concurrency) all_ready.Wait(&mu);
    cpu_start = CpuSeconds();
    start = SteadyClock::now();
    go = true;
    all_ready.SignalAll();
  }
  for (std::thread& t : threads) t.join();

  CeilingResult out;
  out.client_cpu_seconds = CpuSeconds() - cpu_start;
  SteadyClock::time_point end = start;
  for (const ThreadCounts& c : counts) {
    const CeilingResult& r = c.result;
    if (r.calls > 0 && c.last_answer > end) end = c.last_answer;
    out.calls += r.calls;
    out.registered += r.registered;
    out.confirmed += r.confirmed;
    out.waitlisted += r.waitlisted;
    out.pending += r.pending;
    for (const auto& [name, n] : r.refused) out.refused[name] += n;
    if (out.errors == 0 && r.errors > 0) out.first_error = r.first_error;
    out.errors += r.errors;
    out.latency.Merge(r.latency);
  }
  out.seconds = std::chrono::duration<double>(end - start).count();
  return out;
}

}  // namespace events::register_ceiling
