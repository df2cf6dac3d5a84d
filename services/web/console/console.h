#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "absl/strings/string_view.h"
#include "events/v1/people.pb.h"
#include "services/web/http/form.h"
#include "services/web/http/web_server.h"
#include "services/web/pages/site.h"

// The organiser console (/manage): what its pages share. A person signs in with a one-time
// link by e-mail (sign_in_pages.cc); the people service answers a session token, which the
// browser keeps in an HttpOnly cookie and the console sends on every call as
// "authorization: Bearer evs_...": each service decides what the person may do, and logs it
// as them. The console itself checks roles only to leave out what a person cannot use.
namespace events::web::console {

// The console's cookies: "__Host-<name>" with Secure when cookies are secure (the web
// service's WEB_SECURE_COOKIES), HttpOnly and SameSite=Lax always (a link in an e-mail is a
// navigation from another site; every form also carries the CSRF token).
class Cookies {
 public:
  explicit Cookies(bool secure) : secure_(secure) {}
  std::string Name(absl::string_view base) const;
  // A Set-Cookie value; max_age_s 0 makes a browser-session cookie (gone when the browser
  // closes).
  std::string Set(absl::string_view base, absl::string_view value, int max_age_s) const;
  std::string Clear(absl::string_view base) const;
  std::string Read(const Request& request, absl::string_view base) const;

 private:
  bool secure_;
};

inline constexpr absl::string_view kSessionCookie = "session";
// A session that still needs a code from the authenticator app.
inline constexpr absl::string_view kPendingCookie = "pending";
// The browser's secret of a sign-in request: the e-mailed link works only with it.
inline constexpr absl::string_view kSignInCookie = "signin";

struct Console {
  Site& site;
  Cookies cookies;
  // The zone of the console's own times (sign-ins, audit): WEB_CONSOLE_TIME_ZONE.
  std::string zone = "Europe/London";
};

// The signed-in person of a request.
struct Person {
  std::string token;  // the session token: secret, never logged
  events::v1::Me me;

  bool IsOrganiser() const;
  // Has the role and gave a second factor in this session (the services' own rule).
  bool IsCoordinator() const;
  // Has the role, whether or not the session gave a second factor.
  bool HasCoordinatorRole() const;
  bool IsViewer() const;
};

// The person signed in, or the response to send instead: a redirect to the sign-in page (no
// session, or it ended), to the code page (a code is still needed), or an error page.
std::variant<Person, Response> SignedIn(Console& console, const Request& request);

// A page's prelude: the person signed in (SignedIn). nullopt when there is one; otherwise the
// page to send instead.
std::optional<Response> SignedInAs(Console& console, const Request& request, Person* person);

// A POST's prelude: the form (its size and CSRF token checked: ReadPostedForm) and the person
// signed in. nullopt when both are there; otherwise the page to send instead.
std::optional<Response> ReadPostedAsPerson(Console& console, const Request& request, Form* form,
                                           Person* person);

// A context for a call made as `person`: Backends::Context plus the session as the bearer.
std::unique_ptr<grpc::ClientContext> AsPerson(Console& console, const Request& request,
                                              const Person& person);

// A console page: templates/<page>.mustache inside templates/console_layout.mustache, with
// the navigation (`section` marks the current one), who is signed in and the sign-out form.
// Adds the CSRF token ("csrf") for the page's own forms.
Response ConsolePage(Console& console, const Request& request, const Person& person,
                     absl::string_view page, Data data, PageMeta meta, absl::string_view section);

// A failed call made as the person, as the page they should see: UNAUTHENTICATED (the
// session ended, the member was removed) signs them out; PERMISSION_DENIED is 403 "you
// cannot do this" with the service's reason; the rest as RpcErrorPage.
Response ConsoleRpcError(Console& console, const Request& request, const grpc::Status& status,
                         absl::string_view what);

// Roles in words: "organiser and access coordinator".
std::string RolesText(const Site& site, const events::v1::Member& member);

// Registers every console route on `server`. Call before the attendees' /manage/{token}
// routes: the console's paths are words, which a personal link never is.
void AddConsolePages(WebServer& server, Console& console);

}  // namespace events::web::console
