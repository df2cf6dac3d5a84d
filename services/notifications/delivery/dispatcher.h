#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/util/mutex.h"
#include "common/util/polling_thread.h"
#include "common/util/thread_pool.h"
#include "services/notifications/store/outbox_store.h"

namespace prometheus {
template <typename T>
class Family;
class Counter;
class Histogram;
}  // namespace prometheus
namespace events {
class Clock;
}

namespace events::notifications {

class Composer;
class MailSender;
class Peers;
struct MailContext;

struct DispatcherOptions {
  std::chrono::milliseconds poll_interval{500};
  // How long a claimed try is ours: longer than an SMTP session may take.
  std::chrono::milliseconds lease{120000};
  // The longest one try may take; a try that could not start before its lease has this
  // much left is left for the next claim.
  std::chrono::milliseconds try_time{70000};
  int batch = 20;
  int threads = 4;
  // Multiplies every retry delay; test-only values make hours run in seconds.
  double retry_scale = 1.0;
  // The platform's sender (its domain publishes SPF and DKIM).
  std::string from_address = "events@localhost";
  // Shown as the sender's name when an organisation has not set one.
  std::string default_from_name = "Inclusive events";
  // The web pages' base URL, e.g. https://events.example.org: links are built on it.
  std::string public_url = "http://127.0.0.1:8080";
  OutboxStore::Limits limits{20, 5000, 3600LL * 1000};
};

struct DispatcherMetrics {
  // events_notifications_mail_total{template, outcome}; may be null.
  prometheus::Family<prometheus::Counter>* mail = nullptr;
  // Seconds from a mail being made to its first try; may be null.
  prometheus::Histogram* queue_lag = nullptr;
  prometheus::Counter* errors = nullptr;  // Redis errors; may be null
  // events_notifications_mail_send_seconds: each SMTP send, whatever came of it; may be null.
  prometheus::Histogram* send_seconds = nullptr;
};

// The delays between tries after temporary failures: 1, 5, 15 and 30 minutes, then 1, 2, 4
// and 6 hours (about 14 hours in all, over 9 tries); nullopt after the last try.
std::optional<int64_t> RetryDelayMs(int tries_made);

// Sends due mail: claims it with a lease (several replicas never send the same try at
// once), asks registration, scheduling and people for what it needs (the personal link and
// the sign-in link are made then, never stored), checks the address and the send limits, writes it
// from its template and sends it over SMTP, then records the outcome: sent; a temporary failure
// retried on RetryDelayMs, then dead; a refused address marked undeliverable (nothing more goes to
// it); a refused message dead. Thread-safe.
class Dispatcher {
 public:
  Dispatcher(OutboxStore& store, Peers& peers, const Composer& composer, MailSender& sender,
             const Clock& clock, DispatcherOptions options, DispatcherMetrics metrics);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Claims what is due and tries it, returning when all are recorded: how many were tried.
  // UNAVAILABLE when Redis cannot be reached. Serialised.
  absl::StatusOr<int> RunOnce() ABSL_LOCKS_EXCLUDED(run_mu_);
  void Start();
  // Stops and joins; idempotent. A try in progress finishes first (SMTP has a timeout).
  void Stop();

 private:
  void Try(const ClaimedMail& mail);
  // The outcome of one try; `recorded` false when Redis failed before anything was sent
  // (the lease brings the mail back).
  MailResult Attempt(const ClaimedMail& mail, bool& recorded);
  // What a registrant's or coordinator's mail says, with `to` set; or a result that ends the
  // try without sending (a registration or event that is gone, a peer that is down).
  std::optional<MailResult> Gather(const ClaimedMail& mail, MailContext& context, std::string& to);
  // The same for mail to a member of the organisation (people): the invitation, with the
  // sign-in page; the sign-in e-mail, with its one-time link (a link used or expired is
  // skipped, never retried).
  std::optional<MailResult> GatherForMember(const ClaimedMail& mail, MailContext& context,
                                            std::string& to);
  // The personal links made from `token`.
  void SetLinks(const std::string& token, MailContext& context) const;
  void Count(const std::string& template_name, const char* outcome);
  bool PollOnce();

  OutboxStore& store_;
  Peers& peers_;
  const Composer& composer_;
  MailSender& sender_;
  const Clock& clock_;
  const DispatcherOptions options_;
  const DispatcherMetrics metrics_;
  events::ThreadPool pool_;
  Mutex run_mu_;
  PollingThread loop_;  // last: stops before the members its polls use go
};

}  // namespace events::notifications
