#include "tools/eventctl/feedback_printer.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "tools/eventctl/zones.h"

namespace events::eventctl {
namespace {

std::string TypeWord(events::v1::SurveyQuestionType type) {
  switch (type) {
    case events::v1::SURVEY_QUESTION_TYPE_RATING:
      return "rating 1-5";
    case events::v1::SURVEY_QUESTION_TYPE_SCALE_0_10:
      return "scale 0-10";
    case events::v1::SURVEY_QUESTION_TYPE_SINGLE_CHOICE:
      return "one choice";
    case events::v1::SURVEY_QUESTION_TYPE_MULTIPLE_CHOICE:
      return "choices";
    case events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT:
      return "text";
    default:
      return "?";
  }
}

std::string Wording(const std::string& text, const std::string& plain, bool easy_read) {
  return easy_read && !plain.empty() ? plain : text;
}

// " " and a bar of up to 20 '#' for count out of total; "" for none.
std::string Bar(int64_t count, int64_t total) {
  if (total <= 0 || count <= 0) return "";
  return " " + std::string(static_cast<size_t>((count * 20 + total / 2) / total), '#');
}

// In the event's zone, as its start and end are shown.
std::string Date(int64_t unix_ms, const std::string& zone) {
  if (unix_ms <= 0) return "(not known yet)";
  return FormatInZone(unix_ms, zone);
}

}  // namespace

std::string SurveyStateWord(events::v1::SurveyState state) {
  switch (state) {
    case events::v1::SURVEY_STATE_SCHEDULED:
      return "scheduled";
    case events::v1::SURVEY_STATE_OPEN:
      return "open";
    case events::v1::SURVEY_STATE_CLOSED:
      return "closed";
    case events::v1::SURVEY_STATE_CANCELLED:
      return "cancelled";
    default:
      return "unknown";
  }
}

std::string DescribeSurvey(const events::v1::Survey& s, bool easy_read, const std::string& zone) {
  const events::v1::SurveyDefinition& d = s.definition();
  std::string out = absl::StrCat("Survey for ", s.event_id(), ": ", SurveyStateWord(s.state()),
                                 s.is_default() ? " (default template)" : "",
                                 d.anonymous() ? ", anonymous" : "", "\n");
  absl::StrAppend(&out, "  opens  ", Date(s.opens_unix_ms(), zone), "\n  closes ",
                  Date(s.closes_unix_ms(), zone), "\n");
  if (s.response_count() > 0) absl::StrAppend(&out, "  responses ", s.response_count(), "\n");
  if (s.version() > 0) absl::StrAppend(&out, "  version ", s.version(), "\n");
  int n = 0;
  for (const events::v1::SurveyQuestion& q : d.questions()) {
    absl::StrAppend(&out, "\n", ++n, ". ", Wording(q.text(), q.plain_text(), easy_read), "\n     [",
                    q.id(), ", ", TypeWord(q.type()), q.required() ? ", required" : ", optional");
    if (q.type() == events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT) {
      absl::StrAppend(&out, ", up to ", q.max_length() > 0 ? q.max_length() : 500, " characters");
    }
    absl::StrAppend(&out, q.allow_comment() ? ", comment welcome" : "", "]\n");
    if (!q.help().empty()) absl::StrAppend(&out, "     ", q.help(), "\n");
    for (const events::v1::SurveyChoice& c : q.choices()) {
      absl::StrAppend(&out, "     - ", c.id(), ": ", Wording(c.text(), c.plain_text(), easy_read),
                      "\n");
    }
  }
  return out;
}

absl::StatusOr<std::vector<events::v1::FeedbackAnswer>> ParseAnswers(
    const events::v1::SurveyDefinition& definition, const std::vector<std::string>& answers,
    const std::vector<std::string>& comments) {
  std::map<std::string, const events::v1::SurveyQuestion*> questions;
  for (const events::v1::SurveyQuestion& q : definition.questions()) questions[q.id()] = &q;
  std::map<std::string, events::v1::FeedbackAnswer> out;
  std::vector<std::string> order;
  auto split = [&](const std::string& item, const char* option)
      -> absl::StatusOr<std::pair<const events::v1::SurveyQuestion*, std::string>> {
    const size_t eq = item.find('=');
    if (eq == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(option, " \"", item, "\": use QUESTION=VALUE"));
    }
    const std::string id = item.substr(0, eq);
    auto it = questions.find(id);
    if (it == questions.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(option, " \"", item, "\": the survey has no question ", id));
    }
    if (out.find(id) == out.end()) {
      out[id].set_question_id(id);
      order.push_back(id);
    }
    return std::make_pair(it->second, item.substr(eq + 1));
  };
  for (const std::string& item : answers) {
    auto parts = split(item, "--answer");
    if (!parts.ok()) return parts.status();
    const auto& [q, value] = *parts;
    events::v1::FeedbackAnswer& a = out[q->id()];
    switch (q->type()) {
      case events::v1::SURVEY_QUESTION_TYPE_RATING:
      case events::v1::SURVEY_QUESTION_TYPE_SCALE_0_10: {
        int n = 0;
        if (!absl::SimpleAtoi(value, &n)) {
          return absl::InvalidArgumentError(
              absl::StrCat("--answer \"", item, "\": ", q->id(), " takes a number"));
        }
        a.set_number(n);
        break;
      }
      case events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT:
        a.set_text(value);
        break;
      default:
        for (absl::string_view c : absl::StrSplit(value, ',', absl::SkipEmpty())) {
          a.add_choice_ids(std::string(c));
        }
        break;
    }
  }
  for (const std::string& item : comments) {
    auto parts = split(item, "--comment");
    if (!parts.ok()) return parts.status();
    out[parts->first->id()].set_comment(parts->second);
  }
  std::vector<events::v1::FeedbackAnswer> result;
  result.reserve(order.size());
  for (const std::string& id : order) result.push_back(out[id]);
  return result;
}

