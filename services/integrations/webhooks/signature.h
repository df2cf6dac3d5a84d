#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace events::integrations {

// Webhook signing as the Standard Webhooks specification says (standardwebhooks.com):
// each delivery carries `webhook-id`, `webhook-timestamp` (Unix seconds) and
// `webhook-signature`, which is "v1," + base64(HMAC-SHA256(key, id + "." + timestamp + "."
// + body)), where key is the bytes of the endpoint's secret "whsec_" + base64(key).
// A header may hold several space-separated signatures (while a secret is rotated).

// A new endpoint secret: "whsec_" + base64 of 32 random bytes.
std::string NewWebhookSecret();

// The key bytes of a "whsec_..." secret. INVALID_ARGUMENT when it is not one.
absl::StatusOr<std::string> WebhookSecretKey(absl::string_view secret);

// The `webhook-signature` value for one delivery.
absl::StatusOr<std::string> SignWebhook(absl::string_view secret, absl::string_view id,
                                        int64_t timestamp_seconds, absl::string_view body);

// True when one of the "v1,..." signatures in `header` is this delivery's (compared in
// constant time).
bool VerifyWebhook(absl::string_view secret, absl::string_view id, int64_t timestamp_seconds,
                   absl::string_view body, absl::string_view header);

}  // namespace events::integrations
