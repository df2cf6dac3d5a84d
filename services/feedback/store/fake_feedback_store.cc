#include "services/feedback/store/fake_feedback_store.h"

#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"

namespace events::feedback {
namespace {

constexpr int64_t kDayMs = 86400000;
constexpr int kConfirmed = 1;
constexpr int kCancelledEvent = 3;

}  // namespace

std::vector<std::string> FakeFeedbackStore::events() const {
  std::lock_guard<std::mutex> lock(mu_);
  return emitted_;
}

absl::StatusOr<SurveyRecord> FakeFeedbackStore::Get(const std::string& event_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = events_.find(event_id);
  if (it == events_.end() || (!it->second.has_facts && !it->second.has_survey)) {
    return absl::NotFoundError(absl::StrCat("nothing is known about event ", event_id));
  }
  SurveyRecord r = it->second.record;
  r.has_facts = it->second.has_facts;
  r.attended = 0;
  for (const auto& [id, reg] : it->second.registrations) r.attended += reg.attended ? 1 : 0;
  auto n = it->second.aggregates.find("n");
  r.responses = n == it->second.aggregates.end() ? 0 : n->second;
  r.held = static_cast<int64_t>(it->second.held.size());
  r.tracked =
      r.state == events::v1::SURVEY_STATE_SCHEDULED ? r.attended > 0 : it->second.tracked_at_open;
  return r;
}

void FakeFeedbackStore::Schedule(const std::string& event_id, Event& e, int64_t default_window_ms) {
  SurveyRecord& r = e.record;
  if (r.state != events::v1::SURVEY_STATE_SCHEDULED) return;
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    it = it->second == "open|" + event_id ? jobs_.erase(it) : std::next(it);
  }
  if (r.facts.status == kCancelledEvent) {
    r.state = events::v1::SURVEY_STATE_CANCELLED;
    return;
  }
  if (r.facts.end_unix_ms <= 0) return;
  r.opens_unix_ms = r.facts.end_unix_ms;
  r.closes_unix_ms =
      r.opens_unix_ms + (e.window_days > 0 ? e.window_days * kDayMs : default_window_ms);
  jobs_.emplace(r.opens_unix_ms, "open|" + event_id);
}

absl::Status FakeFeedbackStore::UpsertFacts(const EventFacts& facts, int64_t default_window_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Event& e = events_[facts.event_id];
  if (e.has_facts && e.record.facts.version >= facts.version) return absl::OkStatus();
  e.has_facts = true;
  e.record.facts = facts;
  Schedule(facts.event_id, e, default_window_ms);
  return absl::OkStatus();
}

absl::StatusOr<SaveResult> FakeFeedbackStore::SaveDefinition(
    const std::string& event_id, const events::v1::SurveyDefinition& definition,
    int64_t expected_version, bool structural, int64_t default_window_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Event& e = events_[event_id];
  SaveResult result;
  if (expected_version != 0 && expected_version != e.record.version) {
    result.outcome = SaveOutcome::kVersionMismatch;
    result.version = e.record.version;
    return result;
  }
  if (structural && e.record.state != events::v1::SURVEY_STATE_SCHEDULED) {
    result.outcome = SaveOutcome::kAlreadyOpen;
    return result;
  }
  e.has_survey = true;
  e.record.custom = true;
  e.record.definition = definition;
  e.window_days = definition.window_days();
  result.version = ++e.record.version;
  Schedule(event_id, e, default_window_ms);
  return result;
}

absl::Status FakeFeedbackStore::ApplyRegistration(const std::string& event_id,
                                                  const std::string& registration_id, int status,
                                                  bool attended, int64_t version,
                                                  int64_t changed_unix_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Event& e = events_[event_id];
  Registration& r = e.registrations[registration_id];
  if (r.version >= version) return absl::OkStatus();
  r = Registration{status, attended, version};
  // Late eligibility, as registration.lua: invited while the survey is open, once.
  if (e.record.state == events::v1::SURVEY_STATE_OPEN &&
      changed_unix_ms < e.record.closes_unix_ms && Eligible(e, r) &&
      e.invited.insert(registration_id).second) {
    emitted_.push_back("feedback.invitation_due " + registration_id);
    ++e.record.invited;
  }
  return absl::OkStatus();
}

