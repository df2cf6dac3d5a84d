#include "services/feedback/domain/feedback.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <spdlog/spdlog.h>

#include <array>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/time/local_time.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "common/util/status_macros.h"
#include "events/v1/registration.pb.h"
#include "services/feedback/rules/aggregates.h"
#include "services/feedback/rules/survey_rules.h"

namespace events::feedback {
namespace {

constexpr int64_t kDayMs = 86400000;
constexpr size_t kMaxTokenChars = 200;
// A survey read, then changed by its organiser before the write: read and try again.
constexpr int kSubmitAttempts = 3;

std::string When(int64_t unix_ms, const std::string& zone) {
  if (unix_ms <= 0) return "when the event has ended";
  const std::string z =
      zone.empty() || !events::time::ValidateTimeZone(zone, "time_zone").ok() ? "UTC" : zone;
  return events::time::FormatRfc3339(unix_ms, z);
}

absl::Status CheckToken(const std::string& token) {
  if (token.empty()) return absl::InvalidArgumentError("registration_token: is required");
  if (token.size() > kMaxTokenChars) {
    return absl::InvalidArgumentError(
        absl::StrCat("registration_token: at most ", kMaxTokenChars, " characters"));
  }
  return absl::OkStatus();
}

// Hex of HMAC-SHA256(key, message).
std::string HmacSha256(absl::string_view key, absl::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(),
       &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size_t{length} * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

}  // namespace

std::string MarkerKey(absl::string_view configured, absl::string_view service_key) {
  if (!configured.empty()) return std::string(configured);
  // The service key is the message, not the HMAC key: HMAC would replace a key longer than
  // 64 bytes by its SHA-256, which is exactly what Redis holds of an API key.
  return HmacSha256("events.v1 feedback anonymity key", service_key);
}

std::string UsedMarker(absl::string_view key, const std::string& event_id,
                       const std::string& registration_id) {
  return HmacSha256(key, absl::StrCat("feedback:used:", event_id, ":", registration_id));
}

Feedback::Feedback(FeedbackStore& store, EventDirectory& events,
                   RegistrationDirectory& registrations, const Clock& clock, const IdGenerator& ids,
                   FeedbackOptions options)
    : store_(store),
      events_(events),
      registrations_(registrations),
      clock_(clock),
      ids_(ids),
      options_(std::move(options)),
      batches_(store, clock, options_.marker_key, options_.min_group) {}

int64_t Feedback::default_window_ms() const { return options_.window_days * kDayMs; }

events::v1::SurveyDefinition Feedback::DefinitionOf(const SurveyRecord& record) {
  return record.custom ? record.definition : DefaultSurvey();
}

absl::StatusOr<SurveyRecord> Feedback::Load(const std::string& org_id,
                                            const std::string& event_id) {
  EVENTS_RETURN_IF_ERROR(ValidateEventId(event_id));
  absl::StatusOr<SurveyRecord> record = store_.Get(event_id);
  if (!record.ok() && !absl::IsNotFound(record.status())) return record.status();
  if (!record.ok() || !record->has_facts) {
    // Scheduling's events have not reached us yet (or never will, for an unknown id).
    EVENTS_ASSIGN_OR_RETURN(EventFacts facts, events_.Fetch(event_id));
    EVENTS_RETURN_IF_ERROR(store_.UpsertFacts(facts, default_window_ms()));
    EVENTS_ASSIGN_OR_RETURN(record, store_.Get(event_id));
  }
  if (!org_id.empty() && record->facts.org_id != org_id) {
    return absl::NotFoundError(absl::StrCat("event ", event_id, " not found"));
  }
  return record;
}

events::v1::Survey Feedback::View(const std::string& event_id, const SurveyRecord& r) const {
  events::v1::Survey s;
  s.set_event_id(event_id);
  s.set_org_id(r.facts.org_id);
  *s.mutable_definition() = DefinitionOf(r);
  s.set_state(StateAt(r, clock_.NowUnixMs()));
  s.set_opens_unix_ms(r.opens_unix_ms);
  s.set_closes_unix_ms(r.closes_unix_ms);
  s.set_version(r.version);
  // Everyone who answered, also anonymous answers not in the figures yet.
  s.set_response_count(r.responses + r.held);
  s.set_is_default(!r.custom);
  s.set_series_id(r.facts.series_id);
  return s;
}

absl::StatusOr<events::v1::Survey> Feedback::GetSurvey(const std::string& org_id,
                                                       const std::string& event_id) {
  EVENTS_ASSIGN_OR_RETURN(SurveyRecord record, Load(org_id, event_id));
  return View(event_id, record);
}

absl::StatusOr<events::v1::Survey> Feedback::UpdateSurvey(
    const std::string& org_id, const events::v1::UpdateSurveyRequest& request) {
  EVENTS_RETURN_IF_ERROR(ValidateEventId(request.event_id()));
  if (!request.has_definition()) return absl::InvalidArgumentError("definition: is required");
  EVENTS_RETURN_IF_ERROR(ValidateDefinition(request.definition()));
  if (request.expected_version() < 0) {
    return absl::InvalidArgumentError("expected_version: must be 0 (no check) or more");
  }
  EVENTS_ASSIGN_OR_RETURN(SurveyRecord record, Load(org_id, request.event_id()));
  const bool structural = !CheckSameStructure(DefinitionOf(record), request.definition()).ok();
  if (record.state == events::v1::SURVEY_STATE_CANCELLED) {
    return absl::FailedPreconditionError(
        "the event was cancelled, so its survey will never open and cannot change");
  }
  if (structural && record.state != events::v1::SURVEY_STATE_SCHEDULED) {
    return CheckSameStructure(DefinitionOf(record), request.definition());
  }
  EVENTS_ASSIGN_OR_RETURN(
      SaveResult saved,
      store_.SaveDefinition(request.event_id(), request.definition(), request.expected_version(),
                            structural, default_window_ms()));
  if (saved.outcome == SaveOutcome::kVersionMismatch) {
    return absl::AbortedError(absl::StrCat("the survey was changed meanwhile (version ",
                                           saved.version, ", not ", request.expected_version(),
                                           "); read it again and reapply the change"));
  }
  if (saved.outcome == SaveOutcome::kAlreadyOpen) {
    return absl::FailedPreconditionError(
        "the survey opened meanwhile: only wording, required and max_length may change now");
  }
  EVENTS_ASSIGN_OR_RETURN(record, store_.Get(request.event_id()));
  return View(request.event_id(), record);
}

absl::StatusOr<Feedback::Attendee> Feedback::LoadAttendee(const std::string& token) {
  EVENTS_RETURN_IF_ERROR(CheckToken(token));
  Attendee a;
  EVENTS_ASSIGN_OR_RETURN(a.registration, registrations_.Verify(token));
  EVENTS_ASSIGN_OR_RETURN(a.record, Load("", a.registration.event_id));
  return a;
}

absl::StatusOr<events::v1::MySurvey> Feedback::GetMine(const std::string& token) {
  EVENTS_ASSIGN_OR_RETURN(Attendee a, LoadAttendee(token));
  const std::string& event_id = a.registration.event_id;
  events::v1::MySurvey mine;
  *mine.mutable_survey() = View(event_id, a.record);
  mine.mutable_survey()->clear_response_count();
  const bool anonymous = DefinitionOf(a.record).anonymous();
  if (anonymous) {
    EVENTS_ASSIGN_OR_RETURN(
        bool answered, store_.HasAnswered(event_id, UsedMarker(options_.marker_key, event_id,
                                                               a.registration.registration_id)));
    mine.set_responded(answered);
  } else {
    EVENTS_ASSIGN_OR_RETURN(auto answers,
                            store_.GetResponse(event_id, a.registration.registration_id));
    if (answers.has_value()) {
      mine.set_responded(true);
      for (const events::v1::FeedbackAnswer& answer : *answers) *mine.add_answers() = answer;
    }
  }
  // The rule of submit.lua, less its first case (invited when the survey opened, and since
  // then cancelled or unmarked): such a person may still answer, and learns it on submitting.
  const bool eligible = a.registration.status == events::v1::REGISTRATION_STATUS_CONFIRMED &&
                        (!a.record.tracked || a.registration.attended);
  mine.set_can_submit(mine.survey().state() == events::v1::SURVEY_STATE_OPEN && eligible &&
                      !(anonymous && mine.responded()));
  return mine;
}

absl::StatusOr<events::v1::SubmitResponseResponse> Feedback::Submit(
    const events::v1::SubmitResponseRequest& request) {
  EVENTS_RETURN_IF_ERROR(CheckToken(request.registration_token()));
  EVENTS_ASSIGN_OR_RETURN(Attendee a, LoadAttendee(request.registration_token()));
  const std::string& event_id = a.registration.event_id;
  for (int attempt = 1;; ++attempt) {
    const events::v1::SurveyDefinition definition = DefinitionOf(a.record);
    EVENTS_ASSIGN_OR_RETURN(std::vector<events::v1::FeedbackAnswer> answers,
                            ValidateAnswers(definition, request.answers()));
    Submission s;
    s.event_id = event_id;
    s.org_id = a.record.facts.org_id;
    s.anonymous = definition.anonymous();
    s.registration_id = a.registration.registration_id;
    s.registration_status = a.registration.status;
    s.attended = a.registration.attended;
    Contribution contribution =
        ContributionOf(definition, answers, a.record.facts.month, a.record.facts.series_id);
    std::string outcome;
    if (!contribution.access_choice.empty()) {
      EVENTS_ASSIGN_OR_RETURN(outcome, store_.AccessOutcome(event_id, s.registration_id));
    }
    if (s.anonymous) {
      // Random, with no time in it (an IdGenerator id sorts by creation time); the answers
      // are held sealed until a batch joins the figures.
      s.response_id = absl::StrCat("fh_", RandomToken(18));
      s.used_hash = UsedMarker(options_.marker_key, event_id, s.registration_id);
      EVENTS_ASSIGN_OR_RETURN(s.sealed, batches_.Seal(event_id, answers, outcome));
    } else {
      s.response_id = s.registration_id;
      AddAccessOutcome(outcome, contribution);
      s.contribution = std::move(contribution);
      s.answers = std::move(answers);
    }
    s.survey_version = a.record.version;
    s.now_unix_ms = clock_.NowUnixMs();
    s.envelope_id = ids_.New("fbe");
    s.trend_min_group = options_.min_group;
    EVENTS_ASSIGN_OR_RETURN(SubmitResult result, store_.Submit(s));
    if (s.anonymous && result.outcome == SubmitOutcome::kStored &&
        ReleasableCount(result.held, options_.min_group, false) > 0) {
      // The answer is safely held whatever happens here; a failed release is tried again by
      // the next answer, or when the survey closes.
      absl::StatusOr<int> released = batches_.Release(event_id);
      if (!released.ok()) {
        spdlog::warn("could not add a batch of anonymous answers to the figures of event {}: {}",
                     event_id, released.status().ToString());
      }
    }
    const std::string& zone = a.record.facts.time_zone;
    switch (result.outcome) {
      case SubmitOutcome::kStored:
      case SubmitOutcome::kReplaced: {
        events::v1::SubmitResponseResponse response;
        response.set_replaced(result.outcome == SubmitOutcome::kReplaced);
        response.set_anonymous(s.anonymous);
        response.set_closes_unix_ms(a.record.closes_unix_ms);
        return response;
      }
      case SubmitOutcome::kNotOpen:
        return absl::FailedPreconditionError(
            absl::StrCat("the survey is not open yet: it opens ", When(result.detail, zone)));
      case SubmitOutcome::kClosed:
        return absl::FailedPreconditionError(
            absl::StrCat("the survey closed at ", When(result.detail, zone)));
      case SubmitOutcome::kCancelled:
        return absl::FailedPreconditionError("the event was cancelled, so it has no survey");
      case SubmitOutcome::kNotEligible:
        return absl::FailedPreconditionError(
            "only confirmed registrations may answer the survey, and this one is not confirmed");
      case SubmitOutcome::kNotAttended:
        return absl::FailedPreconditionError(
            "attendance was taken at this event and this registration is not marked as "
            "attended; if you took part, ask the organiser to mark your attendance");
      case SubmitOutcome::kAlreadyAnswered:
        return absl::FailedPreconditionError(
            "this survey is anonymous and you have answered it already: anonymous answers "
            "cannot be changed, since nothing links them to you");
      case SubmitOutcome::kChanged:
        if (attempt >= kSubmitAttempts) {
          return absl::AbortedError("the survey kept changing while answering; try again");
        }
        EVENTS_ASSIGN_OR_RETURN(a.record, store_.Get(event_id));
        break;
    }
  }
}

absl::StatusOr<events::v1::Survey> Feedback::OpenNow(const std::string& org_id,
                                                     const std::string& event_id) {
  if (!options_.allow_manual_open) {
    return absl::PermissionDeniedError(
        "OpenSurveyNow is for development only and is off here (FEEDBACK_ALLOW_MANUAL_OPEN)");
  }
  EVENTS_ASSIGN_OR_RETURN(SurveyRecord record, Load(org_id, event_id));
  EVENTS_RETURN_IF_ERROR(
      store_.OpenNow(event_id, clock_.NowUnixMs(), default_window_ms()).status());
  EVENTS_ASSIGN_OR_RETURN(record, store_.Get(event_id));
  return View(event_id, record);
}

}  // namespace events::feedback
