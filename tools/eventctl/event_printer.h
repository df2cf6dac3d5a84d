#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "events/v1/scheduling.pb.h"

namespace events::eventctl {

// A readable, multi-line description of one event.
std::string DescribeEvent(const events::v1::Event& event);

// One line per event: id, status, local start, title. A note when there are none.
std::string EventTable(const std::vector<events::v1::Event>& events);

// "Tue 10 Mar 2026, 10:00-11:30 Europe/London".
std::string DescribeWhen(const events::v1::Event& event);

// Command-line words to API values. INVALID_ARGUMENT listing the accepted words.
absl::StatusOr<events::v1::EventFormat> ParseFormat(absl::string_view word);
absl::StatusOr<events::v1::EventStatus> ParseStatus(absl::string_view word);
// "live_captions:always" or "bsl_interpreter:on-request".
absl::StatusOr<events::v1::OfferedProvision> ParseProvision(absl::string_view spec);

}  // namespace events::eventctl
