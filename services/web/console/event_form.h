#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "events/v1/accessibility.pb.h"
#include "events/v1/scheduling.pb.h"
#include "services/web/http/form.h"
#include "services/web/pages/registration_form.h"
#include "services/web/pages/site.h"

// The event form of the console (create and edit, /manage/events/new and .../edit): its
// values as text, the checks that give a message at each field, and the EventDetails they
// make. The same time checks serve the reschedule form.
namespace events::web::console {

// The form's values by field name, as typed or as the event has them.
using EventValues = std::map<std::string, std::string, std::less<>>;

EventValues ValuesFromForm(const Form& form);
EventValues ValuesFromEvent(const events::v1::Event& event);

// The date, start and end fields ("date", "start_time", "end_time") in `zone`: the errors,
// and the local values when there are none. A wall time the clocks show twice is an error
// unless `repeated_ok` (the box the error offers); scheduling then takes its first pass.
struct CheckedTimes {
  std::vector<FieldError> errors;
  bool repeated = false;  // a time happens twice: the page offers the box
  events::v1::LocalDateTime start;
  events::v1::LocalDateTime end;
};
CheckedTimes CheckTimes(const Catalogue& messages, const EventValues& values,
                        absl::string_view zone, bool must_be_future);

// Checks every field and writes them into `details` (which keeps what the form does not
// show: the registration window, reminders, provision notes). `times_locked`: a published
// event's time changes only by rescheduling, so its time fields are not on the form.
struct CheckedEvent {
  std::vector<FieldError> errors;
  bool repeated = false;
};
CheckedEvent CheckEventForm(const Catalogue& messages, const EventValues& values,
                            const events::v1::Catalogue& needs, bool times_locked,
                            bool must_be_future, events::v1::EventDetails* details);

// The form's data for console_events_form.mustache.
Data EventFormData(const Site& site, const EventValues& values, const events::v1::Catalogue& needs,
                   const std::vector<FieldError>& errors, bool show_repeated);

// The "someone else changed it" notice (an error on the field "conflict") at the top of a
// form: has_conflict and conflict_text.
void SetConflict(Data& data, const std::vector<FieldError>& errors);

// The time zones offered first (Europe/London first), as a select's options.
Data ZoneOptions(const Catalogue& messages, absl::string_view selected);

// Scheduling's INVALID_ARGUMENT ("details.venue.name is required ...") as an error at the
// form field it names.
FieldError ServiceFieldError(const Site& site, absl::string_view message);

}  // namespace events::web::console
