#pragma once

#include <map>
#include <string>

#include "events/v1/accessibility.pb.h"

namespace events::accessibility {

// GetRequestCounts without attribution (docs/accessibility.md, Counts). An organiser who
// reads the counts right after each `accessibility.request_submitted` webhook must not learn
// one person's needs from the difference. So counts are computed from a *published* state
// of each request, not the live one, and the published state moves only in groups: the
// requests whose live state differs from the published one are grouped by the kind of
// change (published status, or new, to live status, or gone), and only a group of at least
// `min_group` requests is adopted. Each published change is then the sum of at least
// min_group requests' changes, and no count between 1 and min_group - 1 is shown.

// A request's published state: its status, late and at-risk flags and sorted need codes,
// "<status>|<late>|<at_risk>|<need>,<need>...".
using Fingerprint = std::string;
// Request id -> fingerprint.
using Fingerprints = std::map<std::string, Fingerprint>;

Fingerprint FingerprintOf(const events::v1::AccessibilityRequest& request);

// Moves into `published` every group of at least `min_group` requests that made the same
// kind of change from `published` to `live`. Returns how many requests moved.
int AdoptChanges(const Fingerprints& live, int min_group, Fingerprints& published);

// The counts of the published requests, with every count below `min_group` withheld.
events::v1::RequestCounts CountsOf(const Fingerprints& published, int min_group);

}  // namespace events::accessibility
