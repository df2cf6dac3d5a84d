#include "common/redis/eval_queue.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/call_context.h"

namespace events::redis {

EvalQueue::EvalQueue(RedisClient& redis, const LuaScript& script, Options options)
    : redis_(redis), script_(script), options_(options) {
  const int senders = std::max(1, options_.senders);
  senders_.reserve(senders);
  for (int i = 0; i < senders; ++i) senders_.emplace_back([this] { Send(); });
  reaper_ = std::thread([this] { Reap(); });
}

EvalQueue::~EvalQueue() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  wake_.SignalAll();
  reap_.SignalAll();
  for (std::thread& t : senders_) t.join();
  reaper_.join();
}

void EvalQueue::Eval(ScriptCall call, Done done, Deadline deadline) {
  // The answer is handled for the call that asked (its log lines and any call to another
  // service it leads to keep that call's trace), on whichever thread Redis answers.
  if (std::shared_ptr<logging::CallContext> current = logging::CurrentCall()) {
    done = [current = std::move(current), done = std::move(done)](absl::StatusOr<ReplyPtr> reply) {
      logging::ScopedCall scope(current);
      done(std::move(reply));
    };
  }
  const Deadline now = std::chrono::steady_clock::now();
  absl::Status refused;
  {
    MutexLock lock(&mu_);
    if (stopping_) {
      refused = absl::UnavailableError("the service is stopping; try again");
    } else if (deadline <= now) {
      refused = absl::UnavailableError(absl::StrCat("the caller's deadline had passed before ",
                                                    script_.name(),
                                                    " was queued; nothing was "
                                                    "sent to Redis"));
    } else if (queue_.size() >= std::max<size_t>(1, options_.max_queued)) {
      refused = absl::ResourceExhaustedError(
          absl::StrCat(queue_.size(), " calls of ", script_.name(),
                       " are already waiting for Redis; nothing was sent. Try again in a moment"));
    } else {
      Deadline give_up = kNoDeadline;
      if (deadline != kNoDeadline) {
        give_up = deadline - std::min<std::chrono::steady_clock::duration>(options_.answer_margin,
                                                                           (deadline - now) / 4);
      }
      queue_.push_back(
          Call{std::move(call), std::make_shared<Answer>(std::move(done)), deadline, give_up});
      wake_.Signal();
      if (give_up < reaper_wakes_) reap_.Signal();
      return;
    }
  }
  done(refused);
}

void EvalQueue::Answer::Give(absl::StatusOr<ReplyPtr> reply) {
  if (!given.exchange(true)) done(std::move(reply));
}

void EvalQueue::TakeExpired(Deadline now, bool by_deadline, std::vector<Call>* out) {
  for (auto it = queue_.begin(); it != queue_.end();) {
    if ((by_deadline ? it->deadline : it->give_up) <= now) {
      out->push_back(std::move(*it));
      it = queue_.erase(it);
    } else {
      ++it;
    }
  }
}

void EvalQueue::Refuse(std::vector<Call>& calls, const absl::Status& status) {
  for (Call& call : calls) call.answer->Give(status);
  calls.clear();
}

void EvalQueue::Reap() {
  std::vector<Call> expired;
  std::vector<std::shared_ptr<Answer>> unanswered;
  mu_.Lock();
  while (!stopping_) {
    const Deadline now = std::chrono::steady_clock::now();
    TakeExpired(now, /*by_deadline=*/false, &expired);
    for (auto it = out_.begin(); it != out_.end();) {
      if (it->second.give_up <= now) {
        unanswered.push_back(std::move(it->second.answer));
        it = out_.erase(it);
      } else {
        ++it;
      }
    }
    if (!expired.empty() || !unanswered.empty()) {
      mu_.Unlock();
      Refuse(expired, absl::UnavailableError(absl::StrCat(
                          "Redis did not take this ", script_.name(),
                          " call before the caller's deadline; it was not sent, nothing was "
                          "written. Try again")));
      // Out in a pipeline that Redis has not answered (its other calls may have later
      // deadlines): answered now, so this caller hears back in time.
      for (std::shared_ptr<Answer>& answer : unanswered) {
        answer->Give(absl::UnavailableError(absl::StrCat(
            "Redis did not answer this ", script_.name(),
            " call before the caller's deadline; it was sent, so it may have run. Try again")));
      }
      unanswered.clear();
      mu_.Lock();
      continue;
    }
    reaper_wakes_ = kNoDeadline;
    for (const Call& call : queue_) reaper_wakes_ = std::min(reaper_wakes_, call.give_up);
    for (const auto& entry : out_) reaper_wakes_ = std::min(reaper_wakes_, entry.second.give_up);
    if (reaper_wakes_ == kNoDeadline) {
      reap_.Wait(&mu_);
    } else {
      reap_.WaitUntil(&mu_, reaper_wakes_);
    }
  }
  mu_.Unlock();
}

