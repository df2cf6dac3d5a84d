#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "events/v1/domain_events.pb.h"
#include "events/v1/scheduling.pb.h"

namespace events::scheduling {

// Something to emit later, through the delayed-job queue: when due, the worker appends
// `event` to the partition stream (with its time set to the firing time).
struct DelayedJob {
  // Unique per job and deterministic, e.g. "ev_..|reminder|1440|s2". Also the id of the
  // domain event it emits, so a consumer sees the same id whoever fires it.
  std::string id;
  int64_t due_unix_ms = 0;
  events::v1::DomainEvent event;
};

// One event's new state, written only if the stored one is still at expected_version.
struct EventWrite {
  events::v1::Event event;
  // 0: the event must not exist yet (create). Otherwise the stored version.
  int64_t expected_version = 0;
  // The stored status before this write (UNSPECIFIED on create), to move it between indexes.
  events::v1::EventStatus previous_status = events::v1::EVENT_STATUS_UNSPECIFIED;
  // The stored start before this write (0 on create), to move it in the time indexes.
  int64_t previous_start_unix_ms = 0;
  // Appended to the partition stream in the same atomic step (transactional outbox).
  std::vector<events::v1::DomainEvent> domain_events;
  // When true, the event's pending jobs are all removed and `jobs` scheduled instead.
  bool replace_jobs = false;
  std::vector<DelayedJob> jobs;
};

struct EventPage {
  std::vector<events::v1::Event> events;
  // Empty when there are no more.
  std::string next_page_token;
};

// Where events, series, their indexes and their delayed jobs live.
//
// Every method is thread-safe and safe to call from several processes at once. Common
// errors: UNAVAILABLE when the store cannot be reached (a retry may work).
class EventStore {
 public:
  virtual ~EventStore() = default;

  // Applies every write, its domain events and jobs, and optionally creates a series, as
  // one atomic step: all or nothing. All writes (and the series) must share a partition.
  // ABORTED when an event's stored version is not the expected one (or it already exists
  // on create); ALREADY_EXISTS when the series exists.
  virtual absl::Status Apply(const std::vector<EventWrite>& writes,
                             const std::optional<events::v1::Series>& new_series) = 0;

  // NOT_FOUND when there is no such event.
  virtual absl::StatusOr<events::v1::Event> Get(const std::string& event_id) = 0;

  // NOT_FOUND when there is no such series.
  virtual absl::StatusOr<events::v1::Series> GetSeries(const std::string& series_id) = 0;

  // Published events starting in [from, to) (to = 0: no end), soonest first.
  // INVALID_ARGUMENT for a page token this store did not issue.
  virtual absl::StatusOr<EventPage> ListUpcoming(int64_t from_unix_ms, int64_t to_unix_ms,
                                                 const std::string& page_token, int page_size) = 0;

  // An organisation's events with this status (UNSPECIFIED: all), by start time.
  virtual absl::StatusOr<EventPage> ListByOrganisation(const std::string& org_id,
                                                       events::v1::EventStatus status,
                                                       const std::string& page_token,
                                                       int page_size) = 0;

  // Emits every job of `partition` due at or before now (at most `limit`) to the partition
  // stream and removes it, atomically per job: a job fires exactly once, however many
  // workers run. Returns how many fired. bus::DelayedJobWorker calls it for every partition.
  virtual absl::StatusOr<int> FireDueJobs(int partition, int64_t now_unix_ms, int limit) = 0;
  // FireDueJobs for each of `partitions`: one result per partition, in order, or the failure
  // of the round trip. The Redis store sends them all in one round trip; this default calls
  // FireDueJobs for each.
  virtual absl::StatusOr<std::vector<absl::StatusOr<int>>> FireDueJobsIn(
      const std::vector<int>& partitions, int64_t now_unix_ms, int limit) {
    std::vector<absl::StatusOr<int>> fired;
    fired.reserve(partitions.size());
    for (int p : partitions) fired.push_back(FireDueJobs(p, now_unix_ms, limit));
    return fired;
  }
  // How many partitions FireDueJobs takes (0 to partitions() - 1).
  virtual int partitions() const = 0;
};

}  // namespace events::scheduling
