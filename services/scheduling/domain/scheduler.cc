#include "services/scheduling/domain/scheduler.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/time/local_time.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "common/util/status_macros.h"
#include "common/util/text_rules.h"
#include "services/scheduling/domain/event_messages.h"
#include "services/scheduling/domain/event_rules.h"

namespace events::scheduling {

using events::v1::Event;
using events::v1::EventDetails;

namespace {

constexpr int kMaxAttempts = 5;

// Moves every agenda session by the same wall-clock distance as the event's start.
void ShiftAgenda(Event& event, int64_t minutes) {
  for (auto& session : *event.mutable_agenda()) {
    auto start = time::ParseLocalDateTime(session.start().value(), "start");
    auto end = time::ParseLocalDateTime(session.end().value(), "end");
    if (!start.ok() || !end.ok()) continue;  // stored sessions were validated
    session.mutable_start()->set_value(time::AddMinutes(*start, minutes).ToString());
    session.mutable_end()->set_value(time::AddMinutes(*end, minutes).ToString());
  }
}

std::vector<events::v1::AgendaSession> AgendaOf(const Event& event) {
  return {event.agenda().begin(), event.agenda().end()};
}

}  // namespace

void MarkPublished(Event& event, int64_t now_unix_ms) {
  event.set_published_unix_ms(now_unix_ms);
  if (event.registration_opens_unix_ms() == 0) event.set_registration_opens_unix_ms(now_unix_ms);
}

void MarkCancelled(Event& event, const std::string& reason) {
  event.set_cancellation_reason(reason);
  event.set_sequence(event.sequence() + 1);
}

void SetResolvedTimes(Event& event, int64_t start_unix_ms, int64_t end_unix_ms,
                      int64_t opens_unix_ms, int64_t closes_unix_ms) {
  const std::string& zone = event.details().time_zone();
  event.set_start_unix_ms(start_unix_ms);
  event.set_end_unix_ms(end_unix_ms);
  event.set_registration_opens_unix_ms(opens_unix_ms);
  event.set_registration_closes_unix_ms(closes_unix_ms);
  event.set_start_rfc3339(time::FormatRfc3339(start_unix_ms, zone));
  event.set_end_rfc3339(time::FormatRfc3339(end_unix_ms, zone));
}

Scheduler::Scheduler(EventStore& store, const Clock& clock, const IdGenerator& ids,
                     SchedulerOptions options)
    : store_(store), clock_(clock), ids_(ids), options_(std::move(options)) {}

absl::StatusOr<Event> Scheduler::Create(const std::string& org_id, const EventDetails& details) {
  const int64_t now = clock_.NowUnixMs();
  EVENTS_ASSIGN_OR_RETURN(ResolvedTimes times, ValidateDetails(details, "details", now));
  Event event;
  event.set_id(ids_.New("ev"));
  event.set_org_id(org_id);
  event.set_status(events::v1::EVENT_STATUS_DRAFT);
  event.set_version(1);
  *event.mutable_details() = details;
  SetResolvedTimes(event, times.start_unix_ms, times.end_unix_ms, times.registration_opens_unix_ms,
                   times.registration_closes_unix_ms);
  event.set_created_unix_ms(now);
  event.set_updated_unix_ms(now);

  EventWrite write;
  write.event = event;
  write.domain_events.push_back(MakeEventChanged(kEventCreated, event, ids_, now));
  EVENTS_RETURN_IF_ERROR(store_.Apply({write}, std::nullopt));
  return event;
}

absl::StatusOr<Event> Scheduler::LoadOwned(const std::string& org_id, const std::string& event_id) {
  EVENTS_RETURN_IF_ERROR(ValidateEventId(event_id));
  absl::StatusOr<Event> event = store_.Get(event_id);
  // Another organisation's event is reported exactly like a missing one.
  if (event.ok() && event->org_id() != org_id) {
    return absl::NotFoundError(absl::StrCat("event ", event_id, " not found in your organisation"));
  }
  if (absl::IsNotFound(event.status())) {
    return absl::NotFoundError(absl::StrCat("event ", event_id, " not found in your organisation"));
  }
  return event;
}

void Scheduler::Record(Action action, const Event& previous, Event& next, EventWrite& write,
                       const std::string& reason) const {
  const int64_t now = clock_.NowUnixMs();
  absl::string_view type = kEventUpdated;
  switch (action) {
    case Action::kPublish:
      type = kEventPublished;
      break;
    case Action::kReschedule:
      type = kEventRescheduled;
      break;
    case Action::kCancel:
      type = kEventCancelled;
      break;
    case Action::kComplete:
      type = kEventCompleted;
      break;
    case Action::kUpdate:
    case Action::kSetAgenda:
      break;
  }
  write.domain_events.push_back(MakeEventChanged(
      type, next, ids_, now, action == Action::kReschedule ? previous.start_unix_ms() : 0, reason));
  // Reminders follow the published event: made on publish, moved on any change, dropped
  // when it is cancelled or completed.
  write.replace_jobs = previous.status() == events::v1::EVENT_STATUS_PUBLISHED ||
                       next.status() == events::v1::EVENT_STATUS_PUBLISHED;
  write.jobs = ReminderJobs(next, now);
}

absl::StatusOr<Event> Scheduler::Mutate(const std::string& org_id, const std::string& event_id,
                                        int64_t expected_version, Action action,
                                        const std::string& reason, const Change& change) {
  if (expected_version < 0) {
    return absl::InvalidArgumentError("expected_version must be 0 (no check) or a version");
  }
  for (int attempt = 1;; ++attempt) {
    EVENTS_ASSIGN_OR_RETURN(Event current, LoadOwned(org_id, event_id));
    if (expected_version != 0 && current.version() != expected_version) {
      return absl::AbortedError(absl::StrCat("event ", event_id, " is at version ",
                                             current.version(), ", not ", expected_version,
                                             "; fetch it again and retry"));
    }
    EVENTS_RETURN_IF_ERROR(CheckTransition(current.status(), action, event_id));
    Event next = current;
    next.set_status(StatusAfter(current.status(), action));
    EventWrite write;
    EVENTS_RETURN_IF_ERROR(change(next, write));
    next.set_version(current.version() + 1);
    next.set_updated_unix_ms(clock_.NowUnixMs());
    write.expected_version = current.version();
    write.previous_status = current.status();
    write.previous_start_unix_ms = current.start_unix_ms();
    Record(action, current, next, write, reason);
    write.event = next;
    absl::Status applied = store_.Apply({write}, std::nullopt);
    if (absl::IsAborted(applied) && expected_version == 0 && attempt < kMaxAttempts) continue;
    if (!applied.ok()) return applied;
    return next;
  }
}

absl::StatusOr<Event> Scheduler::Update(const std::string& org_id, const std::string& event_id,
                                        int64_t expected_version, const EventDetails& details) {
  const int64_t now = clock_.NowUnixMs();
  return Mutate(
      org_id, event_id, expected_version, Action::kUpdate, "",
      [&](Event& next, EventWrite&) -> absl::Status {
        const EventDetails& old = next.details();
        if (next.status() == events::v1::EVENT_STATUS_PUBLISHED &&
            (details.time_zone() != old.time_zone() ||
             details.start().value() != old.start().value() ||
             details.end().value() != old.end().value())) {
          return absl::FailedPreconditionError(
              "details.start, details.end and details.time_zone of a published event change with "
              "RescheduleEvent, which tells everyone registered");
        }
        EVENTS_ASSIGN_OR_RETURN(ResolvedTimes times,
                                ValidateDetails(details, "details", now, &next));
        *next.mutable_details() = details;
        int64_t opens = times.registration_opens_unix_ms;
        if (opens == 0 && next.status() == events::v1::EVENT_STATUS_PUBLISHED) {
          opens = next.published_unix_ms();
        }
        SetResolvedTimes(next, times.start_unix_ms, times.end_unix_ms, opens,
                         times.registration_closes_unix_ms);
        auto agenda = ValidateAgenda(AgendaOf(next), next, [this] { return ids_.New("ses"); });
        if (!agenda.ok()) {
          return absl::FailedPreconditionError(
              absl::StrCat("the agenda does not fit the new details (", agenda.status().message(),
                           "); change the agenda first"));
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<Event> Scheduler::Publish(const std::string& org_id, const std::string& event_id,
                                         int64_t expected_version) {
  const int64_t now = clock_.NowUnixMs();
  return Mutate(org_id, event_id, expected_version, Action::kPublish, "",
                [&](Event& next, EventWrite&) -> absl::Status {
                  if (next.start_unix_ms() <= now) {
                    return absl::FailedPreconditionError(absl::StrCat(
                        "cannot publish event ", event_id, ": its start (", next.start_rfc3339(),
                        ") has passed; change its time with UpdateEvent first"));
                  }
                  MarkPublished(next, now);
                  return absl::OkStatus();
                });
}

absl::StatusOr<Event> Scheduler::Reschedule(const std::string& org_id, const std::string& event_id,
                                            int64_t expected_version,
                                            const events::v1::LocalDateTime& new_start,
                                            const events::v1::LocalDateTime& new_end,
                                            const std::string& new_zone,
                                            const std::string& reason) {
  EVENTS_RETURN_IF_ERROR(CheckText(reason, "reason", 0, kMaxReasonChars, true));
  const int64_t now = clock_.NowUnixMs();
  return Mutate(
      org_id, event_id, expected_version, Action::kReschedule, reason,
      [&](Event& next, EventWrite&) -> absl::Status {
        EVENTS_RETURN_IF_ERROR(ValidateReason(reason, next));
        const std::string zone = new_zone.empty() ? next.details().time_zone() : new_zone;
        EVENTS_RETURN_IF_ERROR(time::ValidateTimeZone(zone, "time_zone"));
        if (new_start.value().empty()) return absl::InvalidArgumentError("new_start is required");
        if (new_end.value().empty()) return absl::InvalidArgumentError("new_end is required");
        EVENTS_ASSIGN_OR_RETURN(time::LocalDateTime start,
                                time::ParseLocalDateTime(new_start.value(), "new_start"));
        EVENTS_ASSIGN_OR_RETURN(time::LocalDateTime end,
                                time::ParseLocalDateTime(new_end.value(), "new_end"));
        EVENTS_ASSIGN_OR_RETURN(int64_t start_ms, time::ToUnixMs(start, zone, "new_start"));
        EVENTS_ASSIGN_OR_RETURN(int64_t end_ms, time::ToUnixMs(end, zone, "new_end"));
        if (end_ms <= start_ms)
          return absl::InvalidArgumentError("new_end must be after new_start");
        if (start_ms <= now) {
          return absl::InvalidArgumentError(
              absl::StrCat("new_start ", new_start.value(), " (", zone, ") is in the past"));
        }
        if (start_ms == next.start_unix_ms() && end_ms == next.end_unix_ms() &&
            zone == next.details().time_zone()) {
          return absl::InvalidArgumentError(
              "new_start and new_end are the event's current time: nothing to reschedule");
        }
        auto old_start = time::ParseLocalDateTime(next.details().start().value(), "start");
        const int64_t shift = old_start.ok() ? time::MinutesBetween(*old_start, start) : 0;
        EventDetails* d = next.mutable_details();
        d->set_time_zone(zone);
        d->mutable_start()->set_value(start.ToString());
        d->mutable_end()->set_value(end.ToString());
        // Registration windows written for the old time are dropped rather than left
        // contradicting the new one: registration then closes at the new start.
        if (!d->registration_closes().value().empty()) d->clear_registration_closes();
        if (!d->registration_opens().value().empty()) {
          auto opens = time::ParseLocalDateTime(d->registration_opens().value(), "opens");
          auto opens_ms = opens.ok() ? time::ToUnixMs(*opens, zone, "opens") : opens.status();
          if (!opens_ms.ok() || *opens_ms >= start_ms) d->clear_registration_opens();
        }
        EVENTS_ASSIGN_OR_RETURN(ResolvedTimes times, ValidateDetails(*d, "details", now));
        SetResolvedTimes(next, times.start_unix_ms, times.end_unix_ms,
                         times.registration_opens_unix_ms != 0 ? times.registration_opens_unix_ms
                                                               : next.published_unix_ms(),
                         times.registration_closes_unix_ms);
        ShiftAgenda(next, shift);
        auto agenda = ValidateAgenda(AgendaOf(next), next, [this] { return ids_.New("ses"); });
        if (!agenda.ok()) {
          return absl::FailedPreconditionError(
              absl::StrCat("the agenda does not fit the new time (", agenda.status().message(),
                           "); change the agenda first"));
        }
        next.clear_agenda();
        for (auto& s : *agenda) *next.add_agenda() = std::move(s);
        next.set_sequence(next.sequence() + 1);
        return absl::OkStatus();
      });
}

absl::StatusOr<Event> Scheduler::Cancel(const std::string& org_id, const std::string& event_id,
                                        int64_t expected_version, const std::string& reason) {
  EVENTS_RETURN_IF_ERROR(CheckText(reason, "reason", 0, kMaxReasonChars, true));
  return Mutate(org_id, event_id, expected_version, Action::kCancel, reason,
                [&](Event& next, EventWrite&) -> absl::Status {
                  EVENTS_RETURN_IF_ERROR(ValidateReason(reason, next));
                  MarkCancelled(next, reason);
                  return absl::OkStatus();
                });
}

absl::StatusOr<Event> Scheduler::Complete(const std::string& org_id, const std::string& event_id,
                                          int64_t expected_version) {
  const int64_t now = clock_.NowUnixMs();
  return Mutate(
      org_id, event_id, expected_version, Action::kComplete, "",
      [&](Event& next, EventWrite&) -> absl::Status {
        if (now < next.end_unix_ms()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "cannot complete event ", event_id, " before it ends (", next.end_rfc3339(), ")"));
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<Event> Scheduler::SetAgenda(const std::string& org_id, const std::string& event_id,
                                           int64_t expected_version,
                                           const std::vector<events::v1::AgendaSession>& sessions) {
  return Mutate(org_id, event_id, expected_version, Action::kSetAgenda, "",
                [&](Event& next, EventWrite&) -> absl::Status {
                  EVENTS_ASSIGN_OR_RETURN(auto agenda, ValidateAgenda(sessions, next, [this] {
                                            return ids_.New("ses");
                                          }));
                  next.clear_agenda();
                  for (auto& s : agenda) *next.add_agenda() = std::move(s);
                  return absl::OkStatus();
                });
}

}  // namespace events::scheduling
