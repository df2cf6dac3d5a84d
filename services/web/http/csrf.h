#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "services/web/http/web_server.h"

// Cross-site request forgery protection for every form, without sessions (attendees have no
// account): a signed double-submit cookie. The visitor's browser holds a random secret in a
// cookie (HttpOnly, SameSite=Strict, Secure with the __Host- prefix); each form carries
// HMAC-SHA256(key, secret) in a hidden field. Another site can make the browser send the
// cookie but can neither read it nor compute the field. The key (WEB_CSRF_KEY) is shared by
// every replica, so a form from one is accepted by another.
namespace events::web {

class Csrf {
 public:
  // `secure_cookies`: the cookie is "__Host-csrf" with Secure (served over https, or
  // http://localhost, which browsers treat as secure); otherwise "csrf".
  Csrf(std::string key, bool secure_cookies);

  struct Issued {
    std::string token;       // for the form's hidden field "csrf"
    std::string set_cookie;  // a Set-Cookie value to send, or "" when the cookie is good
  };
  // For a page with a form: the token for the visitor's cookie, or a new cookie and its token.
  Issued ForPage(const Request& request) const;
  // True when the form's token matches the visitor's cookie.
  bool Valid(const Request& request, absl::string_view form_token) const;

  absl::string_view cookie_name() const { return cookie_name_; }

 private:
  std::string TokenFor(absl::string_view secret) const;

  std::string key_;
  bool secure_;
  std::string cookie_name_;
};

// `n` random bytes as unpadded base64url.
std::string RandomToken(size_t bytes);

}  // namespace events::web
