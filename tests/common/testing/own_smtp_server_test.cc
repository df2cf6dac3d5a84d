// OwnSmtpServer with the real mailsink: what a client speaking SMTP (libcurl, as the
// notifications service does) sees, and what is saved.
#include "common/testing/own_smtp_server.h"

#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>

namespace events::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

struct SendResult {
  CURLcode code = CURLE_OK;
  long smtp_code = 0;  // the server's last reply code
};

struct Body {
  std::string text;
  std::size_t sent = 0;
};

std::size_t ReadBody(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<Body*>(user);
  const std::size_t n = std::min(size * count, body->text.size() - body->sent);
  body->text.copy(buffer, n, body->sent);
  body->sent += n;
  return n;
}

// How Send connects: credentials for AUTH, and STARTTLS required, trusting `ca_file`.
struct Client {
  std::string user;
  std::string password;
  bool starttls = false;
  std::string ca_file;
};

Client WithAuth(const std::string& user, const std::string& password) {
  Client client;
  client.user = user;
  client.password = password;
  return client;
}

// STARTTLS required; `ca_file` "" trusts only the system's CAs.
Client OverTls(const std::string& ca_file, Client client = {}) {
  client.starttls = true;
  client.ca_file = ca_file;
  return client;
}

// One message from events@localhost to `to`, through libcurl's SMTP.
SendResult Send(const std::string& url, const std::string& to, const std::string& subject,
                const Client& client = {}) {
  Body body{"From: events@localhost\r\nTo: " + to + "\r\nSubject: " + subject +
            "\r\n\r\nHello,\r\n.a line that starts with a dot\r\n"};
  CURL* curl = curl_easy_init();
  curl_slist* recipients = curl_slist_append(nullptr, ("<" + to + ">").c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, "<events@localhost>");
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadBody);
  curl_easy_setopt(curl, CURLOPT_READDATA, &body);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  if (!client.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, client.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, client.password.c_str());
  }
  if (client.starttls) {
    curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!client.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, client.ca_file.c_str());
  }
  SendResult result;
  result.code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.smtp_code);
  curl_slist_free_all(recipients);
  curl_easy_cleanup(curl);
  return result;
}

std::chrono::steady_clock::time_point InSeconds(int seconds) {
  return std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
}

class OwnSmtpServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  static void TearDownTestSuite() { curl_global_cleanup(); }
};

TEST_F(OwnSmtpServerTest, AMessageSentWithCurlIsSavedAsReceivedAfterItsEnvelope) {
  OwnSmtpServer smtp;
  ASSERT_TRUE(smtp.Start().ok());
  EXPECT_EQ(smtp.url(), "smtp://127.0.0.1:" + std::to_string(smtp.port()));

  const SendResult sent = Send(smtp.url(), "ann@example.org", "Your place is confirmed");
  ASSERT_EQ(sent.code, CURLE_OK) << curl_easy_strerror(sent.code) << "\n" << smtp.Log();
  EXPECT_EQ(sent.smtp_code, 250);

  const auto messages = smtp.WaitForMessages(1, InSeconds(10));
  ASSERT_THAT(messages, SizeIs(1)) << smtp.Log();
  EXPECT_EQ(messages[0],
            "Return-Path: <events@localhost>\r\n"
            "X-Original-To: ann@example.org\r\n"
            "From: events@localhost\r\n"
            "To: ann@example.org\r\n"
            "Subject: Your place is confirmed\r\n"
            "\r\n"
            "Hello,\r\n"
            ".a line that starts with a dot\r\n");
}

TEST_F(OwnSmtpServerTest, MessagesComeBackInTheOrderTheyWereAccepted) {
  OwnSmtpServer smtp;
  ASSERT_TRUE(smtp.Start().ok());
  for (const char* subject : {"first", "second", "third"}) {
    ASSERT_EQ(Send(smtp.url(), "ann@example.org", subject).code, CURLE_OK) << smtp.Log();
  }
  const auto messages = smtp.WaitForMessages(3, InSeconds(10));
  ASSERT_THAT(messages, SizeIs(3));
  EXPECT_THAT(messages[0], HasSubstr("Subject: first\r\n"));
  EXPECT_THAT(messages[1], HasSubstr("Subject: second\r\n"));
  EXPECT_THAT(messages[2], HasSubstr("Subject: third\r\n"));
}

TEST_F(OwnSmtpServerTest, ATempfailRecipientIsAnswered451ThenAcceptedOnTheNextTry) {
  OwnSmtpServer smtp;
  ASSERT_TRUE(smtp.Start().ok());

  const SendResult first = Send(smtp.url(), "tempfail-1-ann@example.org", "try 1");
  EXPECT_NE(first.code, CURLE_OK);
  EXPECT_EQ(first.smtp_code, 451);
  EXPECT_THAT(smtp.Messages(), IsEmpty());

  const SendResult second = Send(smtp.url(), "tempfail-1-ann@example.org", "try 2");
  EXPECT_EQ(second.code, CURLE_OK) << curl_easy_strerror(second.code) << "\n" << smtp.Log();
  EXPECT_EQ(second.smtp_code, 250);
  const auto messages = smtp.WaitForMessages(1, InSeconds(10));
  ASSERT_THAT(messages, SizeIs(1));
  EXPECT_THAT(messages[0], HasSubstr("Subject: try 2\r\n"));
}

