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
// --mode: online, in-person or hybrid (the API's EventFormat).
absl::StatusOr<events::v1::EventFormat> ParseMode(absl::string_view word);
absl::StatusOr<events::v1::EventStatus> ParseStatus(absl::string_view word);
// "live_captions:always" or "bsl_interpreter:on-request". INVALID_ARGUMENT for a need that is
// not in the catalogue (with the closest code: "bsl" -> "did you mean bsl_interpreter?").
absl::StatusOr<events::v1::OfferedProvision> ParseProvision(absl::string_view spec);

// OK when `need` is a code of the needs catalogue (services/accessibility/rules/catalogue.h);
// else INVALID_ARGUMENT naming `field`, with the closest code when one is close.
absl::Status CheckNeedCode(absl::string_view need, absl::string_view field);

}  // namespace events::eventctl
