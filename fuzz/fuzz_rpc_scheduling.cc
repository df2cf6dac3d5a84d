// Every scheduling RPC's request validation: the first byte picks the RPC, the rest is its
// request; the pure checks the Scheduler runs on it (event_rules, lifecycle, ids, page
// rules, recurrence, local times) without a store. See rpc_fuzz.h for what is asserted.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/time/local_time.h"
#include "common/util/ids.h"
#include "common/util/page_size.h"
#include "common/util/text_rules.h"
#include "events/v1/scheduling.pb.h"
#include "fuzz/rpc_fuzz.h"
#include "services/scheduling/domain/event_rules.h"
#include "services/scheduling/domain/lifecycle.h"
#include "services/scheduling/domain/recurrence.h"
#include "services/scheduling/store/index_member.h"

namespace ev = events::v1;
namespace sch = events::scheduling;
using events::fuzz::CheckRpcStatus;

namespace {

// The service's clock and limits (SchedulerOptions' defaults), fixed so that a crash
// replays the same way.
constexpr int64_t kNow = 1780000000000;  // 2026-05-28
constexpr int kMaxOccurrences = 104;
const events::PageLimits kPage{25, 100};

// A stored event as validation sees it: published, on the day the UK clocks go forward.
const ev::Event& StoredEvent() {
  static const ev::Event* event = [] {
    auto* e = new ev::Event;
    e->set_id("ev_01JDQ3V4N7X8K2M9P0R5T6W8Y1");
    e->set_status(ev::EVENT_STATUS_PUBLISHED);
    auto* d = e->mutable_details();
    d->set_title("Captioning in practice");
    d->set_format(ev::EVENT_FORMAT_ONLINE);
    d->set_time_zone("Europe/London");
    d->mutable_start()->set_value("2030-03-31T00:30");
    d->mutable_end()->set_value("2030-03-31T03:30");
    d->set_join_link("https://meet.example.org/j/123456");
    e->set_start_unix_ms(*events::time::ToUnixMs(
        *events::time::ParseLocalDateTime(d->start().value(), "start"), d->time_zone(), "start"));
    e->set_end_unix_ms(*events::time::ToUnixMs(
        *events::time::ParseLocalDateTime(d->end().value(), "end"), d->time_zone(), "end"));
    return e;
  }();
  return *event;
}

// The status a stored event might have, from a field of the request, so that each action's
// lifecycle check sees every status.
ev::EventStatus StatusFrom(int64_t n) {
  return static_cast<ev::EventStatus>(static_cast<uint64_t>(n) % 5);
}

void Lifecycle(const std::string& id, int64_t version, sch::Action action,
               const google::protobuf::Message& request, absl::string_view rpc) {
  const absl::Status valid = events::ValidateEventId(id);
  CheckRpcStatus(valid, request, rpc);
  if (valid.ok())
    CheckRpcStatus(sch::CheckTransition(StatusFrom(version), action, id), request, rpc);
}

void Page(const ev::PageRequest& page, const google::protobuf::Message& request,
          absl::string_view rpc) {
  CheckRpcStatus(events::PageSize(page.page_size(), kPage), request, rpc);
  if (!page.page_token().empty()) {
    CheckRpcStatus(sch::DecodePageToken(page.page_token()), request, rpc);
  }
}

std::string NewSessionId() {
  static int n = 0;
  return absl::StrCat("ses_", ++n);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int rpc = data[0] % 16;
  ++data;
  --size;
  switch (rpc) {
    case 0: {
      ev::CreateEventRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(sch::ValidateDetails(r.details(), "details", kNow), r, "CreateEvent");
      break;
    }
    case 1: {
      ev::UpdateEventRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(events::ValidateEventId(r.event_id()), r, "UpdateEvent");
      // As the stored event being changed, one with the same local times (the path that
      // keeps the stored instants) and one without.
      ev::Event current = StoredEvent();
      *current.mutable_details() = r.details();
      CheckRpcStatus(sch::ValidateDetails(r.details(), "details", kNow, &current), r,
                     "UpdateEvent");
      CheckRpcStatus(sch::ValidateDetails(r.details(), "details", kNow, &StoredEvent()), r,
                     "UpdateEvent");
      Lifecycle(r.event_id(), r.expected_version(), sch::Action::kUpdate, r, "UpdateEvent");
      break;
    }
    case 2: {
      ev::PublishEventRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      Lifecycle(r.event_id(), r.expected_version(), sch::Action::kPublish, r, "PublishEvent");
      break;
    }
    case 3: {
      ev::RescheduleEventRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(events::CheckText(r.reason(), "reason", 0, sch::kMaxReasonChars, true), r,
                     "RescheduleEvent");
      Lifecycle(r.event_id(), r.expected_version(), sch::Action::kReschedule, r, "RescheduleEvent");
      CheckRpcStatus(sch::ValidateReason(r.reason(), StoredEvent()), r, "RescheduleEvent");
      const std::string zone = r.time_zone().empty() ? "Europe/London" : r.time_zone();
      const absl::Status zone_ok = events::time::ValidateTimeZone(zone, "time_zone");
      CheckRpcStatus(zone_ok, r, "RescheduleEvent");
      auto start = events::time::ParseLocalDateTime(r.new_start().value(), "new_start");
      auto end = events::time::ParseLocalDateTime(r.new_end().value(), "new_end");
      CheckRpcStatus(start, r, "RescheduleEvent");
      CheckRpcStatus(end, r, "RescheduleEvent");
      if (zone_ok.ok() && start.ok()) {
        CheckRpcStatus(events::time::ToUnixMs(*start, zone, "new_start"), r, "RescheduleEvent");
      }
      if (zone_ok.ok() && end.ok()) {
        CheckRpcStatus(events::time::ToUnixMs(*end, zone, "new_end"), r, "RescheduleEvent");
      }
      break;
    }
    case 4: {
      ev::CancelEventRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      Lifecycle(r.event_id(), r.expected_version(), sch::Action::kCancel, r, "CancelEvent");
      CheckRpcStatus(sch::ValidateReason(r.reason(), StoredEvent()), r, "CancelEvent");
      break;
    }
    case 5: {
      ev::CompleteEventRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      Lifecycle(r.event_id(), r.expected_version(), sch::Action::kComplete, r, "CompleteEvent");
      break;
    }
    case 6: {
      ev::SetAgendaRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      Lifecycle(r.event_id(), r.expected_version(), sch::Action::kSetAgenda, r, "SetAgenda");
      const std::vector<ev::AgendaSession> sessions(r.sessions().begin(), r.sessions().end());
      auto agenda = sch::ValidateAgenda(sessions, StoredEvent(), NewSessionId);
      CheckRpcStatus(agenda, r, "SetAgenda");
      if (agenda.ok()) {
        const ev::Event& e = StoredEvent();
        for (const auto& s : *agenda) {
          events::fuzz::Check(!s.id().empty(), "every accepted session has an id");
          events::fuzz::Check(
              s.start_unix_ms() >= e.start_unix_ms() && s.end_unix_ms() <= e.end_unix_ms(),
              "accepted sessions lie inside the event", s.DebugString());
        }
      }
      break;
    }
    case 7: {
      ev::GetEventRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(events::ValidateEventId(r.event_id()), r, "GetEvent");
      break;
    }
    case 8: {
      ev::ListUpcomingEventsRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      Page(r.page(), r, "ListUpcomingEvents");
      break;
    }
    case 9: {
      ev::ListOrganisationEventsRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      Page(r.page(), r, "ListOrganisationEvents");
      break;
    }
    case 10: {
      ev::CreateSeriesRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      auto times = sch::ValidateDetails(r.template_(), "template", kNow);
      CheckRpcStatus(times, r, "CreateSeries", {"template"});
      if (!times.ok()) break;
      auto start = events::time::ParseLocalDateTime(r.template_().start().value(), "start");
      events::fuzz::Check(start.ok(), "ValidateDetails accepted an unparsable start");
      auto occurrences = sch::ExpandRecurrence(r.rule(), *start, kMaxOccurrences);
      CheckRpcStatus(occurrences, r, "CreateSeries", {"template"});
      if (!occurrences.ok()) break;
      events::fuzz::Check(
          !occurrences->empty() && occurrences->size() <= static_cast<size_t>(kMaxOccurrences),
          "a series has 1 to max occurrences");
      events::fuzz::Check((*occurrences)[0] == *start, "the first occurrence is the template's");
      for (size_t i = 0; i < occurrences->size(); ++i) {
        events::fuzz::Check(events::time::IsValid((*occurrences)[i]), "occurrences are valid");
        if (i > 0) {
          events::fuzz::Check((*occurrences)[i - 1] < (*occurrences)[i], "occurrences ascend",
                              (*occurrences)[i].ToString());
        }
        auto at = events::time::ToUnixMsShiftingGaps((*occurrences)[i], r.template_().time_zone());
        CheckRpcStatus(at, r, "CreateSeries", {"template"});
      }
      break;
    }
    case 11: {
      ev::GetSeriesRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      (void)events::IsWellFormedId(r.series_id(), "se");
      break;
    }
    case 12: {
      ev::CancelSeriesRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      (void)events::IsWellFormedId(r.series_id(), "se");
      CheckRpcStatus(sch::ValidateReason(r.reason(), StoredEvent()), r, "CancelSeries");
      CheckRpcStatus(sch::CheckTransition(StatusFrom(static_cast<int64_t>(r.reason().size())),
                                          sch::Action::kCancel, "ev_x"),
                     r, "CancelSeries");
      break;
    }
    case 13: {
      ev::GetEventCalendarRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(events::ValidateEventId(r.event_id()), r, "GetEventCalendar");
      break;
    }
    case 14: {
      ev::PublishSeriesRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      (void)events::IsWellFormedId(r.series_id(), "se");
      break;
    }
    case 15: {
      ev::GetSeriesCalendarRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      (void)events::IsWellFormedId(r.series_id(), "se");
      break;
    }
  }
  return 0;
}
