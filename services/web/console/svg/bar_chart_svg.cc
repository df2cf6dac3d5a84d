#include "services/web/console/svg/bar_chart_svg.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "services/web/console/svg/chart_colours.h"
#include "services/web/console/svg/chart_table.h"
#include "services/web/console/svg/xml_text.h"

namespace events::web::console {
namespace {

// In user units of the viewBox, which the page scales to its width: on a 320 px screen (about
// 290 px of column) the 16-unit text shows at about 14.5 px; the page caps the drawing's width
// (docs/console.md) so that it does not grow past about 20 px on a wide screen.
constexpr int kWidth = 320;
constexpr int kFontSize = 16;
constexpr int kLineHeight = 20;
constexpr int kBaseline = 15;  // from the top of a line to the text's baseline
constexpr int kBarHeight = 24;
constexpr int kGapUnderLabel = 4;
constexpr int kGapBetweenRows = 16;
constexpr int kGapBeforeValue = 8;
constexpr int kMargin = 8;
constexpr int kMinBarArea = 100;

std::string ValueText(const BarTableRow& row) {
  return absl::StrCat(row.count_text, " (", row.percent_text, ")");
}

// Lines of text, left-aligned at x = 0, the first one's top at y; returns the y under them.
int AppendLines(const std::vector<std::string>& lines, int y, std::string& out) {
  if (lines.empty()) return y;
  out += "<text>";
  for (const std::string& line : lines) {
    absl::StrAppend(&out, "<tspan x=\"0\" y=\"", y + kBaseline, "\">", XmlEscape(line), "</tspan>");
    y += kLineHeight;
  }
  out += "</text>\n";
  return y;
}

std::string Description(const BarChartInput& input, const std::vector<BarTableRow>& rows,
                        absl::string_view summary) {
  std::string desc(summary);
  for (const BarTableRow& row : rows) {
    absl::StrAppend(
        &desc, " ", row.label, ": ",
        row.withheld ? WithheldText(input.min_group, /*capitalised=*/false) : ValueText(row), ".");
  }
  return desc;
}

}  // namespace

std::string BarChartSvg(const BarChartInput& input, const std::vector<BarTableRow>& rows,
                        absl::string_view summary) {
  // Room after the longest bar for the longest value; a drawing widens rather than let a
  // value run off its edge.
  double value_ems = 0;
  int64_t max_count = 0;
  for (const BarTableRow& row : rows) {
    if (row.withheld) continue;
    value_ems = std::max(value_ems, TextWidthEms(ValueText(row)));
    max_count = std::max(max_count, row.count);
  }
  const int value_room = static_cast<int>(std::ceil(value_ems * kFontSize)) + kGapBeforeValue;
  const int width = std::max(kWidth, kMinBarArea + value_room);
  const int bar_area = width - value_room;
  const double line_ems = static_cast<double>(width) / kFontSize;

  std::string text;  // labels, values and withheld wording, in the text colour
  std::string bars;  // the bars, in the bar colour
  int y = kMargin;
  for (const BarTableRow& row : rows) {
    y = AppendLines(WrapText(row.label, line_ems), y, text) + kGapUnderLabel;
    if (row.withheld) {
      y = AppendLines(WrapText(WithheldText(input.min_group, true), line_ems), y, text);
    } else {
      int length = 0;
      if (row.count > 0) {
        // At least 2 units, so that a count that is not 0 always shows a bar.
        length =
            std::max(2, static_cast<int>(std::lround(static_cast<double>(row.count) * bar_area /
                                                     static_cast<double>(max_count))));
        absl::StrAppend(&bars, "<rect x=\"0\" y=\"", y, "\" width=\"", length, "\" height=\"",
                        kBarHeight, "\"/>\n");
      }
      absl::StrAppend(&text, "<text x=\"", length > 0 ? length + kGapBeforeValue : 0, "\" y=\"",
                      y + (kBarHeight + kFontSize) / 2 - 2, "\">", XmlEscape(ValueText(row)),
                      "</text>\n");
      y += kBarHeight;
    }
    y += kGapBetweenRows;
  }
  const int height = rows.empty() ? 2 * kMargin : y - kGapBetweenRows + kMargin;

  const std::string title_id = input.id + "-title";
  const std::string desc_id = input.id + "-desc";
  return absl::StrCat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", width, " ", height,
      "\" width=\"100%\" role=\"img\" aria-labelledby=\"", title_id, " ", desc_id,
      "\" font-family=\"", kFontFamily, "\" font-size=\"", kFontSize, "\">\n", "<title id=\"",
      title_id, "\">", XmlEscape(input.title), "</title>\n", "<desc id=\"", desc_id, "\">",
      XmlEscape(Description(input, rows, summary)), "</desc>\n", "<rect width=\"", width,
      "\" height=\"", height, "\" fill=\"", kBackgroundColour, "\"/>\n", "<g fill=\"", kBarColour,
      "\">\n", bars, "</g>\n", "<g fill=\"", kTextColour, "\">\n", text, "</g>\n", "</svg>\n");
}

}  // namespace events::web::console
