#include "services/web/pages/event_pages.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "services/web/pages/event_view.h"
#include "services/web/pages/format.h"

namespace events::web {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr int kEventsPerPage = 20;

Response Upcoming(Site& site, const Request& request) {
  events::v1::ListUpcomingEventsRequest req;
  req.mutable_page()->set_page_size(kEventsPerPage);
  const std::string after = request.Query("after");
  if (!after.empty()) {
    if (after.size() > 300) return ErrorPage(site, 404, request);
    req.mutable_page()->set_page_token(after);
  }
  events::v1::ListEventsResponse resp;
  auto context = site.backends.Context(request);
  const grpc::Status status =
      site.backends.scheduling().ListUpcomingEvents(context.get(), req, &resp);
  // A page token that is not one: the visitor edited the address. Start again.
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT && !after.empty()) {
    return Response::Redirect("/");
  }
  if (!status.ok()) return RpcErrorPage(site, status, request, "ListUpcomingEvents");
  DataList events;
  for (const auto& event : resp.events()) events.push_back(EventData(site, event));
  Data data(Data::type::object);
  data.set("events", events);
  data.set("none", events.empty());
  if (!resp.next_page_token().empty()) {
    // The token is opaque but no secret: the last event listed.
    data.set("next", absl::StrCat("/?after=", resp.next_page_token()));
  }
  return HtmlPage(site, "events", data, {site.Text("events_title"), false}, Caching::kRevalidate);
}

Response EventPage(Site& site, const Request& request) {
  const std::string& id = request.params.at(0);
  if (!IsPathId(id)) return ErrorPage(site, 404, request);
  events::v1::Event event;
  grpc::Status status = site.data.Event(request, id, &event);
  if (!status.ok()) return PathLookupErrorPage(site, status, request, "GetEvent");
  Data data = EventData(site, event);
  const bool open = RegistrationOpen(event, NowMs());
  data.set("open", open);
  if (event.status() == events::v1::EVENT_STATUS_PUBLISHED && !open) {
    data.set("closed_text",
             NowMs() < event.registration_opens_unix_ms()
                 ? site.messages().Format(
                       "registration_opens_on",
                       {{"date", WhenText(site.messages(),
                                          event.details().registration_opens().value(), "")}})
                 : site.Text("registration_closed"));
  }
  if (open) {
    events::v1::Availability availability;
    status = site.data.Availability(request, id, &availability);
    if (status.ok()) {
      data.set("places", PlacesText(site, availability));
      data.set("waiting_list", availability.general_full());
      data.set("requires_approval", availability.requires_approval());
    } else {
      // The event's page is still worth showing; the form will tell the rest.
      data.set("places", site.Text("places_unknown"));
    }
    data.set("register_path", absl::StrCat(EventPath(id), "/register"));
  }
  data.set("calendar_path", absl::StrCat(EventPath(id), "/calendar.ics"));
  return HtmlPage(site, "event", data, {event.details().title(), false}, Caching::kRevalidate);
}

Response Calendar(Site& site, const Request& request) {
  const std::string& id = request.params.at(0);
  if (!IsPathId(id)) return ErrorPage(site, 404, request);
  return CalendarDownload(site, request, id, Caching::kRevalidate);
}

}  // namespace

void AddEventPages(WebServer& server, Site& site) {
  server.Route("GET", "/", [&site](const Request& r) { return Upcoming(site, r); });
  server.Route("GET", "/events/{id}", [&site](const Request& r) { return EventPage(site, r); });
  server.Route("GET", "/events/{id}/calendar.ics",
               [&site](const Request& r) { return Calendar(site, r); });
}

}  // namespace events::web