absl::Status FakeFeedbackStore::ApplyAccessRequest(const std::string& event_id,
                                                   const std::string& request_id,
                                                   const std::string& registration_id, int status,
                                                   int64_t version) {
  std::lock_guard<std::mutex> lock(mu_);
  Request& r = events_[event_id].requests[request_id];
  if (r.version >= version) return absl::OkStatus();
  r = Request{registration_id, status, version};
  return absl::OkStatus();
}

void FakeFeedbackStore::Apply(Event& e, const std::string& id, const Contribution& c, int sign) {
  for (const FieldDelta& d : c.event) e.aggregates[d.field] += sign * d.delta;
  for (const FieldDelta& d : c.trend) e.trend_held[d.field] += sign * d.delta;
  for (const auto& [question, text] : c.texts) {
    if (sign > 0) {
      e.texts[question][id] = text;
    } else {
      e.texts[question].erase(id);
    }
  }
}

void FakeFeedbackStore::RefreshTrends(Event& e, int32_t min_group) {
  std::map<std::string, int64_t>& trends = trends_[e.record.facts.org_id];
  for (const auto& [field, count] : e.trend_shown) trends[field] -= count;
  e.trend_shown = ReleasedTrendFields(e.trend_held, min_group);
  for (const auto& [field, count] : e.trend_shown) trends[field] += count;
  for (auto it = trends.begin(); it != trends.end();) {
    it = it->second == 0 ? trends.erase(it) : std::next(it);
  }
}

absl::StatusOr<SubmitResult> FakeFeedbackStore::Submit(const Submission& s) {
  std::lock_guard<std::mutex> lock(mu_);
  Event& e = events_[s.event_id];
  SubmitResult result;
  const SurveyRecord& r = e.record;
  if (r.state == events::v1::SURVEY_STATE_CANCELLED) {
    result.outcome = SubmitOutcome::kCancelled;
  } else if (r.state == events::v1::SURVEY_STATE_SCHEDULED) {
    result.outcome = SubmitOutcome::kNotOpen;
    result.detail = r.opens_unix_ms;
  } else if (r.state == events::v1::SURVEY_STATE_CLOSED || s.now_unix_ms >= r.closes_unix_ms) {
    result.outcome = SubmitOutcome::kClosed;
    result.detail = r.closes_unix_ms;
  } else if (r.version != s.survey_version) {
    result.outcome = SubmitOutcome::kChanged;
  } else if (e.invited.count(s.registration_id) == 0) {
    // Who may answer is fixed when the survey opens (submit.lua).
    if (s.registration_status != kConfirmed) {
      result.outcome = SubmitOutcome::kNotEligible;
      result.detail = s.registration_status;
    } else if (e.tracked_at_open && !s.attended) {
      result.outcome = SubmitOutcome::kNotAttended;
    }
  }
  if (result.outcome != SubmitOutcome::kStored) return result;
  if (s.anonymous) {
    if (!e.used.insert(s.used_hash).second) {
      result.outcome = SubmitOutcome::kAlreadyAnswered;
      return result;
    }
    e.held[s.response_id] = s.sealed;
    result.held = static_cast<int64_t>(e.held.size());
    return result;
  }
  if (auto old = e.responses.find(s.response_id); old != e.responses.end()) {
    Apply(e, s.response_id, old->second.contribution, -1);
    result.outcome = SubmitOutcome::kReplaced;
  }
  Apply(e, s.response_id, s.contribution, 1);
  Stored stored;
  stored.answers = s.answers;
  stored.at = s.now_unix_ms;
  stored.contribution = s.contribution;
  e.responses[s.response_id] = std::move(stored);
  RefreshTrends(e, s.trend_min_group);
  emitted_.push_back("feedback.response_submitted " + s.event_id);
  return result;
}

