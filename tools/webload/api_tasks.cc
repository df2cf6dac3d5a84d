#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tools/webload/tasks.h"

namespace events::webload {
namespace {

// True when the JSON object `body` has a member `name` that is an object: enough to tell
// an answer with a registration from one without, without a JSON parser in the loop.
bool HasObjectMember(const std::string& body, const std::string& name) {
  const std::string key = absl::StrCat("\"", name, "\"");
  for (size_t at = body.find(key); at != std::string::npos; at = body.find(key, at + 1)) {
    size_t i = at + key.size();
    while (i < body.size() && absl::ascii_isspace(static_cast<unsigned char>(body[i]))) ++i;
    if (i >= body.size() || body[i] != ':') continue;
    ++i;
    while (i < body.size() && absl::ascii_isspace(static_cast<unsigned char>(body[i]))) ++i;
    if (i < body.size() && body[i] == '{') return true;
  }
  return false;
}

}  // namespace

bool RegisterThroughApi(httplib::Client& client, const TaskOptions& o, int worker, int64_t n) {
  const std::string path = absl::StrCat("/api/v1/events/", o.event_id, "/registrations");
  // Names and e-mails are plain ASCII here, so the JSON needs no escaping.
  const std::string body = absl::StrCat(
      "{\"name\":\"Bench Attendee ", worker, "-", n, "\",\"email\":\"", o.email_prefix, "-", worker,
      "-", n, "@bench.example.org\",\"participation\":\"PARTICIPATION_PROFESSIONAL\"}");
  const httplib::Headers headers{
      {"Idempotency-Key", absl::StrCat("benchkey-", o.email_prefix, "-", worker, "-", n)}};
  // Sent again on a closed connection too: the Idempotency-Key makes the retry safe.
  auto done = client.Post(path, headers, body, "application/json");
  if (!done) done = client.Post(path, headers, body, "application/json");
  if (!done || done->status != 200 || !HasObjectMember(done->body, "registration")) {
    ShowFailure("POST " + path, done);
    return false;
  }
  return true;
}

bool GetCapacityThroughApi(httplib::Client& client, const TaskOptions& o, int /*worker*/,
                           int64_t /*n*/) {
  const std::string path = absl::StrCat("/api/v1/events/", o.event_id, "/capacity");
  auto answer = GetWithRetry(client, path, {{"Authorization", "Bearer " + o.api_key}});
  if (!answer || answer->status != 200) {
    ShowFailure("GET " + path, answer);
    return false;
  }
  return true;
}

}  // namespace events::webload
