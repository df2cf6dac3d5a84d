#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <string>

#include "common/util/mutex.h"
#include "events/v1/registration.pb.h"
#include "events/v1/scheduling.pb.h"
#include "services/web/peers/backends.h"

// What every visitor may see of an event (its public view, its registration form, its
// places left), kept for a short time (WEB_CACHE_MS, 2 s by default) by each web replica.
// Event pages are read far more often than events change: without it each page view was
// two or three calls to scheduling and registration, and under load their synchronous
// servers ran out of threads (RESOURCE_EXHAUSTED, seen in scripts/bench web). With it, an
// event costs each replica at most one call of each kind per TTL. Stale by at most the TTL:
// registration itself still decides every sign-up. Only answers that are OK are kept.
// When an entry expires, one request fetches it again while the others are answered from
// the expired copy, so a popular event's expiry is one call, not one per visitor at that
// moment (32 at once ran scheduling out of threads too).
namespace events::web {

class PublicData {
 public:
  // `ttl` 0 keeps nothing (every read goes to the services).
  PublicData(Backends& backends, std::chrono::milliseconds ttl, size_t max_entries = 10000);

  grpc::Status Event(const Request& request, const std::string& event_id, events::v1::Event* out);
  grpc::Status Form(const Request& request, const std::string& event_id,
                    events::v1::RegistrationSettings* out);
  grpc::Status Availability(const Request& request, const std::string& event_id,
                            events::v1::Availability* out);

 private:
  template <typename Message>
  struct Entry {
    Message value;
    std::chrono::steady_clock::time_point expires;
    // One visitor is fetching a fresh copy; the others are given this one meanwhile.
    bool refreshing = false;
  };
  template <typename Message>
  using Table = std::map<std::string, Entry<Message>>;

  struct Tables {
    Table<events::v1::Event> events;
    Table<events::v1::RegistrationSettings> forms;
    Table<events::v1::Availability> availability;
  };

  // Reads `key` from the table `which` of tables_ (under mu_), or fetches it.
  template <typename Message, typename Fetch>
  grpc::Status Read(Table<Message> Tables::*which, const std::string& key, Message* out,
                    Fetch fetch);

  Backends& backends_;
  const std::chrono::milliseconds ttl_;
  const size_t max_entries_;
  events::Mutex mu_;
  Tables tables_ ABSL_GUARDED_BY(mu_);
};

}  // namespace events::web
