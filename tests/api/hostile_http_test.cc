// Hostile HTTP at the gateway: bad JSON, the wrong JSON type, unknown fields and query
// parameters, a huge body, the wrong content type, path traversal and encoded slashes in
// ids, very long ids, control characters and line breaks in headers, If-Match garbage, a
// registration token where it must never be. Every answer is a 4xx problem document naming
// the field or rule, never a 5xx, and the stack keeps answering afterwards.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "gtest/gtest.h"
#include "tests/api/compare.h"
#include "tests/api/world.h"

namespace events::api_test {
namespace {

using absl::Substitute;

httplib::Headers OrgA() { return {{"Authorization", "Bearer " + World::Get().org_a()}}; }

// An answer the gateway made for bad input: a 4xx problem document; with `status` (when
// not 0) that status, and naming `mention` (when not empty).
void ExpectRefused(const HttpAnswer& http, int status, const std::string& mention) {
  EXPECT_GE(http.status, 400) << http.body;
  EXPECT_LT(http.status, 500) << http.body;
  EXPECT_EQ(ProblemDifference(http, status == 0 ? http.status : status, "", mention), "");
}

TEST(HostileHttpTest, BodiesThatAreNotTheRequestsJsonObjectAre400Or413Or415) {
  World& w = World::Get();
  const std::string path = "/api/v1/events";
  ExpectRefused(SendHttp("POST", path, OrgA(), R"({"details": {"title": )"), 400, "");
  ExpectRefused(SendHttp("POST", path, OrgA(), "[1, 2, 3]"), 400, "object");
  ExpectRefused(SendHttp("POST", path, OrgA(), R"("a string")"), 400, "object");
  ExpectRefused(SendHttp("POST", path, OrgA(), "null"), 400, "");
  ExpectRefused(SendHttp("POST", path, OrgA(), R"({"details": {"title": "x", "colour": "red"}})"),
                400, "colour");
  ExpectRefused(SendHttp("POST", path, OrgA(), R"({"details": {"capacity": "many"}})"), 400,
                "capacity");
  ExpectRefused(SendHttp("POST", path, OrgA(), "{\"details\": {\"title\": \"\xff\xfe\"}}"), 400,
                "");
  std::string huge = absl::StrCat(R"({"details": {"title": "x", "description": ")",
                                  std::string(size_t{300} * 1024, 'a'), R"("}})");
  ExpectRefused(SendHttp("POST", path, OrgA(), huge), 413, "");
  ExpectRefused(SendHttp("POST", path, OrgA(), "{}", "text/plain"), 415, "");
  ExpectRefused(SendHttp("POST", path, OrgA(), "details=x", "application/x-www-form-urlencoded"),
                415, "");
  // The path's id and the body's must agree.
  const std::string event = w.shared().event_id;
  ExpectRefused(SendHttp("PUT", absl::StrCat("/api/v1/events/", event, "/capacity"), OrgA(),
                         R"({"event_id": "another", "capacity": 5})"),
                400, "event_id");
}

TEST(HostileHttpTest, IdsWithSlashesDotsControlsOrGreatLengthAre400) {
  for (const std::string& id :
       std::vector<std::string>{"..", "%2E%2E", ".", "a%00b", "a%0D%0AX-Evil:%201", "a%7Fb",
                                "a%09b", std::string(300, 'e')}) {
    SCOPED_TRACE(id);
    ExpectRefused(SendHttp("GET", absl::StrCat("/api/v1/events/", id), OrgA()), 400, "");
    ExpectRefused(SendHttp("GET", absl::StrCat("/api/v1/events/", id, "/registrations"), OrgA()),
                  400, "");
  }
  // An encoded slash: cpp-httplib decodes the path before the gateway routes it, so it
  // splits the segment and the path is no route's (404), never another object's.
  for (const std::string& id : std::vector<std::string>{"..%2F..%2Fapi-keys", "a%2Fb", "%2F"}) {
    SCOPED_TRACE(id);
    ExpectRefused(SendHttp("GET", absl::StrCat("/api/v1/events/", id), OrgA()), 0, "");
    ExpectRefused(SendHttp("POST", absl::StrCat("/api/v1/webhooks/", id, "/test"), OrgA(), "{}"), 0,
                  "");
  }
  // Unencoded traversal never leaves /api/v1 for another route or file.
  const HttpAnswer raw = SendRaw(absl::StrCat(
      "GET /api/v1/events/../../../etc/passwd HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
      "Bearer ",
      World::Get().org_a(), "\r\nConnection: close\r\n\r\n"));
  EXPECT_GE(raw.status, 400) << raw.body;
  EXPECT_LT(raw.status, 500) << raw.body;
  EXPECT_EQ(raw.body.find("root:"), std::string::npos);
}

