#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/bus/keyspace.h"
#include "events/v1/domain_events.pb.h"

namespace events::redis {
class RedisClient;
}

namespace events::bus {

// The envelope as stream-entry fields, flattened "field, value, field, value...", in the
// order Lua's XADD takes them. Scripts receive these as ARGV and append them with
// xadd_event (common/bus/lua/xadd_event.lua, put in front of the script by its
// events_lua_scripts() call) in the same script as the state change (transactional outbox).
// The last pair is the traceparent: the event's own if set, else the trace of the call the
// thread works for (logging::CurrentTraceParent, with that call's span), else "" (always
// written, so the count is fixed).
std::vector<std::string> ToStreamFields(const events::v1::DomainEvent& event);
// Number of strings ToStreamFields returns (fixed, so scripts can walk ARGV).
inline constexpr int kStreamFieldCount = 18;

// Reads a stream entry's field/value pairs back into an envelope. INVALID_ARGUMENT when a
// required field (id, type) is missing. traceparent is optional (entries written before it
// existed have none) and copied as it is, not checked.
absl::StatusOr<events::v1::DomainEvent> FromStreamFields(
    const std::vector<std::pair<std::string, std::string>>& fields);

// Appends one event outside any script (for events with no state change of their own).
// Returns the new entry id. INVALID_ARGUMENT for a partition out of range or an event
// without id or type; maxlen <= 0 keeps every entry.
absl::StatusOr<std::string> Publish(events::redis::RedisClient& redis, const Keyspace& keys,
                                    int partition, const events::v1::DomainEvent& event,
                                    int64_t maxlen = 1000000);

// One entry handed to a consumer.
struct Delivery {
  int partition = 0;
  std::string stream_id;
  // How many times the group has handed this entry out, this time included.
  int64_t delivery_count = 1;
  // Empty unless the entry could not be parsed (then event is empty and this says why).
  std::string parse_error;
  events::v1::DomainEvent event;
};

struct ConsumerOptions {
  std::string group;     // e.g. "integrations"
  std::string consumer;  // unique per process, e.g. hostname-pid
  int batch_size = 100;
  // Entries pending longer than this on another consumer are claimed (XAUTOCLAIM).
  std::chrono::milliseconds claim_idle{60000};
  // After this many deliveries an entry goes to the dead-letter stream and is acked.
  int max_deliveries = 5;
};

// What a Consumer's polls did, counted since it was made; read from any thread (the
// metrics), written by the consumer's.
struct ConsumerCounts {
  // Entries claimed from a consumer that held them past claim_idle and handed out again.
  std::atomic<uint64_t> redeliveries{0};
  // Entries this consumer moved to the dead-letter stream (past max_deliveries).
  std::atomic<uint64_t> dead_letters{0};
};

// A consumer-group reader over every partition stream.
//
// At least once: an entry is handed out until Ack'd; side effects must be idempotent by the
// event id. Not thread-safe: use one Consumer per thread. Errors: UNAVAILABLE when Redis is
// down (retry later); INTERNAL on unexpected replies.
class Consumer {
 public:
  Consumer(events::redis::RedisClient& redis, const Keyspace& keys, ConsumerOptions options);

  // Creates the group on every partition stream (from the start, "0"), idempotently.
  absl::Status EnsureGroups();

  // New entries for this consumer, plus entries stuck on other consumers longer than
  // claim_idle; entries past max_deliveries are dead-lettered instead of returned. At most
  // batch_size, taken from the partitions in turn (the first one rotates each call). Two
  // round trips whatever the number of partitions (one per Redis node each on a cluster):
  // one that asks every partition what it has, one that claims and reads where there is
  // something; an idle poll ends after the first. Never blocks in Redis (non-blocking
  // reads); callers pace their polling.
  absl::StatusOr<std::vector<Delivery>> Poll();

  // XACK after the side effect is done.
  absl::Status Ack(const Delivery& delivery);
  // XACK of many deliveries: one XACK per partition, in one round trip.
  absl::Status AckAll(const std::vector<const Delivery*>& deliveries);
  int batch_size() const { return options_.batch_size; }
  const std::string& group() const { return options_.group; }
  const Keyspace& keys() const { return keys_; }
  // Shared, so the metrics may keep reading it after the consumer is gone.
  std::shared_ptr<const ConsumerCounts> counts() const { return counts_; }

 private:
  // How many entries Poll asks of one partition.
  struct Allotment {
    int partition = 0;
    int limit = 0;
  };
  // Asks every partition, in one pipeline, what it has for this group (new entries, entries
  // idle past claim_idle), and shares the batch out in turn from `start`. Partitions with
  // nothing get no call. The status of the round trip, or of the first partition that failed
  // when no other has anything.
  absl::StatusOr<std::vector<Allotment>> Allot(int start);

  events::redis::RedisClient& redis_;
  // A copy: a Keyspace is two small fields, and a reference could outlive a temporary.
  const Keyspace keys_;
  ConsumerOptions options_;
  // XAUTOCLAIM cursor per partition, so a long pending list is scanned a batch at a time.
  std::vector<std::string> claim_cursors_;
  // Where the next Poll starts, rotating so a busy partition cannot starve the others.
  int next_partition_ = 0;
  const std::shared_ptr<ConsumerCounts> counts_ = std::make_shared<ConsumerCounts>();
};

// What a projection made of one entry: done (acknowledge it), or left pending for the group
// to hand out again later.
enum class Handled { kAck, kLeavePending };

// One batch of a projection: what was acknowledged, and the error that ended it early.
struct PollResult {
  int acked = 0;
  absl::Status stopped;
};

// One poll of `consumer`: hands the entries to `handle` in order and acknowledges those it
// says to, in one round trip per partition. An error from `handle` (a dependency is down, so
// the rest would fail the same way) ends the batch: the entries after it stay pending, and
// the error comes back in PollResult::stopped, after the acknowledgements. The status is
// the poll's or the acknowledgement's failure (side effects done are idempotent; those
// entries come back).
absl::StatusOr<PollResult> PollAndAck(
    Consumer& consumer, const std::function<absl::StatusOr<Handled>(const Delivery&)>& handle);

}  // namespace events::bus
