#include "services/web/console/console.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace events::web::console {
namespace {

using events::v1::MemberRole;

bool HasRole(const events::v1::Member& m, MemberRole role) {
  for (int r : m.roles()) {
    if (r == role) return true;
  }
  return false;
}

// A session token as the people service makes them: "evs_" and base64url. Anything else in
// the cookie is not sent on.
bool LooksLikeSession(absl::string_view token) {
  if (!absl::StartsWith(token, "evs_") || token.size() > 100) return false;
  for (char c : token) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

Response ToSignIn(Console& console, absl::string_view why) {
  Response r = Response::Redirect(why.empty() ? "/manage/sign-in"
                                              : absl::StrCat("/manage/sign-in?", why, "=yes"));
  r.headers.emplace_back("Set-Cookie", console.cookies.Clear(kSessionCookie));
  return r;
}

struct NavItem {
  absl::string_view section;
  absl::string_view href;
  absl::string_view label_key;
};

}  // namespace

std::string Cookies::Name(absl::string_view base) const {
  return secure_ ? absl::StrCat("__Host-", base) : std::string(base);
}

std::string Cookies::Set(absl::string_view base, absl::string_view value, int max_age_s) const {
  std::string cookie = absl::StrCat(Name(base), "=", value, "; Path=/; HttpOnly; SameSite=Lax");
  if (max_age_s > 0) absl::StrAppend(&cookie, "; Max-Age=", max_age_s);
  if (secure_) absl::StrAppend(&cookie, "; Secure");
  return cookie;
}

std::string Cookies::Clear(absl::string_view base) const {
  std::string cookie = absl::StrCat(Name(base), "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
  if (secure_) absl::StrAppend(&cookie, "; Secure");
  return cookie;
}

std::string Cookies::Read(const Request& request, absl::string_view base) const {
  return request.Cookie(Name(base));
}

bool Person::IsOrganiser() const { return HasRole(me.member(), events::v1::MEMBER_ROLE_ORGANISER); }
bool Person::HasCoordinatorRole() const {
  return HasRole(me.member(), events::v1::MEMBER_ROLE_ACCESS_COORDINATOR);
}
bool Person::IsCoordinator() const { return HasCoordinatorRole() && me.second_factor_given(); }
bool Person::IsViewer() const { return HasRole(me.member(), events::v1::MEMBER_ROLE_VIEWER); }

std::variant<Person, Response> SignedIn(Console& console, const Request& request) {
  Person person;
  person.token = console.cookies.Read(request, kSessionCookie);
  if (person.token.empty()) {
    if (LooksLikeSession(console.cookies.Read(request, kPendingCookie))) {
      return Response::Redirect("/manage/sign-in/code");
    }
    return Response::Redirect("/manage/sign-in");
  }
  if (!LooksLikeSession(person.token)) return ToSignIn(console, "");
  events::v1::GetMeRequest req;
  auto context = AsPerson(console, request, person);
  const grpc::Status status = console.site.backends.people().GetMe(context.get(), req, &person.me);
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    return ToSignIn(console, "ended");
  }
  if (!status.ok()) return RpcErrorPage(console.site, status, request, "GetMe");
  return person;
}

std::optional<Response> SignedInAs(Console& console, const Request& request, Person* person) {
  auto signed_in = SignedIn(console, request);
  if (auto* r = std::get_if<Response>(&signed_in)) return std::move(*r);
  *person = std::move(std::get<Person>(signed_in));
  return std::nullopt;
}

std::optional<Response> ReadPostedAsPerson(Console& console, const Request& request, Form* form,
                                           Person* person) {
  if (auto page = ReadPostedForm(console.site, request, form)) return page;
  return SignedInAs(console, request, person);
}

std::unique_ptr<grpc::ClientContext> AsPerson(Console& console, const Request& request,
                                              const Person& person) {
  auto context = console.site.backends.Context(request);
  context->AddMetadata("authorization", absl::StrCat("Bearer ", person.token));
  return context;
}

Response ConsolePage(Console& console, const Request& request, const Person& person,
                     absl::string_view page, Data data, PageMeta meta, absl::string_view section) {
  const Site& site = console.site;
  // Only what the person can use: a viewer sees no members' e-mail, a coordinator without a
  // second factor is shown how to open the access desk rather than a desk that refuses them.
  static constexpr NavItem kItems[] = {
      {"overview", "/manage", "console_nav_overview"},
      {"events", "/manage/events", "console_nav_events"},
      {"access", "/manage/access", "console_nav_access"},
      {"feedback", "/manage/feedback", "console_nav_feedback"},
      {"integrations", "/manage/integrations", "console_nav_integrations"},
      {"members", "/manage/members", "console_nav_members"},
      {"account", "/manage/account", "console_nav_account"},
  };
  Data nav(Data::type::list);
  for (const NavItem& item : kItems) {
    if (item.section == "integrations" && !person.IsOrganiser()) continue;  // organisers' only
    // The access desk: people with the access coordinator role only.
    if (item.section == "access" && !person.HasCoordinatorRole()) continue;
    Data entry(Data::type::object);
    entry.set("href", std::string(item.href));
    entry.set("label", site.Text(item.label_key));
    if (item.section == section) entry.set("current", true);
    nav.push_back(entry);
  }
  const Csrf::Issued issued = site.csrf.ForPage(request);
  data.set("csrf", issued.token);
  meta.layout = "console_layout";
  meta.frame.set("nav", nav);
  meta.frame.set("csrf", issued.token);
  meta.frame.set("person_name", person.me.member().name());
  meta.frame.set("org_name", person.me.org_name());
  Response r = HtmlPage(site, page, data, meta, Caching::kNone);
  if (!issued.set_cookie.empty()) r.headers.emplace_back("Set-Cookie", issued.set_cookie);
  return r;
}

Response ConsoleRpcError(Console& console, const Request& request, const grpc::Status& status,
                         absl::string_view what) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAUTHENTICATED:
      return ToSignIn(console, "ended");
    case grpc::StatusCode::PERMISSION_DENIED: {
      Data data(Data::type::object);
      data.set("heading", console.site.Text("console_forbidden_heading"));
      data.set("body", console.site.Text("console_forbidden_body"));
      data.set("request_id", request.request_id);
      Response r = HtmlPage(console.site, "error", data,
                            {console.site.Text("console_forbidden_heading"), false});
      r.status = 403;
      LogServiceFailure(spdlog::level::info, "service call refused", what, status);
      return r;
    }
    default:
      return RpcErrorPage(console.site, status, request, what);
  }
}

std::string RolesText(const Site& site, const events::v1::Member& member) {
  std::vector<std::string> words;
  for (int r : member.roles()) {
    switch (r) {
      case events::v1::MEMBER_ROLE_ORGANISER:
        words.push_back(site.Text("role_organiser"));
        break;
      case events::v1::MEMBER_ROLE_ACCESS_COORDINATOR:
        words.push_back(site.Text("role_access_coordinator"));
        break;
      case events::v1::MEMBER_ROLE_VIEWER:
        words.push_back(site.Text("role_viewer"));
        break;
      default:
        break;
    }
  }
  return absl::StrJoin(words, absl::StrCat(" ", site.Text("and"), " "));
}

}  // namespace events::web::console
