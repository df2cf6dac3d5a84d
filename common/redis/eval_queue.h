#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "common/redis/redis_client.h"
#include "common/util/mutex.h"

namespace events::redis {

// Runs one Lua script for many callers without blocking them: a caller queues its
// arguments and a callback, and returns at once. A few sender threads take what has
// queued, send it as one pipeline (RedisClient::EvalMany) and answer each callback on the
// sender thread. Under load, the calls that arrive while a pipeline is out travel together
// in the next one, so Redis and this process pay one round trip for many calls (and no
// thread per call waits for Redis). Each EVALSHA is still atomic on its own, in queue order
// per sender.
//
// Grouping (Options::group): calls with the same KEYS whose first `shared_args`
// arguments are equal (say, one event's) and that are queued together travel as ONE
// EVALSHA, so the script runs once for the group: KEYS are the calls' keys, ARGV the shared
// arguments, then the number of calls N, then each call's own arguments in queue order
// (every call of a group has as many). The
// script must answer an array of N replies, the i-th for the i-th call; each caller gets
// its own. A script error, or a reply that is not such an array, fails every call of the
// group (the script may have run for some of them, as with any failed round trip).
//
// Deadlines and load shedding: a call may carry its caller's deadline. It is never sent
// once that has passed (so a call whose caller gave up starts no write); shortly before its
// deadline (Options::answer_margin) it is answered UNAVAILABLE if Redis has not answered it
// yet, whether it still waits in the queue ("not sent") or is out in a pipeline ("sent, may
// have run"), so the caller hears back in time even when Redis hangs, whatever the
// deadlines of the calls that share its pipeline; and a pipeline out waits for Redis no
// longer than the latest of its calls' give-up times (its reply then goes only to the
// callers not answered yet). The
// queue holds at most Options::max_queued calls: beyond that Eval answers
// RESOURCE_EXHAUSTED at once. Calls answered so were never sent: nothing was written.
//
// Callbacks must be quick and must not block (hand longer work to another thread). The
// destructor runs everything already queued, then stops; Eval after that answers
// UNAVAILABLE. Thread-safe.
class EvalQueue {
 public:
  using Done = std::function<void(absl::StatusOr<ReplyPtr>)>;
  struct Options {
    // Threads sending pipelines, each on a pooled connection while a pipeline is out.
    int senders = 2;
    // The most calls in one pipeline.
    size_t max_batch = 128;
    // false: every call is its own EVALSHA. true: calls with the same KEYS that share their
    // first `shared_args` arguments are grouped into one (see above).
    bool group = false;
    size_t shared_args = 0;
    // The most calls in one group.
    size_t max_group = 64;
    // The most calls waiting to be sent; more are refused with RESOURCE_EXHAUSTED.
    size_t max_queued = 4096;
    // How long before its deadline a call still waiting is answered UNAVAILABLE (at most a
    // quarter of the time it had when queued), so the answer reaches the caller in time.
    std::chrono::milliseconds answer_margin{20};
  };
  using Deadline = std::chrono::steady_clock::time_point;
  static constexpr Deadline kNoDeadline = Deadline::max();

  // `redis` and `script` must outlive the queue.
  EvalQueue(RedisClient& redis, const LuaScript& script, Options options);
  ~EvalQueue();
  EvalQueue(const EvalQueue&) = delete;
  EvalQueue& operator=(const EvalQueue&) = delete;

  // Queues EVALSHA with `call`'s KEYS and ARGV; `done` gets the reply, or the status of an
  // error reply, or the failure of the round trip (which may have run the script), or
  // UNAVAILABLE / RESOURCE_EXHAUSTED for a call never sent (see above).
  void Eval(ScriptCall call, Done done, Deadline deadline = kNoDeadline) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // A caller's answer, given once: by a sender (Redis's reply) or by the reaper (the
  // caller's give-up time came first), whichever is first.
  struct Answer {
    explicit Answer(Done d) : done(std::move(d)) {}
    // Calls `done` unless the call was answered already.
    void Give(absl::StatusOr<ReplyPtr> reply);
    std::atomic<bool> given{false};
    Done done;
  };
  struct Call {
    ScriptCall call;
    std::shared_ptr<Answer> answer;
    Deadline deadline = kNoDeadline;
    // When a waiting call is answered instead of sent: the deadline less the margin.
    Deadline give_up = kNoDeadline;
  };
  void Send() ABSL_LOCKS_EXCLUDED(mu_);
  // Answers the calls, queued or out in a pipeline, whose give_up has come; runs on reaper_.
  void Reap() ABSL_LOCKS_EXCLUDED(mu_);
  // Moves the calls of queue_ whose deadline (by_deadline) or give_up time has come by
  // `now` to `out`.
  void TakeExpired(Deadline now, bool by_deadline, std::vector<Call>* out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The latest give_up time of the calls in `batch` (kNoDeadline if one has none).
  static Deadline LatestDeadline(const std::vector<Call>& batch);
  // Answers calls that were never sent.
  static void Refuse(std::vector<Call>& calls, const absl::Status& status);
  // Sends `batch` as one pipeline and answers every call.
  void Run(std::vector<Call>& batch);
  // The same, one EVALSHA per group of calls with the same shared arguments.
  void RunGrouped(std::vector<Call>& batch);

  RedisClient& redis_;
  const LuaScript& script_;
  const Options options_;
  Mutex mu_;
  CondVar wake_;
  CondVar reap_;  // wakes reaper_ when a call gives up sooner than it sleeps
  std::deque<Call> queue_ ABSL_GUARDED_BY(mu_);
  // The calls out in pipelines that have a give-up time, by a number of their own (the
  // reaper removes those it answers; the sender the rest once the pipeline is back).
  struct Out {
    Deadline give_up;
    std::shared_ptr<Answer> answer;
  };
  std::map<uint64_t, Out> out_ ABSL_GUARDED_BY(mu_);
  uint64_t next_out_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  Deadline reaper_wakes_ ABSL_GUARDED_BY(mu_) = kNoDeadline;
  std::vector<std::thread> senders_;
  std::thread reaper_;
};

}  // namespace events::redis
