#include "services/web/console/svg/bar_chart.h"

#include <cstddef>
#include <cstdint>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/util/utf8.h"
#include "services/web/console/svg/bar_chart_svg.h"
#include "services/web/console/svg/chart_summary.h"
#include "services/web/console/svg/chart_table.h"

namespace events::web::console {
namespace {

constexpr size_t kMaxBars = 50;
constexpr size_t kMaxIdLength = 64;
constexpr int64_t kMaxCount = 1'000'000'000'000;

absl::Status CheckText(absl::string_view field, absl::string_view value, size_t max_chars) {
  const size_t chars = CountCodePoints(value);
  if (absl::StripAsciiWhitespace(value).empty() || chars > max_chars) {
    return absl::InvalidArgumentError(absl::StrCat(field, " must be 1 to ", max_chars,
                                                   " characters and not blank; it has ", chars));
  }
  return absl::OkStatus();
}

// The id is written unescaped into id="" and aria-labelledby="" (a space-separated list),
// so only characters that need no escaping and no space may be in it.
absl::Status CheckId(absl::string_view id) {
  bool ok = !id.empty() && id.size() <= kMaxIdLength && absl::ascii_isalpha(id[0]);
  for (char c : id) ok = ok && (absl::ascii_isalnum(c) || c == '-' || c == '_');
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("id must be a letter then up to ", kMaxIdLength - 1,
                     " letters, digits, '-' or '_' (it names the chart's title and description)"));
  }
  return absl::OkStatus();
}

absl::Status CheckInput(const BarChartInput& input) {
  if (absl::Status s = CheckId(input.id); !s.ok()) return s;
  for (const auto& [field, value, max] :
       {std::tuple<absl::string_view, absl::string_view, size_t>{"title", input.title, 200},
        {"unit", input.unit, 40},
        {"unit_one", input.unit_one, 40},
        {"verb", input.verb, 40}}) {
    if (absl::Status s = CheckText(field, value, max); !s.ok()) return s;
  }
  if (input.min_group < 1 || input.min_group > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("min_group must be between 1 and 1000; it is ", input.min_group));
  }
  if (input.bars.size() > kMaxBars) {
    return absl::InvalidArgumentError(
        absl::StrCat("bars must hold at most ", kMaxBars, "; it holds ", input.bars.size()));
  }
  for (size_t i = 0; i < input.bars.size(); ++i) {
    const BarInput& bar = input.bars[i];
    const std::string field = absl::StrCat("bars[", i, "]");
    if (absl::Status s = CheckText(field + ".label", bar.label, 200); !s.ok()) return s;
    if (!bar.withheld && (bar.count < 0 || bar.count > kMaxCount)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".count must be between 0 and ", kMaxCount, "; it is ", bar.count));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<BarChart> RenderBarChart(const BarChartInput& input) {
  if (absl::Status s = CheckInput(input); !s.ok()) return s;
  BarChart chart;
  chart.rows = TableRows(input);
  for (const BarTableRow& row : chart.rows) chart.shown_total += row.count;
  chart.summary = SummarySentence(input, chart.rows);
  chart.svg = BarChartSvg(input, chart.rows, chart.summary);
  return chart;
}

}  // namespace events::web::console
