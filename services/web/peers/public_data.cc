#include "services/web/peers/public_data.h"

namespace events::web {

PublicData::PublicData(Backends& backends, std::chrono::milliseconds ttl, size_t max_entries)
    : backends_(backends), ttl_(ttl), max_entries_(max_entries) {}

template <typename Message, typename Fetch>
grpc::Status PublicData::Read(Table<Message> Tables::*which, const std::string& key, Message* out,
                              Fetch fetch) {
  const auto now = std::chrono::steady_clock::now();
  if (ttl_.count() > 0) {
    MutexLock lock(&mu_);
    Table<Message>& table = tables_.*which;
    auto it = table.find(key);
    if (it != table.end() && (it->second.expires > now || it->second.refreshing)) {
      *out = it->second.value;
      return grpc::Status::OK;
    }
    if (it != table.end()) it->second.refreshing = true;  // this request fetches it
  }
  // Outside the lock: a call may take up to its deadline. Two visitors of an expired event
  // may both fetch it; both answers are good.
  grpc::Status status = fetch(out);
  if (ttl_.count() == 0) return status;
  MutexLock lock(&mu_);
  Table<Message>& table = tables_.*which;
  if (!status.ok()) {
    // Not kept; the next request tries again (a NOT_FOUND event goes from the table).
    auto it = table.find(key);
    if (it != table.end()) {
      if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
        table.erase(it);
      } else {
        it->second.refreshing = false;
      }
    }
    return status;
  }
  // Bounded: a flood of made-up ids cannot grow it past max_entries_ (it starts again).
  if (table.size() >= max_entries_) table.clear();
  table[key] = Entry<Message>{*out, now + ttl_};
  return status;
}

grpc::Status PublicData::Event(const Request& request, const std::string& event_id,
                               events::v1::Event* out) {
  return Read(&Tables::events, event_id, out, [&](events::v1::Event* event) {
    events::v1::GetEventRequest req;
    req.set_event_id(event_id);
    auto context = backends_.Context(request);
    return backends_.scheduling().GetEvent(context.get(), req, event);
  });
}

grpc::Status PublicData::Form(const Request& request, const std::string& event_id,
                              events::v1::RegistrationSettings* out) {
  return Read(&Tables::forms, event_id, out, [&](events::v1::RegistrationSettings* settings) {
    events::v1::GetRegistrationFormRequest req;
    req.set_event_id(event_id);
    auto context = backends_.Context(request);
    return backends_.registration().GetRegistrationForm(context.get(), req, settings);
  });
}

grpc::Status PublicData::Availability(const Request& request, const std::string& event_id,
                                      events::v1::Availability* out) {
  return Read(&Tables::availability, event_id, out, [&](events::v1::Availability* availability) {
    events::v1::GetAvailabilityRequest req;
    req.set_event_id(event_id);
    auto context = backends_.Context(request);
    return backends_.registration().GetAvailability(context.get(), req, availability);
  });
}

}  // namespace events::web
