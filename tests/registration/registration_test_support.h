#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "services/registration/domain/registrar.h"
#include "services/registration/store/redis_registration_store.h"

namespace events::registration::testing {

// 2026-01-15T12:00:00Z.
inline constexpr int64_t kNow = 1768478400000;

// Scheduling, as far as registration asks it: events set by the test.
class FakeEventDirectory final : public EventDirectory {
 public:
  void Put(const EventFacts& facts) {
    std::lock_guard<std::mutex> lock(mu_);
    events_[facts.event_id] = facts;
  }
  // While held, Fetch waits until Release: a scheduling service that hangs.
  void Hold() {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = true;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      held_ = false;
    }
    released_.notify_all();
  }
  absl::StatusOr<EventFacts> Fetch(const std::string& event_id) override {
    std::unique_lock<std::mutex> lock(mu_);
    released_.wait(lock, [this] { return !held_; });
    auto it = events_.find(event_id);
    if (it == events_.end()) return absl::NotFoundError("event " + event_id + " not found");
    return it->second;
  }
  absl::StatusOr<std::string> JoinLink(const std::string& event_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = events_.find(event_id);
    if (it != events_.end() && it->second.status == events::v1::EVENT_STATUS_CANCELLED) {
      return std::string();
    }
    return std::string("https://meet.example.org/room");
  }
  absl::StatusOr<EventFacts> SetCapacity(const std::string& event_id, int32_t capacity,
                                         const std::string& authorization) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (authorization.empty()) return absl::UnauthenticatedError("no key");
    EventFacts& f = events_[event_id];
    f.capacity = capacity;
    f.version += 1;
    return f;
  }

 private:
  std::mutex mu_;
  std::condition_variable released_;
  bool held_ = false;
  std::map<std::string, EventFacts> events_;
};

// An organiser's change, as the service names a signed-in person in the history.
inline ChangeBy ByOrganiser(const std::string& name = "Rae Registrations",
                            const std::string& reason = "") {
  ChangeBy by;
  by.actor = events::v1::REGISTRATION_ACTOR_PERSON;
  by.name = name;
  by.reason = reason;
  return by;
}

// A published event opening before kNow and closing a month later.
inline EventFacts OpenEvent(const std::string& id, int32_t capacity,
                            const std::string& org = "org_riverside") {
  EventFacts f;
  f.event_id = id;
  f.org_id = org;
  f.status = events::v1::EVENT_STATUS_PUBLISHED;
  f.version = 2;
  f.registration_opens_unix_ms = kNow - 1000;
  f.registration_closes_unix_ms = kNow + 30LL * 86400000;
  f.start_unix_ms = f.registration_closes_unix_ms;
  f.end_unix_ms = f.start_unix_ms + 3600000;
  f.capacity = capacity;
  f.time_zone = "Europe/London";
  return f;
}

inline events::v1::RegisterRequest Person(const std::string& event_id, int n) {
  events::v1::RegisterRequest r;
  r.set_event_id(event_id);
  r.set_name("Person " + std::to_string(n));
  r.set_email("person" + std::to_string(n) + "@example.org");
  return r;
}

}  // namespace events::registration::testing
