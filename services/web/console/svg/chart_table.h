#pragma once

#include <string>
#include <vector>

#include "services/web/console/svg/bar_chart.h"

// The numbers behind a bar chart: its table rows and how a withheld group is worded. Pure.
namespace events::web::console {

// "Fewer than 5 answers: not shown, so nobody can be identified" (capitalised or not, for
// the start of a cell or the middle of a sentence).
std::string WithheldText(int min_group, bool capitalised);

// The rows of `input` (already valid), with whole percents of the shown total that add up
// to 100: each row gets its percent rounded down, and the points still missing go to the
// rows that lost most in rounding (the larger count first on a tie, then the earlier row).
std::vector<BarTableRow> TableRows(const BarChartInput& input);

}  // namespace events::web::console
