#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace events::eventctl {

struct CliContext;

// Event id -> its IANA time zone, for printing the instants of several events.
using EventZones = std::map<std::string, std::string>;

// "2026-12-08 10:00 Europe/London": the instant as the clocks of `zone` show it, with the
// zone's name, as event times are shown. UTC (named so) when `zone` is empty or unknown; "-"
// for 0 (no instant).
std::string FormatInZone(int64_t unix_ms, const std::string& zone);

// The zone of `zones[event_id]`, or "" when it is not there.
std::string ZoneOf(const EventZones& zones, const std::string& event_id);

// The time zone of an event, asked of the scheduling service (with the API key when one is
// set, so that organisers see their drafts' too); "" when it cannot be had, and the times
// are then shown in UTC.
std::string LookUpEventZone(const CliContext& ctx, const std::string& event_id);

}  // namespace events::eventctl
