#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "services/web/view/catalogue.h"

// Local dates and times as organisers type them on the events forms, and what a zone's
// clock changes do to them. Scheduling takes wall-clock times in the event's zone; it
// refuses a time in a spring-forward gap and reads a time the clocks show twice as the first
// pass. The console checks both before sending, so the message can name the time and say
// what to do (docs/console.md, "Events").
namespace events::web::console {

// "28/3/2027", "28/03/2027" or "2027-03-28"; nullopt when it is none of those or not a date.
std::optional<absl::CivilDay> ParseFormDate(absl::string_view text);

// "10:00", "9:30", "14:05", "2:30pm", "10am", "12pm" (midday), "12am" (midnight);
// nullopt otherwise. Seconds are never asked for.
std::optional<absl::CivilMinute> ParseFormTime(absl::CivilDay day, absl::string_view text);

// "2027-03-28T01:30", as scheduling's LocalDateTime takes it.
std::string LocalValue(absl::CivilMinute t);
// The day and minute of a LocalDateTime value ("2027-03-28T01:30[:00]"); nullopt otherwise.
std::optional<absl::CivilMinute> ParseLocalValue(absl::string_view value);

// What the clocks of `zone` do at a wall time.
enum class WallTime { kUnique, kSkipped, kRepeated, kUnknownZone };
WallTime CheckWallTime(absl::string_view zone, absl::CivilMinute t);

// The zone as a short phrase for sentences: "UK time" for Europe/London, "Europe/Paris
// time" for others.
std::string ZonePhrase(const Catalogue& messages, absl::string_view zone);

// "28/3/2027" and "1:30pm"-style text to fill a form with again.
std::string FormDateText(absl::CivilDay day);
std::string FormTimeText(absl::CivilMinute t);

// "1:30am on 28 March 2027".
std::string TimeOnDateText(const Catalogue& messages, absl::CivilMinute t);

}  // namespace events::web::console
