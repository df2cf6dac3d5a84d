#include "services/web/console/svg/chart_summary.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "services/web/console/svg/chart_table.h"
#include "services/web/console/svg/xml_text.h"

namespace events::web::console {
namespace {

// "A", "A and B", "A, B and C".
std::string JoinedNames(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

// The clause about the shown answers (total > 0). `shown` is " shown" when some groups are
// withheld, so that "12 of 15 shown" is not read as 12 of everyone.
std::string MostCommonClause(const BarChartInput& input, const std::vector<BarTableRow>& rows,
                             int64_t total, absl::string_view shown) {
  int64_t top = 0;
  for (const BarTableRow& row : rows) top = std::max(top, row.count);
  std::vector<std::string> leaders;
  for (const BarTableRow& row : rows) {
    if (!row.withheld && row.count == top) leaders.push_back(row.label);
  }
  const std::string of = absl::StrCat(GroupedNumber(top), " of ", GroupedNumber(total), shown);
  if (leaders.size() > 1) {
    // "6 of 15 people shown each": the unit before "shown", as in "people shown".
    return absl::StrCat(JoinedNames(leaders), " were equally common (", GroupedNumber(top), " of ",
                        GroupedNumber(total), " ", input.unit, shown, " each)");
  }
  const std::string& leader = leaders.front();
  if (top == total) {
    if (total == 1) {
      return absl::StrCat("1 ", input.unit_one, shown, " ", input.verb, " ", leader);
    }
    return absl::StrCat(total == 2 ? "Both" : absl::StrCat("All ", GroupedNumber(total)), " ",
                        input.unit, shown, " ", input.verb, " ", leader);
  }
  if (top * 2 > total) {
    return absl::StrCat("Most ", input.unit, " (", of, ") ", input.verb, " ", leader);
  }
  return absl::StrCat("More ", input.unit, " ", input.verb, " ", leader, " than anything else (",
                      of, ")");
}

}  // namespace

std::string SummarySentence(const BarChartInput& input, const std::vector<BarTableRow>& rows) {
  int64_t total = 0;
  std::vector<std::string> withheld;
  for (const BarTableRow& row : rows) {
    total += row.count;
    if (row.withheld) withheld.push_back(row.label);
  }
  if (total == 0) {
    // Nothing to compare: the shown groups are all 0, so only the withheld ones matter.
    return withheld.empty() ? "There are no answers yet."
                            : WithheldText(input.min_group, /*capitalised=*/true) + ".";
  }
  std::string sentence = MostCommonClause(input, rows, total, withheld.empty() ? "" : " shown");
  if (!withheld.empty()) {
    absl::StrAppend(&sentence, "; ", JoinedNames(withheld),
                    withheld.size() == 1 ? " has " : " have ", "fewer than ", input.min_group,
                    " answers", withheld.size() == 1 ? "" : " each",
                    ": not shown, so nobody can be identified");
  }
  return sentence + ".";
}

}  // namespace events::web::console
