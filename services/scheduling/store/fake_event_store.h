#pragma once

#include <map>
#include <set>

#include "absl/base/thread_annotations.h"
#include "common/util/mutex.h"
#include "services/scheduling/store/event_store.h"

namespace events::scheduling {

// EventStore in memory, for unit tests of the domain. Same semantics as RedisEventStore;
// the domain events it would have appended to streams are kept in order in Emitted().
class FakeEventStore final : public EventStore {
 public:
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
  // One partition: `partition` is 0.
  absl::StatusOr<int> FireDueJobs(int partition, int64_t now_unix_ms, int limit) override;
  int partitions() const override { return 1; }

  // Every domain event emitted so far, in order.
  std::vector<events::v1::DomainEvent> Emitted() const;
  // Pending jobs by id.
  std::map<std::string, DelayedJob> PendingJobs() const;

 private:
  // Members "<start>:<id>" of events matching `keep`, after the page token.
  template <typename Keep>
  absl::StatusOr<EventPage> Page(const std::string& page_token, int page_size,
                                 const std::string& floor, const std::string& ceiling,
                                 Keep keep) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable Mutex mu_;
  std::map<std::string, events::v1::Event> events_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::vector<std::string>> event_jobs_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, events::v1::Series> series_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, DelayedJob> jobs_ ABSL_GUARDED_BY(mu_);
  std::vector<events::v1::DomainEvent> emitted_ ABSL_GUARDED_BY(mu_);
};

}  // namespace events::scheduling
