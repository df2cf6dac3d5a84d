#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "events/v1/notifications.pb.h"

namespace events::notifications {

// One e-mail to make: what it says (template) about what (event, registration), for which
// domain event (cause). `to` is set only for mail whose address is known when it is made
// (an access coordinator's); a registrant's address is read at send time, so a changed
// address is the one used. `arg` carries what the template needs from the domain event
// (e.g. a reminder's minutes before the start, a cancellation's reason). Mail to a member
// of the organisation (people) names them by `member_id`, read at send time too. `urgent`
// mail (someone waits for it: a sign-in link) is due before any other, so a backlog of
// event-wide mail never holds it up.
struct NewMail {
  std::string id;
  std::string event_id;
  std::string registration_id;
  std::string template_name;
  std::string cause_event_id;
  std::string to;
  std::string arg;
  std::string member_id;
  bool urgent = false;
  // The trace of the consumer that made it (W3C traceparent, "" none): the send logs it.
  std::string traceparent;
};

struct ClaimedMail {
  NewMail mail;
  std::string org_id;
  int partition = 0;
  // Tries made before this one.
  int attempts = 0;
  int64_t created_ms = 0;
  // The `now_ms` of the Claim: the lease runs from here.
  int64_t claimed_ms = 0;
};

enum class MailOutcome { kSent, kRetry, kDefer, kDead, kUndeliverable, kSkipped };

struct MailResult {
  MailOutcome outcome = MailOutcome::kSent;
  // When the next try is due (kRetry, kDefer).
  int64_t next_due_ms = 0;
  // The mail server's answer or the reason, for people reading the outbox.
  std::string error;
  // The address it went (or would have gone) to, once known.
  std::string recipient;
};

// Where the notifications service keeps its outbox, settings, limits and undeliverable
// addresses. Every method is thread-safe; UNAVAILABLE when Redis cannot be reached.
class OutboxStore {
 public:
  virtual ~OutboxStore() = default;

  // Makes the mail of one domain event in the partition of its event, idempotently by mail
  // id; all of `org_id`. Returns how many were new.
  virtual absl::StatusOr<int> Enqueue(int partition, const std::string& org_id,
                                      const std::vector<NewMail>& mail, int64_t now_ms) = 0;
  // Claims up to `limit` due mail of every partition, each for `lease_ms`.
  virtual absl::StatusOr<std::vector<ClaimedMail>> Claim(int64_t now_ms, int64_t lease_ms,
                                                         int limit) = 0;
  // Records a try. false when it was stale (another sender recorded it first).
  virtual absl::StatusOr<bool> Record(const ClaimedMail& mail, const MailResult& result,
                                      int64_t now_ms) = 0;
  // The organisation's recent mail, newest first, at most `limit`, in `state` (UNSPECIFIED:
  // all).
  virtual absl::StatusOr<std::vector<events::v1::OutboxMail>> ListOutbox(
      const std::string& org_id, int limit, events::v1::MailState state) = 0;
  // Replays one dead mail (`mail_id`) or all (empty). Returns how many.
  virtual absl::StatusOr<int> Replay(const std::string& org_id, const std::string& mail_id,
                                     int64_t now_ms) = 0;

  // Sender settings; NOT_FOUND when none were saved.
  virtual absl::StatusOr<events::v1::SenderSettings> GetSettings(const std::string& org_id) = 0;
  // ABORTED when the stored version is not `expected_version`.
  virtual absl::StatusOr<events::v1::SenderSettings> PutSettings(
      const std::string& org_id, const events::v1::SenderSettings& settings,
      int64_t expected_version, int64_t now_ms) = 0;

  // Counts one e-mail to `address` of `org_id` in the window containing `now_ms`: true
  // while both the recipient's and the organisation's counts stay within their limits.
  struct Limits {
    int per_recipient = 0;  // 0: no limit
    int per_organisation = 0;
    int64_t window_ms = 3600LL * 1000;
  };
  enum class LimitVerdict { kAllowed, kRecipientOver, kOrganisationOver };
  virtual absl::StatusOr<LimitVerdict> CountSend(const std::string& org_id,
                                                 const std::string& address, const Limits& limits,
                                                 int64_t now_ms) = 0;

  // Addresses a mail server refused for good (5xx). The reason, or nullopt.
  virtual absl::StatusOr<std::optional<std::string>> Undeliverable(const std::string& address) = 0;
  virtual absl::Status MarkUndeliverable(const std::string& address, const std::string& reason) = 0;
};

}  // namespace events::notifications
