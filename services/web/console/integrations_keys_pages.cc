// API keys for integrations: the list, a new key (shown once, on the POST's answer page),
// and revoking one ("Are you sure?").
#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/util/text_rules.h"
#include "events/v1/integrations.grpc.pb.h"
#include "services/web/console/fields.h"
#include "services/web/console/integrations_common.h"
#include "services/web/console/integrations_pages.h"
#include "services/web/console/time_text.h"

namespace events::web::console {
namespace {

constexpr char kKeys[] = "/manage/integrations/keys";
constexpr size_t kMaxKeyName = 100;  // the service's rule

Data KeyRow(Console& console, const events::v1::ApiKey& k) {
  const Site& site = console.site;
  Data row(Data::type::object);
  row.set("id", k.key_id());
  row.set("name", k.name());
  row.set("scopes", ScopesText(site, k.scopes()));
  row.set("created", ConsoleTimeText(site, k.created_unix_ms(), console.zone));
  // Keys made before names were kept have none: "not recorded" rather than an empty cell.
  row.set("created_by", k.created_by_name().empty() ? site.Text("console_int_not_recorded")
                                                    : k.created_by_name());
  row.set("revoked", k.revoked());
  if (k.revoked()) {
    row.set("revoked_when", k.revoked_unix_ms() > 0
                                ? ConsoleTimeText(site, k.revoked_unix_ms(), console.zone)
                                : site.Text("console_int_not_recorded"));
    row.set("revoked_by", k.revoked_by_name().empty() ? site.Text("console_int_not_recorded")
                                                      : k.revoked_by_name());
  }
  row.set("revoke_href", absl::StrCat(kKeys, "/", k.key_id(), "/revoke"));
  return row;
}

Response List(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  events::v1::ListApiKeysResponse resp;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      console.site.backends.integrations().ListApiKeys(context.get(), {}, &resp);
  if (!status.ok()) return ConsoleRpcError(console, request, status, "ListApiKeys");
  Data active(Data::type::list);
  Data revoked(Data::type::list);
  // The service lists the oldest first; the newest is what a person looks for.
  for (int i = resp.keys_size() - 1; i >= 0; --i) {
    const events::v1::ApiKey& k = resp.keys(i);
    (k.revoked() ? revoked : active).push_back(KeyRow(console, k));
  }
  Data data(Data::type::object);
  data.set("keys", active);
  data.set("has_keys", !active.is_empty_list());
  data.set("revoked_keys", revoked);
  data.set("has_revoked", !revoked.is_empty_list());
  data.set("organiser", person.IsOrganiser());
  if (request.Query("revoked") == "yes") data.set("was_revoked", true);
  return ConsolePage(console, request, person, "console_int_keys", data,
                     {console.site.Text("console_int_keys_title"), false}, "integrations");
}

std::vector<Checkbox> ScopeBoxes(const Site& site) {
  std::vector<Checkbox> boxes;
  for (const std::string& s : IntegrationScopes()) {
    boxes.push_back({s, site.Text(ScopeLabelKey(s)), site.Text(ScopeHintKey(s))});
  }
  return boxes;
}

Response NewKeyForm(Console& console, const Request& request, const Person& person,
                    const Form* form, const std::vector<FieldError>& errors) {
  const Site& site = console.site;
  Data data(Data::type::object);
  data.set("name", TextField("name", form ? form->Get("name") : "", errors));
  Data scopes = CheckboxesField("scopes", ScopeBoxes(site),
                                form ? form->All("scopes") : std::vector<std::string>{}, errors);
  scopes.set("legend", site.Text("console_int_scopes_legend"));
  scopes.set("legend_hint", site.Text("console_int_scopes_hint"));
  data.set("scopes", scopes);
  SetErrors(data, errors);
  return ConsolePage(console, request, person, "console_int_key_new", data,
                     {site.Text("console_int_key_new_title"), !errors.empty()}, "integrations");
}

Response NewKey(Console& console, const Request& request) {
  auto signed_in = SignedIn(console, request);
  if (auto* r = std::get_if<Response>(&signed_in)) return *r;
  return NewKeyForm(console, request, std::get<Person>(signed_in), nullptr, {});
}

Response CreateKey(Console& console, const Request& request) {
  Form form;
  Person person;
  if (auto page = ReadPostedAsPerson(console, request, &form, &person)) return *page;
  const Site& site = console.site;
  std::vector<FieldError> errors;
  const std::string name(absl::StripAsciiWhitespace(form.Get("name")));
  if (name.empty()) {
    errors.push_back({"name", site.Text("console_int_err_key_name_required")});
  } else if (!CheckText(name, "name", 1, kMaxKeyName).ok()) {
    errors.push_back({"name", site.Text("console_int_err_key_name_rule")});
  }
  events::v1::CreateApiKeyRequest req;
  req.set_name(name);
  for (const std::string& s : form.All("scopes")) {
    const auto& known = IntegrationScopes();
    if (std::find(known.begin(), known.end(), s) == known.end()) continue;
    if (std::find(req.scopes().begin(), req.scopes().end(), s) == req.scopes().end()) {
      req.add_scopes(s);
    }
  }
  if (req.scopes().empty()) {
    errors.push_back({FirstBoxId("scopes"), site.Text("console_int_err_scopes_required")});
  }
  if (!errors.empty()) return NewKeyForm(console, request, person, &form, errors);
  events::v1::CreateApiKeyResponse made;
  auto context = AsPerson(console, request, person);
  const grpc::Status status = site.backends.integrations().CreateApiKey(context.get(), req, &made);
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    const bool about_name = absl::StartsWith(status.error_message(), "name");
    return NewKeyForm(console, request, person, &form,
                      {{about_name ? "name" : FirstBoxId("scopes"),
                        site.messages().Format("console_int_err_refused",
                                               {{"reason", status.error_message()}})}});
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "CreateApiKey");
  // The key is in this page only: the answer to the POST, sent with no-store, never in an
  // address or a log.
  Data data = KeyRow(console, made.key());
  data.set("api_key", made.api_key());
  return ConsolePage(console, request, person, "console_int_key_made", data,
                     {site.Text("console_int_key_made_title"), false}, "integrations");
}

// The organisation's key of the path; 404 for an id that is not theirs.
std::optional<Response> LoadKey(Console& console, const Request& request, const Person& person,
                                events::v1::ApiKey* key) {
  const std::string& id = request.params.at(0);
  if (!IsKeyId(id)) return ErrorPage(console.site, 404, request);
  events::v1::ListApiKeysResponse resp;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      console.site.backends.integrations().ListApiKeys(context.get(), {}, &resp);
  if (!status.ok()) return ConsoleRpcError(console, request, status, "ListApiKeys");
  for (const events::v1::ApiKey& k : resp.keys()) {
    if (k.key_id() == id) {
      *key = k;
      return std::nullopt;
    }
  }
  return ErrorPage(console.site, 404, request);
}

Response ConfirmRevoke(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  events::v1::ApiKey key;
  if (auto page = LoadKey(console, request, person, &key)) return *page;
  if (key.revoked()) return Response::Redirect(kKeys);
  return ConsolePage(console, request, person, "console_int_key_revoke", KeyRow(console, key),
                     {console.site.Text("console_int_key_revoke_title"), false}, "integrations");
}

Response Revoke(Console& console, const Request& request) {
  Form form;
  Person person;
  if (auto page = ReadPostedAsPerson(console, request, &form, &person)) return *page;
  const std::string& id = request.params.at(0);
  if (!IsKeyId(id)) return ErrorPage(console.site, 404, request);
  events::v1::RevokeApiKeyRequest req;
  req.set_key_id(id);
  events::v1::ApiKey revoked;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      console.site.backends.integrations().RevokeApiKey(context.get(), req, &revoked);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND ||
      status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return ErrorPage(console.site, 404, request);
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "RevokeApiKey");
  return Response::Redirect(absl::StrCat(kKeys, "?revoked=yes"));
}

}  // namespace

void AddIntegrationKeysPages(WebServer& server, Console& console) {
  server.Route("GET", kKeys, [&console](const Request& r) { return List(console, r); });
  server.Route("GET", "/manage/integrations/keys/new",
               [&console](const Request& r) { return NewKey(console, r); });
  server.Route("POST", "/manage/integrations/keys/new",
               [&console](const Request& r) { return CreateKey(console, r); });
  server.Route("GET", "/manage/integrations/keys/{id}/revoke",
               [&console](const Request& r) { return ConfirmRevoke(console, r); });
  server.Route("POST", "/manage/integrations/keys/{id}/revoke",
               [&console](const Request& r) { return Revoke(console, r); });
}

}  // namespace events::web::console
