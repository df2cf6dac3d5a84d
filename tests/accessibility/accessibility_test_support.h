#pragma once

#include <map>
#include <mutex>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/accessibility/peers/directories.h"

namespace events::accessibility::testing {

// 10:00 BST on Sunday 5 April 2026 (09:00Z): a webinar start after London's clock change.
inline constexpr int64_t kStart = 1775379600000;
inline constexpr int64_t kHour = 3600000;
inline constexpr int64_t kDay = 24 * kHour;
// Twenty days before the start: every default lead time is still ahead.
inline constexpr int64_t kNow = kStart - 20 * kDay;

// Scheduling, as far as accessibility asks it: events set by the test.
class FakeEventDirectory final : public EventDirectory {
 public:
  void Put(const EventFacts& facts) {
    std::lock_guard<std::mutex> lock(mu_);
    events_[facts.event_id] = facts;
  }
  absl::StatusOr<EventFacts> Fetch(const std::string& event_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = events_.find(event_id);
    if (it == events_.end()) return absl::NotFoundError("event " + event_id + " not found");
    return it->second;
  }

 private:
  std::mutex mu_;
  std::map<std::string, EventFacts> events_;
};

// Registration, as far as accessibility asks it: tokens made by the test.
class FakeRegistrationDirectory final : public RegistrationDirectory {
 public:
  // A token for a new confirmed registration of `event_id`.
  std::string Register(const std::string& event_id) {
    std::lock_guard<std::mutex> lock(mu_);
    const int n = ++count_;
    std::string token = absl::StrCat("rg_", n, ".secret", n);
    tokens_[token] =
        Attendee{absl::StrCat("rg_reg", n), event_id, events::v1::REGISTRATION_STATUS_CONFIRMED};
    return token;
  }
  // Registration changed the registration's status (cancelled, rejected...).
  void SetStatus(const std::string& token, events::v1::RegistrationStatus status) {
    std::lock_guard<std::mutex> lock(mu_);
    tokens_[token].status = status;
  }
  absl::StatusOr<Attendee> Verify(const std::string& token) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = tokens_.find(token);
    if (it == tokens_.end()) return absl::NotFoundError("no registration matches this token");
    return it->second;
  }
  // Registrations are named after their number: "Attendee 1"...
  absl::StatusOr<std::string> NameOf(const std::string& registration_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [token, attendee] : tokens_) {
      if (attendee.registration_id == registration_id) {
        return absl::StrCat("Attendee ", registration_id.substr(6));
      }
    }
    return absl::NotFoundError("no such registration");
  }

 private:
  std::mutex mu_;
  int count_ = 0;
  std::map<std::string, Attendee> tokens_;
};

// A published 90-minute webinar in London starting at kStart.
inline EventFacts Webinar(const std::string& id, const std::string& org) {
  EventFacts f;
  f.event_id = id;
  f.org_id = org;
  f.status = events::v1::EVENT_STATUS_PUBLISHED;
  f.version = 2;
  f.start_unix_ms = kStart;
  f.end_unix_ms = kStart + int64_t{90} * 60000;
  f.time_zone = "Europe/London";
  return f;
}

}  // namespace events::accessibility::testing
