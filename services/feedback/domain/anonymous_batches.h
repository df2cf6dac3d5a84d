#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "events/v1/feedback.pb.h"
#include "services/feedback/store/feedback_store.h"

namespace events {
class Clock;
}  // namespace events

namespace events::feedback {

// How many of `held` anonymous answers may join the figures now. While the survey is open:
// none until 2 x min_group are held, then all but min_group (so every step adds at least
// min_group, and min_group stay held for the next step). Once it has closed: all of them,
// which is at least min_group whenever an earlier step happened, and otherwise the only
// step there is. So figures never change by fewer than min_group answers at a time, and no
// answer is ever dropped (docs/feedback.md, "Anonymity").
int64_t ReleasableCount(int64_t held, int32_t min_group, bool closed);

// Anonymous answers go into the figures (report, export, trends) in batches, never one by
// one: each is sealed (AES-256-GCM, under a key derived from the anonymity key, which Redis
// never sees) and held; a release opens a batch, shuffles it, gives each response a new
// random id and adds the batch to the aggregates as one sum, in one script. Someone holding
// all of Redis's files sees sealed bytes arrive one by one and responses appear a batch at
// a time, so a response can be tied to no one better than chance among its batch; an
// organiser comparing reports over time sees steps of at least min_group answers.
// Thread-safe; replicas may release at once (the store adds a batch exactly once).
class AnonymousBatches {
 public:
  AnonymousBatches(FeedbackStore& store, const Clock& clock, absl::string_view anonymity_key,
                   int32_t min_group);

  // One response's answers and its access outcome, sealed and bound to the event.
  absl::StatusOr<std::string> Seal(const std::string& event_id,
                                   const std::vector<events::v1::FeedbackAnswer>& answers,
                                   const std::string& access_outcome) const;

  // Adds to the figures what may be added now (ReleasableCount), chosen at random when not
  // all. Returns how many answers were added (0 when none may be, or another replica did it
  // first). DATA_LOSS when held answers cannot be opened (the anonymity key changed).
  absl::StatusOr<int> Release(const std::string& event_id);

  // Releases the answers still held by surveys that have closed (the window worker).
  // Returns how many answers were added, or the first error after trying every event.
  absl::StatusOr<int> ReleaseClosed();

 private:
  FeedbackStore& store_;
  const Clock& clock_;
  const std::string key_;  // 32 bytes
  const int32_t min_group_;
};

}  // namespace events::feedback
