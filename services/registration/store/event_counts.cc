#include "services/registration/store/registration_store.h"

namespace events::registration {

void AddCountsField(const std::string& field, int64_t value, EventCounts& c) {
  if (field == "taken:general") {
    c.taken_general = value;
  } else if (field.rfind("taken:", 0) == 0) {
    c.taken_by_pool.emplace_back(field.substr(6), value);
  } else if (field == "n:1") {
    c.confirmed = value;
  } else if (field == "n:2") {
    c.waitlisted = value;
  } else if (field == "n:3") {
    c.pending = value;
  } else if (field == "n:4") {
    c.cancelled = value;
  } else if (field == "n:5") {
    c.rejected = value;
  }
}

bool ListedAs(const events::v1::Registration& r, events::v1::RegistrationStatus status,
              const std::string& pool) {
  return (status == events::v1::REGISTRATION_STATUS_UNSPECIFIED || r.status() == status) &&
         (pool.empty() || r.pool() == pool);
}

}  // namespace events::registration
