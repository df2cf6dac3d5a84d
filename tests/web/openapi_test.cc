// The OpenAPI document: built from protoc's descriptor set (as the build does), it has every
// route with its method and parameters, follows the API's JSON rule in its schemas, and is
// the same text every time. OPENAPI_DESCRIPTOR_SET and OPENAPI_JSON are the build's files
// (services/web/CMakeLists.txt).
#include "services/web/api/openapi.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/web/api/json_mapping.h"
#include "services/web/api/route_table.h"

namespace events::web::api {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;
using ::testing::HasSubstr;

std::string ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Struct Parse(const std::string& json) {
  Struct out;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &out);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return out;
}

// The member `key` of a JSON object value; fails the test (and returns null) without it.
const Value& At(const Value& object, const std::string& key) {
  static const Value kNull;
  const auto& fields = object.struct_value().fields();
  const auto it = fields.find(key);
  EXPECT_TRUE(it != fields.end()) << "no member " << key;
  return it == fields.end() ? kNull : it->second;
}

bool Has(const Value& object, const std::string& key) {
  return object.struct_value().fields().count(key) != 0;
}

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(AddDescriptorSet(ReadFile(OPENAPI_DESCRIPTOR_SET), pool_).ok());
    auto routes = LoadRoutes(pool_, ApiServices());
    ASSERT_TRUE(routes.ok()) << routes.status();
    routes_ = *std::move(routes);
    text_ = OpenApiDocument(routes_);
    *doc_.mutable_struct_value() = Parse(text_);
  }

  const Value& Schema(const std::string& name) {
    return At(At(At(doc_, "components"), "schemas"), name);
  }
  const Value& Operation(const ApiRoute& route) {
    return At(At(At(doc_, "paths"), OpenApiPath(route)), absl::AsciiStrToLower(route.http_method));
  }
  const ApiRoute& RouteOf(const std::string& rpc) {
    for (const ApiRoute& route : routes_) {
      if (route.method->name() == rpc) return route;
    }
    ADD_FAILURE() << "no route for " << rpc;
    return routes_.front();
  }

  google::protobuf::DescriptorPool pool_;
  std::vector<ApiRoute> routes_;
  std::string text_;
  Value doc_;
};

TEST_F(OpenApiTest, TheDescriptorSetCarriesTheRoutesOptionsAndComments) {
  auto compiled = LoadCompiledRoutes();
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  ASSERT_EQ(routes_.size(), compiled->size());
  ASSERT_FALSE(routes_.empty());
  for (size_t i = 0; i < routes_.size(); ++i) {
    EXPECT_EQ(routes_[i].method->full_name(), (*compiled)[i].method->full_name());
    EXPECT_EQ(routes_[i].path, (*compiled)[i].path);
    EXPECT_EQ(routes_[i].http_method, (*compiled)[i].http_method);
    EXPECT_EQ(routes_[i].option.access(), (*compiled)[i].option.access());
    EXPECT_EQ(routes_[i].option.scope(), (*compiled)[i].option.scope());
    EXPECT_FALSE(routes_[i].option.access().empty()) << routes_[i].method->full_name();
  }
  // The comments are there (the generated pool has none).
  EXPECT_THAT(At(Operation(RouteOf("Register")), "description").string_value(),
              HasSubstr("Rate-limited per client address"));
}

TEST_F(OpenApiTest, IsAnOpenApi31DocumentWithInfoServersAndSecuritySchemes) {
  EXPECT_EQ(At(doc_, "openapi").string_value(), "3.1.0");
  EXPECT_EQ(At(At(doc_, "info"), "version").string_value(), "v1");
  EXPECT_FALSE(At(At(doc_, "info"), "title").string_value().empty());
  EXPECT_EQ(At(At(doc_, "servers").list_value().values(0), "url").string_value(), "/");
  const Value& schemes = At(At(doc_, "components"), "securitySchemes");
  EXPECT_EQ(At(At(schemes, "apiKey"), "scheme").string_value(), "bearer");
  EXPECT_EQ(At(At(schemes, "registrationToken"), "in").string_value(), "header");
  EXPECT_EQ(At(At(schemes, "registrationToken"), "name").string_value(), "Registration-Token");
}

TEST_F(OpenApiTest, EveryRouteIsThereWithItsMethodOperationIdAndWhoMayCall) {
  std::set<std::string> ids;
  for (const ApiRoute& route : routes_) {
    SCOPED_TRACE(route.method->full_name());
    const Value& op = Operation(route);
    EXPECT_EQ(At(op, "operationId").string_value(), route.method->name());
    EXPECT_TRUE(ids.insert(route.method->name()).second) << "operationId used twice";
    EXPECT_EQ(At(op, "summary").string_value(), route.option.summary());
    EXPECT_THAT(At(op, "description").string_value(),
                HasSubstr("Who may call: " + route.option.access()));
    if (!route.option.scope().empty()) {
      EXPECT_THAT(At(op, "description").string_value(), HasSubstr(route.option.scope()));
    }
    EXPECT_EQ(At(op, "tags").list_value().values(0).string_value(),
              route.method->service()->name());
    const auto& security = At(op, "security").list_value();
    if (route.option.access() == "public") {
      EXPECT_EQ(security.values_size(), 0);
    } else {
      ASSERT_EQ(security.values_size(), 1);
      EXPECT_TRUE(Has(security.values(0),
                      route.option.access() == "attendee" ? "registrationToken" : "apiKey"));
    }
    EXPECT_EQ(Has(op, "requestBody"), route.has_body);
  }
}

