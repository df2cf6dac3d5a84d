// The issue's demo over HTTP only, as a mailing tool would do it: an organiser makes a key
// with contacts:read and contacts:write; someone registers with marketing consent; the
// tool sees them in the contacts feed, unsubscribes them, and the consent is withdrawn: the
// feed's latest entry for them says subscribed false, and the registration's
// marketing_opt_in is false. The feed is integrations' projection of registrations
// (eventually consistent), so the test polls with a deadline.
#include <chrono>
#include <functional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "gtest/gtest.h"
#include "tests/api/compare.h"
#include "tests/api/world.h"

namespace events::api_test {
namespace {

using absl::Substitute;
using google::protobuf::Value;

httplib::Headers Bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }

// The body of a 200 answer as JSON; fails the test otherwise.
Value Ok(const HttpAnswer& http) {
  Value json;
  EXPECT_EQ(http.status, 200) << http.body;
  EXPECT_TRUE(ParseJson(http.body, json)) << http.body;
  return json;
}

const Value& Member(const Value& object, const std::string& name) {
  static const Value* const kNull = new Value();
  auto it = object.struct_value().fields().find(name);
  return it == object.struct_value().fields().end() ? *kNull : it->second;
}

bool Eventually(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

// The feed's latest entry for `email` (null when it has none), read page by page.
Value LatestContact(const std::string& key, const std::string& email) {
  Value latest;
  std::string cursor = "0";
  for (int page = 0; page < 100; ++page) {
    Value json = Ok(SendHttp(
        "GET", absl::StrCat("/api/v1/contacts?page_size=500&after_cursor=", cursor), Bearer(key)));
    const auto& contacts = Member(json, "contacts").list_value().values();
    for (const Value& c : contacts) {
      if (JsonString(c, "email") == email) latest = c;
    }
    const std::string next = JsonString(json, "next_cursor");
    if (contacts.empty() || next.empty() || next == cursor) break;
    cursor = next;
  }
  return latest;
}

TEST(ContactsDemoTest, AMailingToolListsContactsUnsubscribesOneAndTheConsentIsWithdrawn) {
  World& w = World::Get();
  const httplib::Headers organiser = Bearer(w.org_a());
  // The organiser makes the tool's key.
  Value made = Ok(SendHttp("POST", "/api/v1/api-keys", organiser,
                           R"({"name": "Mailing tool", "scopes": ["contacts:read",
                                                                  "contacts:write"]})"));
  const std::string tool = JsonString(made, "api_key");
  ASSERT_FALSE(tool.empty()) << "no api_key in the answer";
  // An event, and someone who registers for it agreeing to hear about others.
  Value event = Ok(SendHttp("POST", "/api/v1/events", organiser,
                            absl::StrCat(R"({"details": )", World::Details("Open day"), "}")));
  const std::string event_id = JsonString(event, "id");
  Ok(SendHttp("POST", absl::StrCat("/api/v1/events/", event_id, "/publish"), organiser, "{}"));
  const std::string email = w.UniqueEmail("noor");
  Value registered =
      Ok(SendHttp("POST", absl::StrCat("/api/v1/events/", event_id, "/registrations"), {},
                  Substitute(R"({"name": "Noor Haddad", "email": "$0",
                                 "marketing_opt_in": true})",
                             email)));
  const std::string registration_id = JsonString(Member(registered, "registration"), "id");
  ASSERT_FALSE(registration_id.empty()) << "no registration.id in the answer";

  // The tool lists contacts until the new one is there, subscribed.
  EXPECT_TRUE(Eventually([&] {
    return Member(LatestContact(tool, email), "subscribed").bool_value();
  })) << email
      << " never appeared subscribed in GET /api/v1/contacts";
  // It may not read registrations (no registrations:read).
  const std::string registration_path =
      absl::StrCat("/api/v1/events/", event_id, "/registrations/", registration_id);
  EXPECT_EQ(ProblemDifference(SendHttp("GET", registration_path, Bearer(tool)), 403,
                              "PERMISSION_DENIED", "registrations:read"),
            "");

  // The person unsubscribes in the mailing tool; the tool tells the platform.
  Value unsubscribed =
      Ok(SendHttp("POST", "/api/v1/contacts/unsubscribe", Bearer(tool),
                  Substitute(R"({"email": "$0", "source": "mailing tool"})", email)));
  EXPECT_EQ(Member(unsubscribed, "registrations_changed").number_value(), 1)
      << unsubscribed.DebugString();

  // The consent is withdrawn: the feed's latest entry says so, and so does the registration.
  EXPECT_TRUE(Eventually([&] {
    Value latest = LatestContact(tool, email);
    return latest.has_struct_value() && !Member(latest, "subscribed").bool_value();
  })) << email
      << " is still subscribed in GET /api/v1/contacts";
  Value registration = Ok(SendHttp("GET", registration_path, organiser));
  EXPECT_EQ(JsonString(registration, "email"), email);
  EXPECT_FALSE(Member(registration, "marketing_opt_in").bool_value()) << registration.DebugString();
}

}  // namespace
}  // namespace events::api_test
