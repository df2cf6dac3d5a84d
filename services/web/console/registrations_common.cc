#include "services/web/console/registrations_common.h"

#include "absl/strings/str_cat.h"
#include "services/web/pages/format.h"

namespace events::web::console {

std::optional<Response> LoadConsoleRegistration(Console& console, const Request& request,
                                                const Person& person,
                                                const events::v1::Event& event,
                                                events::v1::Registration* registration) {
  const std::string& id = request.params.at(1);
  if (!IsPathId(id)) return ErrorPage(console.site, 404, request);
  events::v1::GetRegistrationRequest req;
  req.set_event_id(event.id());
  req.set_registration_id(id);
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      console.site.backends.registration().GetRegistration(context.get(), req, registration);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND ||
      status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return ErrorPage(console.site, 404, request);
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "GetRegistration");
  return std::nullopt;
}

std::string RegistrationsHref(const events::v1::Event& event) {
  return absl::StrCat("/manage/events/", event.id(), "/registrations");
}

std::string SettingsHref(const events::v1::Event& event) {
  return absl::StrCat("/manage/events/", event.id(), "/registration-settings");
}

Data EventHeading(const Site& site, const events::v1::Event& event) {
  Data heading(Data::type::object);
  heading.set("title", event.details().title());
  heading.set("when", WhenText(site.messages(), event.start_rfc3339(), event.end_rfc3339()));
  heading.set("zone", ZoneText(site.messages(), event.details().time_zone()));
  heading.set("event_href", absl::StrCat("/manage/events/", event.id()));
  heading.set("registrations_href", RegistrationsHref(event));
  heading.set("settings_href", SettingsHref(event));
  heading.set("upload_href", absl::StrCat("/manage/events/", event.id(), "/attendance/upload"));
  heading.set("export_href", absl::StrCat(RegistrationsHref(event), "/export"));
  return heading;
}

std::string StatusWord(const Site& site, const events::v1::Registration& r) {
  switch (r.status()) {
    case events::v1::REGISTRATION_STATUS_CONFIRMED:
      return site.Text("console_reg_status_confirmed");
    case events::v1::REGISTRATION_STATUS_WAITLISTED:
      return site.messages().Format("console_reg_status_waitlisted",
                                    {{"position", absl::StrCat(r.waitlist_position())}});
    case events::v1::REGISTRATION_STATUS_PENDING_APPROVAL:
      return site.Text("console_reg_status_pending");
    case events::v1::REGISTRATION_STATUS_CANCELLED:
      return site.Text("console_reg_status_cancelled");
    case events::v1::REGISTRATION_STATUS_REJECTED:
      return site.Text("console_reg_status_rejected");
    default:
      return "";
  }
}

}  // namespace events::web::console
