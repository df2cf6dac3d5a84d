#include "services/web/console/integrations_pages.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace events::web::console {
namespace {

Response Hub(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  Data data(Data::type::object);
  data.set("organiser", person.IsOrganiser());
  return ConsolePage(console, request, person, "console_integrations", data,
                     {console.site.Text("console_int_title"), false}, "integrations");
}

}  // namespace

std::string FirstBoxId(absl::string_view name) { return absl::StrCat(name, "-1"); }

Data CheckboxesField(absl::string_view name, const std::vector<Checkbox>& boxes,
                     const std::vector<std::string>& checked,
                     const std::vector<FieldError>& errors) {
  Data field(Data::type::object);
  Data options(Data::type::list);
  int n = 0;
  for (const Checkbox& box : boxes) {
    Data o(Data::type::object);
    o.set("name", std::string(name));
    o.set("value", box.value);
    o.set("id", absl::StrCat(name, "-", ++n));
    o.set("label", box.label);
    if (!box.hint.empty()) o.set("hint", box.hint);
    if (std::find(checked.begin(), checked.end(), box.value) != checked.end()) {
      o.set("checked", true);
    }
    options.push_back(o);
  }
  field.set("options", options);
  field.set("name", std::string(name));
  for (const FieldError& e : errors) {
    if (e.field != FirstBoxId(name)) continue;
    field.set("error", e.message);
    field.set("error_id", absl::StrCat(name, "-error"));
    break;
  }
  return field;
}

void AddIntegrationsPages(WebServer& server, Console& console) {
  server.Route("GET", "/manage/integrations",
               [&console](const Request& r) { return Hub(console, r); });
  AddIntegrationKeysPages(server, console);
  AddWebhooksPages(server, console);
  AddWebhookActions(server, console);
  AddContactsPage(server, console);
}

}  // namespace events::web::console
