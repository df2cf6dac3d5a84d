#include "services/web/console/account_pages.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/web/console/fields.h"
#include "services/web/console/svg/qr_code.h"
#include "services/web/http/form.h"
#include "services/web/pages/format.h"

namespace events::web::console {
namespace {

Response Account(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  const Site& site = console.site;
  const events::v1::Member& m = person.me.member();
  Data data(Data::type::object);
  data.set("name", m.name());
  data.set("email", m.email());
  data.set("org_name", person.me.org_name());
  data.set("roles", RolesText(site, m));
  data.set("second_factor", m.second_factor());
  data.set("codes_left", absl::StrCat(m.recovery_codes_left()));
  if (person.HasCoordinatorRole() && !person.me.second_factor_given()) {
    data.set("needs_second_factor", true);
  }
  data.set("code", TextField("code", "", {}));
  if (request.Query("done") == "second-factor") data.set("done_second_factor", true);
  return ConsolePage(console, request, person, "console_account", data,
                     {site.Text("console_account_title"), false}, "account");
}

Data SetupData(const Site& site, const std::string& secret, const std::string& uri,
               const std::vector<FieldError>& errors) {
  Data data(Data::type::object);
  data.set("secret", secret);
  // Groups of four, as authenticator apps show keys, so a person typing it can keep place.
  std::string grouped;
  for (size_t i = 0; i < secret.size(); ++i) {
    if (i > 0 && i % 4 == 0) grouped.push_back(' ');
    grouped.push_back(secret[i]);
  }
  data.set("secret_grouped", grouped);
  data.set("otpauth_uri", uri);
  // The key as text is on the page anyway: a QR code that cannot be drawn is left out.
  if (auto qr = AuthenticatorQrCode(uri); qr.ok()) data.set("qr_svg", qr->svg);
  data.set("code", TextField("code", "", errors));
  SetErrors(data, errors);
  (void)site;
  return data;
}

Response StartSetup(Console& console, const Request& request) {
  Site& site = console.site;
  Form form;
  Person person;
  if (auto page = ReadPostedAsPerson(console, request, &form, &person)) return *page;
  events::v1::StartSecondFactorSetupRequest req;
  events::v1::SecondFactorSetup setup;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      site.backends.people().StartSecondFactorSetup(context.get(), req, &setup);
  if (!status.ok()) return ConsoleRpcError(console, request, status, "StartSecondFactorSetup");
  return ConsolePage(console, request, person, "console_second_factor",
                     SetupData(site, setup.secret_base32(), setup.otpauth_uri(), {}),
                     {site.Text("console_second_factor_title"), false}, "account");
}

// A code typed by a person: spaces dropped; six digits, or an error for the field.
std::optional<FieldError> CheckCode(const Site& site, std::string* code) {
  code->erase(std::remove(code->begin(), code->end(), ' '), code->end());
  if (code->empty()) return FieldError{"code", site.Text("err_code_required")};
  if (code->size() != 6 || !std::all_of(code->begin(), code->end(), [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c));
      })) {
    return FieldError{"code", site.Text("err_code_format")};
  }
  return std::nullopt;
}

Response CodesPage(Console& console, const Request& request, const Person& person,
                   const events::v1::RecoveryCodes& codes) {
  const Site& site = console.site;
  Data data(Data::type::object);
  Data list(Data::type::list);
  for (const std::string& c : codes.codes()) list.push_back(Data(c));
  data.set("codes", list);
  return ConsolePage(console, request, person, "console_recovery_codes", data,
                     {site.Text("console_recovery_codes_title"), false}, "account");
}

Response ConfirmSetup(Console& console, const Request& request) {
  Site& site = console.site;
  Form form;
  Person person;
  if (auto page = ReadPostedAsPerson(console, request, &form, &person)) return *page;
  // The key travels back only to be shown again with an error; the service keeps its own.
  const std::string secret = form.Get("secret").substr(0, 200);
  const std::string uri = form.Get("otpauth_uri").substr(0, 1000);
  std::string code = form.Get("code");
  if (auto error = CheckCode(site, &code)) {
    return ConsolePage(console, request, person, "console_second_factor",
                       SetupData(site, secret, uri, {*error}),
                       {site.Text("console_second_factor_title"), true}, "account");
  }
  events::v1::ConfirmSecondFactorRequest req;
  req.set_code(code);
  events::v1::RecoveryCodes codes;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      site.backends.people().ConfirmSecondFactor(context.get(), req, &codes);
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
      status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
    return ConsolePage(console, request, person, "console_second_factor",
                       SetupData(site, secret, uri, {{"code", site.Text("err_code_wrong")}}),
                       {site.Text("console_second_factor_title"), true}, "account");
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "ConfirmSecondFactor");
  return CodesPage(console, request, person, codes);
}

Response RenewCodes(Console& console, const Request& request) {
  Site& site = console.site;
  Form form;
  Person person;
  if (auto page = ReadPostedAsPerson(console, request, &form, &person)) return *page;
  std::string code = form.Get("code");
  std::optional<FieldError> error = CheckCode(site, &code);
  events::v1::RecoveryCodes codes;
  if (!error) {
    events::v1::RenewRecoveryCodesRequest req;
    req.set_code(code);
    auto context = AsPerson(console, request, person);
    const grpc::Status status =
        site.backends.people().RenewRecoveryCodes(context.get(), req, &codes);
    if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
        status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
      error = FieldError{"code", site.Text("err_code_wrong")};
    } else if (!status.ok()) {
      return ConsoleRpcError(console, request, status, "RenewRecoveryCodes");
    }
  }
  if (error) {
    const events::v1::Member& m = person.me.member();
    Data data(Data::type::object);
    data.set("name", m.name());
    data.set("email", m.email());
    data.set("org_name", person.me.org_name());
    data.set("roles", RolesText(site, m));
    data.set("second_factor", m.second_factor());
    data.set("codes_left", absl::StrCat(m.recovery_codes_left()));
    data.set("code", TextField("code", "", {*error}));
    SetErrors(data, {*error});
    return ConsolePage(console, request, person, "console_account", data,
                       {site.Text("console_account_title"), true}, "account");
  }
  return CodesPage(console, request, person, codes);
}

}  // namespace

void AddAccountPages(WebServer& server, Console& console) {
  server.Route("GET", "/manage/account",
               [&console](const Request& r) { return Account(console, r); });
  server.Route("POST", "/manage/account/second-factor",
               [&console](const Request& r) { return StartSetup(console, r); });
  server.Route("POST", "/manage/account/second-factor/confirm",
               [&console](const Request& r) { return ConfirmSetup(console, r); });
  server.Route("POST", "/manage/account/recovery-codes",
               [&console](const Request& r) { return RenewCodes(console, r); });
}

}  // namespace events::web::console
