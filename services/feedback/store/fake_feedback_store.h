#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "services/feedback/store/feedback_store.h"

namespace events::feedback {

// FeedbackStore in memory, for unit tests of the domain: the same rules as the Lua scripts
// (window states, eligibility, one response per registration, edits taking back the old
// contribution, invitations once), without Redis. Domain events are recorded as
// "<type> <subject>" strings. Thread-safe (one mutex).
class FakeFeedbackStore final : public FeedbackStore {
 public:
  absl::StatusOr<SurveyRecord> Get(const std::string& event_id) override;
  absl::Status UpsertFacts(const EventFacts& facts, int64_t default_window_ms) override;
  absl::StatusOr<SaveResult> SaveDefinition(const std::string& event_id,
                                            const events::v1::SurveyDefinition& definition,
                                            int64_t expected_version, bool structural,
                                            int64_t default_window_ms) override;
  absl::Status ApplyRegistration(const std::string& event_id, const std::string& registration_id,
                                 int status, bool attended, int64_t version,
                                 int64_t changed_unix_ms) override;
  absl::Status ApplyAccessRequest(const std::string& event_id, const std::string& request_id,
                                  const std::string& registration_id, int status,
                                  int64_t version) override;
  absl::StatusOr<SubmitResult> Submit(const Submission& submission) override;
  absl::StatusOr<std::optional<std::vector<events::v1::FeedbackAnswer>>> GetResponse(
      const std::string& event_id, const std::string& registration_id) override;
  absl::StatusOr<bool> HasAnswered(const std::string& event_id,
                                   const std::string& used_hash) override;
  absl::StatusOr<ReportData> ReadReport(const std::string& event_id,
                                        const events::v1::SurveyDefinition& definition) override;
  absl::StatusOr<std::vector<ExportRow>> ReadResponses(const std::string& event_id) override;
  absl::StatusOr<std::map<std::string, int64_t>> ReadTrends(const std::string& org_id) override;
  absl::StatusOr<int> FireDue(int64_t now_unix_ms, int batch) override;
  absl::StatusOr<std::string> AccessOutcome(const std::string& event_id,
                                            const std::string& registration_id) override;
  absl::StatusOr<std::map<std::string, std::string>> ReadHeld(const std::string& event_id) override;
  absl::StatusOr<bool> ReleaseHeld(const HeldBatch& release) override;
  absl::StatusOr<std::vector<std::string>> ClosedWithHeld(int limit) override;
  absl::StatusOr<int> OpenNow(const std::string& event_id, int64_t now_unix_ms,
                              int64_t default_window_ms) override;
  absl::StatusOr<QuestionTexts> ReadTexts(const std::string& event_id,
                                          const std::string& question_id) override;

  // "<type> <subject>" of every domain event emitted, in order.
  std::vector<std::string> events() const;

 private:
  struct Registration {
    int status = 0;
    bool attended = false;
    int64_t version = 0;
  };
  struct Request {
    std::string registration_id;
    int status = 0;
    int64_t version = 0;
  };
  struct Stored {
    std::vector<events::v1::FeedbackAnswer> answers;
    int64_t at = 0;
    Contribution contribution;  // named only
  };
  struct Event {
    bool has_facts = false;
    bool has_survey = false;
    SurveyRecord record;
    int window_days = 0;
    std::map<std::string, Registration> registrations;
    std::map<std::string, Request> requests;
    std::set<std::string> invited;
    std::set<std::string> used;
    std::map<std::string, std::string> held;  // anonymous answers not in the figures yet
    bool tracked_at_open = false;
    std::map<std::string, int64_t> aggregates;
    std::map<std::string, std::map<std::string, std::string>> texts;  // question -> id -> text
    std::map<std::string, Stored> responses;
    std::map<std::string, int64_t> trend_held;  // the event's trend deltas ("td")
    // The part of trend_held now in trends_ (ReleasedTrendFields of it).
    std::map<std::string, int64_t> trend_shown;
  };

  // Helpers below expect mu_ held.
  void Schedule(const std::string& event_id, Event& e, int64_t default_window_ms);
  int Open(const std::string& event_id, Event& e);
  static bool Eligible(const Event& e, const Registration& r);
  void Apply(Event& e, const std::string& id, const Contribution& c, int sign);
  // Brings trends_ up to date with the event's trend deltas (refresh_trends in common.lua).
  void RefreshTrends(Event& e, int32_t min_group);

  mutable std::mutex mu_;
  std::map<std::string, Event> events_;
  std::map<std::string, std::map<std::string, int64_t>> trends_;  // org -> field -> count
  std::multimap<int64_t, std::string> jobs_;                      // due -> "open|ev"
  std::vector<std::string> emitted_;
};

}  // namespace events::feedback
