#include "common/bus/worker_options.h"

#include <utility>

namespace events::bus {
namespace {

// Far beyond any outage: at one reclaim per claim_idle (30 s) this is about 1,000 years.
constexpr int kNeverDeadLetter = 1 << 30;

}  // namespace

ConsumerOptions WorkerConsumerOptions(std::string group, std::string consumer,
                                      std::chrono::milliseconds claim_idle) {
  ConsumerOptions options;
  options.group = std::move(group);
  options.consumer = std::move(consumer);
  options.batch_size = 500;
  options.claim_idle = claim_idle;
  options.max_deliveries = kNeverDeadLetter;
  return options;
}

}  // namespace events::bus
