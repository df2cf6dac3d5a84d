// The envelope <-> stream-entry fields mapping, shared by C++ writers, Lua writers and the
// consumer.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/bus/event_bus.h"
#include "common/log/call_context.h"

namespace events::bus {

std::vector<std::string> ToStreamFields(const events::v1::DomainEvent& event) {
  // The event's own trace, or the trace of the call writing it: so every C++ writer (store
  // scripts fed by these fields, Publish) stores the call's trace without each building it.
  std::string traceparent =
      event.traceparent().empty() ? events::logging::CurrentTraceParent() : event.traceparent();
  // The order is the contract with xadd_event (lua/xadd_event.lua) and every script that passes
  // these on. traceparent is written even when empty, so the count stays fixed.
  std::vector<std::string> fields = {
      "id",          event.id(),
      "type",        event.type(),
      "source",      event.source(),
      "time",        absl::StrCat(event.time_unix_ms()),
      "subject",     event.subject(),
      "org",         event.org_id(),
      "data_type",   event.data_type(),
      "data",        event.data(),
      "traceparent", std::move(traceparent),
  };
  return fields;
}

absl::StatusOr<events::v1::DomainEvent> FromStreamFields(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  events::v1::DomainEvent event;
  bool has_id = false;
  bool has_type = false;
  // Unknown fields are skipped: newer writers may add some, and dead-letter entries carry
  // dead_reason and friends.
  for (const auto& [name, value] : fields) {
    if (name == "id") {
      event.set_id(value);
      has_id = !value.empty();
    } else if (name == "type") {
      event.set_type(value);
      has_type = !value.empty();
    } else if (name == "source") {
      event.set_source(value);
    } else if (name == "time") {
      int64_t ms = 0;
      if (!absl::SimpleAtoi(value, &ms)) {
        return absl::InvalidArgumentError(absl::StrCat("stream entry field time is \"", value,
                                                       "\", not a decimal Unix-ms timestamp"));
      }
      event.set_time_unix_ms(ms);
    } else if (name == "subject") {
      event.set_subject(value);
    } else if (name == "org") {
      event.set_org_id(value);
    } else if (name == "data_type") {
      event.set_data_type(value);
    } else if (name == "data") {
      event.set_data(value);
    } else if (name == "traceparent") {
      // Kept as written; the consumer checks it (an invalid one starts a new trace there).
      event.set_traceparent(value);
    }
  }
  if (!has_id) return absl::InvalidArgumentError("stream entry has no id field");
  if (!has_type) {
    return absl::InvalidArgumentError(
        absl::StrCat("stream entry for event ", event.id(), " has no type field"));
  }
  return event;
}

}  // namespace events::bus