TEST(HostileHttpTest, QueryStringsWithUnknownParametersOrATokenAre400) {
  ExpectRefused(SendHttp("GET", "/api/v1/events?colour=blue", OrgA()), 400, "colour");
  ExpectRefused(SendHttp("GET", "/api/v1/events?page_size=lots", OrgA()), 400, "page_size");
  ExpectRefused(SendHttp("GET", "/api/v1/events?status=EVENT_STATUS_NONSENSE", OrgA()), 400,
                "status");
  const std::string token = World::Get().shared().person.token;
  ExpectRefused(SendHttp("GET", "/api/v1/my/registration?registration_token=" + token, {}), 400,
                "registration_token");
  ExpectRefused(SendHttp("POST", "/api/v1/my/registration/cancel", {},
                         Substitute(R"({"registration_token": "$0"})", token)),
                400, "registration_token");
  // The token is not cancelled by any of that.
  EXPECT_EQ(SendHttp("GET", "/api/v1/my/registration", {{"Registration-Token", token}}).status,
            200);
}

TEST(HostileHttpTest, IfMatchThatIsNoQuotedWholeNumberIs400) {
  World& w = World::Get();
  const std::string target = absl::StrCat("/api/v1/events/", w.NewEvent(false), "/publish");
  for (const std::string& value : std::vector<std::string>{
           "\"seven\"", "W/\"1\"", "\"-1\"", "*", "\"1\", \"2\"", "\"99999999999999999999999\""}) {
    SCOPED_TRACE(value);
    httplib::Headers headers = OrgA();
    headers.emplace("If-Match", value);
    ExpectRefused(SendHttp("POST", target, headers, "{}"), 400, "If-Match");
  }
  // A route whose RPC takes no version.
  httplib::Headers headers = OrgA();
  headers.emplace("If-Match", "\"1\"");
  ExpectRefused(SendHttp("POST", "/api/v1/webhooks", headers,
                         R"({"url": "https://hooks.example.org/x", "event_types": ["*"]})"),
                400, "If-Match");
  // A stale version: 412, and the event is still a draft.
  headers = OrgA();
  headers.emplace("If-Match", "\"41\"");
  ExpectRefused(SendHttp("POST", target, headers, "{}"), 412, "");
}

// A request with one extra header line, sent byte for byte.
HttpAnswer WithHeader(const std::string& method, const std::string& target,
                      const std::string& header_line, const std::string& body = "") {
  return SendRaw(absl::StrCat(method, " ", target, " HTTP/1.1\r\nHost: localhost\r\n",
                              "Authorization: Bearer ", World::Get().org_a(), "\r\n", header_line,
                              "\r\nContent-Type: application/json\r\nContent-Length: ", body.size(),
                              "\r\nConnection: close\r\n\r\n", body));
}

TEST(HostileHttpTest, ControlCharactersAndLineBreaksInHeadersAreRefused) {
  World& w = World::Get();
  const std::string event = w.shared().event_id;
  const std::string register_path = absl::StrCat("/api/v1/events/", event, "/registrations");
  const std::string body = Substitute(R"({"name": "Ivy", "email": "$0"})", w.UniqueEmail("ivy"));
  for (const std::string& line :
       std::vector<std::string>{std::string("Idempotency-Key: abc\x01") + "def",
                                std::string("Idempotency-Key: a\rX-Evil: 1"),
                                std::string("Idempotency-Key: ") + std::string(5000, 'k')}) {
    SCOPED_TRACE(line.substr(0, 40));
    ExpectRefused(WithHeader("POST", register_path, line, body), 400, "Idempotency-Key");
  }
  for (const std::string& line :
       std::vector<std::string>{std::string("Registration-Token: tok\x7f") + "en",
                                std::string("Registration-Token: a\rAuthorization: x")}) {
    SCOPED_TRACE(line.substr(0, 40));
    ExpectRefused(WithHeader("GET", "/api/v1/my/registration", line), 400, "Registration-Token");
  }
  ExpectRefused(WithHeader("POST", absl::StrCat("/api/v1/events/", w.NewEvent(false), "/publish"),
                           std::string("If-Match: \"1\"\x01"), "{}"),
                400, "If-Match");
}

TEST(HostileHttpTest, UnknownPathsAre404AndOtherMethods405WithAllow) {
  ExpectRefused(SendHttp("GET", "/api/v1/no-such-thing", OrgA()), 404, "");
  ExpectRefused(SendHttp("GET", "/api/v2/events", OrgA()), 404, "");
  HttpAnswer http = SendHttp("DELETE", "/api/v1/events", OrgA());
  ExpectRefused(http, 405, "");
  EXPECT_NE(http.Header("Allow").find("GET"), std::string::npos) << http.Header("Allow");
  EXPECT_NE(http.Header("Allow").find("POST"), std::string::npos) << http.Header("Allow");
}

TEST(HostileHttpTest, TheStackStillAnswersAfterAllThat) {
  const std::string event_id = World::Get().shared().event_id;
  const HttpAnswer needs = SendHttp("GET", "/api/v1/access-needs?event_id=" + event_id, {});
  EXPECT_EQ(needs.status, 200) << needs.body;
  const HttpAnswer event = SendHttp("GET", "/api/v1/events/" + event_id, {});
  EXPECT_EQ(event.status, 200) << event.body;
  EXPECT_EQ(SendHttp("GET", "/readyz", {}).status, 200);
}

}  // namespace
}  // namespace events::api_test