std::string DescribeReport(const events::v1::FeedbackReport& r) {
  std::string out =
      absl::StrCat("Feedback report for ", r.event_id(), " (survey ", SurveyStateWord(r.state()),
                   r.anonymous() ? ", anonymous" : "", ")\n");
  absl::StrAppend(&out, "  responses ", r.response_count(), " of ", r.eligible_count(), " invited",
                  absl::StrFormat(" (%.0f%%)", r.response_rate() * 100.0), "\n");
  if (r.answers_held() > 0) {
    absl::StrAppend(&out, "  ", r.answers_held(),
                    " more anonymous answer(s) held until they can join in a group (see below)\n");
  }
  absl::StrAppend(&out, "  groups smaller than ", r.min_group(), " are not shown\n");
  for (const events::v1::QuestionReport& q : r.questions()) {
    absl::StrAppend(&out, "\n", q.text(), "  [", q.question_id(), "]\n  answered by ",
                    q.answered());
    if (q.suppressed()) {
      absl::StrAppend(&out, q.answered() > 0 ? " (too few to show)" : "", "\n");
      continue;
    }
    absl::StrAppend(&out, "\n");
    if (q.distribution_size() > 0) {
      absl::StrAppend(&out, absl::StrFormat("  mean %.2f, median %.1f", q.mean(), q.median()));
      if (q.has_nps()) absl::StrAppend(&out, absl::StrFormat(", NPS %+.0f", q.nps().score()));
      absl::StrAppend(&out, "\n");
      for (const events::v1::ValueCount& v : q.distribution()) {
        absl::StrAppend(&out, absl::StrFormat("  %3d %5d%s\n", v.value(), v.count(),
                                              Bar(v.count(), q.answered())));
      }
    }
    for (const events::v1::ChoiceCount& c : q.choices()) {
      absl::StrAppend(&out, absl::StrFormat("  %-24s %5d%s\n", c.text(), c.count(),
                                            Bar(c.count(), q.answered())));
    }
    absl::StrAppend(&out, TextItems(q.texts()));
    if (q.texts_total() > q.texts_size()) {
      absl::StrAppend(&out, "  (", q.texts_size(), " of ", q.texts_total(),
                      " texts shown; all of them: eventctl feedback texts ", r.event_id(),
                      " --question ", q.question_id(), " --all)\n");
    }
  }
  if (r.access_breakdown_size() > 0) {
    absl::StrAppend(&out, "\nAccess needs met, by what happened to their access requests\n");
    absl::StrAppend(&out, "  requests: ", r.requests_fulfilled(), " fulfilled, ",
                    r.requests_unfulfilled(), " could not be, ", r.requests_pending(), " open\n");
    for (const events::v1::AccessBreakdown& b : r.access_breakdown()) {
      // A withheld row shows no count at all (nor does the note say which row is small), and no
      // count below the minimum group is ever printed.
      if (b.suppressed()) {
        absl::StrAppend(&out, absl::StrFormat("  %-12s withheld\n", b.outcome()));
        continue;
      }
      if (b.people() > 0 && b.people() < r.min_group()) {
        absl::StrAppend(
            &out, absl::StrFormat("  %-12s fewer than %d people\n", b.outcome(), r.min_group()));
        continue;
      }
      absl::StrAppend(&out, absl::StrFormat("  %-12s %4d people", b.outcome(), b.people()));
      std::vector<std::string> parts;
      for (const events::v1::ChoiceCount& c : b.answers()) {
        parts.push_back(absl::StrCat(c.choice_id(), " ", c.count()));
      }
      absl::StrAppend(&out, ": ", absl::StrJoin(parts, ", "), "\n");
    }
  }
  if (r.notes_size() > 0) {
    absl::StrAppend(&out, "\nNot shown, so that nobody can be recognised:\n");
    for (const std::string& n : r.notes()) absl::StrAppend(&out, "  - ", n, "\n");
  }
  return out;
}

std::string TextItems(const google::protobuf::RepeatedPtrField<std::string>& texts) {
  std::string out;
  for (const std::string& t : texts) {
    absl::StrAppend(&out, "  - ", absl::StrReplaceAll(t, {{"\n", "\n    "}}), "\n");
  }
  return out;
}

std::string TrendsTable(const events::v1::FeedbackTrends& t) {
  std::string out;
  auto rows = [&](const char* title,
                  const google::protobuf::RepeatedPtrField<events::v1::TrendPoint>& points) {
    if (points.empty()) return;
    absl::StrAppend(
        &out, absl::StrFormat("%-30s %9s %11s %6s\n", title, "responses", "mean rating", "NPS"));
    for (const events::v1::TrendPoint& p : points) {
      const std::string mean = p.suppressed() || p.rating_count() < t.min_group()
                                   ? "-"
                                   : absl::StrFormat("%.2f", p.mean_rating());
      const std::string nps = p.suppressed() || p.recommend_count() < t.min_group()
                                  ? "-"
                                  : absl::StrFormat("%+.0f", p.nps());
      absl::StrAppend(&out,
                      absl::StrFormat("%-30s %9d %11s %6s\n", p.key(), p.responses(), mean, nps));
    }
  };
  rows("month", t.months());
  if (!out.empty() && t.series_size() > 0) out += "\n";
  rows("series", t.series());
  if (out.empty()) return "No feedback yet.\n";
  absl::StrAppend(&out, "(- : fewer than ", t.min_group(), " answers)\n");
  return out;
}

}  // namespace events::eventctl
