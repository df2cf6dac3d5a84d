#include "services/scheduling/store/fake_event_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/scheduling/store/index_member.h"

namespace events::scheduling {

using events::v1::Event;

absl::Status FakeEventStore::Apply(const std::vector<EventWrite>& writes,
                                   const std::optional<events::v1::Series>& new_series) {
  MutexLock lock(&mu_);
  for (const EventWrite& w : writes) {
    auto it = events_.find(w.event.id());
    int64_t stored = it == events_.end() ? 0 : it->second.version();
    if ((w.expected_version == 0 && it != events_.end()) ||
        (w.expected_version != 0 && stored != w.expected_version)) {
      return absl::AbortedError(absl::StrCat("event ", w.event.id(),
                                             " was changed by someone else (now at version ",
                                             stored, "); fetch it again and retry"));
    }
  }
  if (new_series.has_value()) {
    if (series_.count(new_series->id()) > 0) {
      return absl::AlreadyExistsError(absl::StrCat("series ", new_series->id(), " already exists"));
    }
    series_[new_series->id()] = *new_series;
  }
  for (const EventWrite& w : writes) {
    events_[w.event.id()] = w.event;
    if (w.replace_jobs) {
      for (const std::string& id : event_jobs_[w.event.id()]) jobs_.erase(id);
      event_jobs_[w.event.id()].clear();
      for (const DelayedJob& job : w.jobs) {
        jobs_[job.id] = job;
        event_jobs_[w.event.id()].push_back(job.id);
      }
    }
    for (const auto& de : w.domain_events) emitted_.push_back(de);
  }
  return absl::OkStatus();
}

absl::StatusOr<Event> FakeEventStore::Get(const std::string& event_id) {
  MutexLock lock(&mu_);
  auto it = events_.find(event_id);
  if (it == events_.end())
    return absl::NotFoundError(absl::StrCat("event ", event_id, " not found"));
  return it->second;
}

absl::StatusOr<events::v1::Series> FakeEventStore::GetSeries(const std::string& series_id) {
  MutexLock lock(&mu_);
  auto it = series_.find(series_id);
  if (it == series_.end()) {
    return absl::NotFoundError(absl::StrCat("series ", series_id, " not found"));
  }
  return it->second;
}

template <typename Keep>
absl::StatusOr<EventPage> FakeEventStore::Page(const std::string& page_token, int page_size,
                                               const std::string& floor, const std::string& ceiling,
                                               Keep keep) const {
  std::string after;
  if (!page_token.empty()) {
    auto member = DecodePageToken(page_token);
    if (!member.ok()) return member.status();
    after = *member;
  }
  std::map<std::string, const Event*> sorted;
  for (const auto& [id, e] : events_) {
    std::string member = IndexMember(e.start_unix_ms(), id);
    if (keep(e) && member >= floor && member > after && (ceiling.empty() || member < ceiling)) {
      sorted[member] = &e;
    }
  }
  EventPage page;
  for (const auto& [member, e] : sorted) {
    if (static_cast<int>(page.events.size()) == page_size) {
      page.next_page_token =
          EncodePageToken(IndexMember(page.events.back().start_unix_ms(), page.events.back().id()));
      break;
    }
    page.events.push_back(*e);
  }
  return page;
}

absl::StatusOr<EventPage> FakeEventStore::ListUpcoming(int64_t from_unix_ms, int64_t to_unix_ms,
                                                       const std::string& page_token,
                                                       int page_size) {
  MutexLock lock(&mu_);
  return Page(page_token, page_size, IndexMember(from_unix_ms, ""),
              to_unix_ms > 0 ? IndexMember(to_unix_ms, "") : "",
              [](const Event& e) { return e.status() == events::v1::EVENT_STATUS_PUBLISHED; });
}

absl::StatusOr<EventPage> FakeEventStore::ListByOrganisation(const std::string& org_id,
                                                             events::v1::EventStatus status,
                                                             const std::string& page_token,
                                                             int page_size) {
  MutexLock lock(&mu_);
  return Page(page_token, page_size, "", "", [&](const Event& e) {
    return e.org_id() == org_id &&
           (status == events::v1::EVENT_STATUS_UNSPECIFIED || e.status() == status);
  });
}

absl::StatusOr<int> FakeEventStore::FireDueJobs(int /*partition*/, int64_t now_unix_ms, int limit) {
  MutexLock lock(&mu_);
  std::vector<const DelayedJob*> due;
  for (const auto& [id, job] : jobs_) {
    if (job.due_unix_ms <= now_unix_ms) due.push_back(&job);
  }
  std::sort(due.begin(), due.end(), [](const DelayedJob* a, const DelayedJob* b) {
    return a->due_unix_ms < b->due_unix_ms;
  });
  if (static_cast<int>(due.size()) > limit) due.resize(limit);
  std::vector<std::string> fired;
  for (const DelayedJob* job : due) {
    events::v1::DomainEvent event = job->event;
    event.set_time_unix_ms(now_unix_ms);
    emitted_.push_back(std::move(event));
    fired.push_back(job->id);
  }
  for (const std::string& id : fired) jobs_.erase(id);
  return static_cast<int>(fired.size());
}

std::vector<events::v1::DomainEvent> FakeEventStore::Emitted() const {
  MutexLock lock(&mu_);
  return emitted_;
}

std::map<std::string, DelayedJob> FakeEventStore::PendingJobs() const {
  MutexLock lock(&mu_);
  return jobs_;
}

}  // namespace events::scheduling
