#pragma once

#include <string>
#include <vector>

#include "services/web/console/svg/bar_chart.h"

// A chart's numbers said in one sentence of plain English, for the people who do not see
// the bars and for everyone who reads faster than they decode a chart. Pure.
namespace events::web::console {

// "Most people (12 of 20) rated it Very good." for `input` (already valid) and its rows
// (TableRows): says which answer was most common, or which were equally common, or that
// there are no answers yet, and names the withheld groups without a number.
std::string SummarySentence(const BarChartInput& input, const std::vector<BarTableRow>& rows);

}  // namespace events::web::console
