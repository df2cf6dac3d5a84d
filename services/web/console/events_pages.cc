#include "services/web/console/events_pages.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/web/console/event_common.h"
#include "services/web/console/event_form.h"
#include "services/web/console/fields.h"
#include "services/web/http/form.h"
#include "services/web/pages/format.h"

namespace events::web::console {
namespace {

using events::v1::Event;
using events::v1::EventStatus;

// Pages through the organisation's events: tens or hundreds, not millions.
constexpr int kMaxPages = 50;

// The ?status= filter: "" is every status.
EventStatus StatusFilter(const std::string& value) {
  if (value == "draft") return events::v1::EVENT_STATUS_DRAFT;
  if (value == "published") return events::v1::EVENT_STATUS_PUBLISHED;
  if (value == "cancelled") return events::v1::EVENT_STATUS_CANCELLED;
  if (value == "completed") return events::v1::EVENT_STATUS_COMPLETED;
  return events::v1::EVENT_STATUS_UNSPECIFIED;
}

// The event's places as "12 of 40", or "" when registration has none (a draft).
grpc::Status PlacesText(Console& console, const Request& request, const Person& person,
                        const Event& e, events::v1::CapacitySummary* capacity) {
  events::v1::GetCapacityRequest req;
  req.set_event_id(e.id());
  auto context = AsPerson(console, request, person);
  grpc::Status status =
      console.site.backends.registration().GetCapacity(context.get(), req, capacity);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND ||
      status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    capacity->set_capacity(e.details().capacity());
    return grpc::Status::OK;
  }
  return status;
}

Data EventRow(const Site& site, const Event& e, const events::v1::CapacitySummary& capacity) {
  Data row(Data::type::object);
  row.set("title", e.details().title());
  row.set("href", EventPath(e));
  row.set("when", WhenText(site.messages(), e.start_rfc3339(), e.end_rfc3339()));
  row.set("zone", ZoneText(site.messages(), e.details().time_zone()));
  row.set("status", EventStatusWords(site, e.status()));
  row.set("status_class", EventStatusClass(e.status()));
  row.set("places", site.messages().Format("console_events_places_of",
                                           {{"taken", absl::StrCat(capacity.confirmed_places())},
                                            {"capacity", absl::StrCat(capacity.capacity())}}));
  row.set("waiting", absl::StrCat(capacity.waitlisted()));
  return row;
}

Response List(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  const Site& site = console.site;
  const std::string filter = request.Query("status");
  const EventStatus status_filter = StatusFilter(filter);
  events::v1::ListOrganisationEventsRequest req;
  req.mutable_page()->set_page_size(100);
  req.set_status(status_filter);
  std::vector<Event> all;
  for (int page = 0; page < kMaxPages; ++page) {
    events::v1::ListEventsResponse resp;
    auto context = AsPerson(console, request, person);
    const grpc::Status status =
        site.backends.scheduling().ListOrganisationEvents(context.get(), req, &resp);
    if (!status.ok()) return ConsoleRpcError(console, request, status, "ListOrganisationEvents");
    all.insert(all.end(), resp.events().begin(), resp.events().end());
    if (resp.next_page_token().empty()) break;
    req.mutable_page()->set_page_token(resp.next_page_token());
  }
  const int64_t now = absl::ToUnixMillis(absl::Now());
  std::vector<Event> upcoming, past;
  for (Event& e : all) (e.end_unix_ms() >= now ? upcoming : past).push_back(std::move(e));
  // Upcoming soonest first; past most recent first.
  std::sort(upcoming.begin(), upcoming.end(),
            [](const Event& a, const Event& b) { return a.start_unix_ms() < b.start_unix_ms(); });
  std::sort(past.begin(), past.end(),
            [](const Event& a, const Event& b) { return a.start_unix_ms() > b.start_unix_ms(); });
  Data data(Data::type::object);
  const std::pair<const char*, std::vector<Event>*> kGroups[] = {{"upcoming", &upcoming},
                                                                 {"past", &past}};
  for (const auto& [name, group] : kGroups) {
    Data rows(Data::type::list);
    for (const Event& e : *group) {
      events::v1::CapacitySummary capacity;
      const grpc::Status status = PlacesText(console, request, person, e, &capacity);
      if (!status.ok()) return ConsoleRpcError(console, request, status, "GetCapacity");
      rows.push_back(EventRow(site, e, capacity));
    }
    data.set(absl::StrCat("has_", name), !group->empty());
    data.set(name, rows);
  }
  Data options(Data::type::list);
  for (absl::string_view value : {"", "draft", "published", "cancelled", "completed"}) {
    Data o(Data::type::object);
    o.set("value", std::string(value));
    o.set("label", value.empty() ? site.Text("console_events_filter_all")
                                 : site.Text(absl::StrCat("event_status_", value)));
    if (StatusFilter(std::string(value)) == status_filter) o.set("selected", true);
    options.push_back(o);
  }
  data.set("statuses", options);
  data.set("filtered", status_filter != events::v1::EVENT_STATUS_UNSPECIFIED);
  data.set("none", all.empty());
  data.set("organiser", person.IsOrganiser());
  int made = 0;
  if (absl::SimpleAtoi(request.Query("series"), &made) && made > 0 && made <= 104) {
    data.set("series_made", site.messages().Format("console_events_flash_series",
                                                   {{"count", absl::StrCat(made)}}));
  }
  return ConsolePage(console, request, person, "console_events", data,
                     {site.Text("console_events_title"), false}, "events");
}

// The create or edit form. `event` is null on the create page.
Response FormPage(Console& console, const Request& request, const Person& person,
                  const Event* event, const EventValues& values, const events::v1::Catalogue& needs,
                  const std::vector<FieldError>& errors, bool show_repeated) {
  const Site& site = console.site;
  Data data = EventFormData(site, values, needs, errors, show_repeated);
  if (event == nullptr) {
    data.set("action", "/manage/events/new");
    data.set("heading", site.Text("console_events_new_heading"));
    data.set("submit", site.Text("console_events_new_submit"));
    data.set("back_href", "/manage/events");
    data.set("back", site.Text("console_events_back_to_list"));
    data.set("show_times", true);
    data.set("show_repeat", true);
    const std::string repeat = values.count("repeat") ? values.at("repeat") : "";
    data.set("repeat_none", repeat != "weekly" && repeat != "monthly");
    data.set("repeat_weekly", repeat == "weekly");
    data.set("repeat_monthly", repeat == "monthly");
    data.set("repeat_count",
             TextField("repeat_count",
                       values.count("repeat_count") ? values.at("repeat_count") : "", errors));
  } else {
    data.set("action", absl::StrCat(EventPath(*event), "/edit"));
    data.set("heading", site.messages().Format("console_events_edit_heading",
                                               {{"title", event->details().title()}}));
    data.set("submit", site.Text("console_events_edit_submit"));
    data.set("back_href", EventPath(*event));
    data.set("back", site.Text("console_events_back_to_event"));
    if (event->status() == events::v1::EVENT_STATUS_PUBLISHED) {
      data.set("times_locked", true);
      data.set("when", WhenText(site.messages(), event->start_rfc3339(), event->end_rfc3339()));
      data.set("zone", ZoneText(site.messages(), event->details().time_zone()));
      data.set("reschedule_href", absl::StrCat(EventPath(*event), "/reschedule"));
    } else {
      data.set("show_times", true);
    }
  }
  return ConsolePage(console, request, person, "console_events_form", data,
                     {event == nullptr ? site.Text("console_events_new_title")
                                       : site.Text("console_events_edit_title"),
                      !errors.empty()},
                     "events");
}

Response NewEvent(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  events::v1::Catalogue needs;
  if (auto page = LoadNeeds(console, request, person, &needs)) return *page;
  EventValues values{{"time_zone", "Europe/London"}, {"request_deadline_days", "0"}};
  return FormPage(console, request, person, nullptr, values, needs, {}, false);
}

Response CreateEvent(Console& console, const Request& request) {
  Site& site = console.site;
  Form form;
  Person person;
  if (auto page = ReadPostedAsPerson(console, request, &form, &person)) return *page;
  events::v1::Catalogue needs;
  if (auto page = LoadNeeds(console, request, person, &needs)) return *page;
  const EventValues values = ValuesFromForm(form);
  events::v1::CreateEventRequest req;
  CheckedEvent checked =
      CheckEventForm(site.messages(), values, needs, false, true, req.mutable_details());
  // A series: every week or month, the same time of day, `count` times in all.
  const std::string repeat = form.Get("repeat");
  int count = 0;
  if (repeat == "weekly" || repeat == "monthly") {
    if (!absl::SimpleAtoi(form.Get("repeat_count"), &count) || count < 2 || count > 104) {
      checked.errors.push_back({"repeat_count", site.Text("console_events_err_repeat_count")});
    }
  }
  if (!checked.errors.empty()) {
    return FormPage(console, request, person, nullptr, values, needs, checked.errors,
                    checked.repeated);
  }
  if (count > 0) {
    events::v1::CreateSeriesRequest sreq;
    *sreq.mutable_template_() = req.details();
    sreq.mutable_rule()->set_frequency(repeat == "weekly" ? events::v1::FREQUENCY_WEEKLY
                                                          : events::v1::FREQUENCY_MONTHLY);
    sreq.mutable_rule()->set_count(count);
    events::v1::Series series;
    auto context = AsPerson(console, request, person);
    const grpc::Status status =
        site.backends.scheduling().CreateSeries(context.get(), sreq, &series);
    if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
      return FormPage(console, request, person, nullptr, values, needs,
                      {ServiceFieldError(site, status.error_message())}, checked.repeated);
    }
    if (!status.ok()) return ConsoleRpcError(console, request, status, "CreateSeries");
    return Response::Redirect(
        absl::StrCat("/manage/events?status=draft&series=", series.event_ids_size()));
  }
  Event created;
  auto context = AsPerson(console, request, person);
  const grpc::Status status = site.backends.scheduling().CreateEvent(context.get(), req, &created);
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return FormPage(console, request, person, nullptr, values, needs,
                    {ServiceFieldError(site, status.error_message())}, checked.repeated);
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "CreateEvent");
  return Response::Redirect(absl::StrCat(EventPath(created), "?created=yes"));
}

