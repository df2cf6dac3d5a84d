#include "services/scheduling/domain/recurrence.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace events::scheduling {
namespace {

using events::v1::Frequency;
using events::v1::RecurrenceRule;
using time::LocalDate;
using time::LocalDateTime;

// This abseil build has its own string_view, which StrCat cannot take from std::string_view.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::string_view DayName(int iso_weekday) { return Sv(time::WeekdayName(iso_weekday)); }

// A validated rule in plain terms.
struct Plan {
  Frequency frequency = events::v1::FREQUENCY_UNSPECIFIED;
  int interval = 1;
  int count = 0;                   // 0 when `until` is set
  std::optional<LocalDate> until;  // inclusive
  std::vector<int> weekdays;       // ISO 1..7, sorted, no duplicates
  int week_of_month = 0;           // 0, 1..4 or -1
};

std::string DescribeDay(const LocalDate& d) {
  return absl::StrCat(DayName(time::DayOfWeek(d)), " ", d.ToString());
}

std::string WeekdayList(const std::vector<int>& weekdays) {
  std::vector<absl::string_view> names;
  names.reserve(weekdays.size());
  for (int wd : weekdays) names.push_back(DayName(wd));
  return absl::StrJoin(names, ", ");
}

absl::string_view Ordinal(int week_of_month) {
  switch (week_of_month) {
    case 1:
      return "first";
    case 2:
      return "second";
    case 3:
      return "third";
    case 4:
      return "fourth";
    default:
      return "last";
  }
}

// The day of month of the nth (1..4) or last (-1) `weekday` in a month.
int NthWeekdayOfMonth(int year, int month, int weekday, int week_of_month) {
  if (week_of_month > 0) {
    int first_dow = time::DayOfWeek({year, month, 1});
    return 1 + (weekday - first_dow + 7) % 7 + 7 * (week_of_month - 1);
  }
  int last = time::DaysInMonth(year, month);
  int last_dow = time::DayOfWeek({year, month, last});
  return last - (last_dow - weekday + 7) % 7;
}

absl::Status Invalid(absl::string_view message) { return absl::InvalidArgumentError(message); }

absl::StatusOr<Plan> Validate(const RecurrenceRule& rule, const LocalDateTime& first_start,
                              int max_occurrences) {
  Plan plan;
  if (rule.frequency() != events::v1::FREQUENCY_WEEKLY &&
      rule.frequency() != events::v1::FREQUENCY_MONTHLY) {
    return Invalid("rule.frequency is required: FREQUENCY_WEEKLY or FREQUENCY_MONTHLY");
  }
  plan.frequency = rule.frequency();
  bool weekly = plan.frequency == events::v1::FREQUENCY_WEEKLY;

  if ((rule.count() != 0) == !rule.until().empty()) {
    return Invalid("rule: set exactly one of count and until");
  }
  if (rule.count() != 0) {
    if (rule.count() < 1 || rule.count() > max_occurrences) {
      return Invalid(absl::StrCat("rule.count must be between 1 and ", max_occurrences));
    }
    plan.count = rule.count();
  }
  if (rule.interval() < 0 || rule.interval() > 52) {
    return Invalid("rule.interval must be between 0 and 52 (0 means 1)");
  }
  plan.interval = rule.interval() == 0 ? 1 : rule.interval();

  LocalDate first = time::DateOf(first_start);
  if (!rule.until().empty()) {
    absl::StatusOr<LocalDate> until = time::ParseLocalDate(rule.until(), "rule.until");
    if (!until.ok()) return until.status();
    if (*until < first) {
      return Invalid(absl::StrCat("rule.until ", until->ToString(),
                                  " is before the first occurrence on ", first.ToString()));
    }
    plan.until = *until;
  }

  plan.week_of_month = rule.week_of_month();
  if (plan.week_of_month != 0) {
    if (plan.week_of_month < -1 || plan.week_of_month > 4) {
      return Invalid(
          "rule.week_of_month must be 1..4 or -1 (last), or 0 to repeat on the first "
          "occurrence's day of the month");
    }
    if (weekly) return Invalid("rule.week_of_month is only for FREQUENCY_MONTHLY");
  }

  for (int i = 0; i < rule.by_weekday_size(); ++i) {
    int wd = rule.by_weekday(i);
    if (wd < events::v1::WEEKDAY_MONDAY || wd > events::v1::WEEKDAY_SUNDAY) {
      return Invalid(absl::StrCat("rule.by_weekday[", i, "]: ", wd,
                                  " is not a weekday; use WEEKDAY_MONDAY to WEEKDAY_SUNDAY"));
    }
    if (std::find(plan.weekdays.begin(), plan.weekdays.end(), wd) != plan.weekdays.end()) {
      return Invalid(absl::StrCat("rule.by_weekday lists ", DayName(wd), " more than once"));
    }
    plan.weekdays.push_back(wd);
  }
  std::sort(plan.weekdays.begin(), plan.weekdays.end());

  int first_dow = time::DayOfWeek(first);
  if (weekly) {
    if (plan.weekdays.empty()) plan.weekdays.push_back(first_dow);
    if (std::find(plan.weekdays.begin(), plan.weekdays.end(), first_dow) == plan.weekdays.end()) {
      return Invalid(absl::StrCat("rule.by_weekday: the first occurrence (", DescribeDay(first),
                                  ") must fall on one of the chosen weekdays (",
                                  WeekdayList(plan.weekdays), ")"));
    }
  } else if (plan.week_of_month == 0) {
    if (!plan.weekdays.empty()) {
      return Invalid(
          "rule.by_weekday is only used with rule.week_of_month for FREQUENCY_MONTHLY; leave "
          "it empty to repeat on the first occurrence's day of the month");
    }
  } else {
    if (plan.weekdays.size() != 1) {
      return Invalid("rule.by_weekday: with rule.week_of_month, give exactly one weekday");
    }
    int wd = plan.weekdays[0];
    if (first_dow != wd) {
      return Invalid(absl::StrCat("rule.by_weekday: the first occurrence (", DescribeDay(first),
                                  ") must fall on the chosen weekday (", DayName(wd), ")"));
    }
    if (first.day != NthWeekdayOfMonth(first.year, first.month, wd, plan.week_of_month)) {
      return Invalid(absl::StrCat("rule.week_of_month: the first occurrence (", DescribeDay(first),
                                  ") is not the ", Ordinal(plan.week_of_month), " ", DayName(wd),
                                  " of its month"));
    }
  }
  return plan;
}

// Collects occurrences and decides when expansion stops. Candidates must arrive in date order.
class Collector {
 public:
  Collector(const Plan& plan, const LocalDateTime& first_start, int max_occurrences)
      : plan_(plan), first_start_(first_start), max_(max_occurrences) {}

