#include "services/accessibility/rules/count_publication.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace events::accessibility {
namespace {

// A kind of change: (published status, live status); kNone for "new" or "gone".
constexpr int kNone = -1;

struct Parsed {
  int status = 0;
  bool late = false;
  bool at_risk = false;
  std::vector<std::string> needs;
};

Parsed Parse(const Fingerprint& fp) {
  Parsed out;
  const std::vector<std::string> parts = absl::StrSplit(fp, '|');
  if (parts.size() != 4) return out;
  (void)absl::SimpleAtoi(parts[0], &out.status);
  out.late = parts[1] == "1";
  out.at_risk = parts[2] == "1";
  if (!parts[3].empty()) out.needs = absl::StrSplit(parts[3], ',');
  return out;
}

int StatusOf(const Fingerprint& fp) { return Parse(fp).status; }

}  // namespace

Fingerprint FingerprintOf(const events::v1::AccessibilityRequest& request) {
  std::vector<std::string> needs;
  for (const auto& n : request.needs()) needs.push_back(n.need());
  std::sort(needs.begin(), needs.end());
  return absl::StrCat(static_cast<int>(request.status()), "|", request.late() ? 1 : 0, "|",
                      request.at_risk() ? 1 : 0, "|", absl::StrJoin(needs, ","));
}

int AdoptChanges(const Fingerprints& live, int min_group, Fingerprints& published) {
  std::map<std::pair<int, int>, std::vector<std::string>> groups;
  for (const auto& [id, fp] : live) {
    auto it = published.find(id);
    if (it == published.end()) {
      groups[{kNone, StatusOf(fp)}].push_back(id);
    } else if (it->second != fp) {
      groups[{StatusOf(it->second), StatusOf(fp)}].push_back(id);
    }
  }
  for (const auto& [id, fp] : published) {
    if (live.count(id) == 0) groups[{StatusOf(fp), kNone}].push_back(id);
  }
  int moved = 0;
  for (const auto& [kind, ids] : groups) {
    if (static_cast<int>(ids.size()) < min_group) continue;
    for (const std::string& id : ids) {
      auto it = live.find(id);
      if (it == live.end()) {
        published.erase(id);
      } else {
        published[id] = it->second;
      }
    }
    moved += static_cast<int>(ids.size());
  }
  return moved;
}

events::v1::RequestCounts CountsOf(const Fingerprints& published, int min_group) {
  events::v1::RequestCounts out;
  out.set_min_group(min_group);
  std::map<std::pair<std::string, int>, int> cells;
  int requests = 0, late = 0, at_risk = 0;
  for (const auto& [id, fp] : published) {
    const Parsed p = Parse(fp);
    ++requests;
    late += p.late ? 1 : 0;
    at_risk += p.at_risk ? 1 : 0;
    for (const std::string& need : p.needs) ++cells[{need, p.status}];
  }
  const auto small = [min_group](int n) { return n > 0 && n < min_group; };
  out.set_requests(small(requests) ? 0 : requests);
  out.set_late(small(late) ? 0 : late);
  out.set_late_withheld(small(late));
  out.set_at_risk(small(at_risk) ? 0 : at_risk);
  out.set_at_risk_withheld(small(at_risk));
  for (const auto& [key, count] : cells) {
    events::v1::NeedCount* c = out.add_counts();
    c->set_need(key.first);
    c->set_status(static_cast<events::v1::RequestStatus>(key.second));
    c->set_withheld(small(count));
    c->set_count(small(count) ? 0 : count);
  }
  return out;
}

}  // namespace events::accessibility