TEST_F(OwnSmtpServerTest, TempfailCountsEachAddressApart) {
  OwnSmtpServer smtp;
  ASSERT_TRUE(smtp.Start().ok());
  EXPECT_EQ(Send(smtp.url(), "tempfail-1-ann@example.org", "ann 1").smtp_code, 451);
  EXPECT_EQ(Send(smtp.url(), "tempfail-1-bo@example.org", "bo 1").smtp_code, 451);
  EXPECT_EQ(Send(smtp.url(), "tempfail-1-bo@example.org", "bo 2").smtp_code, 250);
  EXPECT_EQ(Send(smtp.url(), "tempfail-1-ann@example.org", "ann 2").smtp_code, 250);
  EXPECT_THAT(smtp.WaitForMessages(2, InSeconds(10)), SizeIs(2));
}

TEST_F(OwnSmtpServerTest, ARejectRecipientIsAnswered550EveryTimeAndNothingIsSaved) {
  OwnSmtpServer smtp;
  ASSERT_TRUE(smtp.Start().ok());
  for (int attempt = 0; attempt < 2; ++attempt) {
    const SendResult sent = Send(smtp.url(), "reject-ann@example.org", "never");
    EXPECT_NE(sent.code, CURLE_OK);
    EXPECT_EQ(sent.smtp_code, 550);
  }
  // A message sent after them is the first one saved: the rejected ones left nothing.
  ASSERT_EQ(Send(smtp.url(), "ann@example.org", "after").code, CURLE_OK);
  const auto messages = smtp.WaitForMessages(1, InSeconds(10));
  ASSERT_THAT(messages, SizeIs(1));
  EXPECT_THAT(messages[0], HasSubstr("Subject: after\r\n"));
}

TEST_F(OwnSmtpServerTest, WithAuthAMessageIsRefusedWithoutTheRightCredentials) {
  OwnSmtpServer smtp;
  ASSERT_TRUE(smtp.Start({"--auth", "mailer:s3cret"}).ok());

  EXPECT_EQ(Send(smtp.url(), "ann@example.org", "anonymous").smtp_code, 530);
  EXPECT_EQ(Send(smtp.url(), "ann@example.org", "wrong", WithAuth("mailer", "guess")).smtp_code,
            535);
  const SendResult right =
      Send(smtp.url(), "ann@example.org", "signed in", WithAuth("mailer", "s3cret"));
  EXPECT_EQ(right.code, CURLE_OK) << curl_easy_strerror(right.code) << "\n" << smtp.Log();

  const auto messages = smtp.WaitForMessages(1, InSeconds(10));
  ASSERT_THAT(messages, SizeIs(1));
  EXPECT_THAT(messages[0], HasSubstr("Subject: signed in\r\n"));
}

TEST_F(OwnSmtpServerTest, WithStartTlsAClientTrustingItsCertificateSendsOverTls) {
  OwnSmtpServer smtp;
  ASSERT_TRUE(smtp.StartWithStartTls().ok());
  ASSERT_FALSE(smtp.ca_file().empty());

  const SendResult sent = Send(smtp.url(), "ann@example.org", "over TLS", OverTls(smtp.ca_file()));
  EXPECT_EQ(sent.code, CURLE_OK) << curl_easy_strerror(sent.code) << "\n" << smtp.Log();
  // The certificate is checked for real: a client that trusts only the system's CAs refuses
  // it, and sends nothing.
  const SendResult untrusted = Send(smtp.url(), "ann@example.org", "untrusted", OverTls(""));
  EXPECT_EQ(untrusted.code, CURLE_PEER_FAILED_VERIFICATION) << curl_easy_strerror(untrusted.code);

  const auto messages = smtp.WaitForMessages(1, InSeconds(10));
  ASSERT_THAT(messages, SizeIs(1));
  EXPECT_THAT(messages[0], HasSubstr("Subject: over TLS\r\n"));
}

TEST_F(OwnSmtpServerTest, WithStartTlsAndAuthCredentialsAreTakenOnlyAfterStartTls) {
  OwnSmtpServer smtp;
  ASSERT_TRUE(smtp.StartWithStartTls({"--auth", "mailer:s3cret"}).ok());

  // In the clear, AUTH is not offered, so the password is never sent and nothing goes.
  EXPECT_NE(Send(smtp.url(), "ann@example.org", "clear", WithAuth("mailer", "s3cret")).code,
            CURLE_OK);
  const SendResult tls = Send(smtp.url(), "ann@example.org", "tls",
                              OverTls(smtp.ca_file(), WithAuth("mailer", "s3cret")));
  EXPECT_EQ(tls.code, CURLE_OK) << curl_easy_strerror(tls.code) << "\n" << smtp.Log();

  const auto messages = smtp.WaitForMessages(1, InSeconds(10));
  ASSERT_THAT(messages, SizeIs(1));
  EXPECT_THAT(messages[0], HasSubstr("Subject: tls\r\n"));
}

TEST_F(OwnSmtpServerTest, StopEndsTheServerAndRemovesItsFolder) {
  OwnSmtpServer smtp;
  ASSERT_TRUE(smtp.Start().ok());
  const std::string url = smtp.url();
  const std::string dir = smtp.mail_dir();
  smtp.Stop();
  EXPECT_EQ(smtp.url(), "");
  EXPECT_NE(Send(url, "ann@example.org", "too late").code, CURLE_OK);
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST_F(OwnSmtpServerTest, StartFailsWithTheServersOwnMessageForBadArguments) {
  OwnSmtpServer smtp;
  const absl::Status status = smtp.Start({"--auth", "no-colon"});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("--auth must be USER:PASSWORD"));
}

}  // namespace
}  // namespace events::testing
