#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/web/console/svg/bar_chart.h"

// The drawing of a bar chart. Pure.
namespace events::web::console {

// The <svg> of `input` (already valid): each row is its label, then its bar with the count
// and percent written after it (or the withheld wording in place of the bar), one under the
// other so that a label has the full width at 320 px. role="img", named by its <title> and
// described by its <desc> (the summary, then every row in words). Only presentation
// attributes (no <style>, no style="": the site's Content-Security-Policy forbids inline
// styles), no script, no link, nothing fetched.
std::string BarChartSvg(const BarChartInput& input, const std::vector<BarTableRow>& rows,
                        absl::string_view summary);

}  // namespace events::web::console
