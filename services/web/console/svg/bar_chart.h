#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

// A horizontal bar chart of counts (a feedback report's rating distribution, choice counts,
// 0-10 scale, responses by outcome), drawn on the server as inline SVG together with the two
// other ways to read the same numbers: a one-sentence summary and the rows of a data table
// (docs/console.md, "Charts and QR codes"). Pure; thread-safe.
namespace events::web::console {

struct BarInput {
  std::string label;  // "Very good"; 1 to 200 characters
  int64_t count = 0;  // 0 to 1,000,000,000,000; ignored when withheld
  // The group is too small to show (fewer than min_group answers): it appears as withheld
  // in the drawing, the summary and the table, never with a number.
  bool withheld = false;
};

struct BarChartInput {
  // Starts the ids of the drawing's <title> and <desc>, so it must be unique on the page: a
  // letter, then up to 63 letters, digits, '-' or '_'.
  std::string id;
  std::string title;  // "How would you rate the event?"; 1 to 200 characters
  // What the counts count, plural and singular ("people", "person"), and what they did, as
  // in "Most people (12 of 20) rated it Very good."; each 1 to 40 characters.
  std::string unit = "people";
  std::string unit_one = "person";
  std::string verb = "chose";
  int min_group = 5;           // the report's FEEDBACK_MIN_GROUP, 1 to 1,000: named when withheld
  std::vector<BarInput> bars;  // at most 50, in the order they are drawn
};

// One row of the table that goes with the chart.
struct BarTableRow {
  std::string label;
  bool withheld = false;
  int64_t count = 0;  // 0 when withheld
  // Whole percent of the answers shown (the withheld ones are not known); the rows' percents
  // add up to 100 when anything is shown. 0 when withheld.
  int percent = 0;
  std::string count_text;    // "1,234", or "Fewer than 5 answers: not shown, so ..."
  std::string percent_text;  // "60%", "less than 1%", "more than 99%", or "Not shown"
};

struct BarChart {
  std::string svg;      // <svg ...>...</svg>, to be placed inline in the page
  std::string summary;  // one sentence of plain text (not escaped: the page's template does it)
  std::vector<BarTableRow> rows;
  int64_t shown_total = 0;  // the answers shown, withheld groups left out
};

// The chart, or INVALID_ARGUMENT naming the field and the rule that `input` breaks.
absl::StatusOr<BarChart> RenderBarChart(const BarChartInput& input);

}  // namespace events::web::console