// Cancelled and completed events never change: their edit page is their own page.
bool Changeable(const Event& e) {
  return e.status() == events::v1::EVENT_STATUS_DRAFT ||
         e.status() == events::v1::EVENT_STATUS_PUBLISHED;
}

Response EditEvent(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  Event event;
  if (auto page = LoadEvent(console, request, person, &event)) return *page;
  if (!Changeable(event)) return Response::Redirect(EventPath(event));
  events::v1::Catalogue needs;
  if (auto page = LoadNeeds(console, request, person, &needs)) return *page;
  return FormPage(console, request, person, &event, ValuesFromEvent(event), needs, {}, false);
}

Response UpdateEvent(Console& console, const Request& request) {
  Site& site = console.site;
  Form form;
  Person person;
  if (auto page = ReadPostedAsPerson(console, request, &form, &person)) return *page;
  Event event;
  if (auto page = LoadEvent(console, request, person, &event)) return *page;
  if (!Changeable(event)) return Response::Redirect(EventPath(event));
  events::v1::Catalogue needs;
  if (auto page = LoadNeeds(console, request, person, &needs)) return *page;
  EventValues values = ValuesFromForm(form);
  events::v1::UpdateEventRequest req;
  req.set_event_id(event.id());
  req.set_expected_version(PostedVersion(form));
  *req.mutable_details() = event.details();
  const bool locked = event.status() == events::v1::EVENT_STATUS_PUBLISHED;
  // A draft's time may stay in the past while other details change; publishing checks it.
  const CheckedEvent checked =
      CheckEventForm(site.messages(), values, needs, locked, false, req.mutable_details());
  if (!checked.errors.empty()) {
    return FormPage(console, request, person, &event, values, needs, checked.errors,
                    checked.repeated);
  }
  Event updated;
  auto context = AsPerson(console, request, person);
  const grpc::Status status = site.backends.scheduling().UpdateEvent(context.get(), req, &updated);
  if (status.error_code() == grpc::StatusCode::ABORTED) {
    // Keeps what they typed, at the event's current version: saving again is a choice made
    // knowing that someone else changed it (docs/console.md, "Events").
    values["version"] = absl::StrCat(event.version());
    return FormPage(console, request, person, &event, values, needs,
                    {{"conflict", site.Text("console_events_err_conflict")}}, checked.repeated);
  }
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
      status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return FormPage(console, request, person, &event, values, needs,
                    {ServiceFieldError(site, status.error_message())}, checked.repeated);
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "UpdateEvent");
  return Response::Redirect(absl::StrCat(EventPath(updated), "?saved=yes"));
}

}  // namespace

void AddEventsPages(WebServer& server, Console& console) {
  server.Route("GET", "/manage/events", [&console](const Request& r) { return List(console, r); });
  server.Route("GET", "/manage/events/new",
               [&console](const Request& r) { return NewEvent(console, r); });
  server.Route("POST", "/manage/events/new",
               [&console](const Request& r) { return CreateEvent(console, r); });
  server.Route("GET", "/manage/events/{id}/edit",
               [&console](const Request& r) { return EditEvent(console, r); });
  server.Route("POST", "/manage/events/{id}/edit",
               [&console](const Request& r) { return UpdateEvent(console, r); });
  AddEventPage(server, console);
  AddEventActionPages(server, console);
  AddAgendaPages(server, console);
}

}  // namespace events::web::console
