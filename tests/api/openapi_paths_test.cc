// Every path of the OpenAPI document (GET /api/v1/openapi.json) answers with each method
// it lists: never 404 (no such route) or 405 (no such method), nor a 5xx. Path parameters
// are filled with ids of objects made for this test, so a 404 means the route is missing.
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "tests/api/compare.h"
#include "tests/api/world.h"

namespace events::api_test {
namespace {

TEST(OpenApiPathsTest, EveryPathInTheDocumentAnswersWithEachOfItsMethods) {
  HttpAnswer doc = SendHttp("GET", "/api/v1/openapi.json", {});
  ASSERT_EQ(doc.status, 200) << doc.body;
  google::protobuf::Value json;
  ASSERT_TRUE(ParseJson(doc.body, json));
  EXPECT_EQ(JsonString(json, "openapi").substr(0, 4), "3.1.");
  // Objects of their own: the calls below cancel, delete and revoke them.
  World& w = World::Get();
  const std::string event = w.NewEvent(true);
  const Person person = w.Register(event);
  const std::string request = w.NewAccessRequest(w.Register(event));
  const std::map<std::string, std::string> values = {{"{event_id}", event},
                                                     {"{settings.event_id}", event},
                                                     {"{registration_id}", person.registration_id},
                                                     {"{request_id}", request},
                                                     {"{provision_id}", w.NewProvision(event)},
                                                     {"{series_id}", w.NewSeries(true)},
                                                     {"{webhook_id}", w.NewWebhook()},
                                                     {"{key_id}", w.NewKey({"events:read"}).key_id},
                                                     {"{need}", "bsl_interpreter"},
                                                     {"{question_id}", "mattered_most"},
                                                     {"{member_id}", w.NewMember()}};
  const auto& paths = json.struct_value().fields().find("paths");
  ASSERT_NE(paths, json.struct_value().fields().end());
  int calls = 0;
  for (const auto& [path, item] : paths->second.struct_value().fields()) {
    const std::string target = absl::StrReplaceAll(path, values);
    EXPECT_EQ(target.find('{'), std::string::npos) << "no value for a parameter of " << path;
    for (const auto& [method, operation] : item.struct_value().fields()) {
      const std::string upper = absl::AsciiStrToUpper(method);
      if (upper != "GET" && upper != "POST" && upper != "PUT" && upper != "PATCH" &&
          upper != "DELETE") {
        continue;
      }
      SCOPED_TRACE(absl::StrCat(upper, " ", path));
      httplib::Headers headers = {{"Authorization", "Bearer " + w.org_a()},
                                  {"Registration-Token", person.token}};
      const bool body = upper == "POST" || upper == "PUT" || upper == "PATCH";
      HttpAnswer http =
          SendHttp(upper, target, headers, body ? "{}" : "", body ? "application/json" : "");
      EXPECT_NE(http.status, 0);
      EXPECT_NE(http.status, 405) << http.body;
      EXPECT_LT(http.status, 500) << http.body;
      if (http.status == 404) {
        // The service may say an object is gone (a call above deleted it); the gateway
        // must not say the route is.
        google::protobuf::Value problem;
        ParseJson(http.body, problem);
        EXPECT_EQ(JsonString(problem, "code"), "NOT_FOUND") << http.body;
        EXPECT_EQ(JsonString(problem, "detail").find("no such API path"), std::string::npos)
            << http.body;
      }
      ++calls;
    }
  }
  EXPECT_GT(calls, 70);
}

}  // namespace
}  // namespace events::api_test
