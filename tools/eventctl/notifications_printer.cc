#include "tools/eventctl/notifications_printer.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "tools/eventctl/output.h"

namespace events::eventctl {
std::string MailStateWord(events::v1::MailState state) {
  switch (state) {
    case events::v1::MAIL_STATE_PENDING:
      return "pending";
    case events::v1::MAIL_STATE_SENT:
      return "sent";
    case events::v1::MAIL_STATE_DEAD:
      return "dead";
    case events::v1::MAIL_STATE_UNDELIVERABLE:
      return "undeliverable";
    case events::v1::MAIL_STATE_SKIPPED:
      return "skipped";
    default:
      return "unknown";
  }
}

events::v1::MailState MailStateFromWord(const std::string& word, bool& ok) {
  ok = true;
  if (word.empty()) return events::v1::MAIL_STATE_UNSPECIFIED;
  for (auto state :
       {events::v1::MAIL_STATE_PENDING, events::v1::MAIL_STATE_SENT, events::v1::MAIL_STATE_DEAD,
        events::v1::MAIL_STATE_UNDELIVERABLE, events::v1::MAIL_STATE_SKIPPED}) {
    if (MailStateWord(state) == word) return state;
  }
  ok = false;
  return events::v1::MAIL_STATE_UNSPECIFIED;
}

std::string DescribeSenderSettings(const events::v1::SenderSettings& s) {
  if (s.version() == 0) {
    return "No sender settings yet: e-mail goes out as the platform's default name, with no "
           "Reply-To and no footer.\nSet them with: eventctl notifications settings --from-name "
           "\"...\" [--reply-to ...] [--footer ...] [--coordinator-email ...]\n";
  }
  return absl::StrCat(
      "From name:          ", s.from_name(), "\n",
      "Reply-To:           ", s.reply_to().empty() ? "(none)" : s.reply_to(), "\n",
      "Footer:             ", s.footer().empty() ? "(none)" : s.footer(), "\n",
      "Access coordinators: ",
      s.coordinator_emails().empty() ? "(none)" : absl::StrJoin(s.coordinator_emails(), ", "), "\n",
      "Version:            ", s.version(), " (", UtcTimeText(s.updated_unix_ms()), ")\n");
}

std::string OutboxTable(const std::vector<events::v1::OutboxMail>& mail) {
  if (mail.empty()) return "No e-mail yet.\n";
  std::string out;
  bool any_dead = false;
  for (const auto& m : mail) {
    absl::StrAppend(&out,
                    absl::StrFormat("%-20s %-13s %-22s %-30s %s tries  %s\n",
                                    UtcTimeText(m.updated_unix_ms()), MailStateWord(m.state()),
                                    m.template_(), m.recipient().empty() ? "-" : m.recipient(),
                                    absl::StrCat(m.attempts()), m.mail_id()));
    if (!m.last_error().empty() && m.state() != events::v1::MAIL_STATE_SENT) {
      absl::StrAppend(&out, "    ", m.last_error(), "\n");
    }
    any_dead = any_dead || m.state() == events::v1::MAIL_STATE_DEAD;
  }
  if (any_dead) {
    absl::StrAppend(&out,
                    "\nDead e-mail was tried for hours and not accepted. Once the mail server "
                    "works, send it again with: eventctl notifications replay [MAIL_ID]\n");
  }
  return out;
}

}  // namespace events::eventctl
