// The contacts export: what it holds (people who agreed to hear from the organisation, and
// only them), and the CSV download (the integrations service's ExportContacts).
#include "absl/strings/str_cat.h"
#include "events/v1/integrations.grpc.pb.h"
#include "services/web/console/integrations_common.h"
#include "services/web/console/integrations_pages.h"

namespace events::web::console {
namespace {

Response Contacts(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  Data data(Data::type::object);
  data.set("organiser", person.IsOrganiser());
  return ConsolePage(console, request, person, "console_int_contacts", data,
                     {console.site.Text("console_int_contacts_title"), false}, "integrations");
}

Response Download(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  events::v1::ExportContactsRequest req;
  events::v1::ContactsExport file;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      console.site.backends.integrations().ExportContacts(context.get(), req, &file);
  if (!status.ok()) return ConsoleRpcError(console, request, status, "ExportContacts");
  Response r;
  r.content_type = file.content_type().empty() ? "text/csv; charset=utf-8" : file.content_type();
  r.body = file.content();
  r.caching = Caching::kNone;  // names and e-mail addresses: never kept by a cache
  r.headers.emplace_back(
      "Content-Disposition",
      absl::StrCat("attachment; filename=\"", SafeFileName(file.filename(), "contacts.csv"), "\""));
  return r;
}

}  // namespace

void AddContactsPage(WebServer& server, Console& console) {
  server.Route("GET", "/manage/integrations/contacts",
               [&console](const Request& r) { return Contacts(console, r); });
  server.Route("GET", "/manage/integrations/contacts/download",
               [&console](const Request& r) { return Download(console, r); });
}

}  // namespace events::web::console
