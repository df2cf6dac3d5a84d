#pragma once

#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "services/scheduling/store/event_store.h"

namespace events::scheduling {

// EventStore on Redis. Keys of an event live in its partition "{p<N>}":
//   {pN}:event:<id>              hash: data (Event proto), version, status, member, jobs, series
//   {pN}:series:<id>             hash: data (Series proto)
//   {pN}:upcoming                lex zset of published events (IndexMember)
//   {pN}:org:<org>:all           lex zset of the organisation's events
//   {pN}:org:<org>:st:<status>   lex zset by status
//   {pN}:jobs, {pN}:jobdata      delayed jobs (common/redis/lua/jobs.lua): zset of
//                                "emit:<job id>" by due time, and their payloads by member
//   {pN}:events                  the domain-event stream
// Every change is one Lua script (see lua_scripts.cc). Thread-safe.
class RedisEventStore final : public EventStore {
 public:
  struct Options {
    // Streams are trimmed to about this many entries per partition.
    int64_t stream_maxlen = 1000000;
  };
  RedisEventStore(events::redis::RedisClient& redis, const events::bus::Keyspace& keys,
                  Options options);

  absl::Status Apply(const std::vector<EventWrite>& writes,
                     const std::optional<events::v1::Series>& new_series) override;
  absl::StatusOr<events::v1::Event> Get(const std::string& event_id) override;
  absl::StatusOr<events::v1::Series> GetSeries(const std::string& series_id) override;
  absl::StatusOr<EventPage> ListUpcoming(int64_t from_unix_ms, int64_t to_unix_ms,
                                         const std::string& page_token, int page_size) override;
  absl::StatusOr<EventPage> ListByOrganisation(const std::string& org_id,
                                               events::v1::EventStatus status,
                                               const std::string& page_token,
                                               int page_size) override;
  absl::StatusOr<int> FireDueJobs(int partition, int64_t now_unix_ms, int limit) override;
  absl::StatusOr<std::vector<absl::StatusOr<int>>> FireDueJobsIn(const std::vector<int>& partitions,
                                                                 int64_t now_unix_ms,
                                                                 int limit) override;
  int partitions() const override;

 private:
  std::string EventKey(const std::string& event_id) const;
  std::string OrgIndex(int partition, const std::string& org_id,
                       events::v1::EventStatus status) const;
  // Reads up to page_size members after `after` (exclusive) below `upper` from the lex
  // index `index_suffix` of every partition, merges them and loads the events.
  absl::StatusOr<EventPage> ListMerged(const std::string& index_suffix, const std::string& after,
                                       const std::string& upper, int page_size);

  events::redis::RedisClient& redis_;
  const events::bus::Keyspace& keys_;
  Options options_;
};

}  // namespace events::scheduling
