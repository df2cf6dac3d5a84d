#include "services/feedback/rules/aggregates.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/feedback/rules/report_math.h"

namespace events::feedback {
namespace {

using events::v1::FeedbackAnswer;
using events::v1::QuestionReport;
using events::v1::SurveyQuestion;

int64_t Get(const std::map<std::string, int64_t>& m, const std::string& field) {
  auto it = m.find(field);
  return it == m.end() ? 0 : it->second;
}

Histogram HistogramOf(const std::map<std::string, int64_t>& m, const std::string& prefix, int lo,
                      int hi) {
  Histogram h;
  for (int v = lo; v <= hi; ++v) {
    const int64_t c = Get(m, absl::StrCat(prefix, v));
    if (c > 0) h[v] = c;
  }
  return h;
}

void AddTrend(Contribution& c, const std::string& key, const SurveyQuestion& q,
              const FeedbackAnswer& a) {
  if (q.role() == events::v1::QUESTION_ROLE_OVERALL) {
    c.trend.push_back({absl::StrCat(key, ":r:", a.number()), 1});
  } else if (q.role() == events::v1::QUESTION_ROLE_RECOMMEND) {
    c.trend.push_back({absl::StrCat(key, ":s:", a.number()), 1});
  }
}

void FillNumbers(const ReportInputs& in, const SurveyQuestion& q, QuestionReport& r) {
  const bool rating = q.type() == events::v1::SURVEY_QUESTION_TYPE_RATING;
  const Histogram h = HistogramOf(in.aggregates, absl::StrCat("q:", q.id(), ":v:"), rating ? 1 : 0,
                                  rating ? 5 : 10);
  for (int v = rating ? 1 : 0; v <= (rating ? 5 : 10); ++v) {
    events::v1::ValueCount* vc = r.add_distribution();
    vc->set_value(v);
    auto it = h.find(v);
    vc->set_count(it == h.end() ? 0 : it->second);
  }
  if (std::optional<double> mean = MeanOf(h)) r.set_mean(*mean);
  if (std::optional<double> median = MedianOf(h)) r.set_median(*median);
  if (!rating) {
    if (std::optional<events::v1::NetPromoterScore> nps = NpsOf(h)) *r.mutable_nps() = *nps;
  }
}

void FillChoices(const std::map<std::string, int64_t>& m, const std::string& prefix,
                 const SurveyQuestion& q,
                 google::protobuf::RepeatedPtrField<events::v1::ChoiceCount>* out) {
  for (const events::v1::SurveyChoice& choice : q.choices()) {
    events::v1::ChoiceCount* c = out->Add();
    c->set_choice_id(choice.id());
    c->set_text(choice.text());
    c->set_count(Get(m, prefix + choice.id()));
  }
}

// The access breakdown, with secondary suppression. The rows add up to the question's
// answered count and choice counts, so hiding only the small rows would let them be
// recovered by subtraction: when any non-empty row has fewer than min_group people, every
// row is withheld (people 0, suppressed, no answers). The note does not say which rows are
// small: "fewer than N people in unfulfilled", next to the event's count of unfulfilled
// requests (which the access coordinators can put names to), would point at that group.
void FillAccessBreakdown(const ReportInputs& in, const SurveyQuestion& access,
                         events::v1::FeedbackReport& report) {
  std::vector<std::string> small;
  for (const std::string& outcome : AccessOutcomes()) {
    const int64_t people = Get(in.aggregates, absl::StrCat("x:", outcome, ":n"));
    if (people > 0 && people < in.min_group) small.push_back(outcome);
  }
  for (const std::string& outcome : AccessOutcomes()) {
    events::v1::AccessBreakdown* row = report.add_access_breakdown();
    row->set_outcome(outcome);
    if (!small.empty()) {
      row->set_suppressed(true);
      continue;
    }
    row->set_people(Get(in.aggregates, absl::StrCat("x:", outcome, ":n")));
    if (row->people() == 0) continue;
    FillChoices(in.aggregates, absl::StrCat("x:", outcome, ":"), access, row->mutable_answers());
  }
  if (!small.empty()) {
    report.add_notes(absl::StrCat(
        "access needs met by accessibility outcome: withheld, because at least one outcome has "
        "answers from fewer than ",
        in.min_group, " people (which outcome is not said: that too could point at them)"));
  }
}

// How many bytes of text each question whose texts are shown may put in the report.
std::optional<int64_t> TextShare(const ReportInputs& in) {
  if (!in.text_limits.has_value()) return std::nullopt;
  int64_t shown = 0;
  for (const SurveyQuestion& q : in.definition.questions()) {
    auto texts = in.texts.find(q.id());
    const int64_t count = texts == in.texts.end() ? 0 : static_cast<int64_t>(texts->second.size());
    const int64_t answered = Get(in.aggregates, absl::StrCat("q:", q.id(), ":n"));
    if (TextVisibilityOf(answered, count, in.min_group) == TextVisibility::kShown) ++shown;
  }
  return shown == 0 ? in.text_limits->bytes : in.text_limits->bytes / shown;
}

// The sorted texts of a question, as many as the limits allow: a prefix of the sorted order.
void FillTexts(std::vector<std::string> texts, const ReportInputs& in, std::optional<int64_t> share,
               QuestionReport& r) {
  // Sorted: the stored order follows submission, which would let texts be matched with who
  // answered when.
  std::sort(texts.begin(), texts.end());
  r.set_texts_total(static_cast<int64_t>(texts.size()));
  int64_t bytes = 0;
  for (std::string& t : texts) {
    if (in.text_limits.has_value() && (r.texts_size() >= in.text_limits->per_question ||
                                       bytes + static_cast<int64_t>(t.size()) > *share)) {
      break;
    }
    bytes += static_cast<int64_t>(t.size());
    r.add_texts(std::move(t));
  }
}

}  // namespace

TextVisibility TextVisibilityOf(int64_t answered, int64_t text_count, int32_t min_group) {
  if (answered < min_group)
    return answered == 0 ? TextVisibility::kNone : TextVisibility::kWithheld;
  if (text_count == 0) return TextVisibility::kNone;
  return text_count < min_group ? TextVisibility::kWithheld : TextVisibility::kShown;
}

const std::vector<std::string>& AccessOutcomes() {
  static const std::vector<std::string>* const outcomes =
      new std::vector<std::string>{"fulfilled", "unfulfilled", "pending", "no_request"};
  return *outcomes;
}

std::string AccessOutcomeOf(const std::vector<int>& request_statuses) {
  std::string outcome = "no_request";
  for (const int status : request_statuses) {
    if (status == kRequestWithdrawn) continue;
    if (status == kRequestUnfulfillable) {
      outcome = "unfulfilled";
    } else if (status == kRequestFulfilled && outcome != "unfulfilled") {
      outcome = "fulfilled";
    } else if (outcome == "no_request") {
      outcome = "pending";
    }
  }
  return outcome;
}

void AddAccessOutcome(const std::string& outcome, Contribution& c) {
  if (c.access_choice.empty()) return;
  c.event.push_back({absl::StrCat("x:", outcome, ":n"), 1});
  c.event.push_back({absl::StrCat("x:", outcome, ":", c.access_choice), 1});
}

Contribution SumOf(const std::vector<Contribution>& parts) {
  std::map<std::string, int64_t> event;
  std::map<std::string, int64_t> trend;
  for (const Contribution& part : parts) {
    for (const FieldDelta& d : part.event) event[d.field] += d.delta;
    for (const FieldDelta& d : part.trend) trend[d.field] += d.delta;
  }
  Contribution sum;
  for (const auto& [field, delta] : event) {
    if (delta != 0) sum.event.push_back({field, delta});
  }
  for (const auto& [field, delta] : trend) {
    if (delta != 0) sum.trend.push_back({field, delta});
  }
  return sum;
}

std::string TrendGroupOf(const std::string& field) {
  if (absl::EndsWith(field, ":n")) return field;
  const size_t last = field.rfind(':');
  return last == std::string::npos ? field : field.substr(0, last);
}

std::map<std::string, int64_t> ReleasedTrendFields(const std::map<std::string, int64_t>& held,
                                                   int32_t min_group) {
  std::map<std::string, int64_t> totals;
  for (const auto& [field, count] : held) totals[TrendGroupOf(field)] += count;
  std::map<std::string, int64_t> released;
  for (const auto& [field, count] : held) {
    if (count != 0 && totals[TrendGroupOf(field)] >= min_group) released[field] = count;
  }
  return released;
}

Contribution ContributionOf(const events::v1::SurveyDefinition& definition,
                            const std::vector<FeedbackAnswer>& answers, const std::string& month,
                            const std::string& series_id) {
  Contribution c;
  c.event.push_back({"n", 1});
  std::vector<std::string> trend_keys = {absl::StrCat("m:", month)};
  if (!series_id.empty()) trend_keys.push_back(absl::StrCat("s:", series_id));
  for (const std::string& key : trend_keys) c.trend.push_back({key + ":n", 1});
  std::map<std::string, const SurveyQuestion*> questions;
  for (const SurveyQuestion& q : definition.questions()) questions[q.id()] = &q;
  for (const FeedbackAnswer& a : answers) {
    auto it = questions.find(a.question_id());
    if (it == questions.end()) continue;
    const SurveyQuestion& q = *it->second;
    const std::string base = absl::StrCat("q:", q.id(), ":");
    c.event.push_back({base + "n", 1});
    switch (q.type()) {
      case events::v1::SURVEY_QUESTION_TYPE_RATING:
      case events::v1::SURVEY_QUESTION_TYPE_SCALE_0_10:
        c.event.push_back({absl::StrCat(base, "v:", a.number()), 1});
        for (const std::string& key : trend_keys) AddTrend(c, key, q, a);
        break;
      case events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT:
        c.texts.emplace_back(q.id(), a.text());
        break;
      default:
        for (const std::string& choice : a.choice_ids()) {
          c.event.push_back({absl::StrCat(base, "c:", choice), 1});
        }
        if (!a.comment().empty()) {
          c.event.push_back({base + "cm", 1});
          c.texts.emplace_back(q.id(), a.comment());
        }
        if (q.role() == events::v1::QUESTION_ROLE_ACCESS_NEEDS_MET && a.choice_ids_size() == 1) {
          c.access_choice = a.choice_ids(0);
        }
        break;
    }
  }
  return c;
}

events::v1::FeedbackReport BuildReport(const ReportInputs& in) {
  events::v1::FeedbackReport report;
  const int64_t responses = Get(in.aggregates, "n");
  report.set_response_count(responses);
  report.set_eligible_count(in.eligible);
  if (in.eligible > 0) {
    // The denominator is who was invited; someone who became eligible later (or answered
    // after their registration changed) can take responses past it, so the rate stops at 1.
    report.set_response_rate(
        std::min(1.0, static_cast<double>(responses) / static_cast<double>(in.eligible)));
  }
  report.set_min_group(in.min_group);
  report.set_anonymous(in.definition.anonymous());
  report.set_requests_fulfilled(in.requests_fulfilled);
  report.set_requests_unfulfilled(in.requests_unfulfilled);
  report.set_requests_pending(in.requests_pending);
  const SurveyQuestion* access = nullptr;
  const std::optional<int64_t> text_share = TextShare(in);
  for (const SurveyQuestion& q : in.definition.questions()) {
    QuestionReport* r = report.add_questions();
    r->set_question_id(q.id());
    r->set_type(q.type());
    r->set_text(q.text());
    r->set_role(q.role());
    r->set_answered(Get(in.aggregates, absl::StrCat("q:", q.id(), ":n")));
    if (q.role() == events::v1::QUESTION_ROLE_ACCESS_NEEDS_MET) access = &q;
    auto texts = in.texts.find(q.id());
    const int64_t text_count =
        texts == in.texts.end() ? 0 : static_cast<int64_t>(texts->second.size());
    if (r->answered() < in.min_group) {
      r->set_suppressed(true);
      if (r->answered() > 0) {
        report.add_notes(absl::StrCat("question ", q.id(), ": answered by fewer than ",
                                      in.min_group, " people, so its results are not shown"));
      }
      continue;
    }
    r->set_comment_count(Get(in.aggregates, absl::StrCat("q:", q.id(), ":cm")));
    switch (q.type()) {
      case events::v1::SURVEY_QUESTION_TYPE_RATING:
      case events::v1::SURVEY_QUESTION_TYPE_SCALE_0_10:
        FillNumbers(in, q, *r);
        break;
      case events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT:
        break;
      default:
        FillChoices(in.aggregates, absl::StrCat("q:", q.id(), ":c:"), q, r->mutable_choices());
        break;
    }
    const TextVisibility visibility = TextVisibilityOf(r->answered(), text_count, in.min_group);
    if (visibility == TextVisibility::kShown) {
      FillTexts(texts->second, in, text_share, *r);
    } else if (visibility == TextVisibility::kWithheld) {
      report.add_notes(absl::StrCat("question ", q.id(), ": fewer than ", in.min_group,
                                    " written answers, so they are not shown"));
    }
  }
  if (access != nullptr) FillAccessBreakdown(in, *access, report);
  return report;
}

events::v1::FeedbackTrends BuildTrends(const std::map<std::string, int64_t>& fields,
                                       const std::string& from_month, const std::string& to_month,
                                       int32_t min_group) {
  events::v1::FeedbackTrends trends;
  trends.set_min_group(min_group);
  // Keys in order: std::map sorts "m:2026-01" before "m:2026-02", and "s:..." after "m:...".
  std::map<std::string, bool> keys;
  for (const auto& [field, count] : fields) {
    if (!absl::EndsWith(field, ":n")) continue;
    std::string key = field.substr(0, field.size() - 2);
    keys[key] = true;
  }
  for (const auto& [key, unused] : keys) {
    const bool month = absl::StartsWith(key, "m:");
    const std::string name = key.substr(2);
    if (month &&
        ((!from_month.empty() && name < from_month) || (!to_month.empty() && name > to_month))) {
      continue;
    }
    events::v1::TrendPoint* p = month ? trends.add_months() : trends.add_series();
    p->set_key(name);
    p->set_responses(Get(fields, key + ":n"));
    const Histogram rating = HistogramOf(fields, key + ":r:", 1, 5);
    const Histogram scale = HistogramOf(fields, key + ":s:", 0, 10);
    p->set_rating_count(CountOf(rating));
    p->set_recommend_count(CountOf(scale));
    if (p->responses() < min_group) {
      p->set_suppressed(true);
      continue;
    }
    if (p->rating_count() >= min_group) p->set_mean_rating(MeanOf(rating).value_or(0));
    if (p->recommend_count() >= min_group) {
      if (auto nps = NpsOf(scale)) p->set_nps(nps->score());
    }
  }
  return trends;
}

}  // namespace events::feedback
