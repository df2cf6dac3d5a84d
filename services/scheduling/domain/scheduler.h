#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "events/v1/scheduling.pb.h"
#include "services/scheduling/domain/lifecycle.h"
#include "services/scheduling/store/event_store.h"

namespace events {
class Clock;
class IdGenerator;
}  // namespace events

namespace events::scheduling {

// A viewer_org that sees every organisation's full view: other services of the platform
// (API keys with the "service" role), e.g. registration showing a confirmed attendee the
// join link.
inline constexpr char kAnyOrganisation[] = "*";

struct SchedulerOptions {
  int default_page_size = 25;
  int max_page_size = 100;
  int max_series_occurrences = 104;
  // The domain part of calendar UIDs ("<event id>@<uid_domain>").
  std::string uid_domain = "events.invalid";
};

// The scheduling rules: what organisers may do to events and series, and what anyone may
// see. Knows no gRPC or Redis. `org_id` is the caller's organisation, already
// authenticated; `viewer_org` is "" for the public. Thread-safe (state lives in the store).
//
// Errors: INVALID_ARGUMENT for bad input (naming the field), NOT_FOUND for an unknown id or
// another organisation's event, FAILED_PRECONDITION for a change the lifecycle refuses,
// ABORTED when expected_version is stale, UNAVAILABLE when the store is down.
class Scheduler {
 public:
  Scheduler(EventStore& store, const Clock& clock, const IdGenerator& ids,
            SchedulerOptions options = {});

  absl::StatusOr<events::v1::Event> Create(const std::string& org_id,
                                           const events::v1::EventDetails& details);
  absl::StatusOr<events::v1::Event> Update(const std::string& org_id, const std::string& event_id,
                                           int64_t expected_version,
                                           const events::v1::EventDetails& details);
  absl::StatusOr<events::v1::Event> Publish(const std::string& org_id, const std::string& event_id,
                                            int64_t expected_version);
  // new zone empty: keep the event's zone. Agenda sessions move with the start.
  absl::StatusOr<events::v1::Event> Reschedule(
      const std::string& org_id, const std::string& event_id, int64_t expected_version,
      const events::v1::LocalDateTime& new_start, const events::v1::LocalDateTime& new_end,
      const std::string& new_zone, const std::string& reason);
  absl::StatusOr<events::v1::Event> Cancel(const std::string& org_id, const std::string& event_id,
                                           int64_t expected_version, const std::string& reason);
  // Only once the event has ended.
  absl::StatusOr<events::v1::Event> Complete(const std::string& org_id, const std::string& event_id,
                                             int64_t expected_version);
  absl::StatusOr<events::v1::Event> SetAgenda(
      const std::string& org_id, const std::string& event_id, int64_t expected_version,
      const std::vector<events::v1::AgendaSession>& sessions);

  // Drafts only to their organisation; others see the public view.
  absl::StatusOr<events::v1::Event> Get(const std::string& viewer_org, const std::string& event_id);
  absl::StatusOr<EventPage> ListUpcoming(int64_t from_unix_ms, int64_t to_unix_ms,
                                         const events::v1::PageRequest& page);
  absl::StatusOr<EventPage> ListOrganisation(const std::string& org_id,
                                             events::v1::EventStatus status,
                                             const events::v1::PageRequest& page);

  absl::StatusOr<events::v1::Series> CreateSeries(const std::string& org_id,
                                                  const events::v1::EventDetails& first,
                                                  const events::v1::RecurrenceRule& rule);
  absl::StatusOr<events::v1::Series> GetSeries(const std::string& viewer_org,
                                               const std::string& series_id);
  absl::StatusOr<events::v1::Series> PublishSeries(const std::string& org_id,
                                                   const std::string& series_id);
  absl::StatusOr<events::v1::Series> CancelSeries(const std::string& org_id,
                                                  const std::string& series_id,
                                                  const std::string& reason);

  absl::StatusOr<events::v1::CalendarFile> EventCalendar(const std::string& viewer_org,
                                                         const std::string& event_id);
  absl::StatusOr<events::v1::CalendarFile> SeriesCalendar(const std::string& viewer_org,
                                                          const std::string& series_id);

 private:
  // Fills `next` (a copy of the stored event, status already moved on) and the write's
  // domain events and jobs; an error stops the change.
  using Change = std::function<absl::Status(events::v1::Event& next, EventWrite& write)>;

  // Loads, checks ownership, version and lifecycle, applies `change` and stores the result
  // with a compare-and-set, retrying a lost race when the caller gave no expected version.
  absl::StatusOr<events::v1::Event> Mutate(const std::string& org_id, const std::string& event_id,
                                           int64_t expected_version, Action action,
                                           const std::string& reason, const Change& change);
  // Applies `action` to every occurrence of a series it is allowed for, in one atomic step.
  absl::StatusOr<events::v1::Series> MutateSeries(const std::string& org_id,
                                                  const std::string& series_id, Action action,
                                                  const std::string& reason);
  absl::StatusOr<events::v1::Event> LoadOwned(const std::string& org_id,
                                              const std::string& event_id);
  absl::StatusOr<events::v1::Series> LoadSeries(const std::string& viewer_org,
                                                const std::string& series_id);
  absl::StatusOr<int> PageSize(const events::v1::PageRequest& page) const;
  // A calendar file of already-visible (public view) events.
  events::v1::CalendarFile MakeCalendarFile(std::string filename, std::string name,
                                            const std::vector<events::v1::Event>& events) const;
  // The event's domain events and jobs for an action that has just been applied to `next`.
  void Record(Action action, const events::v1::Event& previous, events::v1::Event& next,
              EventWrite& write, const std::string& reason) const;

  EventStore& store_;
  const Clock& clock_;
  const IdGenerator& ids_;
  SchedulerOptions options_;
};

// What publishing and cancelling change on an event besides its status; shared by single
// events and whole series.
void MarkPublished(events::v1::Event& event, int64_t now_unix_ms);
void MarkCancelled(events::v1::Event& event, const std::string& reason);

// Sets the resolved instants and RFC 3339 strings of an event from its details.
void SetResolvedTimes(events::v1::Event& event, int64_t start_unix_ms, int64_t end_unix_ms,
                      int64_t opens_unix_ms, int64_t closes_unix_ms);

}  // namespace events::scheduling
