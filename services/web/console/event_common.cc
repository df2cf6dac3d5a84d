#include "services/web/console/event_common.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace events::web::console {

std::optional<Response> LoadEvent(Console& console, const Request& request, const Person& person,
                                  events::v1::Event* event) {
  const std::string& id = request.params.at(0);
  if (!IsPathId(id)) return ErrorPage(console.site, 404, request);
  events::v1::GetEventRequest req;
  req.set_event_id(id);
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      console.site.backends.scheduling().GetEvent(context.get(), req, event);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND ||
      status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return ErrorPage(console.site, 404, request);
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "GetEvent");
  if (event->org_id() != person.me.member().org_id()) return ErrorPage(console.site, 404, request);
  return std::nullopt;
}

std::optional<Response> LoadNeeds(Console& console, const Request& request, const Person& person,
                                  events::v1::Catalogue* needs) {
  events::v1::GetCatalogueRequest req;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      console.site.backends.accessibility().GetCatalogue(context.get(), req, needs);
  if (!status.ok()) return ConsoleRpcError(console, request, status, "GetCatalogue");
  return std::nullopt;
}

std::string EventStatusWords(const Site& site, events::v1::EventStatus status) {
  switch (status) {
    case events::v1::EVENT_STATUS_DRAFT:
      return site.Text("event_status_draft");
    case events::v1::EVENT_STATUS_PUBLISHED:
      return site.Text("event_status_published");
    case events::v1::EVENT_STATUS_CANCELLED:
      return site.Text("event_status_cancelled");
    case events::v1::EVENT_STATUS_COMPLETED:
      return site.Text("event_status_completed");
    default:
      return "";
  }
}

std::string EventStatusClass(events::v1::EventStatus status) {
  switch (status) {
    case events::v1::EVENT_STATUS_DRAFT:
      return " tag--grey";
    case events::v1::EVENT_STATUS_CANCELLED:
      return " tag--red";
    case events::v1::EVENT_STATUS_COMPLETED:
      return " tag--green";
    default:
      return "";
  }
}

std::string EventPath(const events::v1::Event& event) {
  return absl::StrCat("/manage/events/", event.id());
}

int64_t PostedVersion(const Form& form) {
  int64_t version = 0;
  if (!absl::SimpleAtoi(form.Get("version"), &version) || version < 1) return -1;
  return version;
}

}  // namespace events::web::console
