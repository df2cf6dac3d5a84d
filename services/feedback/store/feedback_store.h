#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "events/v1/feedback.pb.h"
#include "services/feedback/rules/aggregates.h"
#include "services/feedback/rules/export_csv.h"

namespace events::feedback {

// What feedback needs to know about an event, from scheduling.
struct EventFacts {
  std::string event_id;
  std::string org_id;
  std::string series_id;
  int status = 0;  // events.v1.EventStatus
  int64_t end_unix_ms = 0;
  std::string time_zone;
  std::string month;  // "YYYY-MM" of the end, in the event's time zone
  int64_t version = 0;
};

// An event's survey as stored.
struct SurveyRecord {
  bool has_facts = false;
  EventFacts facts;
  // False while the default template is in use (then definition is empty).
  bool custom = false;
  events::v1::SurveyDefinition definition;
  int64_t version = 0;
  events::v1::SurveyState state = events::v1::SURVEY_STATE_SCHEDULED;
  int64_t opens_unix_ms = 0;
  int64_t closes_unix_ms = 0;
  // Responses in the figures.
  int64_t responses = 0;
  // Anonymous answers received but not in the figures yet (AnonymousBatches).
  int64_t held = 0;
  int64_t invited = 0;
  // How many of the event's registrations are marked attended (0: attendance not tracked).
  int64_t attended = 0;
  // Whether attendance was tracked when the survey opened (then only those marked attended
  // were invited); before opening, whether it is tracked now. Fixes who may answer.
  bool tracked = false;
};

// The survey's state at now_unix_ms: an open survey whose window has passed is closed, also
// while its close job has not fired yet (submissions are refused from the closing time on).
inline events::v1::SurveyState StateAt(const SurveyRecord& r, int64_t now_unix_ms) {
  if (r.state == events::v1::SURVEY_STATE_OPEN && now_unix_ms >= r.closes_unix_ms) {
    return events::v1::SURVEY_STATE_CLOSED;
  }
  return r.state;
}

// One response to store, prepared by the domain.
struct Submission {
  std::string event_id;
  std::string org_id;
  bool anonymous = false;
  // Named: the registration id; anonymous: a random id for the held answers.
  std::string response_id;
  // Anonymous: the keyed marker of the registration having answered (UsedMarker).
  std::string used_hash;
  // Anonymous: the answers and access outcome, sealed (AnonymousBatches::Seal); the store
  // holds them out of every figure until a batch is released.
  std::string sealed;
  std::string registration_id;
  int registration_status = 0;  // events.v1.RegistrationStatus
  bool attended = false;
  // Named only: the answers and their contribution (with the access outcome's fields).
  std::vector<events::v1::FeedbackAnswer> answers;
  Contribution contribution;
  int64_t survey_version = 0;
  int64_t now_unix_ms = 0;
  std::string envelope_id;  // the domain event's id (named surveys only)
  // A group of the event's trend deltas reaches the organisation's trends only once it has
  // this many answers (ReleasedTrendFields).
  int32_t trend_min_group = 5;
};

// One anonymous response of a released batch.
struct ReleasedResponse {
  std::string response_id;  // new and random: no link to the held id
  int64_t day_unix_ms = 0;  // the day of the release
  std::vector<events::v1::FeedbackAnswer> answers;
  std::vector<std::pair<std::string, std::string>> texts;  // question id -> text
};

// A batch of held anonymous answers to add to the figures at once.
struct HeldBatch {
  std::string event_id;
  std::string org_id;
  std::vector<std::string> held_ids;        // taken out of the held answers
  Contribution total;                       // the batch's event and trend deltas, summed
  std::vector<ReleasedResponse> responses;  // in the order to write them (shuffled)
  int32_t trend_min_group = 5;
};

enum class SubmitOutcome {
  kStored,
  kReplaced,
  kNotOpen,  // detail: opens (ms, 0 when unknown)
  kClosed,   // detail: closes (ms)
  kCancelled,
  kChanged,      // the survey changed since it was read: read again
  kNotEligible,  // detail: the registration status
  kNotAttended,
  kAlreadyAnswered,
};

struct SubmitResult {
  SubmitOutcome outcome = SubmitOutcome::kStored;
  int64_t detail = 0;
  // Anonymous answers now held for the event (kStored on an anonymous survey).
  int64_t held = 0;
};

// Everything a report reads: the aggregates, never the responses.
struct ReportData {
  std::map<std::string, int64_t> aggregates;
  std::map<std::string, std::vector<std::string>> texts;
  // Registrations that would be (or were) invited.
  int64_t eligible = 0;
  std::map<int, int64_t> requests_by_status;  // events.v1.RequestStatus -> count
};

// One question's free text, for paging through it (ListFeedbackTexts).
struct QuestionTexts {
  int64_t answered = 0;            // people who answered the question
  std::vector<std::string> texts;  // answers and comments, redacted, in no particular order
};

enum class SaveOutcome { kSaved, kVersionMismatch, kAlreadyOpen };
struct SaveResult {
  SaveOutcome outcome = SaveOutcome::kSaved;
  int64_t version = 0;  // the new version, or the current one on a mismatch
};

// Where surveys, responses and aggregates live. Each mutating call is atomic on its own.
// Errors: UNAVAILABLE when the store cannot be reached (a retry may work), INTERNAL for
// unexpected replies. Implementations are thread-safe.
class FeedbackStore {
 public:
  virtual ~FeedbackStore() = default;

