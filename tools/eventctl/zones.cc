#include "tools/eventctl/zones.h"

#include "absl/strings/str_format.h"
#include "common/time/local_time.h"
#include "events/v1/scheduling.grpc.pb.h"
#include "tools/eventctl/cli_context.h"

namespace events::eventctl {

std::string FormatInZone(int64_t unix_ms, const std::string& zone) {
  if (unix_ms == 0) return "-";
  const std::string name =
      !zone.empty() && time::ValidateTimeZone(zone, "zone").ok() ? zone : "UTC";
  const time::LocalDateTime t = time::FromUnixMs(unix_ms, name);
  return absl::StrFormat("%04d-%02d-%02d %02d:%02d %s", t.year, t.month, t.day, t.hour, t.minute,
                         name);
}

std::string ZoneOf(const EventZones& zones, const std::string& event_id) {
  auto it = zones.find(event_id);
  return it == zones.end() ? "" : it->second;
}

std::string LookUpEventZone(const CliContext& ctx, const std::string& event_id) {
  if (event_id.empty()) return "";
  events::v1::GetEventRequest req;
  req.set_event_id(event_id);
  events::v1::Event event;
  grpc::Status status = ctx.Call(Target::kScheduling, Credential::kKey,
                                 &events::v1::SchedulingService::Stub::GetEvent, req, &event);
  return status.ok() ? event.details().time_zone() : "";
}

}  // namespace events::eventctl
