#include "common/redis/eval_queue.h"

#include <algorithm>
#include <utility>

namespace events::redis {

EvalQueue::EvalQueue(RedisClient& redis, const LuaScript& script, Options options)
    : redis_(redis), script_(script), options_(options) {
  const int senders = std::max(1, options_.senders);
  senders_.reserve(senders);
  for (int i = 0; i < senders; ++i) senders_.emplace_back([this] { Send(); });
}

EvalQueue::~EvalQueue() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : senders_) t.join();
}

void EvalQueue::Eval(std::vector<std::string> args, Done done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      queue_.push_back(Call{std::move(args), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(absl::UnavailableError("the service is stopping; try again"));
}

void EvalQueue::Send() {
  const size_t max_batch = std::max<size_t>(1, options_.max_batch);
  std::vector<Call> batch;
  std::vector<std::vector<std::string>> arg_lists;
  for (;;) {
    batch.clear();
    arg_lists.clear();
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to run
      while (!queue_.empty() && batch.size() < max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    arg_lists.reserve(batch.size());
    for (Call& call : batch) arg_lists.push_back(std::move(call.args));
    absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> replies =
        redis_.EvalMany(script_, arg_lists);
    for (size_t i = 0; i < batch.size(); ++i) {
      if (!replies.ok()) {
        batch[i].done(replies.status());
      } else {
        batch[i].done(std::move((*replies)[i]));
      }
    }
  }
}

}  // namespace events::redis
