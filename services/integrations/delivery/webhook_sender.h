#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "services/integrations/webhooks/url_policy.h"

namespace events::integrations {

// One HTTP POST of a signed webhook.
struct WebhookRequest {
  std::string url;
  std::string message_id;  // webhook-id
  int64_t timestamp_seconds = 0;
  std::string signature;  // webhook-signature
  std::string body;
  // Sent as the `traceparent` header when set (W3C Trace Context), so a receiver that traces
  // joins the trace of what caused the webhook.
  std::string traceparent;
};

// What came of one try. http_status is 0 when there was no HTTP answer (blocked address,
// DNS failure, refused or dropped connection, timeout); `error` then says which.
struct SendResult {
  int http_status = 0;
  std::string error;
  // The try was cut short by Abort (the service is stopping): it has no outcome, and is
  // not recorded; its lease brings it back, with the same webhook-id.
  bool aborted = false;
};

// Sends webhooks. Implementations are thread-safe.
class WebhookSender {
 public:
  virtual ~WebhookSender() = default;
  virtual SendResult Send(const WebhookRequest& request) = 0;
  // Ends the tries in progress soon (within about a second) and every later one at once,
  // with SendResult::aborted: so that stopping does not wait for a slow receiver.
  virtual void Abort() {}
};

struct CurlSenderOptions {
  UrlPolicy policy;
  std::chrono::milliseconds timeout{10000};
  std::string user_agent = "inclusive-events-webhooks/1";
  // The addresses of a host name (text); null means the system resolver (getaddrinfo). Tests
  // inject one to show the address check and the pinning.
  std::function<std::vector<std::string>(const std::string& host)> resolve;
};

// libcurl, one easy handle per request. Every try re-checks the URL, resolves the host and
// refuses addresses outside the policy (so a name that later resolves to a private address,
// DNS rebinding, is caught), then pins curl to the checked address (CURLOPT_RESOLVE).
// Redirects are not followed (a 3xx is a failed try); the response body is read up to
// 64 KiB and ignored. Call CurlGlobalInit() once before any thread uses it.
class CurlSender final : public WebhookSender {
 public:
  explicit CurlSender(CurlSenderOptions options) : options_(std::move(options)) {}
  SendResult Send(const WebhookRequest& request) override;
  void Abort() override { aborted_ = true; }

 private:
  CurlSenderOptions options_;
  std::atomic<bool> aborted_{false};
};

// curl_global_init, once per process (not thread-safe itself: call from main).
void CurlGlobalInit();

}  // namespace events::integrations
