#include "services/integrations/webhooks/url_policy.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace events::integrations {
namespace {

absl::StatusCode CodeOf(const char* url, UrlPolicy policy = {}) {
  return CheckWebhookUrl(url, "url", policy).status().code();
}

std::string MessageOf(const char* url, UrlPolicy policy = {}) {
  return std::string(CheckWebhookUrl(url, "url", policy).status().message());
}

TEST(UrlPolicyTest, PublicHttpsUrlsAreTakenApart) {
  UrlPolicy any_port;
  any_port.allow_any_port = true;
  absl::StatusOr<WebhookUrl> url =
      CheckWebhookUrl("https://Hooks.Example.org:8443/in/events?source=events#x", "url", any_port);
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "hooks.example.org");
  EXPECT_EQ(url->port, 8443);
  EXPECT_EQ(url->path, "/in/events?source=events");

  url = CheckWebhookUrl("https://[2606:4700::1111]/hook", "url", {});
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->host, "2606:4700::1111");
  EXPECT_EQ(url->port, 443);

  url = CheckWebhookUrl("https://93.184.216.34", "url", {});
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->path, "/");
  EXPECT_TRUE(CheckWebhookUrl("https://1password.example/x", "url", {}).ok());
}

TEST(UrlPolicyTest, PlainHttpIsRefusedExceptToLoopbackWithTheDevelopmentFlag) {
  EXPECT_EQ(CodeOf("http://hooks.example.org/"), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(MessageOf("http://hooks.example.org/"), "must use https"));
  EXPECT_EQ(CodeOf("http://127.0.0.1:9000/hook"), absl::StatusCode::kInvalidArgument);
  UrlPolicy dev;
  dev.allow_http_loopback = true;
  EXPECT_TRUE(CheckWebhookUrl("http://127.0.0.1:9000/hook", "url", dev).ok());
  EXPECT_TRUE(CheckWebhookUrl("http://localhost:9000/hook", "url", dev).ok());
  EXPECT_TRUE(CheckWebhookUrl("http://[::1]:9000/hook", "url", dev).ok());
  EXPECT_EQ(CodeOf("http://hooks.example.org/", dev), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf("http://10.0.0.5/", dev), absl::StatusCode::kInvalidArgument);
}

TEST(UrlPolicyTest, HttpsIsOnPort443UnlessAnyPortIsAllowed) {
  EXPECT_TRUE(CheckWebhookUrl("https://hooks.example.org:443/in", "url", {}).ok());
  for (const char* url : {"https://hooks.example.org:8443/in", "https://hooks.example.org:25/",
                          "https://93.184.216.34:6379/"}) {
    EXPECT_EQ(CodeOf(url), absl::StatusCode::kInvalidArgument) << url;
    EXPECT_TRUE(absl::StrContains(MessageOf(url), "port 443")) << MessageOf(url);
  }
  UrlPolicy any_port;
  any_port.allow_any_port = true;
  EXPECT_TRUE(CheckWebhookUrl("https://hooks.example.org:8443/in", "url", any_port).ok());
  UrlPolicy dev;
  dev.allow_http_loopback = true;
  EXPECT_TRUE(CheckWebhookUrl("http://localhost:9000/hook", "url", dev).ok());
}

TEST(UrlPolicyTest, LoopbackAddressesOnlyForPlainHttpToALoopbackHost) {
  UrlPolicy dev;
  dev.allow_http_loopback = true;
  dev.allow_any_port = true;
  auto allowed = [&](const char* url, const char* ip) {
    absl::StatusOr<WebhookUrl> checked = CheckWebhookUrl(url, "url", dev);
    return checked.ok() && IsAddressAllowed(ip, *checked, dev);
  };
  EXPECT_TRUE(allowed("http://localhost:9000/", "127.0.0.1"));
  EXPECT_TRUE(allowed("http://hooks.localhost:9000/", "127.0.0.2"));
  EXPECT_TRUE(allowed("http://127.0.0.1:9000/", "127.0.0.1"));
  EXPECT_TRUE(allowed("https://hooks.example.org/", "93.184.216.34"));
  // A public name resolving to loopback, or https to a loopback host: refused.
  EXPECT_FALSE(allowed("https://hooks.example.org/", "127.0.0.1"));
  EXPECT_FALSE(allowed("https://hooks.example.org:8443/", "::1"));
  EXPECT_FALSE(allowed("https://localhost/", "127.0.0.1"));
  EXPECT_FALSE(allowed("http://localhost:9000/", "10.0.0.1"));
  UrlPolicy prod;
  absl::StatusOr<WebhookUrl> url = CheckWebhookUrl("https://hooks.example.org/", "url", prod);
  ASSERT_TRUE(url.ok());
  EXPECT_FALSE(IsAddressAllowed("127.0.0.1", *url, prod));
  UrlPolicy inside;
  inside.allow_private = true;
  EXPECT_TRUE(IsAddressAllowed("10.0.0.1", *url, inside));
}