TEST_F(OpenApiTest, EveryPathParameterIsDeclaredAsARequiredPathParameter) {
  int checked = 0;
  for (const auto& [path, item] : At(doc_, "paths").struct_value().fields()) {
    for (const auto& [method, op] : item.struct_value().fields()) {
      std::set<std::string> declared;
      if (Has(op, "parameters")) {
        for (const Value& p : At(op, "parameters").list_value().values()) {
          if (At(p, "in").string_value() != "path") continue;
          EXPECT_TRUE(At(p, "required").bool_value());
          declared.insert(At(p, "name").string_value());
        }
      }
      std::set<std::string> in_path;
      // Each {name} of the path (no std::regex: g++ 12 warns inside it under ASan).
      for (size_t open = path.find('{'); open != std::string::npos;
           open = path.find('{', open + 1)) {
        const size_t close = path.find('}', open);
        ASSERT_NE(close, std::string::npos) << path;
        in_path.insert(path.substr(open + 1, close - open - 1));
        ++checked;
      }
      EXPECT_EQ(declared, in_path) << method << " " << path;
    }
  }
  EXPECT_GT(checked, 0);
}

TEST_F(OpenApiTest, RoutesThatDifferOnlyInParameterNamesShareOnePath) {
  // PUT names {settings.event_id}, GET {event_id}: one resource, one path in the document.
  const ApiRoute& put = RouteOf("ConfigureRegistration");
  const ApiRoute& get = RouteOf("GetRegistrationForm");
  ASSERT_NE(put.path, get.path);
  EXPECT_EQ(OpenApiPath(put), "/api/v1/events/{event_id}/registration-settings");
  EXPECT_EQ(OpenApiPath(get), OpenApiPath(put));
  EXPECT_TRUE(Has(Operation(put), "operationId"));
  EXPECT_TRUE(Has(Operation(get), "operationId"));
  std::set<std::string> paths;
  for (const ApiRoute& route : routes_) {
    const std::string path = OpenApiPath(route);
    paths.insert(path);
    EXPECT_EQ(std::count(route.path.begin(), route.path.end(), '/'),
              std::count(path.begin(), path.end(), '/'));
  }
  EXPECT_EQ(At(doc_, "paths").struct_value().fields_size(), static_cast<int>(paths.size()));
}

TEST_F(OpenApiTest, QueryAndHeaderParametersFollowTheRouteTable) {
  // ListRegistrations: paging from the query string.
  std::set<std::string> names;
  for (const Value& p :
       At(Operation(RouteOf("ListRegistrations")), "parameters").list_value().values()) {
    if (At(p, "in").string_value() == "query") names.insert(At(p, "name").string_value());
  }
  for (const QueryParameter& q : QueryParameters(RouteOf("ListRegistrations"))) {
    EXPECT_EQ(names.count(q.name), 1u) << q.name;
  }
  EXPECT_EQ(names.count("page_size"), 1u);
  EXPECT_EQ(names.count("page_token"), 1u);
  // Every route whose request has expected_version takes If-Match and may answer 412; only
  // those. The token is never a parameter (a security scheme says it).
  for (const ApiRoute& route : routes_) {
    SCOPED_TRACE(route.method->full_name());
    const Value& op = Operation(route);
    std::set<std::string> headers;
    if (Has(op, "parameters")) {
      for (const Value& p : At(op, "parameters").list_value().values()) {
        if (At(p, "in").string_value() == "header") headers.insert(At(p, "name").string_value());
        EXPECT_NE(At(p, "name").string_value(), "registration_token");
      }
    }
    const auto* input = route.method->input_type();
    const bool versioned = input->FindFieldByName("expected_version") != nullptr;
    EXPECT_EQ(headers.count("If-Match"), versioned ? 1u : 0u);
    EXPECT_EQ(Has(At(op, "responses"), "412"), versioned);
    EXPECT_EQ(headers.count("Idempotency-Key"),
              input->FindFieldByName("idempotency_key") != nullptr ? 1u : 0u);
    EXPECT_EQ(Has(At(op, "responses"), "415"), route.has_body);
  }
}

TEST_F(OpenApiTest, TimesAreNullableDateTimeStringsNamedWithTheUtcSuffix) {
  const Value& event = At(Schema("Event"), "properties");
  EXPECT_FALSE(Has(event, "start_unix_ms"));
  const Value& start = At(event, "start_utc");
  EXPECT_EQ(At(start, "format").string_value(), "date-time");
  ASSERT_EQ(At(start, "type").list_value().values_size(), 2);
  EXPECT_EQ(At(start, "type").list_value().values(0).string_value(), "string");
  EXPECT_EQ(At(start, "type").list_value().values(1).string_value(), "null");
  // And no schema anywhere names a field with the suffix.
  EXPECT_EQ(text_.find("_unix_ms\":"), std::string::npos);
}