absl::StatusOr<std::string> FakeFeedbackStore::AccessOutcome(const std::string& event_id,
                                                             const std::string& registration_id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<int> statuses;
  for (const auto& [id, r] : events_[event_id].requests) {
    if (r.registration_id == registration_id) statuses.push_back(r.status);
  }
  return AccessOutcomeOf(statuses);
}

absl::StatusOr<std::map<std::string, std::string>> FakeFeedbackStore::ReadHeld(
    const std::string& event_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return events_[event_id].held;
}

absl::StatusOr<bool> FakeFeedbackStore::ReleaseHeld(const HeldBatch& release) {
  std::lock_guard<std::mutex> lock(mu_);
  Event& e = events_[release.event_id];
  for (const std::string& id : release.held_ids) {
    if (e.held.count(id) == 0) return false;
  }
  for (const std::string& id : release.held_ids) e.held.erase(id);
  Contribution total = release.total;
  total.texts.clear();
  Apply(e, "", total, 1);
  for (const ReleasedResponse& response : release.responses) {
    for (const auto& [question, text] : response.texts) {
      e.texts[question][response.response_id] = text;
    }
    e.responses[response.response_id] = Stored{response.answers, response.day_unix_ms, {}};
  }
  RefreshTrends(e, release.trend_min_group);
  return true;
}

absl::StatusOr<std::vector<std::string>> FakeFeedbackStore::ClosedWithHeld(int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [id, e] : events_) {
    if (e.record.state == events::v1::SURVEY_STATE_CLOSED && !e.held.empty() &&
        static_cast<int>(out.size()) < limit) {
      out.push_back(id);
    }
  }
  return out;
}

absl::StatusOr<std::optional<std::vector<events::v1::FeedbackAnswer>>>
FakeFeedbackStore::GetResponse(const std::string& event_id, const std::string& registration_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto e = events_.find(event_id);
  if (e == events_.end()) return std::nullopt;
  auto it = e->second.responses.find(registration_id);
  if (it == e->second.responses.end()) return std::nullopt;
  return it->second.answers;
}

absl::StatusOr<bool> FakeFeedbackStore::HasAnswered(const std::string& event_id,
                                                    const std::string& used_hash) {
  std::lock_guard<std::mutex> lock(mu_);
  auto e = events_.find(event_id);
  return e != events_.end() && e->second.used.count(used_hash) > 0;
}

absl::StatusOr<ReportData> FakeFeedbackStore::ReadReport(
    const std::string& event_id, const events::v1::SurveyDefinition& definition) {
  std::lock_guard<std::mutex> lock(mu_);
  ReportData data;
  auto it = events_.find(event_id);
  if (it == events_.end()) return data;
  const Event& e = it->second;
  for (const auto& [field, count] : e.aggregates) {
    if (count != 0) data.aggregates[field] = count;
  }
  for (const events::v1::SurveyQuestion& q : definition.questions()) {
    auto texts = e.texts.find(q.id());
    if (texts == e.texts.end()) continue;
    for (const auto& [id, text] : texts->second) data.texts[q.id()].push_back(text);
  }
  if (e.record.state == events::v1::SURVEY_STATE_OPEN ||
      e.record.state == events::v1::SURVEY_STATE_CLOSED) {
    data.eligible = static_cast<int64_t>(e.invited.size());
  } else {
    for (const auto& [id, reg] : e.registrations) {
      if (Eligible(e, reg)) ++data.eligible;
    }
  }
  for (const auto& [id, r] : e.requests) data.requests_by_status[r.status] += 1;
  return data;
}

absl::StatusOr<std::vector<ExportRow>> FakeFeedbackStore::ReadResponses(
    const std::string& event_id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ExportRow> rows;
  auto it = events_.find(event_id);
  if (it == events_.end()) return rows;
  for (const auto& [id, stored] : it->second.responses) rows.push_back({stored.answers, stored.at});
  return rows;
}

