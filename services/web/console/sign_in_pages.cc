// Signing in to the console without a password: ask for a link by e-mail (the browser keeps
// a secret the link needs), open the link and press the button (a mail scanner that opens
// links must not use them up), then a code from the authenticator app when the person has
// one. Every step's wording is the same whether or not the address belongs to a member.
#include "services/web/console/sign_in_pages.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/util/text_rules.h"
#include "services/web/console/fields.h"
#include "services/web/http/csrf.h"
#include "services/web/http/form.h"
#include "services/web/pages/registration_form.h"

namespace events::web::console {
namespace {

// How long the browser keeps the secret of a sign-in request: longer than a link works
// (15 minutes), so that a link used late says "expired", not "another browser".
constexpr int kSignInCookieSeconds = 30 * 60;
// How long a session waiting for a code stays in the browser.
constexpr int kPendingCookieSeconds = 10 * 60;

bool LooksLikeSecret(absl::string_view s) {
  if (s.size() < 32 || s.size() > 128) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

Response SignInForm(Console& console, const Request& request, const std::string& email,
                    const std::vector<FieldError>& errors) {
  const Site& site = console.site;
  Data data(Data::type::object);
  data.set("email", TextField("email", email, errors));
  SetErrors(data, errors);
  if (request.Query("ended") == "yes") data.set("ended", true);
  if (request.Query("again") == "yes") data.set("again", true);
  return FormPage(site, request, "console_sign_in", data,
                  {site.Text("console_sign_in_title"), !errors.empty()});
}

Response SignIn(Console& console, const Request& request) {
  // Someone already signed in goes straight to the console.
  if (!console.cookies.Read(request, kSessionCookie).empty() && request.Query("ended").empty()) {
    return Response::Redirect("/manage");
  }
  return SignInForm(console, request, "", {});
}

Response SendLink(Console& console, const Request& request) {
  Site& site = console.site;
  Form form;
  if (auto page = ReadPostedForm(site, request, &form)) return *page;
  const std::string email(absl::StripAsciiWhitespace(form.Get("email")));
  std::vector<FieldError> errors;
  if (email.empty()) {
    errors.push_back({"email", site.Text("err_email_required")});
  } else if (!CheckEmail(NormaliseEmailAddress(email), "email").ok()) {
    errors.push_back({"email", site.Text("err_email_format")});
  }
  if (!errors.empty()) return SignInForm(console, request, email, errors);

  // One secret per browser: asking twice leaves both links working in this browser.
  std::string secret = console.cookies.Read(request, kSignInCookie);
  if (!LooksLikeSecret(secret)) secret = RandomToken(32);
  events::v1::RequestSignInRequest req;
  req.set_email(email);
  req.set_browser_secret(secret);
  events::v1::RequestSignInResponse resp;
  auto context = site.backends.Context(request);
  const grpc::Status status = site.backends.people().RequestSignIn(context.get(), req, &resp);
  if (!status.ok()) return RpcErrorPage(site, status, request, "RequestSignIn");
  Data data(Data::type::object);
  data.set("email_given", email);
  data.set("minutes", absl::StrCat(resp.link_minutes()));
  Response r = HtmlPage(site, "console_sign_in_sent", data,
                        {site.Text("console_sign_in_sent_title"), false});
  r.headers.emplace_back("Set-Cookie",
                         console.cookies.Set(kSignInCookie, secret, kSignInCookieSeconds));
  return r;
}

bool LooksLikeLinkToken(absl::string_view token) {
  return IsPathId(token) && absl::StrContains(token, '.');
}

Response LinkPage(Console& console, const Request& request) {
  const Site& site = console.site;
  if (!LooksLikeLinkToken(request.params.at(0))) return ErrorPage(site, 404, request);
  Data data(Data::type::object);
  data.set("action", absl::StrCat("/manage/sign-in/", request.params.at(0)));
  return FormPage(site, request, "console_link", data, {site.Text("console_link_title"), false});
}

Response LinkFailed(Console& console, absl::string_view reason_key) {
  const Site& site = console.site;
  Data data(Data::type::object);
  data.set("reason", site.Text(reason_key));
  Response r =
      HtmlPage(site, "console_link_failed", data, {site.Text("console_link_failed_title"), false});
  r.status = 400;
  return r;
}

// Which of the people service's refusals this is, in the person's words. The service names
// the rule in its message; anything unknown gets the general reason.
absl::string_view LinkRefusalKey(const grpc::Status& status) {
  const std::string& m = status.error_message();
  if (absl::StrContains(m, "browser")) return "console_link_other_browser";
  if (absl::StrContains(m, "expired")) return "console_link_expired";
  if (absl::StrContains(m, "used")) return "console_link_used";
  if (absl::StrContains(m, "removed")) return "console_link_removed";
  return "console_link_unknown";
}

Response UseLink(Console& console, const Request& request) {
  Site& site = console.site;
  Form form;
  if (auto page = ReadPostedForm(site, request, &form)) return *page;
  const std::string& token = request.params.at(0);
  if (!LooksLikeLinkToken(token)) return ErrorPage(site, 404, request);
  const std::string secret = console.cookies.Read(request, kSignInCookie);
  if (!LooksLikeSecret(secret)) return LinkFailed(console, "console_link_other_browser");
  events::v1::CompleteSignInRequest req;
  req.set_link_token(token);
  req.set_browser_secret(secret);
  events::v1::SignInSession session;
  auto context = site.backends.Context(request);
  const grpc::Status status = site.backends.people().CompleteSignIn(context.get(), req, &session);
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION ||
      status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
      status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return LinkFailed(console, LinkRefusalKey(status));
  }
  if (!status.ok()) return RpcErrorPage(site, status, request, "CompleteSignIn");
  Response r =
      Response::Redirect(session.second_factor_needed() ? "/manage/sign-in/code" : "/manage");
  r.headers.emplace_back("Set-Cookie", console.cookies.Clear(kSignInCookie));
  if (session.second_factor_needed()) {
    r.headers.emplace_back(
        "Set-Cookie",
        console.cookies.Set(kPendingCookie, session.session_token(), kPendingCookieSeconds));
  } else {
    r.headers.emplace_back("Set-Cookie",
                           console.cookies.Set(kSessionCookie, session.session_token(), 0));
  }
  return r;
}

Response CodeForm(Console& console, const Request& request, bool recovery, const std::string& value,
                  const std::vector<FieldError>& errors) {
  const Site& site = console.site;
  Data data(Data::type::object);
  if (recovery) {
    data.set("recovery", true);
    data.set("recovery_code", TextField("recovery_code", value, errors));
  } else {
    data.set("code", TextField("code", value, errors));
  }
  SetErrors(data, errors);
  return FormPage(site, request, "console_code", data,
                  {site.Text("console_code_title"), !errors.empty()});
}

Response CodePage(Console& console, const Request& request) {
  if (console.cookies.Read(request, kPendingCookie).empty()) {
    return Response::Redirect("/manage/sign-in");
  }
  return CodeForm(console, request, request.Query("recovery") == "yes", "", {});
}

Response CheckCode(Console& console, const Request& request) {
  Site& site = console.site;
  Form form;
  if (auto page = ReadPostedForm(site, request, &form)) return *page;
  const std::string pending = console.cookies.Read(request, kPendingCookie);
  if (pending.empty()) return Response::Redirect("/manage/sign-in?ended=yes");
  const bool recovery = form.Get("use") == "recovery";
  const std::string field = recovery ? "recovery_code" : "code";
  std::string value(absl::StripAsciiWhitespace(form.Get(field)));
  if (value.empty()) {
    return CodeForm(
        console, request, recovery, value,
        {{field, site.Text(recovery ? "err_recovery_code_required" : "err_code_required")}});
  }
  if (!recovery) value.erase(std::remove(value.begin(), value.end(), ' '), value.end());
  if (!recovery && (value.size() != 6 || !std::all_of(value.begin(), value.end(), [](char c) {
                      return absl::ascii_isdigit(static_cast<unsigned char>(c));
                    }))) {
    return CodeForm(console, request, recovery, value, {{field, site.Text("err_code_format")}});
  }
  events::v1::VerifySecondFactorRequest req;
  if (recovery) {
    req.set_recovery_code(value);
  } else {
    req.set_code(value);
  }
  events::v1::SignInSession session;
  Person pending_person;
  pending_person.token = pending;
  auto context = AsPerson(console, request, pending_person);
  const grpc::Status status =
      site.backends.people().VerifySecondFactor(context.get(), req, &session);
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    Response r = Response::Redirect("/manage/sign-in?ended=yes");
    r.headers.emplace_back("Set-Cookie", console.cookies.Clear(kPendingCookie));
    return r;
  }
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
      status.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
      status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return CodeForm(console, request, recovery, "",
                    {{field, site.Text(recovery ? "err_recovery_code_wrong" : "err_code_wrong")}});
  }
  if (!status.ok()) return RpcErrorPage(site, status, request, "VerifySecondFactor");
  Response r = Response::Redirect("/manage");
  r.headers.emplace_back("Set-Cookie", console.cookies.Clear(kPendingCookie));
  r.headers.emplace_back("Set-Cookie",
                         console.cookies.Set(kSessionCookie, session.session_token(), 0));
  return r;
}