TEST_F(OpenApiTest, Int64IsAStringAndInt32AnInteger) {
  const Value& version = At(At(Schema("Event"), "properties"), "version");
  EXPECT_EQ(At(version, "type").string_value(), "string");
  EXPECT_EQ(At(version, "format").string_value(), "int64");
  // The answer's version is also its ETag.
  EXPECT_TRUE(
      Has(At(At(At(Operation(RouteOf("GetEvent")), "responses"), "200"), "headers"), "ETag"));
  bool saw_int32 = false;
  for (const auto& [name, schema] : At(At(doc_, "components"), "schemas").struct_value().fields()) {
    if (!Has(schema, "properties")) continue;
    for (const auto& [field, property] : At(schema, "properties").struct_value().fields()) {
      if (Has(property, "format") && At(property, "format").string_value() == "int32") {
        EXPECT_EQ(At(property, "type").string_value(), "integer") << name << "." << field;
        saw_int32 = true;
      }
      if (Has(property, "format") && At(property, "format").string_value() == "int64") {
        EXPECT_EQ(At(property, "type").string_value(), "string") << name << "." << field;
      }
    }
  }
  EXPECT_TRUE(saw_int32);
}

TEST_F(OpenApiTest, EnumsAreStringsOfTheirValueNames) {
  const Value& status = Schema("EventStatus");
  EXPECT_EQ(At(status, "type").string_value(), "string");
  std::set<std::string> names;
  for (const Value& v : At(status, "enum").list_value().values()) names.insert(v.string_value());
  const auto* type = pool_.FindEnumTypeByName("events.v1.EventStatus");
  ASSERT_NE(type, nullptr);
  ASSERT_EQ(names.size(), static_cast<size_t>(type->value_count()));
  for (int i = 0; i < type->value_count(); ++i) EXPECT_EQ(names.count(type->value(i)->name()), 1u);
}

TEST_F(OpenApiTest, FileAnswersAreDownloadsInTheirContentTypes) {
  const auto content = [&](const std::string& rpc) {
    std::set<std::string> types;
    for (const auto& [type, media] :
         At(At(At(Operation(RouteOf(rpc)), "responses"), "200"), "content")
             .struct_value()
             .fields()) {
      types.insert(type);
    }
    return types;
  };
  EXPECT_EQ(content("ExportRegistrations"), std::set<std::string>{"text/csv"});
  EXPECT_EQ(content("GetEventCalendar"), std::set<std::string>{"text/calendar"});
  EXPECT_EQ(content("ExportFeedback"), (std::set<std::string>{"text/csv", "application/json"}));
  EXPECT_EQ(content("GetEvent"), std::set<std::string>{"application/json"});
  const Value& csv = At(
      At(At(At(Operation(RouteOf("ExportFeedback")), "responses"), "200"), "content"), "text/csv");
  EXPECT_EQ(At(At(csv, "schema"), "type").string_value(), "string");
  const Value& report =
      At(At(At(At(Operation(RouteOf("ExportFeedback")), "responses"), "200"), "content"),
         "application/json");
  EXPECT_EQ(At(At(report, "schema"), "type").string_value(), "object");
}

TEST_F(OpenApiTest, ErrorsAreProblemDocuments) {
  const Value& problem = At(Schema("Problem"), "properties");
  for (const char* field : {"type", "title", "status", "detail", "code", "request_id"}) {
    EXPECT_TRUE(Has(problem, field)) << field;
  }
  const Value& not_found = At(At(At(doc_, "components"), "responses"), "NotFound");
  EXPECT_EQ(At(At(At(not_found, "content"), "application/problem+json"), "schema")
                .struct_value()
                .fields()
                .at("$ref")
                .string_value(),
            "#/components/schemas/Problem");
}

TEST_F(OpenApiTest, RequestBodiesNeverNameTheRegistrationToken) {
  const ApiRoute& update = RouteOf("UpdateMyRegistration");
  ASSERT_NE(update.method->input_type()->FindFieldByName("registration_token"), nullptr);
  const Value& request = Schema(update.method->input_type()->name());
  EXPECT_FALSE(Has(At(request, "properties"), "registration_token"));
}

TEST_F(OpenApiTest, IsTheSameTextEveryTimeAndWhatTheBuildWrote) {
  EXPECT_EQ(OpenApiDocument(routes_), text_);
  EXPECT_EQ(ReadFile(OPENAPI_JSON), text_);
}

TEST_F(OpenApiTest, TheGeneratedPoolWithoutCommentsGivesTheSamePaths) {
  auto compiled = LoadCompiledRoutes();
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  Value other;
  *other.mutable_struct_value() = Parse(OpenApiDocument(*compiled));
  std::set<std::string> a;
  std::set<std::string> b;
  for (const auto& [path, item] : At(doc_, "paths").struct_value().fields()) a.insert(path);
  for (const auto& [path, item] : At(other, "paths").struct_value().fields()) b.insert(path);
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace events::web::api