TEST(UrlPolicyTest, PrivateAndReservedAddressesAreRefused) {
  for (const char* url :
       {"https://10.1.2.3/", "https://172.16.0.1/", "https://172.31.255.255/",
        "https://192.168.1.10/", "https://127.0.0.1/", "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/", "https://0.0.0.0/", "https://224.0.0.1/", "https://255.255.255.255/",
        "https://[::1]/", "https://[fd00::1]/", "https://[fe80::1]/", "https://[::ffff:10.0.0.1]/",
        "https://[::ffff:127.0.0.1]/", "https://[64:ff9b::a00:1]/", "https://localhost/",
        "https://api.localhost/"}) {
    EXPECT_EQ(CodeOf(url), absl::StatusCode::kInvalidArgument) << url;
    EXPECT_TRUE(absl::StrContains(MessageOf(url), "private or reserved")) << MessageOf(url);
  }
  UrlPolicy inside;
  inside.allow_private = true;
  EXPECT_TRUE(CheckWebhookUrl("https://10.1.2.3/", "url", inside).ok());
  EXPECT_TRUE(CheckWebhookUrl("https://172.32.0.1/", "url", {}).ok());  // just outside /12
}

TEST(UrlPolicyTest, NumericHostsThatAreNotDottedAddressesAreRefused) {
  for (const char* url :
       {"https://2130706433/", "https://0x7f.1/", "https://017700000001/", "https://127.1/"}) {
    EXPECT_EQ(CodeOf(url), absl::StatusCode::kInvalidArgument) << url;
  }
}

TEST(UrlPolicyTest, MalformedUrlsNameTheRule) {
  EXPECT_TRUE(absl::StrContains(MessageOf(""), "url is required"));
  EXPECT_TRUE(absl::StrContains(MessageOf("ftp://example.org/"), "must start with https://"));
  EXPECT_TRUE(absl::StrContains(MessageOf("https:///path"), "must have a host"));
  EXPECT_TRUE(absl::StrContains(MessageOf("https://user:pw@example.org/"), "password"));
  EXPECT_TRUE(absl::StrContains(MessageOf("https://example.org:99999/"), "port"));
  EXPECT_TRUE(absl::StrContains(MessageOf("https://example.org:http/"), "port"));
  EXPECT_TRUE(absl::StrContains(MessageOf("https://exa mple.org/"), "spaces"));
  EXPECT_TRUE(absl::StrContains(MessageOf("https://[::1/"), "unclosed"));
  const std::string long_url = "https://example.org/" + std::string(2100, 'a');
  EXPECT_TRUE(absl::StrContains(CheckWebhookUrl(long_url, "url", {}).status().message(), "2048"));
}

TEST(UrlPolicyTest, ResolvedAddressesAreJudgedTheSameWay) {
  EXPECT_TRUE(IsPublicAddress("93.184.216.34"));
  EXPECT_TRUE(IsPublicAddress("2606:4700::1111"));
  EXPECT_FALSE(IsPublicAddress("10.0.0.1"));
  EXPECT_FALSE(IsPublicAddress("::ffff:192.168.0.1"));
  EXPECT_FALSE(IsPublicAddress("2001:db8::1"));
  EXPECT_FALSE(IsPublicAddress("not an address"));
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.53"));
  EXPECT_TRUE(IsLoopbackAddress("::1"));
  EXPECT_FALSE(IsLoopbackAddress("10.0.0.1"));
}

}  // namespace
}  // namespace events::integrations
