#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "events/v1/scheduling.pb.h"

namespace events::scheduling {

// Limits, documented in docs/scheduling.md.
inline constexpr size_t kMaxTitleChars = 200;
inline constexpr size_t kMaxDescriptionChars = 5000;
inline constexpr int kMaxCapacity = 100000;
inline constexpr int64_t kMaxDurationMinutes = int64_t{14} * 24 * 60;
inline constexpr int kMaxProvisions = 30;
inline constexpr int kMaxRequestDeadlineDays = 90;
inline constexpr int kMaxReminders = 10;
inline constexpr int kMaxReminderMinutes = 60 * 24 * 60;
inline constexpr int kMaxSessions = 50;
inline constexpr int kMaxSpeakersPerSession = 20;
inline constexpr size_t kMaxReasonChars = 1000;
inline constexpr std::array<int, 3> kDefaultReminderMinutes = {10080, 1440, 60};

// The instants an event's local times resolve to. opens is 0 when registration opens at
// publication.
struct ResolvedTimes {
  int64_t start_unix_ms = 0;
  int64_t end_unix_ms = 0;
  int64_t registration_opens_unix_ms = 0;
  int64_t registration_closes_unix_ms = 0;
};

// Checks every field of an organiser's event details and resolves its times. Text holding a
// copy of the join link (public_view.h says what counts) is refused. `prefix` names
// the message in errors ("details", "template"). The start must be after now_unix_ms.
// INVALID_ARGUMENT naming the first field that breaks a rule, and the rule.
//
// `current`: the stored event being updated, or nullptr. When the new details keep its zone,
// start and end text, its stored start and end instants are kept rather than resolved again:
// a series occurrence may end at the second pass of a repeated (fall-back) wall time, which
// its local text alone would read as the first pass.
absl::StatusOr<ResolvedTimes> ValidateDetails(const events::v1::EventDetails& details,
                                              absl::string_view prefix, int64_t now_unix_ms,
                                              const events::v1::Event* current = nullptr);

// Checks an agenda against its event and returns it with ids assigned (from `new_id` when
// empty), instants resolved and sessions sorted by start. Sessions must lie inside
// [event start, event end] and hold no copy of the event's join link.
absl::StatusOr<std::vector<events::v1::AgendaSession>> ValidateAgenda(
    const std::vector<events::v1::AgendaSession>& sessions, const events::v1::Event& event,
    const std::function<std::string()>& new_id);

// Checks a reschedule or cancellation reason: the length rule, and no copy of the event's
// join link (reasons are public and travel in domain events). INVALID_ARGUMENT naming reason.
absl::Status ValidateReason(const std::string& reason, const events::v1::Event& event);

// The reminder offsets in force: the defaults unless the policy lists its own or is off.
std::vector<int> ReminderMinutes(const events::v1::ReminderPolicy& policy);

}  // namespace events::scheduling