Response SignOut(Console& console, const Request& request) {
  Site& site = console.site;
  Form form;
  if (auto page = ReadPostedForm(site, request, &form)) return *page;
  const bool everywhere = form.Get("everywhere") == "yes";
  Person person;
  person.token = console.cookies.Read(request, kSessionCookie);
  if (person.token.empty()) person.token = console.cookies.Read(request, kPendingCookie);
  if (!person.token.empty()) {
    events::v1::SignOutRequest req;
    req.set_everywhere(everywhere);
    events::v1::SignOutResponse resp;
    auto context = AsPerson(console, request, person);
    const grpc::Status status = site.backends.people().SignOut(context.get(), req, &resp);
    // A session that has ended already is signed out: only an outage is worth a page.
    if (!status.ok() && status.error_code() != grpc::StatusCode::UNAUTHENTICATED) {
      return RpcErrorPage(site, status, request, "SignOut");
    }
  }
  Response r =
      Response::Redirect(everywhere ? "/manage/signed-out?everywhere=yes" : "/manage/signed-out");
  r.headers.emplace_back("Set-Cookie", console.cookies.Clear(kSessionCookie));
  r.headers.emplace_back("Set-Cookie", console.cookies.Clear(kPendingCookie));
  return r;
}

Response SignedOut(Console& console, const Request& request) {
  Data data(Data::type::object);
  if (request.Query("everywhere") == "yes") data.set("everywhere", true);
  return HtmlPage(console.site, "console_signed_out", data,
                  {console.site.Text("console_signed_out_title"), false});
}

}  // namespace

void AddSignInPages(WebServer& server, Console& console) {
  server.Route("GET", "/manage/sign-in",
               [&console](const Request& r) { return SignIn(console, r); });
  server.Route("POST", "/manage/sign-in",
               [&console](const Request& r) { return SendLink(console, r); });
  server.Route("GET", "/manage/sign-in/code",
               [&console](const Request& r) { return CodePage(console, r); });
  server.Route("POST", "/manage/sign-in/code",
               [&console](const Request& r) { return CheckCode(console, r); });
  server.Route("GET", "/manage/sign-in/{token}",
               [&console](const Request& r) { return LinkPage(console, r); });
  server.Route("POST", "/manage/sign-in/{token}",
               [&console](const Request& r) { return UseLink(console, r); });
  server.Route("POST", "/manage/sign-out",
               [&console](const Request& r) { return SignOut(console, r); });
  server.Route("GET", "/manage/signed-out",
               [&console](const Request& r) { return SignedOut(console, r); });
}

}  // namespace events::web::console
