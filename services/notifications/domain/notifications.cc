#include "services/notifications/domain/notifications.h"

#include "absl/strings/str_cat.h"
#include "common/util/clock.h"
#include "common/util/text_rules.h"
#include "services/notifications/store/outbox_store.h"
#include "services/notifications/store/redis_outbox_store.h"

namespace events::notifications {

absl::Status ValidateSenderSettings(events::v1::SenderSettings& s) {
  if (absl::Status st = CheckText(s.from_name(), "settings.from_name", 1, 80); !st.ok()) return st;
  if (!s.reply_to().empty()) {
    s.set_reply_to(NormaliseEmailAddress(s.reply_to()));
    if (absl::Status st = CheckEmail(s.reply_to(), "settings.reply_to"); !st.ok()) return st;
  }
  if (absl::Status st = CheckText(s.footer(), "settings.footer", 0, 500, true); !st.ok()) return st;
  if (s.coordinator_emails_size() > 10) {
    return absl::InvalidArgumentError("settings.coordinator_emails may list at most 10 addresses");
  }
  for (int i = 0; i < s.coordinator_emails_size(); ++i) {
    s.set_coordinator_emails(i, NormaliseEmailAddress(s.coordinator_emails(i)));
    if (absl::Status st = CheckEmail(s.coordinator_emails(i),
                                     absl::StrCat("settings.coordinator_emails[", i, "]"));
        !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<events::v1::SenderSettings> Notifications::Settings(const std::string& org_id) {
  absl::StatusOr<events::v1::SenderSettings> s = store_.GetSettings(org_id);
  if (absl::IsNotFound(s.status())) return events::v1::SenderSettings();
  return s;
}

absl::StatusOr<events::v1::SenderSettings> Notifications::UpdateSettings(
    const std::string& org_id, const events::v1::UpdateSenderSettingsRequest& request) {
  if (request.expected_version() < 0) {
    return absl::InvalidArgumentError("expected_version must be 0 or more");
  }
  events::v1::SenderSettings s = request.settings();
  if (absl::Status st = ValidateSenderSettings(s); !st.ok()) return st;
  return store_.PutSettings(org_id, s, request.expected_version(), clock_.NowUnixMs());
}

absl::StatusOr<events::v1::ListOutboxResponse> Notifications::Outbox(
    const std::string& org_id, const events::v1::ListOutboxRequest& request) {
  if (request.limit() < 0 || request.limit() > 200) {
    return absl::InvalidArgumentError("limit must be between 1 and 200, or 0 for 50");
  }
  if (!events::v1::MailState_IsValid(request.state())) {
    return absl::InvalidArgumentError("state is not a known mail state");
  }
  absl::StatusOr<std::vector<events::v1::OutboxMail>> mail =
      store_.ListOutbox(org_id, request.limit() == 0 ? 50 : request.limit(), request.state());
  if (!mail.ok()) return mail.status();
  events::v1::ListOutboxResponse out;
  for (auto& m : *mail) *out.add_mail() = std::move(m);
  return out;
}

absl::StatusOr<events::v1::ReplayDeadMailResponse> Notifications::Replay(
    const std::string& org_id, const events::v1::ReplayDeadMailRequest& request) {
  if (!request.mail_id().empty() && PartitionOfMail(request.mail_id()) < 0) {
    return absl::InvalidArgumentError(
        "mail_id is not a mail id; copy one from the outbox (e.g. 3.5f0c...)");
  }
  absl::StatusOr<int> replayed = store_.Replay(org_id, request.mail_id(), clock_.NowUnixMs());
  if (!replayed.ok()) return replayed.status();
  if (!request.mail_id().empty() && *replayed == 0) {
    return absl::NotFoundError(absl::StrCat("no dead e-mail ", request.mail_id()));
  }
  events::v1::ReplayDeadMailResponse out;
  out.set_replayed(*replayed);
  return out;
}

}  // namespace events::notifications
