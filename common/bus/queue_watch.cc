// QueueWatch: the consumer groups' and delayed-job queues' figures, one pipeline a refresh.

#include "common/bus/queue_watch.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/bus/bus_scripts.h"
#include "common/redis/redis_client.h"

namespace events::bus {

using events::redis::ArrayAt;
using events::redis::ArraySize;
using events::redis::AsInt;
using events::redis::ReplyPtr;
using events::redis::ScriptCall;

QueueWatch::QueueWatch(redis::RedisClient& redis, const Clock& clock)
    : redis_(redis), clock_(clock) {}

void QueueWatch::Watch(const Consumer& consumer) {
  MutexLock lock(&mu_);
  keys_ = consumer.keys();
  for (const WatchedGroup& g : groups_) {
    if (g.group == consumer.group()) return;
  }
  groups_.push_back({consumer.group(), consumer.counts()});
  figures_.groups.push_back({consumer.group()});
}

void QueueWatch::Watch(const DelayedJobWorker& worker, const Keyspace& keys) {
  MutexLock lock(&mu_);
  keys_ = keys;
  for (const WatchedQueue& q : queues_) {
    if (q.queue.name == worker.queue().name) return;
  }
  queues_.push_back({worker.queue(), worker.fired()});
  figures_.queues.push_back({worker.queue().name});
}

bool QueueWatch::watching() const {
  MutexLock lock(&mu_);
  return !groups_.empty() || !queues_.empty();
}

absl::Status QueueWatch::Refresh() {
  std::vector<ScriptCall> calls;
  std::vector<std::string> group_names;
  size_t queue_count = 0;
  {
    MutexLock lock(&mu_);
    if (!keys_.has_value()) return absl::OkStatus();
    std::vector<std::string> args = {absl::StrCat(clock_.NowUnixMs()),
                                     absl::StrCat(kOverdue.count()), absl::StrCat(groups_.size())};
    for (const WatchedGroup& g : groups_) {
      args.push_back(g.group);
      group_names.push_back(g.group);
    }
    queue_count = queues_.size();
    calls.reserve(static_cast<size_t>(std::max(0, keys_->partitions())));
    for (int p = 0; p < keys_->partitions(); ++p) {
      std::vector<std::string> keys = {keys_->Stream(p), keys_->DeadLetterStream(p)};
      for (const WatchedQueue& q : queues_) {
        keys.push_back(keys_->PartitionPrefix(p) + q.queue.key_suffix);
      }
      calls.push_back({std::move(keys), args});
    }
  }
  absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> replies =
      redis_.EvalMany(lua::Watch(), calls);
  if (!replies.ok()) return replies.status();

  const size_t expected = 1 + 3 * group_names.size() + 2 * queue_count;
  int64_t dead = 0;
  std::vector<GroupFigures> groups(group_names.size());
  std::vector<JobQueueFigures> queues(queue_count);
  for (const absl::StatusOr<ReplyPtr>& reply : *replies) {
    if (!reply.ok()) return reply.status();
    if (ArraySize(**reply) != expected) {
      return absl::InternalError("the bus_watch script returned an unexpected reply");
    }
    const redisReply& r = **reply;
    dead += AsInt(ArrayAt(r, 0));
    for (size_t g = 0; g < groups.size(); ++g) {
      groups[g].lag += AsInt(ArrayAt(r, 1 + 3 * g));
      groups[g].pending += AsInt(ArrayAt(r, 2 + 3 * g));
      groups[g].oldest_pending_seconds =
          std::max(groups[g].oldest_pending_seconds,
                   static_cast<double>(AsInt(ArrayAt(r, 3 + 3 * g))) / 1000.0);
    }
    const size_t first_queue = 1 + 3 * groups.size();
    for (size_t q = 0; q < queues.size(); ++q) {
      queues[q].due += AsInt(ArrayAt(r, first_queue + 2 * q));
      queues[q].overdue += AsInt(ArrayAt(r, first_queue + 2 * q + 1));
    }
  }

  MutexLock lock(&mu_);
  figures_.refreshed = true;
  figures_.dead_letter_entries = dead;
  // Watches added while the pipeline was out keep their zeros until the next refresh.
  for (size_t g = 0; g < groups.size(); ++g) {
    figures_.groups[g].lag = groups[g].lag;
    figures_.groups[g].pending = groups[g].pending;
    figures_.groups[g].oldest_pending_seconds = groups[g].oldest_pending_seconds;
  }
  for (size_t q = 0; q < queues.size(); ++q) {
    figures_.queues[q].due = queues[q].due;
    figures_.queues[q].overdue = queues[q].overdue;
  }
  return absl::OkStatus();
}

QueueFigures QueueWatch::Figures() const {
  MutexLock lock(&mu_);
  QueueFigures out = figures_;
  for (size_t g = 0; g < out.groups.size(); ++g) {
    out.groups[g].redeliveries = groups_[g].counts->redeliveries.load(std::memory_order_relaxed);
    out.groups[g].dead_letters = groups_[g].counts->dead_letters.load(std::memory_order_relaxed);
  }
  for (size_t q = 0; q < out.queues.size(); ++q) {
    out.queues[q].fired = queues_[q].fired->load(std::memory_order_relaxed);
  }
  return out;
}

}  // namespace events::bus
