#include "services/web/console/integrations_common.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "events/v1/integrations.grpc.pb.h"

namespace events::web::console {
namespace {

constexpr size_t kMaxUrlLength = 2048;
constexpr size_t kMaxFileName = 100;

}  // namespace

const std::vector<std::string>& IntegrationScopes() {
  static const auto* const kScopes = new std::vector<std::string>{
      "events:read",     "registrations:read", "contacts:read",        "contacts:write",
      "webhooks:manage", "feedback:read",      "accessibility:counts",
  };
  return *kScopes;
}

std::string ScopeLabelKey(absl::string_view scope) {
  return absl::StrCat("console_int_scope_", absl::StrReplaceAll(scope, {{":", "_"}}));
}

std::string ScopeHintKey(absl::string_view scope) {
  return absl::StrCat(ScopeLabelKey(scope), "_hint");
}

const std::vector<std::string>& WebhookEventChoices() {
  static const auto* const kChoices = new std::vector<std::string>{
      "*", "event.*", "registration.*", "accessibility.*", "feedback.*", "contact.unsubscribed",
  };
  return *kChoices;
}

std::string EventChoiceLabelKey(absl::string_view choice) {
  if (choice == "*") return "console_int_events_all";
  if (choice == "contact.unsubscribed") return "console_int_events_unsubscribed";
  if (!absl::EndsWith(choice, ".*")) return "";
  for (const std::string& c : WebhookEventChoices()) {
    if (c == choice) {
      return absl::StrCat("console_int_events_", choice.substr(0, choice.size() - 2));
    }
  }
  return "";
}

std::string WebhookAddressProblem(absl::string_view url) {
  if (url.empty()) return "console_int_err_url_required";
  if (url.size() > kMaxUrlLength) return "console_int_err_url_long";
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || u >= 0x80) return "console_int_err_url_characters";
  }
  absl::string_view rest = url;
  if (absl::StartsWithIgnoreCase(rest, "https://")) {
    rest.remove_prefix(8);
  } else if (absl::StartsWithIgnoreCase(rest, "http://")) {
    rest.remove_prefix(7);
  } else {
    return "console_int_err_url_https";
  }
  const absl::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (absl::StrContains(authority, '@')) return "console_int_err_url_userinfo";
  const absl::string_view host = authority.substr(0, authority.rfind(':'));
  if (authority.empty() || host.empty() || authority.front() == ':') {
    return "console_int_err_url_host";
  }
  return "";
}

std::string SafeFileName(absl::string_view name, absl::string_view fallback) {
  std::string out;
  for (char c : name) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') {
      out.push_back(c);
    }
  }
  while (!out.empty() && out.front() == '.') out.erase(out.begin());
  if (out.size() > kMaxFileName) out.erase(0, out.size() - kMaxFileName);
  return out.empty() ? std::string(fallback) : out;
}

std::string UrlEncode(absl::string_view text) {
  constexpr absl::string_view kHex = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

bool IsKeyId(absl::string_view id) { return IsPathId(id) && absl::StartsWith(id, "key_"); }

bool IsWebhookId(absl::string_view id) { return IsPathId(id) && absl::StartsWith(id, "wh_"); }

std::string ScopesText(const Site& site,
                       const google::protobuf::RepeatedPtrField<std::string>& scopes) {
  std::vector<std::string> words;
  for (const std::string& s : scopes) {
    const std::string key = ScopeLabelKey(s);
    words.push_back(site.messages().Has(key) ? site.Text(key) : s);
  }
  return absl::StrJoin(words, ", ");
}

std::string EventTypesText(const Site& site,
                           const google::protobuf::RepeatedPtrField<std::string>& types) {
  std::vector<std::string> words;
  for (const std::string& t : types) {
    const std::string key = EventChoiceLabelKey(t);
    words.push_back(key.empty() ? t : site.Text(key));
  }
  return absl::StrJoin(words, ", ");
}

std::optional<Response> LoadWebhook(Console& console, const Request& request, const Person& person,
                                    events::v1::Webhook* webhook) {
  const std::string& id = request.params.at(0);
  if (!IsWebhookId(id)) return ErrorPage(console.site, 404, request);
  // The service has no GetWebhook: the organisation's list (at most 50) is the lookup, and
  // it holds only the caller's organisation's webhooks.
  events::v1::ListWebhooksResponse list;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      console.site.backends.integrations().ListWebhooks(context.get(), {}, &list);
  if (!status.ok()) return ConsoleRpcError(console, request, status, "ListWebhooks");
  for (const events::v1::Webhook& w : list.webhooks()) {
    if (w.id() == id) {
      *webhook = w;
      return std::nullopt;
    }
  }
  return ErrorPage(console.site, 404, request);
}

std::string WebhookHref(const events::v1::Webhook& webhook) {
  return absl::StrCat("/manage/integrations/webhooks/", webhook.id());
}

}  // namespace events::web::console