void EvalQueue::Send() {
  const size_t max_batch = std::max<size_t>(1, options_.max_batch);
  std::vector<Call> batch;
  std::vector<Call> expired;
  std::vector<uint64_t> out;
  for (;;) {
    batch.clear();
    out.clear();
    {
      MutexLock lock(&mu_);
      while (!stopping_ && queue_.empty()) wake_.Wait(&mu_);
      if (queue_.empty()) return;  // stopping, and nothing left to run
      // Never send a call whose caller has given up: it would write after the answer.
      TakeExpired(std::chrono::steady_clock::now(), /*by_deadline=*/true, &expired);
      while (!queue_.empty() && batch.size() < max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      // The reaper answers any of them whose give-up time comes before Redis answers.
      bool sooner = false;
      for (const Call& call : batch) {
        if (call.give_up == kNoDeadline) continue;
        out.push_back(next_out_++);
        out_.emplace(out.back(), Out{call.give_up, call.answer});
        sooner = sooner || call.give_up < reaper_wakes_;
      }
      if (sooner) reap_.Signal();
    }
    Refuse(expired, absl::UnavailableError(absl::StrCat(
                        "the caller's deadline passed before this ", script_.name(),
                        " call could be sent to Redis; nothing was written. Try again")));
    if (batch.empty()) continue;
    if (options_.group) {
      RunGrouped(batch);
    } else {
      Run(batch);
    }
    MutexLock lock(&mu_);
    for (uint64_t n : out) out_.erase(n);
  }
}

EvalQueue::Deadline EvalQueue::LatestDeadline(const std::vector<Call>& batch) {
  Deadline latest = batch.empty() ? kNoDeadline : batch.front().give_up;
  for (const Call& call : batch) latest = std::max(latest, call.give_up);
  return latest;
}

void EvalQueue::Run(std::vector<Call>& batch) {
  std::vector<ScriptCall> calls;
  calls.reserve(batch.size());
  for (Call& call : batch) calls.push_back(std::move(call.call));
  absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> replies =
      redis_.EvalMany(script_, calls, LatestDeadline(batch));
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!replies.ok()) {
      batch[i].answer->Give(replies.status());
    } else {
      batch[i].answer->Give(std::move((*replies)[i]));
    }
  }
}

void EvalQueue::RunGrouped(std::vector<Call>& batch) {
  const size_t shared = options_.shared_args;
  const size_t max_group = std::max<size_t>(1, options_.max_group);
  // Each group: the calls (indexes into batch, in queue order); the arguments of a call that
  // has fewer than `shared` arguments, or a different number than its group's first, start a
  // group of their own.
  std::vector<std::vector<size_t>> groups;
  for (size_t i = 0; i < batch.size(); ++i) {
    const std::vector<std::string>& args = batch[i].call.args;
    bool placed = false;
    for (std::vector<size_t>& group : groups) {
      const ScriptCall& head = batch[group.front()].call;
      const std::vector<std::string>& first = head.args;
      if (group.size() < max_group && args.size() >= shared && first.size() == args.size() &&
          head.keys == batch[i].call.keys &&
          std::equal(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(shared),
                     first.begin())) {
        group.push_back(i);
        placed = true;
        break;
      }
    }
    if (!placed) groups.push_back({i});
  }

  std::vector<ScriptCall> calls;
  calls.reserve(groups.size());
  for (const std::vector<size_t>& group : groups) {
    std::vector<std::string>& first = batch[group.front()].call.args;
    const size_t own = first.size() >= shared ? first.size() - shared : 0;
    std::vector<std::string> args;
    args.reserve(shared + 1 + own * group.size());
    const size_t n_shared = std::min(shared, first.size());
    for (size_t k = 0; k < n_shared; ++k) args.push_back(std::move(first[k]));
    args.push_back(std::to_string(group.size()));
    for (size_t i : group) {
      std::vector<std::string>& call = batch[i].call.args;
      for (size_t k = n_shared; k < call.size(); ++k) args.push_back(std::move(call[k]));
    }
    calls.push_back(ScriptCall{std::move(batch[group.front()].call.keys), std::move(args)});
  }

  // Waits for Redis until the latest caller's give-up time. A script that is given its
  // callers' deadlines may refuse those that have passed by the time it runs (registration's
  // register script does), for a Redis that was frozen while the calls were out.
  absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> replies =
      redis_.EvalMany(script_, calls, LatestDeadline(batch));
  for (size_t g = 0; g < groups.size(); ++g) {
    const std::vector<size_t>& group = groups[g];
    absl::Status failed;
    if (!replies.ok()) {
      failed = replies.status();
    } else if (!(*replies)[g].ok()) {
      failed = (*replies)[g].status();
    } else if ((*(*replies)[g])->type != REDIS_REPLY_ARRAY ||
               (*(*replies)[g])->elements != group.size()) {
      failed = absl::InternalError(absl::StrCat("the script ", script_.name(), " answered ",
                                                group.size(),
                                                " grouped calls with something else than an "
                                                "array of as many replies"));
    }
    if (!failed.ok()) {
      for (size_t i : group) batch[i].answer->Give(failed);
      continue;
    }
    redisReply* all = (*replies)[g]->get();
    for (size_t k = 0; k < group.size(); ++k) {
      // Each caller owns its element; the array frees the elements left (none).
      ReplyPtr own(all->element[k]);
      all->element[k] = nullptr;
      batch[group[k]].answer->Give(std::move(own));
    }
  }
}

}  // namespace events::redis
