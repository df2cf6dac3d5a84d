#pragma once

#include <string>
#include <vector>

#include "events/v1/notifications.pb.h"

namespace events::eventctl {

// "sent", "pending", "dead", "undeliverable", "skipped".
std::string MailStateWord(events::v1::MailState state);
// Parses a state word for --state; UNSPECIFIED for "" or an unknown word (`ok` false then).
events::v1::MailState MailStateFromWord(const std::string& word, bool& ok);
// The sender settings, one per line.
std::string DescribeSenderSettings(const events::v1::SenderSettings& settings);
// One line per e-mail, newest first, with the reason for anything not sent; then what to do
// about dead mail.
std::string OutboxTable(const std::vector<events::v1::OutboxMail>& mail);

}  // namespace events::eventctl
