#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "events/v1/integrations.pb.h"

namespace events::integrations {

// A subscription as stored: the public record and its secret, sealed (AES-256-GCM) under
// the key named by `secret_key_id`. `webhook.enabled()` reflects the disabled flag.
struct StoredWebhook {
  events::v1::Webhook webhook;
  std::string sealed_secret;
  std::string secret_key_id;
};

// A delivery to create: one domain event to one endpoint. `delivery_id` is
// "<partition>/<message id>/<webhook id>", so the same event never makes two deliveries.
struct NewDelivery {
  std::string delivery_id;
  std::string org_id;
  std::string webhook_id;
  std::string message_id;
  std::string event_type;
  std::string body;
  // The trace of the consumer that made it (W3C traceparent, "" none): its tries log it and
  // send it on to the receiver.
  std::string traceparent;
};

// A delivery claimed for one try; `attempt` is this try's number (1-based).
struct ClaimedDelivery {
  int partition = 0;
  std::string delivery_id;
  std::string org_id;
  std::string webhook_id;
  std::string message_id;
  std::string event_type;
  std::string body;
  // As stored by Enqueue; "" for a delivery made before deliveries kept their trace.
  std::string traceparent;
  int attempt = 1;
  // When it was claimed (the `now_ms` of Claim): the lease runs from here.
  int64_t claimed_unix_ms = 0;
};

enum class TryOutcome { kDelivered, kGone, kRetry, kDead, kDropped };

struct TryResult {
  TryOutcome outcome = TryOutcome::kDelivered;
  int http_status = 0;
  std::string error;
  int64_t now_ms = 0;
  int64_t next_due_ms = 0;  // kRetry only
};

// One change of the contacts projection, from a registration event.
struct ContactChange {
  std::string registration_id;
  std::string event_id;
  int64_t version = 0;
  // Upsert: the registration has marketing consent; otherwise it leaves the contact.
  bool upsert = false;
  std::string email_sha256;  // upsert only
  std::string email, first_name, last_name;
};

// What ApplyContact did. kSuppressed: the address is on the suppression list, so the
// registration was not projected (and its consent should be withdrawn).
enum class ContactOutcome { kApplied, kStale, kSuppressed, kNone };

struct ContactsPage {
  std::vector<events::v1::MailingContact> contacts;
  int64_t next_cursor = 0;
};

// Everything the integrations service keeps. Organisation data lives under the hash tag of
// the organisation, deliveries under their event's partition; every multi-key change is one
// Lua script. Thread-safe, safe with any number of processes. Errors: UNAVAILABLE when
// Redis is down; NOT_FOUND as each method says.
class IntegrationsStore {
 public:
  virtual ~IntegrationsStore() = default;

  // The organisation's index of integration keys (the key records are common/auth's).
  virtual absl::Status PutApiKey(const std::string& org_id, const events::v1::ApiKey& key,
                                 const std::string& key_hash) = 0;
  virtual absl::StatusOr<std::vector<events::v1::ApiKey>> ListApiKeys(
      const std::string& org_id) = 0;
  // The key and its hash; NOT_FOUND when the organisation has no such key.
  virtual absl::StatusOr<std::pair<events::v1::ApiKey, std::string>> GetApiKey(
      const std::string& org_id, const std::string& key_id) = 0;

  virtual absl::Status PutWebhook(const std::string& org_id, const StoredWebhook& webhook) = 0;
  // NOT_FOUND when unknown.
  virtual absl::StatusOr<StoredWebhook> GetWebhook(const std::string& org_id,
                                                   const std::string& webhook_id) = 0;
  virtual absl::StatusOr<std::vector<StoredWebhook>> ListWebhooks(const std::string& org_id) = 0;
  // NOT_FOUND when unknown.
  virtual absl::Status DeleteWebhook(const std::string& org_id, const std::string& webhook_id) = 0;
  // Disables with a reason, or enables (reason ignored).
  virtual absl::Status SetWebhookEnabled(const std::string& org_id, const std::string& webhook_id,
                                         bool enabled, const std::string& reason) = 0;

  // Creates the deliveries that do not exist yet, due now. Returns how many were new.
  virtual absl::StatusOr<int> Enqueue(int partition, const std::vector<NewDelivery>& deliveries,
                                      int64_t now_ms) = 0;
  // Up to `limit` due deliveries of every partition, each leased for lease_ms (its due time
  // moves forward, so no one else tries it meanwhile; a crashed claimant's lease expires).
  virtual absl::StatusOr<std::vector<ClaimedDelivery>> Claim(int64_t now_ms, int64_t lease_ms,
                                                             int limit) = 0;
  // Records a try: the delivery's state and, for a dead one, its dead letter (one script,
  // refusing a stale claim), then the endpoint's delivery log and disabled flag (410).
  // False, with nothing written, when the claim was stale (someone else recorded this try).
  virtual absl::StatusOr<bool> Record(const ClaimedDelivery& delivery, const TryResult& result) = 0;

  // Newest first, at most `limit`.
  virtual absl::StatusOr<std::vector<events::v1::DeliveryAttempt>> ListLog(
      const std::string& org_id, const std::string& webhook_id, int limit) = 0;
  // Oldest first from `offset`; the second is the next offset, 0 at the end.
  virtual absl::StatusOr<std::pair<std::vector<events::v1::DeadLetter>, int64_t>> ListDeadLetters(
      const std::string& org_id, int64_t offset, int limit) = 0;
  // A new series of tries for a dead delivery, due now, taken off the dead letters in the
  // same script. NOT_FOUND when it is not (or no longer: replayed, expired) a dead letter of
  // the organisation.
  virtual absl::Status Replay(const std::string& org_id, const std::string& delivery_id,
                              int64_t now_ms) = 0;

  // Applies a change unless the projection has this registration's version or a newer one
  // (kStale). An upsert of a suppressed address is kSuppressed, stale or not.
  virtual absl::StatusOr<ContactOutcome> ApplyContact(const std::string& org_id,
                                                      const ContactChange& change) = 0;
  // Contacts changed after `after_cursor`, oldest change first.
  virtual absl::StatusOr<ContactsPage> Contacts(const std::string& org_id, int64_t after_cursor,
                                                int limit) = 0;
  // Puts the e-mail on the organisation's suppression list (later opt-ins of it are not
  // projected) and returns the registrations the contact has.
  virtual absl::StatusOr<std::vector<std::string>> Suppress(const std::string& org_id,
                                                            const std::string& email_sha256) = 0;
  // Takes every registration off the contact (it leaves the list).
  virtual absl::Status ClearContact(const std::string& org_id, const std::string& email_sha256) = 0;
};

}  // namespace events::integrations
