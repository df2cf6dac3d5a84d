#include "services/web/console/svg/chart_table.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "services/web/console/svg/xml_text.h"

namespace events::web::console {
namespace {

// Whole percents of `total` for each count, adding up to 100 (largest remainder).
std::vector<int> WholePercents(const std::vector<int64_t>& counts, int64_t total) {
  std::vector<int> percents(counts.size(), 0);
  if (total <= 0) return percents;
  int given = 0;
  std::vector<size_t> order;
  for (size_t i = 0; i < counts.size(); ++i) {
    // Counts are at most 10^12 (checked), so count * 100 stays far inside int64.
    percents[i] = static_cast<int>(counts[i] * 100 / total);
    given += percents[i];
    order.push_back(i);
  }
  const auto remainder = [&](size_t i) { return counts[i] * 100 % total; };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (remainder(a) != remainder(b)) return remainder(a) > remainder(b);
    return counts[a] > counts[b];
  });
  // Fewer points are missing than there are rows with a remainder, so a row of 0 never
  // gets one.
  for (size_t k = 0; given < 100 && k < order.size(); ++k, ++given) ++percents[order[k]];
  return percents;
}

std::string PercentText(int percent, int64_t count, int64_t total) {
  // Rounding must not say "0%" of someone, nor "100%" while someone chose otherwise.
  if (percent == 0 && count > 0) return "less than 1%";
  if (percent == 100 && count < total) return "more than 99%";
  return absl::StrCat(percent, "%");
}

}  // namespace

std::string WithheldText(int min_group, bool capitalised) {
  return absl::StrCat(capitalised ? "F" : "f", "ewer than ", min_group,
                      " answers: not shown, so nobody can be identified");
}

std::vector<BarTableRow> TableRows(const BarChartInput& input) {
  std::vector<int64_t> shown;
  int64_t total = 0;
  for (const BarInput& bar : input.bars) {
    shown.push_back(bar.withheld ? 0 : bar.count);
    total += shown.back();
  }
  const std::vector<int> percents = WholePercents(shown, total);
  std::vector<BarTableRow> rows;
  for (size_t i = 0; i < input.bars.size(); ++i) {
    BarTableRow row;
    row.label = input.bars[i].label;
    row.withheld = input.bars[i].withheld;
    if (row.withheld) {
      row.count_text = WithheldText(input.min_group, /*capitalised=*/true);
      row.percent_text = "Not shown";
    } else {
      row.count = shown[i];
      row.percent = percents[i];
      row.count_text = GroupedNumber(row.count);
      row.percent_text = PercentText(row.percent, row.count, total);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace events::web::console
