// Local date-times and zones as requests give them (common/time): ParseLocalDateTime,
// ParseLocalDate and ValidateTimeZone on any text. A parsed time prints back
// (ToString) to text that parses to the same time; resolved in a valid zone it maps back to
// the same wall time unless it was in a gap; FormatRfc3339 of the instant has the RFC 3339
// shape.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "common/time/local_time.h"
#include "fuzz/fuzz_check.h"

namespace t = events::time;

namespace {

// "YYYY-MM-DDTHH:MM:SS+HH:MM" (with a sign), as FormatRfc3339 promises.
bool Rfc3339Shape(const std::string& s) {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd+dd:dd";
  if (s.size() != kShape.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (kShape[i] == 'd') {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) return false;
    } else if (kShape[i] == '+') {
      if (s[i] != '+' && s[i] != '-') return false;
    } else if (s[i] != kShape[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // "<time>|<zone>": the zone is optional.
  const size_t bar = input.find('|');
  std::string_view text = input.substr(0, bar);
  std::string_view zone = bar == std::string_view::npos ? "UTC" : input.substr(bar + 1);

  if (auto date = t::ParseLocalDate(text, "date"); date.ok()) {
    events::fuzz::Check(t::IsValid(*date), "parsed date is valid", std::string(text));
  } else {
    events::fuzz::CheckValidation(date.status(), "ParseLocalDate");
  }

  const absl::Status zone_ok = t::ValidateTimeZone(zone, "time_zone");
  if (!zone_ok.ok()) events::fuzz::CheckValidation(zone_ok, "ValidateTimeZone");

  auto local = t::ParseLocalDateTime(text, "start");
  if (!local.ok()) {
    events::fuzz::CheckValidation(local.status(), "ParseLocalDateTime");
    return 0;
  }
  events::fuzz::Check(t::IsValid(*local), "parsed time is valid", std::string(text));
  auto again = t::ParseLocalDateTime(local->ToString(), "start");
  events::fuzz::Check(again.ok() && *again == *local, "ToString parses back the same",
                      local->ToString());
  if (!zone_ok.ok()) return 0;

  auto instant = t::ToUnixMs(*local, zone, "start");
  if (!instant.ok()) {
    // A gap, or a year past the supported range.
    events::fuzz::CheckValidation(instant.status(), "ToUnixMs");
  } else {
    events::fuzz::Check(t::FromUnixMs(*instant, zone) == *local,
                        "a resolved wall time maps back to itself",
                        local->ToString() + " " + std::string(zone));
    const std::string rfc = t::FormatRfc3339(*instant, zone);
    events::fuzz::Check(Rfc3339Shape(rfc), "FormatRfc3339 shape", rfc);
  }
  if (auto shifted = t::ToUnixMsShiftingGaps(*local, zone); !shifted.ok()) {
    events::fuzz::CheckValidation(shifted.status(), "ToUnixMsShiftingGaps");
  }
  return 0;
}
