#include "services/feedback/domain/anonymous_batches.h"

#include <openssl/rand.h>

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/util/aead.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "common/util/status_macros.h"
#include "services/feedback/rules/aggregates.h"
#include "services/feedback/rules/survey_rules.h"

namespace events::feedback {
namespace {

constexpr int64_t kDayMs = 86400000;
// Events released per partition per pass of the window worker.
constexpr int kClosedPerPass = 20;

std::string AssociatedData(const std::string& event_id) {
  return absl::StrCat("feedback held answers:", event_id);
}

// A uniformly random index below n (n > 0), from the operating system's CSPRNG: the order of
// a batch must not be predictable from anything an attacker saw.
size_t RandomBelow(size_t n) {
  const uint64_t limit = std::numeric_limits<uint64_t>::max() -
                         std::numeric_limits<uint64_t>::max() % static_cast<uint64_t>(n);
  uint64_t value = 0;
  do {
    RAND_bytes(reinterpret_cast<unsigned char*>(&value), sizeof(value));
  } while (value >= limit);
  return static_cast<size_t>(value % n);
}

template <typename T>
void Shuffle(std::vector<T>& items) {
  for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[RandomBelow(i)]);
}

}  // namespace

int64_t ReleasableCount(int64_t held, int32_t min_group, bool closed) {
  if (closed) return held;
  return held >= 2 * static_cast<int64_t>(min_group) ? held - min_group : 0;
}

AnonymousBatches::AnonymousBatches(FeedbackStore& store, const Clock& clock,
                                   absl::string_view anonymity_key, int32_t min_group)
    : store_(store),
      clock_(clock),
      key_(Sha256Raw(absl::StrCat("events.v1 feedback held answers\n", anonymity_key))),
      min_group_(min_group) {}

absl::StatusOr<std::string> AnonymousBatches::Seal(
    const std::string& event_id, const std::vector<events::v1::FeedbackAnswer>& answers,
    const std::string& access_outcome) const {
  events::v1::SubmitResponseRequest held;
  for (const events::v1::FeedbackAnswer& a : answers) *held.add_answers() = a;
  // The outcome travels in the otherwise unused token field: no format of our own to parse.
  held.set_registration_token(access_outcome);
  return events::Seal(key_, held.SerializeAsString(), AssociatedData(event_id));
}

absl::StatusOr<int> AnonymousBatches::Release(const std::string& event_id) {
  EVENTS_ASSIGN_OR_RETURN(SurveyRecord record, store_.Get(event_id));
  const int64_t now = clock_.NowUnixMs();
  const bool closed = StateAt(record, now) == events::v1::SURVEY_STATE_CLOSED;
  EVENTS_ASSIGN_OR_RETURN(auto held, store_.ReadHeld(event_id));
  const int64_t count = ReleasableCount(static_cast<int64_t>(held.size()), min_group_, closed);
  if (count == 0) return 0;
  std::vector<std::pair<std::string, std::string>> batch(held.begin(), held.end());
  Shuffle(batch);
  batch.resize(static_cast<size_t>(count));
  const events::v1::SurveyDefinition definition =
      record.custom ? record.definition : DefaultSurvey();
  HeldBatch release;
  release.event_id = event_id;
  release.org_id = record.facts.org_id;
  release.trend_min_group = min_group_;
  std::vector<Contribution> parts;
  for (const auto& [id, sealed] : batch) {
    absl::StatusOr<std::string> opened = events::Open(key_, sealed, AssociatedData(event_id));
    if (!opened.ok()) {
      return absl::DataLossError(absl::StrCat(
          "held anonymous answers of event ", event_id,
          " cannot be opened: was FEEDBACK_ANONYMITY_KEY (or EVENTS_SERVICE_KEY, which it is "
          "derived from when unset) changed while the survey was open? ",
          opened.status().message()));
    }
    events::v1::SubmitResponseRequest answers;
    if (!answers.ParseFromString(*opened)) {
      return absl::DataLossError(
          absl::StrCat("held anonymous answers of event ", event_id, " do not parse"));
    }
    ReleasedResponse response;
    response.response_id = absl::StrCat("fr_", RandomToken(18));
    response.day_unix_ms = now - now % kDayMs;
    response.answers.assign(answers.answers().begin(), answers.answers().end());
    Contribution c =
        ContributionOf(definition, response.answers, record.facts.month, record.facts.series_id);
    AddAccessOutcome(answers.registration_token(), c);
    response.texts = c.texts;
    parts.push_back(std::move(c));
    release.held_ids.push_back(id);
    release.responses.push_back(std::move(response));
  }
  // The held ids go in sorted order: random ids, so their order says nothing either.
  std::sort(release.held_ids.begin(), release.held_ids.end());
  release.total = SumOf(parts);
  EVENTS_ASSIGN_OR_RETURN(bool done, store_.ReleaseHeld(release));
  return done ? static_cast<int>(count) : 0;
}

absl::StatusOr<int> AnonymousBatches::ReleaseClosed() {
  EVENTS_ASSIGN_OR_RETURN(std::vector<std::string> events, store_.ClosedWithHeld(kClosedPerPass));
  int added = 0;
  absl::Status first_error;
  for (const std::string& event_id : events) {
    // One event that cannot be released (its answers do not open) must not hold up the rest.
    absl::StatusOr<int> n = Release(event_id);
    if (n.ok()) {
      added += *n;
    } else if (first_error.ok()) {
      first_error = n.status();
    }
  }
  if (!first_error.ok()) return first_error;
  return added;
}

}  // namespace events::feedback
