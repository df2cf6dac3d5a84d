#include "services/scheduling/domain/event_messages.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/util/ids.h"
#include "services/scheduling/domain/event_rules.h"
#include "services/scheduling/domain/public_view.h"

namespace events::scheduling {

using events::v1::DomainEvent;
using events::v1::Event;

events::v1::DomainEvent MakeEventChanged(absl::string_view type, const Event& event,
                                         const IdGenerator& ids, int64_t now_unix_ms,
                                         int64_t previous_start_unix_ms, absl::string_view reason) {
  events::v1::EventChanged data;
  data.set_event_id(event.id());
  data.set_org_id(event.org_id());
  data.set_status(event.status());
  data.set_version(event.version());
  data.set_sequence(event.sequence());
  data.set_start_unix_ms(event.start_unix_ms());
  data.set_end_unix_ms(event.end_unix_ms());
  data.set_time_zone(event.details().time_zone());
  data.set_capacity(event.details().capacity());
  data.set_registration_opens_unix_ms(event.registration_opens_unix_ms());
  data.set_registration_closes_unix_ms(event.registration_closes_unix_ms());
  data.set_series_id(event.series_id());
  data.set_previous_start_unix_ms(previous_start_unix_ms);
  data.set_reason(ScrubJoinLinks(std::string_view(reason.data(), reason.size()),
                                 {event.details().join_link()}));

  DomainEvent out;
  out.set_id(ids.New("de"));
  out.set_type(std::string(type));
  out.set_source(std::string(kSource));
  out.set_time_unix_ms(now_unix_ms);
  out.set_subject(event.id());
  out.set_org_id(event.org_id());
  out.set_data_type(data.GetTypeName());
  out.set_data(data.SerializeAsString());
  return out;
}

std::vector<DelayedJob> ReminderJobs(const Event& event, int64_t now_unix_ms) {
  std::vector<DelayedJob> jobs;
  if (event.status() != events::v1::EVENT_STATUS_PUBLISHED) return jobs;
  for (int minutes : ReminderMinutes(event.details().reminders())) {
    const int64_t due = event.start_unix_ms() - int64_t{minutes} * 60000;
    if (due <= now_unix_ms) continue;
    events::v1::EventReminderDue data;
    data.set_event_id(event.id());
    data.set_org_id(event.org_id());
    data.set_minutes_before(minutes);
    data.set_start_unix_ms(event.start_unix_ms());
    data.set_sequence(event.sequence());

    DelayedJob job;
    job.id = absl::StrCat(event.id(), "|reminder|", minutes, "|s", event.sequence());
    job.due_unix_ms = due;
    job.event.set_id(absl::StrCat("rem:", job.id));
    job.event.set_type(std::string(kEventReminderDue));
    job.event.set_source(std::string(kSource));
    job.event.set_time_unix_ms(due);
    job.event.set_subject(event.id());
    job.event.set_org_id(event.org_id());
    job.event.set_data_type(data.GetTypeName());
    job.event.set_data(data.SerializeAsString());
    jobs.push_back(std::move(job));
  }
  return jobs;
}

}  // namespace events::scheduling
