#pragma once

#include <chrono>
#include <string>

#include "absl/status/statusor.h"

namespace events::notifications {

// What a mail server said to one message.
struct SendOutcome {
  enum class Kind {
    kAccepted,
    // Try again later: 4xx, no connection, a timeout, and our own setup refused (AUTH,
    // MAIL FROM), which an operator fixes without the recipient's address being at fault.
    kTemporary,
    // The recipient's address refused for good (5xx to RCPT TO).
    kRecipientRefused,
    // The message itself refused for good (5xx after DATA).
    kMessageRefused,
  };
  Kind kind = Kind::kAccepted;
  // The SMTP reply code, 0 when there was none (no connection).
  long code = 0;
  // For people: what failed, never the message or any credential.
  std::string detail;
};

// Sends one message to one recipient. Thread-safe: each call has its own connection.
class MailSender {
 public:
  virtual ~MailSender() = default;
  virtual SendOutcome Send(const std::string& from_address, const std::string& to_address,
                           const std::string& message) = 0;
};

struct SmtpOptions {
  // smtp://host:port (plain, or STARTTLS when tls is kStartTls) or smtps://host:port
  // (implicit TLS).
  std::string url = "smtp://127.0.0.1:2525";
  enum class Tls { kNone, kStartTls, kImplicit };
  Tls tls = Tls::kStartTls;
  std::string username;
  std::string password;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds timeout{60000};
  // Verify the server's certificate (off only for a test server with its own certificate).
  bool verify_peer = true;
};

// Reads NOTIFICATIONS_SMTP_URL and _TLS as described in docs/notifications.md:
// INVALID_ARGUMENT naming the setting when they do not fit together (e.g. TLS "none" to a
// host that is not loopback).
absl::StatusOr<SmtpOptions::Tls> ParseSmtpTls(const std::string& url, const std::string& tls);

// MailSender over libcurl's SMTP.
class CurlMailSender final : public MailSender {
 public:
  explicit CurlMailSender(SmtpOptions options);
  SendOutcome Send(const std::string& from_address, const std::string& to_address,
                   const std::string& message) override;

 private:
  SmtpOptions options_;
};

}  // namespace events::notifications
