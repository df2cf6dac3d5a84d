#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "services/registration/facts/event_facts.h"

namespace events::registration::testing {

// FactsWriter in memory, with the real one's rule (a version never goes back) and a way to
// make the next writes fail. Thread-safe.
class FakeFactsWriter final : public FactsWriter {
 public:
  absl::Status UpsertFacts(const EventFacts& facts) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(facts);
    if (failures_left_ > 0) {
      --failures_left_;
      return failure_;
    }
    auto it = facts_.find(facts.event_id);
    if (it != facts_.end() && it->second.version >= facts.version) {
      ++stale_;
      return absl::OkStatus();
    }
    facts_[facts.event_id] = facts;
    return absl::OkStatus();
  }

  // The next `count` calls return `status` and store nothing.
  void FailNext(int count, absl::Status status = absl::UnavailableError("redis is down")) {
    std::lock_guard<std::mutex> lock(mu_);
    failures_left_ = count;
    failure_ = std::move(status);
  }

  std::optional<EventFacts> Get(const std::string& event_id) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = facts_.find(event_id);
    if (it == facts_.end()) return std::nullopt;
    return it->second;
  }
  // The stored version, 0 when none.
  int64_t VersionOf(const std::string& event_id) const {
    std::optional<EventFacts> facts = Get(event_id);
    return facts.has_value() ? facts->version : 0;
  }
  // Every call, in order, failed ones included.
  std::vector<EventFacts> calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  int stale() const {
    std::lock_guard<std::mutex> lock(mu_);
    return stale_;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, EventFacts> facts_;
  std::vector<EventFacts> calls_;
  int failures_left_ = 0;
  absl::Status failure_;
  int stale_ = 0;
};

}  // namespace events::registration::testing
