#include "common/bus/delayed_job_worker.h"

#include <prometheus/counter.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "common/log/call_context.h"

namespace events::bus {

namespace {

// A fire call of one partition as one of many: one round trip per partition, as before.
DelayedJobWorker::FireMany OneByOne(DelayedJobWorker::Fire fire) {
  return [fire = std::move(fire)](const std::vector<int>& partitions, int limit) {
    std::vector<absl::StatusOr<int>> results;
    results.reserve(partitions.size());
    for (int p : partitions) results.push_back(fire(p, limit));
    return absl::StatusOr<std::vector<absl::StatusOr<int>>>(std::move(results));
  };
}

std::vector<int> Range(int n) {
  std::vector<int> all(static_cast<size_t>(std::max(0, n)));
  std::iota(all.begin(), all.end(), 0);
  return all;
}

}  // namespace

DelayedJobWorker::DelayedJobWorker(std::string name, JobQueue queue, int partitions, Fire fire,
                                   DelayedJobOptions options, DelayedJobCounters counters,
                                   AfterPoll after_poll)
    : DelayedJobWorker(std::move(name), std::move(queue), partitions, OneByOne(std::move(fire)),
                       options, counters, std::move(after_poll)) {}

DelayedJobWorker::DelayedJobWorker(std::string name, JobQueue queue, int partitions,
                                   FireMany fire_many, DelayedJobOptions options,
                                   DelayedJobCounters counters, AfterPoll after_poll)
    : name_(std::move(name)),
      queue_(std::move(queue)),
      partitions_(partitions),
      fire_many_(std::move(fire_many)),
      all_partitions_(Range(partitions)),
      options_(options),
      counters_(counters),
      after_poll_(std::move(after_poll)),
      loop_(options_.poll_interval, [this] { return PollOnce(); }) {}

DelayedJobWorker::~DelayedJobWorker() { Stop(); }

namespace {

// No caller waits for a delayed job: a poll starts a trace of its own, which the events its
// jobs emit carry (the fire calls pass logging::CurrentTraceParent to their scripts) and the
// "fired" line logs, so what a reminder caused can be followed from that line.
std::shared_ptr<logging::CallContext> NewPollTrace() {
  return std::make_shared<logging::CallContext>(std::nullopt, "");
}

}  // namespace

absl::StatusOr<int> DelayedJobWorker::RunOnce() {
  std::optional<logging::ScopedCall> poll_trace;
  if (logging::CurrentCall() == nullptr) poll_trace.emplace(NewPollTrace());
  // One script per partition: each is atomic on its own and touches one hash tag. A
  // partition that fails (its Redis node down, say) does not hold back the others.
  absl::StatusOr<std::vector<absl::StatusOr<int>>> results =
      fire_many_(all_partitions_, options_.batch);
  if (!results.ok()) {
    if (counters_.errors != nullptr) counters_.errors->Increment(partitions_);
    spdlog::warn("{}: could not fire the due jobs of any of the {} partitions, will retry: {}",
                 name_, partitions_, results.status().ToString());
    return results.status();
  }
  int fired = 0;
  absl::Status first_error;
  for (size_t i = 0; i < results->size(); ++i) {
    const absl::StatusOr<int>& n = (*results)[i];
    if (!n.ok()) {
      if (counters_.errors != nullptr) counters_.errors->Increment();
      if (first_error.ok()) first_error = n.status();
      spdlog::warn("{}: could not fire the due jobs of partition {}, will retry: {}", name_, i,
                   n.status().ToString());
      continue;
    }
    fired += *n;
  }
  if (fired > 0) {
    fired_->fetch_add(static_cast<uint64_t>(fired), std::memory_order_relaxed);
    if (counters_.fired != nullptr) counters_.fired->Increment(fired);
  }
  if (!first_error.ok()) return first_error;
  return fired;
}

void DelayedJobWorker::Start() { loop_.Start(); }

void DelayedJobWorker::Stop() { loop_.Stop(); }

bool DelayedJobWorker::PollOnce() {
  logging::ScopedCall poll_trace(NewPollTrace());
  // RunOnce logged its failures.
  absl::StatusOr<int> fired = RunOnce();
  if (fired.ok() && *fired > 0) spdlog::info("{}: fired {} job(s)", name_, *fired);
  if (after_poll_) after_poll_();
  return false;
}

}  // namespace events::bus
