#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "services/web/view/catalogue.h"

// Dates, times and words for what the services return, in plain English from the catalogue.
namespace events::web {

// "Monday 30 March 2026, 10am to 11:30am" for two RFC 3339 times with the event's offset
// ("2026-03-30T10:00:00+01:00"): the local time of the event, as its organiser set it; the
// end's date is named too when it differs. "" when `start` is not such a time.
std::string WhenText(const Catalogue& messages, absl::string_view start, absl::string_view end);

// "10am to 10:30am" for two local times ("2026-03-30T10:00"); "" when they are not.
std::string TimeRangeText(const Catalogue& messages, absl::string_view start,
                          absl::string_view end);

// "Monday 30 March 2026" for an RFC 3339 time; "" when it is not one.
std::string DateText(const Catalogue& messages, absl::string_view rfc3339);

// The zone as people say it: "UK time (Europe/London)"; other zones "Europe/Paris time".
std::string ZoneText(const Catalogue& messages, absl::string_view zone);

// "10am", "10:30am", "midday", "midnight" for hours and minutes.
std::string ClockText(const Catalogue& messages, int hour, int minute);

}  // namespace events::web
