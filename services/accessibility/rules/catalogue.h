#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "events/v1/accessibility.pb.h"

namespace events::accessibility {

// One need of the default catalogue.
struct NeedInfo {
  const char* code;
  const char* label;
  int lead_time_days;
};

// The default catalogue, in the order attendees see it ("other" last).
const std::vector<NeedInfo>& DefaultNeeds();
// nullptr when `code` is not in the catalogue.
const NeedInfo* FindNeed(absl::string_view code);

inline constexpr int kMaxLeadTimeDays = 365;
inline constexpr char kOtherNeed[] = "other";

// What attendees agree to when they submit a request; stored with each request.
extern const char* const kConsentWording;

// Lead-time overrides of an organisation: need code -> days.
using LeadTimes = std::map<std::string, int>;

// The organisation's catalogue: the defaults with its overrides applied.
events::v1::Catalogue BuildCatalogue(const std::string& org_id, const LeadTimes& overrides);
// The lead time of `need` for an organisation (its override or the default; 0 when unknown).
int LeadTimeDays(const LeadTimes& overrides, const std::string& need);

// INVALID_ARGUMENT naming the field: an unknown need or a lead time outside 0..365.
absl::Status ValidateLeadTime(const std::string& need, int64_t days);

}  // namespace events::accessibility
