// Rescheduling and cancelling an event (/manage/events/{id}/reschedule, .../cancel): both
// need a reason, which scheduling passes on to the attendees' e-mails.
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/util/text_rules.h"
#include "services/web/console/event_common.h"
#include "services/web/console/event_form.h"
#include "services/web/console/event_time.h"
#include "services/web/console/fields.h"
#include "services/web/pages/format.h"

namespace events::web::console {
namespace {

using events::v1::Event;

// The reason field ("reason"): required, up to 1,000 characters.
void CheckReason(const Site& site, const std::string& reason, std::vector<FieldError>* errors) {
  if (reason.empty()) {
    errors->push_back({"reason", site.Text("console_events_err_reason_required")});
  } else if (!CheckText(reason, "reason", 1, 1000, true).ok()) {
    errors->push_back({"reason", site.Text("console_events_err_reason_rule")});
  }
}

Response ReschedulePage(Console& console, const Request& request, const Person& person,
                        const Event& e, const EventValues& v, const std::vector<FieldError>& errors,
                        bool show_repeated) {
  const Site& site = console.site;
  Data data(Data::type::object);
  data.set("title", e.details().title());
  data.set("href", EventPath(e));
  data.set("when", WhenText(site.messages(), e.start_rfc3339(), e.end_rfc3339()));
  data.set("zone", ZoneText(site.messages(), e.details().time_zone()));
  for (absl::string_view id : {"date", "start_time", "end_time", "time_zone", "reason"}) {
    auto it = v.find(id);
    data.set(std::string(id), TextField(id, it == v.end() ? "" : it->second, errors));
  }
  auto zone = v.find("time_zone");
  data.set("zones", ZoneOptions(site.messages(), zone == v.end() ? "" : zone->second));
  if (show_repeated) {
    data.set("show_repeated", true);
    auto ok = v.find("repeated_ok");
    data.set("repeated_ok", ok != v.end() && ok->second == "yes");
  }
  auto end_days = v.find("end_days");
  data.set("end_days", end_days == v.end() ? "" : end_days->second);
  auto version = v.find("version");
  data.set("version", version == v.end() ? "" : version->second);
  SetErrors(data, errors);
  SetConflict(data, errors);
  return ConsolePage(console, request, person, "console_events_reschedule", data,
                     {site.Text("console_events_reschedule_title"), !errors.empty()}, "events");
}

Response RescheduleForm(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  Event event;
  if (auto page = LoadEvent(console, request, person, &event)) return *page;
  if (event.status() != events::v1::EVENT_STATUS_PUBLISHED) {
    return Response::Redirect(EventPath(event));
  }
  EventValues v = ValuesFromEvent(event);
  return ReschedulePage(console, request, person, event, v, {}, false);
}

Response Reschedule(Console& console, const Request& request) {
  Site& site = console.site;
  Form form;
  Person person;
  if (auto page = ReadPostedAsPerson(console, request, &form, &person)) return *page;
  Event event;
  if (auto page = LoadEvent(console, request, person, &event)) return *page;
  EventValues v = ValuesFromForm(form);
  std::vector<FieldError> errors;
  const std::string zone(absl::StripAsciiWhitespace(form.Get("time_zone")));
  absl::TimeZone tz;
  CheckedTimes times;
  if (zone.empty() || !absl::LoadTimeZone(zone, &tz)) {
    errors.push_back({"time_zone", site.Text("console_events_err_zone_required")});
  } else {
    times = CheckTimes(site.messages(), v, zone, true);
    errors = times.errors;
  }
  const std::string reason(absl::StripAsciiWhitespace(form.Get("reason")));
  CheckReason(site, reason, &errors);
  if (!errors.empty()) {
    return ReschedulePage(console, request, person, event, v, errors, times.repeated);
  }
  events::v1::RescheduleEventRequest req;
  req.set_event_id(event.id());
  req.set_expected_version(PostedVersion(form));
  *req.mutable_new_start() = times.start;
  *req.mutable_new_end() = times.end;
  req.set_time_zone(zone);
  req.set_reason(reason);
  Event moved;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      site.backends.scheduling().RescheduleEvent(context.get(), req, &moved);
  if (status.error_code() == grpc::StatusCode::ABORTED) {
    v["version"] = absl::StrCat(event.version());
    return ReschedulePage(console, request, person, event, v,
                          {{"conflict", site.Text("console_events_err_conflict")}}, times.repeated);
  }
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
      status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return ReschedulePage(console, request, person, event, v,
                          {ServiceFieldError(site, status.error_message())}, times.repeated);
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "RescheduleEvent");
  return Response::Redirect(absl::StrCat(EventPath(event), "?rescheduled=yes"));
}

Response CancelPage(Console& console, const Request& request, const Person& person, const Event& e,
                    const std::string& reason, const std::string& version,
                    const std::vector<FieldError>& errors) {
  const Site& site = console.site;
  Data data(Data::type::object);
  data.set("title", e.details().title());
  data.set("href", EventPath(e));
  data.set("when", WhenText(site.messages(), e.start_rfc3339(), e.end_rfc3339()));
  data.set("published", e.status() == events::v1::EVENT_STATUS_PUBLISHED);
  data.set("reason", TextField("reason", reason, errors));
  data.set("version", version);
  SetErrors(data, errors);
  return ConsolePage(console, request, person, "console_events_cancel", data,
                     {site.Text("console_events_cancel_title"), !errors.empty()}, "events");
}

bool Cancellable(const Event& e) {
  return e.status() == events::v1::EVENT_STATUS_DRAFT ||
         e.status() == events::v1::EVENT_STATUS_PUBLISHED;
}

Response ConfirmCancel(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  Event event;
  if (auto page = LoadEvent(console, request, person, &event)) return *page;
  if (!Cancellable(event)) return Response::Redirect(EventPath(event));
  return CancelPage(console, request, person, event, "", absl::StrCat(event.version()), {});
}

Response Cancel(Console& console, const Request& request) {
  Site& site = console.site;
  Form form;
  Person person;
  if (auto page = ReadPostedAsPerson(console, request, &form, &person)) return *page;
  Event event;
  if (auto page = LoadEvent(console, request, person, &event)) return *page;
  const std::string reason(absl::StripAsciiWhitespace(form.Get("reason")));
  std::vector<FieldError> errors;
  CheckReason(site, reason, &errors);
  if (!errors.empty()) {
    return CancelPage(console, request, person, event, form.Get("reason"), form.Get("version"),
                      errors);
  }
  events::v1::CancelEventRequest req;
  req.set_event_id(event.id());
  req.set_expected_version(PostedVersion(form));
  req.set_reason(reason);
  Event cancelled;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      site.backends.scheduling().CancelEvent(context.get(), req, &cancelled);
  if (status.error_code() == grpc::StatusCode::ABORTED) {
    return CancelPage(console, request, person, event, form.Get("reason"),
                      absl::StrCat(event.version()),
                      {{"reason", site.Text("console_events_err_changed")}});
  }
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
      status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return CancelPage(console, request, person, event, form.Get("reason"), form.Get("version"),
                      {{"reason", site.messages().Format("console_events_err_service",
                                                         {{"message", status.error_message()}})}});
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "CancelEvent");
  return Response::Redirect(absl::StrCat(EventPath(event), "?cancelled=yes"));
}

}  // namespace

void AddEventActionPages(WebServer& server, Console& console) {
  server.Route("GET", "/manage/events/{id}/reschedule",
               [&console](const Request& r) { return RescheduleForm(console, r); });
  server.Route("POST", "/manage/events/{id}/reschedule",
               [&console](const Request& r) { return Reschedule(console, r); });
  server.Route("GET", "/manage/events/{id}/cancel",
               [&console](const Request& r) { return ConfirmCancel(console, r); });
  server.Route("POST", "/manage/events/{id}/cancel",
               [&console](const Request& r) { return Cancel(console, r); });
}

}  // namespace events::web::console
