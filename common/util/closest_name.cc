#include "common/util/closest_name.h"

#include <algorithm>
#include <cstddef>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace events {
namespace {

// Edit distance with adjacent transpositions (optimal string alignment).
size_t Distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// Names longer than this are not compared (the distance is quadratic in the length).
constexpr size_t kMaxCompared = 128;

}  // namespace

std::string ClosestName(absl::string_view given, const std::vector<std::string>& valid) {
  if (given.empty() || given.size() > kMaxCompared) return "";
  const std::string g = absl::AsciiStrToLower(given);
  // Within a third of the word (at least 1): "lst" is not close to "at-risk",
  // "regsitrations" is close to "registrations". Ties go to the earlier entry.
  const size_t limit = std::max<size_t>(g.size() / 3, 1);
  std::string best;
  size_t best_distance = limit + 1;
  for (const std::string& v : valid) {
    if (v.size() > kMaxCompared) continue;
    if (v == given) return "";  // it is valid
    const size_t d = Distance(g, absl::AsciiStrToLower(v));
    if (d < best_distance) {
      best_distance = d;
      best = v;
    }
  }
  if (!best.empty() || g.size() < 2) return best;
  // An abbreviation: the entry it begins, when only one does ("bsl" for "bsl_interpreter").
  for (const std::string& v : valid) {
    if (absl::StartsWith(absl::AsciiStrToLower(v), g)) {
      if (!best.empty()) return "";
      best = v;
    }
  }
  return best;
}

std::string DidYouMean(absl::string_view given, const std::vector<std::string>& valid) {
  const std::string closest = ClosestName(given, valid);
  return closest.empty() ? "" : absl::StrCat(" (did you mean \"", closest, "\"?)");
}

}  // namespace events
