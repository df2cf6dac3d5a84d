#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "events/v1/feedback.pb.h"
#include "services/feedback/domain/anonymous_batches.h"
#include "services/feedback/peers/directories.h"
#include "services/feedback/store/feedback_store.h"

namespace events {
class Clock;
class IdGenerator;
}  // namespace events

namespace events::feedback {

// Feedback's settings (at namespace scope so that `= {}` works as a default argument).
struct FeedbackOptions {
  // How long a survey stays open when it sets no window_days of its own.
  int window_days = 14;
  // Breakdowns of fewer people than this are suppressed in reports and trends.
  int32_t min_group = 5;
  // OpenSurveyNow works only when true (development and the demo).
  bool allow_manual_open = false;
  // The secret that keys anonymous surveys' "already answered" markers (UsedMarker). Held by
  // the service only (FEEDBACK_ANONYMITY_KEY, or derived from EVENTS_SERVICE_KEY); it must
  // stay the same while surveys are open, or people could answer a second time.
  std::string marker_key;
};

// The feedback service's rules, over a store and the two peer services. Knows no gRPC or
// Redis types. Thread-safe (holds no mutable state of its own).
//
// Every method validates its input (INVALID_ARGUMENT naming the field and the rule). Calls
// with an organisation check that the event is theirs: another organisation's event is
// NOT_FOUND, as is an unknown one. UNAVAILABLE when the store or a peer cannot be reached.
class Feedback {
 public:
  Feedback(FeedbackStore& store, EventDirectory& events, RegistrationDirectory& registrations,
           const Clock& clock, const IdGenerator& ids, FeedbackOptions options = {});

  absl::StatusOr<events::v1::Survey> GetSurvey(const std::string& org_id,
                                               const std::string& event_id);
  // FAILED_PRECONDITION when the survey has opened and the change is not wording only;
  // ABORTED when expected_version is stale.
  absl::StatusOr<events::v1::Survey> UpdateSurvey(const std::string& org_id,
                                                  const events::v1::UpdateSurveyRequest& request);
  absl::StatusOr<events::v1::MySurvey> GetMine(const std::string& token);
  // FAILED_PRECONDITION when the survey is not open (saying when it opens or closed), the
  // registration may not answer, or an anonymous survey was answered already.
  absl::StatusOr<events::v1::SubmitResponseResponse> Submit(
      const events::v1::SubmitResponseRequest& request);
  // The report, with at most texts_per_question texts per question (0: the default; see
  // TextLimits) and every number. INVALID_ARGUMENT naming texts_per_question outside 0-200.
  absl::StatusOr<events::v1::FeedbackReport> Report(const std::string& org_id,
                                                    const std::string& event_id,
                                                    int64_t texts_per_question = 0);
  // One page of a question's texts, in the report's order. NOT_FOUND for a question the
  // survey does not have; FAILED_PRECONDITION when the report withholds its texts.
  absl::StatusOr<events::v1::ListFeedbackTextsResponse> Texts(
      const std::string& org_id, const events::v1::ListFeedbackTextsRequest& request);
  // The whole file, in one message (the gRPC handler streams it in chunks). The report as
  // JSON holds every text that may be shown.
  absl::StatusOr<events::v1::FeedbackExport> Export(
      const std::string& org_id, const events::v1::ExportFeedbackRequest& request);
  absl::StatusOr<events::v1::FeedbackTrends> Trends(const std::string& org_id,
                                                    const events::v1::GetTrendsRequest& request);
  // PERMISSION_DENIED unless allow_manual_open; FAILED_PRECONDITION unless scheduled.
  absl::StatusOr<events::v1::Survey> OpenNow(const std::string& org_id,
                                             const std::string& event_id);

  int64_t default_window_ms() const;
  // Anonymous answers' batches, for the window worker (ReleaseClosed).
  AnonymousBatches& batches() { return batches_; }

 private:
  // The stored survey, fetching the event's facts from scheduling when they are not known
  // yet. org_id "" skips the organisation check (attendee calls).
  absl::StatusOr<SurveyRecord> Load(const std::string& org_id, const std::string& event_id);
  // The definition in force: the organiser's, or the default template.
  static events::v1::SurveyDefinition DefinitionOf(const SurveyRecord& record);
  events::v1::Survey View(const std::string& event_id, const SurveyRecord& record) const;
  // The attendee's registration and their event's survey.
  struct Attendee {
    AttendeeRegistration registration;
    SurveyRecord record;
  };
  absl::StatusOr<Attendee> LoadAttendee(const std::string& token);
  // text_limits nullopt: every text that may be shown.
  absl::StatusOr<events::v1::FeedbackReport> BuildReportFor(const std::string& event_id,
                                                            const SurveyRecord& record,
                                                            std::optional<TextLimits> text_limits);
  // Says in the report how many anonymous answers are held back, and until when.
  void AddHeldNote(const SurveyRecord& record, events::v1::FeedbackReport& report) const;

  FeedbackStore& store_;
  EventDirectory& events_;
  RegistrationDirectory& registrations_;
  const Clock& clock_;
  const IdGenerator& ids_;
  const FeedbackOptions options_;
  AnonymousBatches batches_;
};

// The marker of a registration that has answered an anonymous survey: HMAC-SHA256, under
// `key` (FeedbackOptions::marker_key), of the event and registration ids, in hex. Without the
// key, which Redis never sees, a marker cannot be tied to a registration, so the write that
// adds it next to the response (one script: one block in the AOF and the replication stream)
// says nothing about whose response it is (docs/feedback.md, "Anonymity").
// The key for UsedMarker: `configured` (FEEDBACK_ANONYMITY_KEY) when not empty, else
// HMAC-SHA256 of `service_key` (EVENTS_SERVICE_KEY, which Redis holds only as its SHA-256)
// under a fixed label, so that nothing in Redis gives the derived key.
std::string MarkerKey(absl::string_view configured, absl::string_view service_key);

std::string UsedMarker(absl::string_view key, const std::string& event_id,
                       const std::string& registration_id);

}  // namespace events::feedback
