#pragma once

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include <string>

#include "absl/strings/string_view.h"
#include "events/v1/registration.pb.h"
#include "services/web/http/csrf.h"
#include "services/web/http/form.h"
#include "services/web/http/web_server.h"
#include "services/web/peers/backends.h"
#include "services/web/peers/public_data.h"
#include "services/web/view/renderer.h"

// What every page handler shares, and the helpers that turn data and errors into pages.
namespace events::web {

struct Site {
  const Renderer& renderer;
  Backends& backends;
  // Public event data, kept briefly (peers/public_data.h): use it for GetEvent,
  // GetRegistrationForm and GetAvailability.
  PublicData& data;
  const Csrf& csrf;
  // The address people reach the site at, for links that leave it (the personal manage
  // link shown on the confirmation page): "https://events.example.org".
  std::string public_url;

  const Catalogue& messages() const { return renderer.messages(); }
  std::string Text(absl::string_view key) const { return renderer.messages().Text(key); }
};

// A page from templates/<page>.mustache.
Response HtmlPage(const Site& site, absl::string_view page, const Data& data, const PageMeta& meta,
                  Caching caching = Caching::kNone);

// A page with a form: adds the CSRF token to `data` as "csrf" and the cookie when new.
Response FormPage(const Site& site, const Request& request, absl::string_view page, Data data,
                  const PageMeta& meta);

// The error page for `status` (404, 403, 413, 429, 500, 503...).
Response ErrorPage(const Site& site, int status, const Request& request);

// A failed call to a service as the page the visitor should see: NOT_FOUND is 404;
// RESOURCE_EXHAUSTED 429 ("too many tries"); UNAVAILABLE and DEADLINE_EXCEEDED 503; anything
// else 500, logged with the request id.
Response RpcErrorPage(const Site& site, const grpc::Status& status, const Request& request,
                      absl::string_view what);

// Logs that the service call `what` ("Register") failed with `status`: its code name and
// message as fields, the message with e-mail addresses and phone numbers taken out (a
// service's message may quote what the visitor typed). The request's id and trace come from
// the call current on this thread.
void LogServiceFailure(spdlog::level::level_enum level, absl::string_view message,
                       absl::string_view what, const grpc::Status& status);

// The same for a call that looks up an id taken from the page's address (/events/{id}): an
// id the service refuses as malformed (INVALID_ARGUMENT) names no page, so it is a 404, not
// a 500 that someone mistyping a link would be told is our fault.
Response PathLookupErrorPage(const Site& site, const grpc::Status& status, const Request& request,
                             absl::string_view what);

// For POST handlers: the 403 page when the form's CSRF token does not match the cookie;
// nullopt when it does.
std::optional<Response> RejectForgery(const Site& site, const Request& request,
                                      absl::string_view form_token);

// A POSTed form: parsed, and its CSRF token checked. A page instead when the body is no form
// (400) or the token does not match the visitor's cookie (403).
std::optional<Response> ReadPostedForm(const Site& site, const Request& request, Form* form);

// A registration's status in words: "You have a place.", "You are on the waiting list. You
// are number 3."...
std::string RegistrationStatusText(const Site& site, const events::v1::Registration& r);

// The id of an event or token in a path is only letters, digits, '_', '-' and '.', at most
// 200 characters (anything else is an unknown page, never passed on).
bool IsPathId(absl::string_view value);

}  // namespace events::web
