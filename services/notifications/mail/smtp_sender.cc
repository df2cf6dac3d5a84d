#include "services/notifications/mail/smtp_sender.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace events::notifications {
namespace {

struct Reader {
  const std::string* data;
  size_t at = 0;
};

size_t Read(char* buffer, size_t size, size_t count, void* user) {
  auto* r = static_cast<Reader*>(user);
  const size_t n = std::min(size * count, r->data->size() - r->at);
  r->data->copy(buffer, n, r->at);
  r->at += n;
  return n;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

bool IsLoopbackUrl(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return false;
  const std::string rest = url.substr(scheme + 3);
  return absl::StartsWith(rest, "127.") || absl::StartsWith(rest, "localhost") ||
         absl::StartsWith(rest, "[::1]");
}

}  // namespace

absl::StatusOr<SmtpOptions::Tls> ParseSmtpTls(const std::string& url, const std::string& tls) {
  const bool smtps = absl::StartsWith(url, "smtps://");
  if (!smtps && !absl::StartsWith(url, "smtp://")) {
    return absl::InvalidArgumentError(
        "NOTIFICATIONS_SMTP_URL must start with smtp:// or smtps://, e.g. "
        "smtp://mail.example.org:587");
  }
  if (smtps) {
    if (!tls.empty() && tls != "implicit") {
      return absl::InvalidArgumentError(
          "NOTIFICATIONS_SMTP_TLS must be empty or \"implicit\" with an smtps:// URL");
    }
    return SmtpOptions::Tls::kImplicit;
  }
  if (tls.empty() || tls == "starttls") return SmtpOptions::Tls::kStartTls;
  if (tls == "none") {
    if (!IsLoopbackUrl(url)) {
      return absl::InvalidArgumentError(
          "NOTIFICATIONS_SMTP_TLS=none is only allowed for a mail server on this machine "
          "(127.0.0.1, localhost or [::1]); use starttls or an smtps:// URL");
    }
    return SmtpOptions::Tls::kNone;
  }
  return absl::InvalidArgumentError("NOTIFICATIONS_SMTP_TLS must be starttls, none or implicit");
}

CurlMailSender::CurlMailSender(SmtpOptions options) : options_(std::move(options)) {}

SendOutcome CurlMailSender::Send(const std::string& from_address, const std::string& to_address,
                                 const std::string& message) {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return {SendOutcome::Kind::kTemporary, 0, "could not start an SMTP session"};
  std::unique_ptr<curl_slist, ListDeleter> rcpt(
      curl_slist_append(nullptr, absl::StrCat("<", to_address, ">").c_str()));
  const std::string from = absl::StrCat("<", from_address, ">");
  Reader reader{&message};
  char error[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, Read);
  curl_easy_setopt(c, CURLOPT_READDATA, &reader);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  if (options_.tls == SmtpOptions::Tls::kStartTls)
    curl_easy_setopt(c, CURLOPT_USE_SSL, CURLUSESSL_ALL);
  if (!options_.verify_peer) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!options_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
  }
  const CURLcode rc = curl_easy_perform(c);
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  if (rc == CURLE_OK) return {SendOutcome::Kind::kAccepted, code, ""};
  const std::string detail = absl::StrCat(error[0] != '\0' ? error : curl_easy_strerror(rc),
                                          code ? absl::StrCat(" (SMTP ", code, ")") : "");
  if (code >= 500 && code < 600) {
    // Only a refusal of the recipient says anything about the address; a refused sender or
    // login is our setup, which an operator fixes: those wait and try again.
    if (absl::StrContains(error, "RCPT"))
      return {SendOutcome::Kind::kRecipientRefused, code, detail};
    if (rc == CURLE_WEIRD_SERVER_REPLY || absl::StrContains(error, "DATA")) {
      return {SendOutcome::Kind::kMessageRefused, code, detail};
    }
  }
  return {SendOutcome::Kind::kTemporary, code, detail};
}

}  // namespace events::notifications
