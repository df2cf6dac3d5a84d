#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace events::testing {

// An SMTP server of one test's own: tools/mailsink/mailsink.py on a free loopback port,
// saving each message it accepts as an .eml file in a fresh folder. Recipients choose how
// it answers (see the script): `tempfail-<n>-...` is answered 451 for the first n RCPT
// attempts, `reject-...` 550, anything else is accepted. Stopped (SIGTERM, then SIGKILL
// after 5 s) and its folder removed on Stop or destruction. Not thread-safe; Messages and
// WaitForMessages only read files, so another thread may call them while the server runs.
class OwnSmtpServer {
 public:
  OwnSmtpServer() = default;
  ~OwnSmtpServer() { Stop(); }
  OwnSmtpServer(const OwnSmtpServer&) = delete;
  OwnSmtpServer& operator=(const OwnSmtpServer&) = delete;

  // Starts the server with `extra_args` after the defaults (e.g. {"--auth", "user:secret"})
  // and waits up to 20 s for the port it chose. An error (with the end of the server's log)
  // when it could not be started.
  absl::Status Start(const std::vector<std::string>& extra_args = {});
  // The same, offering STARTTLS with a new self-signed certificate for 127.0.0.1, which a
  // client verifies by trusting ca_file().
  absl::Status StartWithStartTls(const std::vector<std::string>& extra_args = {});
  void Stop();

  // "smtp://127.0.0.1:<port>" ("" before Start).
  std::string url() const;
  int port() const { return port_; }

  // The saved messages' contents, in the order they were accepted. Each is the message as
  // received, after a Return-Path and an X-Original-To line (the envelope).
  std::vector<std::string> Messages() const;
  // Polls until at least `count` messages are saved or `deadline` passes; returns
  // Messages() as it is then (fewer than `count` at the deadline).
  std::vector<std::string> WaitForMessages(std::size_t count,
                                           std::chrono::steady_clock::time_point deadline) const;

  // The server's log (its stderr): for the message of a failing test.
  std::string Log() const;
  // Where the messages are saved ("" before Start).
  const std::string& mail_dir() const { return mail_dir_; }
  // The certificate (PEM) to trust after StartWithStartTls ("" otherwise).
  const std::string& ca_file() const { return ca_file_; }

 private:
  absl::Status Launch(std::vector<std::string> extra_args, bool starttls);
  absl::Status ReadPort(int fd, std::chrono::steady_clock::time_point deadline);

  pid_t pid_ = 0;
  int port_ = 0;
  std::string dir_;       // the fresh folder: the log, and mail/
  std::string mail_dir_;  // dir_/mail
  std::string ca_file_;   // dir_/cert.pem with STARTTLS
};

}  // namespace events::testing
