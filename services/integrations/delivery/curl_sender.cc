#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/integrations/delivery/webhook_sender.h"

namespace events::integrations {
namespace {

constexpr size_t kMaxResponseBytes = size_t{64} * 1024;

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

size_t Discard(char*, size_t size, size_t n, void* userdata) {
  size_t* seen = static_cast<size_t*>(userdata);
  *seen += size * n;
  // Returning less than given makes curl stop: a receiver cannot make us read forever.
  return *seen > kMaxResponseBytes ? 0 : size * n;
}

// The host's addresses, as text.
std::vector<std::string> Resolve(const std::string& host, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  std::vector<std::string> out;
  if (rc != 0) {
    error = absl::StrCat("cannot resolve ", host, ": ", gai_strerror(rc));
    return out;
  }
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    char text[NI_MAXHOST];
    if (getnameinfo(a->ai_addr, a->ai_addrlen, text, sizeof(text), nullptr, 0, NI_NUMERICHOST) ==
        0) {
      out.emplace_back(text);
    }
  }
  freeaddrinfo(found);
  if (out.empty()) error = absl::StrCat("no address for ", host);
  return out;
}

// CURLOPT_XFERINFOFUNCTION: a non-zero answer makes curl stop the transfer at once. curl
// calls it often while data moves and about once a second while it waits.
int StopWhenAborted(void* aborted, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(aborted)->load() ? 1 : 0;
}

}  // namespace

void CurlGlobalInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }

SendResult CurlSender::Send(const WebhookRequest& request) {
  SendResult result;
  if (aborted_) {
    result.aborted = true;
    result.error = "not tried: the service is stopping";
    return result;
  }
  absl::StatusOr<WebhookUrl> url = CheckWebhookUrl(request.url, "url", options_.policy);
  if (!url.ok()) {
    result.error = std::string(url.status().message());
    return result;
  }
  std::vector<std::string> addresses =
      options_.resolve ? options_.resolve(url->host) : Resolve(url->host, result.error);
  if (addresses.empty()) {
    if (result.error.empty()) result.error = absl::StrCat("no address for ", url->host);
    return result;
  }
  std::string pinned;
  for (const std::string& ip : addresses) {
    if (!IsAddressAllowed(ip, *url, options_.policy)) {
      result.error = absl::StrCat("refused: ", url->host, " resolves to ", ip,
                                  ", which is not a public address");
      return result;
    }
    if (pinned.empty()) pinned = ip;
  }
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) {
    result.error = "curl_easy_init failed";
    return result;
  }
  CURL* c = curl.get();
  // Connect exactly where we checked: host:port:address.
  const bool v6 = pinned.find(':') != std::string::npos;
  std::unique_ptr<curl_slist, SlistDeleter> resolve(curl_slist_append(
      nullptr,
      absl::StrCat(url->host, ":", url->port, ":", v6 ? "[" : "", pinned, v6 ? "]" : "").c_str()));
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  curl_slist* h = nullptr;
  h = curl_slist_append(h, "content-type: application/json");
  h = curl_slist_append(h, absl::StrCat("webhook-id: ", request.message_id).c_str());
  h = curl_slist_append(h, absl::StrCat("webhook-timestamp: ", request.timestamp_seconds).c_str());
  h = curl_slist_append(h, absl::StrCat("webhook-signature: ", request.signature).c_str());
  if (!request.traceparent.empty()) {
    h = curl_slist_append(h, absl::StrCat("traceparent: ", request.traceparent).c_str());
  }
  h = curl_slist_append(h, "expect:");
  headers.reset(h);
  size_t seen = 0;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_RESOLVE, resolve.get());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  // Never through a proxy, whatever http_proxy/https_proxy/all_proxy say: a proxy would
  // connect somewhere other than the address checked and pinned above.
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &seen);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, StopWhenAborted);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &aborted_);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_ABORTED_BY_CALLBACK) {
    result.aborted = true;
    result.error = "cut short: the service is stopping";
    return result;
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  result.http_status = static_cast<int>(status);
  if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && status > 0)) {
    result.http_status = 0;
    result.error = error_buffer[0] != '\0' ? std::string(error_buffer) : curl_easy_strerror(rc);
  } else if (status < 200 || status > 299) {
    result.error = absl::StrCat("the receiver answered HTTP ", status);
  }
  return result;
}

}  // namespace events::integrations
