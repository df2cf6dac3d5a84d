#include <atomic>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "tools/webload/tasks.h"

namespace events::webload {
namespace {

// The value of the hidden input `name` in a page, or "".
std::string HiddenValue(const std::string& page, const std::string& name) {
  const std::string marker = absl::StrCat("name=\"", name, "\" value=\"");
  const size_t at = page.find(marker);
  if (at == std::string::npos) return "";
  const size_t start = at + marker.size();
  const size_t end = page.find('"', start);
  return end == std::string::npos ? "" : page.substr(start, end - start);
}

std::atomic<bool> g_failure_shown{false};

}  // namespace

void ShowFailure(const std::string& what, const httplib::Result& res) {
  if (g_failure_shown.exchange(true)) return;
  if (!res) {
    std::fprintf(stderr, "first failure: %s: %s\n", what.c_str(),
                 httplib::to_string(res.error()).c_str());
  } else {
    std::fprintf(stderr, "first failure: %s: HTTP %d\n", what.c_str(), res->status);
  }
}

httplib::Result GetWithRetry(httplib::Client& client, const std::string& path,
                             const httplib::Headers& headers) {
  auto res = client.Get(path, headers);
  if (!res) res = client.Get(path, headers);
  return res;
}

bool RegisterThroughForm(httplib::Client& client, const TaskOptions& o, int worker, int64_t n) {
  const std::string form_path = absl::StrCat("/events/", o.event_id, "/register");
  auto form = GetWithRetry(client, form_path);
  if (!form || form->status != 200) {
    ShowFailure("GET " + form_path, form);
    return false;
  }
  std::string cookie = form->get_header_value("Set-Cookie");
  cookie = cookie.substr(0, cookie.find(';'));
  const std::string csrf = HiddenValue(form->body, "csrf");
  if (csrf.empty() || cookie.empty()) return false;
  httplib::Params fields{
      {"csrf", csrf},
      {"name", absl::StrCat("Bench Attendee ", worker, "-", n)},
      {"email", absl::StrCat(o.email_prefix, "-", worker, "-", n, "@bench.example.org")},
      {"participation", "professional"},
      {"support", "no"},
      {"idempotency_key", absl::StrCat("benchkey-", o.email_prefix, "-", worker, "-", n)}};
  // Sent again on a closed connection too: the idempotency key makes the retry safe.
  auto done = client.Post(form_path + "/confirm", {{"Cookie", cookie}}, fields);
  if (!done) done = client.Post(form_path + "/confirm", {{"Cookie", cookie}}, fields);
  if (!done || done->status != 200 ||
      done->body.find("class=\"panel__body\"") == std::string::npos) {
    ShowFailure("POST " + form_path + "/confirm", done);
    return false;
  }
  return true;
}

bool GetEventPage(httplib::Client& client, const TaskOptions& o, int /*worker*/, int64_t /*n*/) {
  auto page = GetWithRetry(client, absl::StrCat("/events/", o.event_id));
  if (!page || page->status != 200) {
    ShowFailure("GET /events/" + o.event_id, page);
    return false;
  }
  return true;
}

}  // namespace events::webload