absl::StatusOr<std::map<std::string, int64_t>> FakeFeedbackStore::ReadTrends(
    const std::string& org_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return trends_[org_id];
}

bool FakeFeedbackStore::Eligible(const Event& e, const Registration& r) {
  bool tracked = false;
  for (const auto& [id, reg] : e.registrations) tracked = tracked || reg.attended;
  return r.status == kConfirmed && (!tracked || r.attended);
}

int FakeFeedbackStore::Open(const std::string& event_id, Event& e) {
  int sent = 0;
  for (const auto& [id, reg] : e.registrations) e.tracked_at_open |= reg.attended;
  for (const auto& [id, reg] : e.registrations) {
    if (Eligible(e, reg) && e.invited.insert(id).second) {
      emitted_.push_back("feedback.invitation_due " + id);
      ++sent;
    }
  }
  e.record.state = events::v1::SURVEY_STATE_OPEN;
  e.record.invited += sent;
  jobs_.emplace(e.record.closes_unix_ms, "close|" + event_id);
  emitted_.push_back("feedback.survey_opened " + event_id);
  return sent;
}

absl::StatusOr<int> FakeFeedbackStore::FireDue(int64_t now_unix_ms, int batch) {
  std::lock_guard<std::mutex> lock(mu_);
  int fired = 0;
  int taken = 0;
  while (!jobs_.empty() && jobs_.begin()->first <= now_unix_ms && taken < batch) {
    const auto due = jobs_.begin();
    const std::string job = due->second;
    ++taken;
    const size_t bar = job.find('|');
    const std::string action = job.substr(0, bar);
    const std::string event_id = job.substr(bar + 1);
    Event& e = events_[event_id];
    const int status = e.record.facts.status;
    if (action == "open" && e.record.state == events::v1::SURVEY_STATE_SCHEDULED &&
        (status == 2 || status == 4)) {
      if (now_unix_ms >= e.record.closes_unix_ms) {
        // Past its window already: closed without invitations (fire.lua).
        e.record.state = events::v1::SURVEY_STATE_CLOSED;
        emitted_.push_back("feedback.survey_closed " + event_id);
      } else {
        Open(event_id, e);
      }
      ++fired;
    } else if (action == "close" && e.record.state == events::v1::SURVEY_STATE_OPEN) {
      e.record.state = events::v1::SURVEY_STATE_CLOSED;
      emitted_.push_back("feedback.survey_closed " + event_id);
      ++fired;
    }
    // Removed after the work, as fire.lua does (Open adds only later jobs, so `due` stays).
    jobs_.erase(due);
  }
  return fired;
}

absl::StatusOr<int> FakeFeedbackStore::OpenNow(const std::string& event_id, int64_t now_unix_ms,
                                               int64_t default_window_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Event& e = events_[event_id];
  if (e.record.state != events::v1::SURVEY_STATE_SCHEDULED) {
    return absl::FailedPreconditionError(
        absl::StrCat("the survey of event ", event_id, " is not scheduled"));
  }
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    it = it->second == "open|" + event_id ? jobs_.erase(it) : std::next(it);
  }
  e.record.opens_unix_ms = now_unix_ms;
  e.record.closes_unix_ms =
      now_unix_ms + (e.window_days > 0 ? e.window_days * kDayMs : default_window_ms);
  return Open(event_id, e);
}

absl::StatusOr<QuestionTexts> FakeFeedbackStore::ReadTexts(const std::string& event_id,
                                                           const std::string& question_id) {
  std::lock_guard<std::mutex> lock(mu_);
  QuestionTexts out;
  auto it = events_.find(event_id);
  if (it == events_.end()) return out;
  auto answered = it->second.aggregates.find(absl::StrCat("q:", question_id, ":n"));
  if (answered != it->second.aggregates.end()) out.answered = answered->second;
  auto texts = it->second.texts.find(question_id);
  if (texts == it->second.texts.end()) return out;
  for (const auto& [id, text] : texts->second) out.texts.push_back(text);
  return out;
}

}  // namespace events::feedback