  // Returns false once expansion is finished (or failed: see status()).
  bool Offer(const LocalDate& d) {
    if (plan_.until.has_value() && *plan_.until < d) return false;
    if (d.year > time::kLatestSupportedYear) {
      status_ = Invalid(
          absl::StrCat("rule: occurrence ", out_.size() + 1, " would fall on ", d.ToString(),
                       ", but events can be scheduled only up to ", time::kLatestSupportedYear,
                       "-12-31; use a smaller count, an earlier until or a shorter interval"));
      return false;
    }
    if (static_cast<int>(out_.size()) == max_) {
      status_ = Invalid(absl::StrCat("rule.until ", plan_.until->ToString(), " gives more than ",
                                     max_, " occurrences; choose an earlier date or use count"));
      return false;
    }
    out_.push_back(time::AtTimeOf(d, first_start_));
    return plan_.count == 0 || static_cast<int>(out_.size()) < plan_.count;
  }

  // Whether a period (week or month) starting on `d` can still hold occurrences.
  bool PeriodOpen(const LocalDate& d) const {
    return !plan_.until.has_value() || d <= *plan_.until;
  }

  absl::Status status() const { return status_; }
  std::vector<LocalDateTime> Take() { return std::move(out_); }

 private:
  const Plan& plan_;
  LocalDateTime first_start_;
  int max_;
  std::vector<LocalDateTime> out_;
  absl::Status status_;
};

// Both expansions advance one period per step and a period can be empty (a month without the
// 31st) at most 11 times in a row, so this only guards against a logic error.
constexpr int kMaxPeriods = 100000;

void ExpandWeekly(const Plan& plan, const LocalDate& first, Collector& c) {
  LocalDate week0 = time::AddDays(first, -(time::DayOfWeek(first) - 1));
  for (int64_t k = 0; k < kMaxPeriods; ++k) {
    LocalDate week = time::AddDays(week0, int64_t{7} * plan.interval * k);
    if (!c.PeriodOpen(week)) return;
    for (int wd : plan.weekdays) {
      LocalDate d = time::AddDays(week, wd - 1);
      if (d < first) continue;
      if (!c.Offer(d)) return;
    }
  }
}

void ExpandMonthly(const Plan& plan, const LocalDate& first, Collector& c) {
  int64_t month0 = static_cast<int64_t>(first.year) * 12 + (first.month - 1);
  for (int64_t k = 0; k < kMaxPeriods; ++k) {
    int64_t m = month0 + plan.interval * k;
    int year = static_cast<int>(m / 12);
    int month = static_cast<int>(m % 12) + 1;
    if (!c.PeriodOpen({year, month, 1})) return;
    int day = first.day;
    if (plan.week_of_month != 0) {
      day = NthWeekdayOfMonth(year, month, plan.weekdays[0], plan.week_of_month);
    } else if (day > time::DaysInMonth(year, month)) {
      continue;  // RFC 5545 skips months without the day rather than moving it.
    }
    if (!c.Offer({year, month, day})) return;
  }
}

}  // namespace

absl::StatusOr<std::vector<LocalDateTime>> ExpandRecurrence(const RecurrenceRule& rule,
                                                            const LocalDateTime& first_start,
                                                            int max_occurrences) {
  if (!time::IsValid(first_start)) {
    return Invalid(absl::StrCat("start: ", first_start.ToString(), " is not a valid date-time"));
  }
  if (max_occurrences < 1) max_occurrences = 1;
  absl::StatusOr<Plan> plan = Validate(rule, first_start, max_occurrences);
  if (!plan.ok()) return plan.status();

  Collector collector(*plan, first_start, max_occurrences);
  LocalDate first = time::DateOf(first_start);
  if (plan->frequency == events::v1::FREQUENCY_WEEKLY) {
    ExpandWeekly(*plan, first, collector);
  } else {
    ExpandMonthly(*plan, first, collector);
  }
  if (!collector.status().ok()) return collector.status();
  return collector.Take();
}

}  // namespace events::scheduling