  // The survey of an event; NOT_FOUND when nothing at all is known about it.
  virtual absl::StatusOr<SurveyRecord> Get(const std::string& event_id) = 0;
  // Keeps the facts if newer than those stored and (re)schedules the survey window while it
  // has not opened (cancelled events: never opens). default_window_ms applies when the
  // survey has no window_days of its own.
  virtual absl::Status UpsertFacts(const EventFacts& facts, int64_t default_window_ms) = 0;
  // Replaces the definition (expected_version 0: no check). kAlreadyOpen when `structural`
  // and the survey is no longer scheduled.
  virtual absl::StatusOr<SaveResult> SaveDefinition(const std::string& event_id,
                                                    const events::v1::SurveyDefinition& definition,
                                                    int64_t expected_version, bool structural,
                                                    int64_t default_window_ms) = 0;
  // Projections of other services' events; the newest version wins, so redelivery and
  // reordering are harmless. A registration that becomes eligible while the survey is open
  // (changed_unix_ms before it closes) is invited then, once.
  virtual absl::Status ApplyRegistration(const std::string& event_id,
                                         const std::string& registration_id, int status,
                                         bool attended, int64_t version,
                                         int64_t changed_unix_ms) = 0;
  virtual absl::Status ApplyAccessRequest(const std::string& event_id,
                                          const std::string& request_id,
                                          const std::string& registration_id, int status,
                                          int64_t version) = 0;
  // Stores a response and its aggregates; for named surveys emits
  // feedback.response_submitted (without the registration id), for anonymous ones nothing.
  virtual absl::StatusOr<SubmitResult> Submit(const Submission& submission) = 0;
  // A named response by registration id; nullopt when there is none.
  virtual absl::StatusOr<std::optional<std::vector<events::v1::FeedbackAnswer>>> GetResponse(
      const std::string& event_id, const std::string& registration_id) = 0;
  // Whether the anonymous-survey hash is in the event's "used" set.
  virtual absl::StatusOr<bool> HasAnswered(const std::string& event_id,
                                           const std::string& used_hash) = 0;
  virtual absl::StatusOr<ReportData> ReadReport(const std::string& event_id,
                                                const events::v1::SurveyDefinition& definition) = 0;
  // Every stored response (for the export), without ids.
  virtual absl::StatusOr<std::vector<ExportRow>> ReadResponses(const std::string& event_id) = 0;
  // The organisation's trend fields, summed over every partition.
  virtual absl::StatusOr<std::map<std::string, int64_t>> ReadTrends(const std::string& org_id) = 0;
  // Opens and closes the surveys of `partition` due at now_unix_ms (at most `batch` jobs).
  // Returns how many opened or closed. bus::DelayedJobWorker calls it for every partition.
  virtual absl::StatusOr<int> FireDue(int partition, int64_t now_unix_ms, int batch) = 0;
  // FireDue for each of `partitions`: one result per partition, in order, or the failure of
  // the round trip. The Redis store sends them all in one round trip; this default calls
  // FireDue for each.
  virtual absl::StatusOr<std::vector<absl::StatusOr<int>>> FireDueIn(
      const std::vector<int>& partitions, int64_t now_unix_ms, int batch) {
    std::vector<absl::StatusOr<int>> fired;
    fired.reserve(partitions.size());
    for (int p : partitions) fired.push_back(FireDue(p, now_unix_ms, batch));
    return fired;
  }
  // How many partitions FireDue takes (0 to partitions() - 1).
  virtual int partitions() const = 0;
  // The outcome of a registration's accessibility requests (AccessOutcomeOf), from the
  // projection of accessibility's events.
  virtual absl::StatusOr<std::string> AccessOutcome(const std::string& event_id,
                                                    const std::string& registration_id) = 0;
  // The event's held anonymous answers: held id -> sealed bytes.
  virtual absl::StatusOr<std::map<std::string, std::string>> ReadHeld(
      const std::string& event_id) = 0;
  // Adds a batch to the figures in one step. False (nothing done) when one of its held ids
  // is gone: another replica released it first.
  virtual absl::StatusOr<bool> ReleaseHeld(const HeldBatch& release) = 0;
  // Events whose survey closed while answers were still held (every partition; at most
  // `limit` per partition).
  virtual absl::StatusOr<std::vector<std::string>> ClosedWithHeld(int limit) = 0;
  // Opens a scheduled survey now. Returns the invitations sent; FAILED_PRECONDITION naming
  // the state when it is not scheduled.
  virtual absl::StatusOr<int> OpenNow(const std::string& event_id, int64_t now_unix_ms,
                                      int64_t default_window_ms) = 0;
  // One question's texts and answered count (nothing stored: empty, 0).
  virtual absl::StatusOr<QuestionTexts> ReadTexts(const std::string& event_id,
                                                  const std::string& question_id) = 0;
};

}  // namespace events::feedback
