// Series: recurring events, each occurrence a real event in the series' partition.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/time/local_time.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "common/util/status_macros.h"
#include "common/util/text_rules.h"
#include "services/scheduling/domain/event_messages.h"
#include "services/scheduling/domain/event_rules.h"
#include "services/scheduling/domain/public_view.h"
#include "services/scheduling/domain/recurrence.h"
#include "services/scheduling/domain/scheduler.h"

namespace events::scheduling {

using events::v1::Event;
using events::v1::Series;

absl::StatusOr<Series> Scheduler::CreateSeries(const std::string& org_id,
                                               const events::v1::EventDetails& first,
                                               const events::v1::RecurrenceRule& rule) {
  const int64_t now = clock_.NowUnixMs();
  EVENTS_ASSIGN_OR_RETURN(ResolvedTimes first_times, ValidateDetails(first, "template", now));
  if (!first.registration_opens().value().empty() || !first.registration_closes().value().empty()) {
    return absl::InvalidArgumentError(
        "template.registration_opens and template.registration_closes must be empty for a "
        "series: each occurrence opens when published and closes at its start");
  }
  const std::string& zone = first.time_zone();
  EVENTS_ASSIGN_OR_RETURN(time::LocalDateTime start,
                          time::ParseLocalDateTime(first.start().value(), "template.start"));
  // Every occurrence lasts exactly as long as the first (RFC 5545 3.8.5.3: a DTEND gives the
  // "exact duration" of each instance). Resolving each end's wall time on its own would let an
  // occurrence whose start moved out of a spring-forward gap end at or before its start.
  const int64_t duration_ms = first_times.end_unix_ms - first_times.start_unix_ms;
  EVENTS_ASSIGN_OR_RETURN(std::vector<time::LocalDateTime> occurrences,
                          ExpandRecurrence(rule, start, options_.max_series_occurrences));

  Series series;
  series.set_id(ids_.New("se"));
  series.set_org_id(org_id);
  *series.mutable_rule() = rule;
  *series.mutable_template_() = first;
  series.set_created_unix_ms(now);
  const std::string core = series.id().substr(3);

  std::vector<EventWrite> writes;
  for (size_t i = 0; i < occurrences.size(); ++i) {
    // A wall time that falls in a spring-forward gap moves forward by the gap (RFC 5545).
    EVENTS_ASSIGN_OR_RETURN(int64_t start_ms, time::ToUnixMsShiftingGaps(occurrences[i], zone));
    const int64_t end_ms = start_ms + duration_ms;
    Event event;
    event.set_id(absl::StrFormat("ev_%s-%03d", core, i + 1));
    event.set_org_id(org_id);
    event.set_status(events::v1::EVENT_STATUS_DRAFT);
    event.set_version(1);
    *event.mutable_details() = first;
    event.mutable_details()->mutable_start()->set_value(
        time::FromUnixMs(start_ms, zone).ToString());
    event.mutable_details()->mutable_end()->set_value(time::FromUnixMs(end_ms, zone).ToString());
    SetResolvedTimes(event, start_ms, end_ms, 0, start_ms);
    event.set_series_id(series.id());
    event.set_series_index(static_cast<int>(i + 1));
    event.set_created_unix_ms(now);
    event.set_updated_unix_ms(now);
    series.add_event_ids(event.id());

    EventWrite write;
    write.domain_events.push_back(MakeEventChanged(kEventCreated, event, ids_, now));
    write.event = std::move(event);
    writes.push_back(std::move(write));
  }
  EVENTS_RETURN_IF_ERROR(store_.Apply(writes, series));
  return series;
}

absl::StatusOr<Series> Scheduler::LoadSeries(const std::string& viewer_org,
                                             const std::string& series_id) {
  if (!IsWellFormedId(series_id, "se") || series_id.find('-') != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("series_id \"", series_id.substr(0, 64),
                     "\" is not a series id (they look like se_01J...)"));
  }
  absl::StatusOr<Series> series = store_.GetSeries(series_id);
  if (series.ok() && series->org_id() != viewer_org) {
    return absl::NotFoundError(
        absl::StrCat("series ", series_id, " not found in your organisation"));
  }
  return series;
}

absl::StatusOr<Series> Scheduler::GetSeries(const std::string& viewer_org,
                                            const std::string& series_id) {
  if (!IsWellFormedId(series_id, "se")) return LoadSeries(viewer_org, series_id);
  absl::StatusOr<Series> owned = LoadSeries(viewer_org, series_id);
  if (owned.ok() || !absl::IsNotFound(owned.status())) return owned;
  // The public sees a series through its visible (non-draft) occurrences only.
  EVENTS_ASSIGN_OR_RETURN(Series series, store_.GetSeries(series_id));
  Series view = PublicSeriesView(series);
  view.clear_event_ids();
  for (const std::string& id : series.event_ids()) {
    absl::StatusOr<Event> event = Get(viewer_org, id);
    if (event.ok()) view.add_event_ids(id);
  }
  if (view.event_ids_size() == 0) {
    return absl::NotFoundError(absl::StrCat("series ", series_id, " not found"));
  }
  return view;
}

absl::StatusOr<Series> Scheduler::MutateSeries(const std::string& org_id,
                                               const std::string& series_id, Action action,
                                               const std::string& reason) {
  EVENTS_ASSIGN_OR_RETURN(Series series, LoadSeries(org_id, series_id));
  for (int attempt = 1;; ++attempt) {
    const int64_t now = clock_.NowUnixMs();
    std::vector<EventWrite> writes;
    for (const std::string& id : series.event_ids()) {
      EVENTS_ASSIGN_OR_RETURN(Event current, store_.Get(id));
      if (!CheckTransition(current.status(), action, id).ok()) continue;
      if (action == Action::kCancel) EVENTS_RETURN_IF_ERROR(ValidateReason(reason, current));
      if (action == Action::kPublish && current.start_unix_ms() <= now) continue;
      Event next = current;
      next.set_status(StatusAfter(current.status(), action));
      if (action == Action::kPublish) {
        MarkPublished(next, now);
      } else {
        MarkCancelled(next, reason);
      }
      next.set_version(current.version() + 1);
      next.set_updated_unix_ms(now);
      EventWrite write;
      write.expected_version = current.version();
      write.previous_status = current.status();
      write.previous_start_unix_ms = current.start_unix_ms();
      Record(action, current, next, write, reason);
      write.event = std::move(next);
      writes.push_back(std::move(write));
    }
    if (writes.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("no occurrence of series ", series_id, " can be ",
                       StatusWord(StatusAfter(events::v1::EVENT_STATUS_DRAFT, action)), " now"));
    }
    absl::Status applied = store_.Apply(writes, std::nullopt);
    if (absl::IsAborted(applied) && attempt < 5) continue;
    EVENTS_RETURN_IF_ERROR(applied);
    return series;
  }
}

absl::StatusOr<Series> Scheduler::PublishSeries(const std::string& org_id,
                                                const std::string& series_id) {
  return MutateSeries(org_id, series_id, Action::kPublish, "");
}

absl::StatusOr<Series> Scheduler::CancelSeries(const std::string& org_id,
                                               const std::string& series_id,
                                               const std::string& reason) {
  EVENTS_RETURN_IF_ERROR(CheckText(reason, "reason", 0, kMaxReasonChars, true));
  return MutateSeries(org_id, series_id, Action::kCancel, reason);
}

}  // namespace events::scheduling
