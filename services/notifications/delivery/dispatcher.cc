#include "services/notifications/delivery/dispatcher.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/log/call_context.h"
#include "common/log/log_fields.h"
#include "common/util/clock.h"
#include "services/notifications/mail/composer.h"
#include "services/notifications/mail/mime.h"
#include "services/notifications/mail/smtp_sender.h"
#include "services/notifications/peers/peers.h"

namespace events::notifications {
namespace {

// Mail that carries the event's calendar file: a place was given, or a place's event changed.
bool CarriesCalendar(const std::string& template_name, const MailContext& c) {
  if (template_name == "registration_confirmed" || template_name == "registration_approved" ||
      template_name == "registration_promoted") {
    return true;
  }
  const bool confirmed = c.registration.has_value() &&
                         c.registration->status() == events::v1::REGISTRATION_STATUS_CONFIRMED;
  return confirmed && (template_name == "event_rescheduled" || template_name == "event_cancelled");
}

std::string Domain(const std::string& address) {
  const size_t at = address.rfind('@');
  return at == std::string::npos ? "localhost" : address.substr(at + 1);
}

}  // namespace

void Dispatcher::SetLinks(const std::string& token, MailContext& c) const {
  c.manage_url = absl::StrCat(options_.public_url, "/manage/", token);
  c.survey_url = absl::StrCat(options_.public_url, "/feedback/", token);
}

std::optional<int64_t> RetryDelayMs(int tries_made) {
  static constexpr int64_t kMinutes[] = {1, 5, 15, 30, 60, 120, 240, 360};
  if (tries_made < 1 || tries_made > static_cast<int>(std::size(kMinutes))) return std::nullopt;
  return kMinutes[tries_made - 1] * 60 * 1000;
}

Dispatcher::Dispatcher(OutboxStore& store, Peers& peers, const Composer& composer,
                       MailSender& sender, const Clock& clock, DispatcherOptions options,
                       DispatcherMetrics metrics)
    : store_(store),
      peers_(peers),
      composer_(composer),
      sender_(sender),
      clock_(clock),
      options_(std::move(options)),
      metrics_(metrics),
      pool_(options_.threads),
      loop_(options_.poll_interval, [this] { return PollOnce(); }) {}

Dispatcher::~Dispatcher() { Stop(); }

absl::StatusOr<int> Dispatcher::RunOnce() {
  MutexLock run_lock(&run_mu_);
  absl::StatusOr<std::vector<ClaimedMail>> claimed =
      store_.Claim(clock_.NowUnixMs(), options_.lease.count(), options_.batch);
  if (!claimed.ok()) {
    if (metrics_.errors != nullptr) metrics_.errors->Increment();
    return claimed.status();
  }
  pool_.RunEach(claimed->size(), [this, &claimed](size_t i) { Try((*claimed)[i]); });
  return static_cast<int>(claimed->size());
}

void Dispatcher::Count(const std::string& template_name, const char* outcome) {
  if (metrics_.mail != nullptr) {
    metrics_.mail->Add({{"template", template_name}, {"outcome", outcome}}).Increment();
  }
}

std::optional<MailResult> Dispatcher::Gather(const ClaimedMail& m, MailContext& c,
                                             std::string& to) {
  auto retry_or_skip = [&](const absl::Status& s, absl::string_view what) {
    MailResult r;
    if (absl::IsNotFound(s)) {
      r.outcome = MailOutcome::kSkipped;
      r.error = absl::StrCat(what, " no longer exists");
    } else {
      r.outcome = MailOutcome::kRetry;
      r.error = absl::StrCat("could not read ", what, ": ", s.message());
    }
    return r;
  };
  c.template_name = m.mail.template_name;
  c.arg = m.mail.arg;
  if (!m.mail.member_id.empty()) {
    if (std::optional<MailResult> early = GatherForMember(m, c, to)) return early;
  } else if (m.mail.to.empty()) {
    // The current link; "send me my link" replaces it only once the e-mail may go (Attempt).
    absl::StatusOr<events::v1::RegistrationLink> link =
        peers_.IssueLink(m.mail.registration_id, "");
    if (!link.ok()) return retry_or_skip(link.status(), "the registration");
    to = link->registration().email();
    c.registration = link->registration();
    SetLinks(link->token(), c);
  } else {
    to = m.mail.to;
  }
  if (!m.mail.event_id.empty()) {
    absl::StatusOr<events::v1::Event> event = peers_.GetEvent(m.mail.event_id);
    if (!event.ok()) return retry_or_skip(event.status(), "the event");
    c.event = *std::move(event);
  }
  absl::StatusOr<events::v1::SenderSettings> sender = store_.GetSettings(m.org_id);
  if (sender.ok()) {
    c.sender = *std::move(sender);
  } else if (!absl::IsNotFound(sender.status())) {
    return retry_or_skip(sender.status(), "the sender settings");
  }
  if (c.sender.from_name().empty()) c.sender.set_from_name(options_.default_from_name);
  return std::nullopt;
}

std::optional<MailResult> Dispatcher::GatherForMember(const ClaimedMail& m, MailContext& c,
                                                      std::string& to) {
  auto end = [](MailOutcome outcome, std::string why) {
    MailResult r;
    r.outcome = outcome;
    r.error = std::move(why);
    return r;
  };
  events::v1::Member member;
  if (m.mail.template_name == "sign_in_link") {
    // The token is made now, put in this e-mail and forgotten (never logged or stored).
    absl::StatusOr<events::v1::SignInLink> link = peers_.IssueSignInLink(m.mail.arg);
    if (absl::IsFailedPrecondition(link.status()) || absl::IsNotFound(link.status())) {
      // Used or expired: nothing to send, and trying again cannot change that.
      return end(MailOutcome::kSkipped,
                 absl::StrCat("no sign-in link to send: ", link.status().message()));
    }
    if (!link.ok()) {
      return end(MailOutcome::kRetry,
                 absl::StrCat("could not make the sign-in link: ", link.status().message()));
    }
    member = link->member();
    c.org_name = link->org_name();
    c.sign_in_url = absl::StrCat(options_.public_url, "/manage/sign-in/", link->token());
    // What is left of its life, to the nearest minute (15 when sent at once, as the sign-in
    // page said; less when sent after a retry).
    const int64_t left_ms = link->expires_unix_ms() - clock_.NowUnixMs();
    c.link_minutes = static_cast<int>(std::max<int64_t>(1, (left_ms + 30000) / 60000));
  } else {
    absl::StatusOr<events::v1::MemberForMail> described = peers_.DescribeMember(m.mail.member_id);
    if (absl::IsNotFound(described.status())) {
      return end(MailOutcome::kSkipped, "the member no longer exists");
    }
    if (!described.ok()) {
      return end(MailOutcome::kRetry,
                 absl::StrCat("could not read the member: ", described.status().message()));
    }
    member = described->member();
    c.org_name = described->org_name();
    c.inviter = member.invited_by_name().empty() ? m.mail.arg : member.invited_by_name();
    // The invitation carries no secret: the person asks for a link on the sign-in page.
    c.sign_in_url = absl::StrCat(options_.public_url, "/manage/sign-in");
  }
  if (member.status() == events::v1::MEMBER_STATUS_REMOVED) {
    return end(MailOutcome::kSkipped, "the member was removed");
  }
  if (member.email().empty()) {
    return end(MailOutcome::kRetry, "people answered the member without an e-mail address");
  }
  to = member.email();
  c.member = std::move(member);
  return std::nullopt;
}

MailResult Dispatcher::Attempt(const ClaimedMail& m, bool& recorded) {
  recorded = true;
  MailContext context;
  std::string to;
  if (std::optional<MailResult> early = Gather(m, context, to)) return *early;
  MailResult result;
  result.recipient = to;
  absl::StatusOr<std::optional<std::string>> refused = store_.Undeliverable(to);
  if (!refused.ok()) {
    recorded = false;
    return result;
  }
  if (refused->has_value()) {
    result.outcome = MailOutcome::kUndeliverable;
    result.error = absl::StrCat("the address was refused before: ", **refused);
    return result;
  }
  // A sign-in link is waited for at a browser, and people limits how often one may be asked
  // for (5 an address in 15 minutes): no send limit skips it or holds it for an hour (a busy
  // access coordinator's 20 e-mails this hour must not lock them out of the access desk).
  absl::StatusOr<OutboxStore::LimitVerdict> verdict =
      m.mail.template_name == "sign_in_link"
          ? OutboxStore::LimitVerdict::kAllowed
          : store_.CountSend(m.org_id, to, options_.limits, clock_.NowUnixMs());
  if (!verdict.ok()) {
    recorded = false;
    return result;
  }
  if (*verdict == OutboxStore::LimitVerdict::kRecipientOver) {
    result.outcome = MailOutcome::kSkipped;
    result.error = absl::StrCat("not sent: more than ", options_.limits.per_recipient,
                                " e-mails to this address within the hour");
    return result;
  }
  if (*verdict == OutboxStore::LimitVerdict::kOrganisationOver) {
    const int64_t window = options_.limits.window_ms;
    result.outcome = MailOutcome::kDefer;
    result.next_due_ms = (clock_.NowUnixMs() / window + 1) * window;
    result.error = absl::StrCat("waiting: the organisation sent ", options_.limits.per_organisation,
                                " e-mails this hour");
    return result;
  }
  if (m.mail.template_name == "registration_link") {
    // A new link, named by the domain event: a retried e-mail carries the same one, and a
    // link request that is not sent (a limit) leaves the old link working.
    absl::StatusOr<events::v1::RegistrationLink> link =
        peers_.IssueLink(m.mail.registration_id, m.mail.cause_event_id);
    if (!link.ok()) {
      result.outcome =
          absl::IsNotFound(link.status()) ? MailOutcome::kSkipped : MailOutcome::kRetry;
      result.error = absl::StrCat("could not make the new link: ", link.status().message());
      return result;
    }
    SetLinks(link->token(), context);
  }
  absl::StatusOr<ComposedMail> composed = composer_.Compose(context);
  if (!composed.ok()) {
    result.outcome = MailOutcome::kDead;
    result.error = std::string(composed.status().message());
    return result;
  }
  Email email;
  email.from_name = context.sender.from_name();
  email.from_address = options_.from_address;
  email.reply_to = context.sender.reply_to();
  email.to = to;
  email.subject = composed->subject;
  email.text = composed->text;
  email.html = composed->html;
  email.message_id = absl::StrCat(m.mail.id, "@", Domain(options_.from_address));
  email.date_unix_ms = clock_.NowUnixMs();
  if (CarriesCalendar(m.mail.template_name, context)) {
    absl::StatusOr<events::v1::CalendarFile> ics = peers_.Calendar(m.mail.event_id);
    if (!ics.ok()) {
      result.outcome = MailOutcome::kRetry;
      result.error = absl::StrCat("could not read the calendar file: ", ics.status().message());
    } else {
      const bool cancel = context.event.status() == events::v1::EVENT_STATUS_CANCELLED;
      email.attachments.push_back(
          {ics->filename().empty() ? "event.ics" : ics->filename(),
           absl::StrCat("text/calendar; charset=UTF-8; method=", cancel ? "CANCEL" : "PUBLISH"),
           ics->content()});
    }
  }
  if (result.outcome == MailOutcome::kRetry) return result;
  const auto started = std::chrono::steady_clock::now();
  const SendOutcome sent = sender_.Send(options_.from_address, to, BuildMessage(email));
  if (metrics_.send_seconds != nullptr) {
    metrics_.send_seconds->Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  result.error = sent.detail;
  switch (sent.kind) {
    case SendOutcome::Kind::kAccepted:
      result.outcome = MailOutcome::kSent;
      break;
    case SendOutcome::Kind::kRecipientRefused: {
      result.outcome = MailOutcome::kUndeliverable;
      absl::Status marked = store_.MarkUndeliverable(to, sent.detail);
      if (!marked.ok())
        spdlog::warn("notifications: cannot mark an address: {}", marked.ToString());
      break;
    }
    case SendOutcome::Kind::kMessageRefused:
      result.outcome = MailOutcome::kDead;
      break;
    case SendOutcome::Kind::kTemporary:
      result.outcome = MailOutcome::kRetry;
      break;
  }
  return result;
}

void Dispatcher::Try(const ClaimedMail& m) {
  // The try runs in the trace of the event that caused the mail (the intake's span is the
  // parent; mail stored without one starts a new trace), so its lines carry trace_id.
  logging::ScopedCall in_trace(logging::ContinueStoredTrace(m.mail.traceparent));
  if (clock_.NowUnixMs() + options_.try_time.count() > m.claimed_ms + options_.lease.count()) {
    return;  // its lease is nearly over: left for the next claim
  }
  if (m.attempts == 0 && metrics_.queue_lag != nullptr && m.created_ms > 0) {
    metrics_.queue_lag->Observe(static_cast<double>(clock_.NowUnixMs() - m.created_ms) / 1000.0);
  }
  bool recorded = true;
  MailResult result = Attempt(m, recorded);
  if (!recorded) {
    if (metrics_.errors != nullptr) metrics_.errors->Increment();
    return;
  }
  if (result.outcome == MailOutcome::kRetry) {
    std::optional<int64_t> delay = RetryDelayMs(m.attempts + 1);
    if (delay.has_value()) {
      result.next_due_ms = clock_.NowUnixMs() +
                           static_cast<int64_t>(static_cast<double>(*delay) * options_.retry_scale);
    } else {
      result.outcome = MailOutcome::kDead;
    }
  }
  absl::StatusOr<bool> saved = store_.Record(m, result, clock_.NowUnixMs());
  if (!saved.ok()) {
    if (metrics_.errors != nullptr) metrics_.errors->Increment();
    spdlog::warn("notifications: mail {}: cannot record try {}: {}", m.mail.id, m.attempts + 1,
                 saved.status().ToString());
    return;
  }
  static constexpr const char* kWords[] = {"sent", "retry",         "deferred",
                                           "dead", "undeliverable", "skipped"};
  const char* word = kWords[static_cast<int>(result.outcome)];
  Count(m.mail.template_name, word);
  // Never the address, the link or the body: the mail id finds the rest in the outbox.
  if (result.outcome == MailOutcome::kSent) {
    logging::LogWithFields(spdlog::level::info, "e-mail sent",
                           {{"mail_id", m.mail.id},
                            {"template", m.mail.template_name},
                            {"org_id", m.org_id},
                            {"attempt", absl::StrCat(m.attempts + 1), true}});
  } else {
    spdlog::warn("notifications: mail {} ({}) {} after try {}: {}", m.mail.id, m.mail.template_name,
                 word, m.attempts + 1, result.error);
  }
}

void Dispatcher::Start() { loop_.Start(); }

void Dispatcher::Stop() { loop_.Stop(); }

bool Dispatcher::PollOnce() {
  absl::StatusOr<int> tried = RunOnce();
  if (!tried.ok()) {
    spdlog::warn("notifications: poll failed, will retry: {}", tried.status().ToString());
  }
  return tried.ok() && *tried > 0;
}

}  // namespace events::notifications
