// The HTTP/JSON API's rules without a network: the route table read from the protos'
// options (and what it refuses), the query parameters, the JSON rule (times, unknown fields,
// the registration token), the headers, and the problem documents.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <functional>
#include <set>

#include "events/v1/feedback.pb.h"
#include "events/v1/http.pb.h"
#include "events/v1/integrations.pb.h"
#include "events/v1/registration.pb.h"
#include "events/v1/scheduling.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/web/api/json_mapping.h"
#include "services/web/api/problem.h"
#include "services/web/api/route_table.h"
#include "services/web/api/transcoder.h"

namespace events::web::api {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

const ApiRoute* Find(const std::vector<ApiRoute>& routes, const std::string& rpc) {
  for (const ApiRoute& r : routes) {
    if (r.method->name() == rpc) return &r;
  }
  return nullptr;
}

TEST(ApiRoutesTest, EveryRpcIsOnTheApiOrForServicesOnly) {
  absl::StatusOr<std::vector<ApiRoute>> routes = LoadCompiledRoutes();
  ASSERT_TRUE(routes.ok()) << routes.status();
  const ApiRoute* capacity = Find(*routes, "GetCapacity");
  ASSERT_NE(capacity, nullptr);
  EXPECT_EQ(capacity->http_method, "GET");
  EXPECT_EQ(capacity->path, "/api/v1/events/{event_id}/capacity");
  EXPECT_EQ(capacity->path_fields, std::vector<std::string>{"event_id"});
  EXPECT_FALSE(capacity->has_body);
  const ApiRoute* configure = Find(*routes, "ConfigureRegistration");
  ASSERT_NE(configure, nullptr);
  EXPECT_EQ(configure->path_fields, std::vector<std::string>{"settings.event_id"});
  EXPECT_TRUE(configure->has_body);
  const ApiRoute* export_feedback = Find(*routes, "ExportFeedback");
  ASSERT_NE(export_feedback, nullptr);
  EXPECT_TRUE(export_feedback->server_streaming);
  EXPECT_TRUE(export_feedback->file_response);
  // For the platform's services only: never on the API.
  for (const char* internal :
       {"LookupRegistration", "WithdrawMarketingConsent", "ListEventRegistrations",
        "IssueRegistrationLink", "IssueSignInLink", "DescribeMember", "ListMembersForMail"}) {
    EXPECT_EQ(Find(*routes, internal), nullptr) << internal;
  }
  // Every RPC of every service is one or the other.
  size_t rpcs = 0;
  for (const std::string& name : ApiServices()) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    rpcs += static_cast<size_t>(service->method_count());
  }
  EXPECT_EQ(routes->size() + 7, rpcs);
}

// No message has both `x` and `x_unix_ms`: the API's name for the time would collide.
TEST(ApiRoutesTest, NoTimeFieldsApiNameCollidesWithAnotherField) {
  ASSERT_TRUE(LoadCompiledRoutes().ok());
  std::set<const google::protobuf::Descriptor*> seen;
  std::vector<const google::protobuf::Descriptor*> todo;
  for (const std::string& name : ApiServices()) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    for (int i = 0; i < service->method_count(); ++i) {
      todo.push_back(service->method(i)->input_type());
      todo.push_back(service->method(i)->output_type());
    }
  }
  while (!todo.empty()) {
    const auto* type = todo.back();
    todo.pop_back();
    if (!seen.insert(type).second) continue;
    std::set<std::string> names;
    for (int i = 0; i < type->field_count(); ++i) {
      const auto* field = type->field(i);
      EXPECT_TRUE(names.insert(ApiFieldName(*field)).second)
          << type->full_name() << "." << field->name() << " collides on the API";
      if (field->message_type() != nullptr) todo.push_back(field->message_type());
    }
  }
}

// A pool with http.proto and one test service, to see what LoadRoutes refuses.
class BadOptionsTest : public ::testing::Test {
 protected:
  absl::Status Load(const std::function<void(google::protobuf::MethodDescriptorProto&,
                                             google::protobuf::MethodDescriptorProto&)>& edit) {
    google::protobuf::DescriptorPool pool;
    for (const auto* file : {google::protobuf::FileDescriptorProto::descriptor()->file(),
                             events::v1::HttpRoute::descriptor()->file()}) {
      google::protobuf::FileDescriptorProto proto;
      file->CopyTo(&proto);
      if (pool.BuildFile(proto) == nullptr) return absl::InternalError("cannot build pool");
    }
    google::protobuf::FileDescriptorProto test;
    test.set_name("test/t.proto");
    test.set_package("t");
    test.set_syntax("proto3");
    test.add_dependency("events/v1/http.proto");
    auto* req = test.add_message_type();
    req->set_name("Req");
    auto* id = req->add_field();
    id->set_name("event_id");
    id->set_number(1);
    id->set_type(google::protobuf::FieldDescriptorProto::TYPE_STRING);
    id->set_label(google::protobuf::FieldDescriptorProto::LABEL_OPTIONAL);
    auto* n = req->add_field();
    n->set_name("count");
    n->set_number(2);
    n->set_type(google::protobuf::FieldDescriptorProto::TYPE_INT32);
    n->set_label(google::protobuf::FieldDescriptorProto::LABEL_OPTIONAL);
    auto* service = test.add_service();
    service->set_name("S");
    auto* a = service->add_method();
    a->set_name("A");
    a->set_input_type(".t.Req");
    a->set_output_type(".t.Req");
    auto* b = service->add_method();
    b->set_name("B");
    b->set_input_type(".t.Req");
    b->set_output_type(".t.Req");
    events::v1::HttpRoute ra;
    ra.set_method("GET");
    ra.set_path("/api/v1/things/{event_id}");
    *a->mutable_options()->MutableExtension(events::v1::http) = ra;
    events::v1::HttpRoute rb = ra;
    rb.set_path("/api/v1/things/{event_id}/b");
    *b->mutable_options()->MutableExtension(events::v1::http) = rb;
    edit(*a, *b);
    // Options with extensions survive the copy only as unknown fields: reparse them.
    std::string bytes;
    test.SerializeToString(&bytes);
    google::protobuf::FileDescriptorProto reparsed;
    reparsed.ParseFromString(bytes);
    if (pool.BuildFile(reparsed) == nullptr) return absl::InternalError("cannot build t.proto");
    return LoadRoutes(pool, {"t.S"}).status();
  }
};

TEST_F(BadOptionsTest, AWellFormedServiceLoads) {
  EXPECT_TRUE(Load([](auto&, auto&) {}).ok());
}

TEST_F(BadOptionsTest, AnRpcWithNeitherOptionIsRefusedByName) {
  absl::Status s = Load([](auto&, auto& b) { b.clear_options(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("t.S.B must have exactly one"));
}

TEST_F(BadOptionsTest, RoutesThatCouldAnswerTheSamePathAreRefused) {
  absl::Status s = Load([](auto&, auto& b) {
    events::v1::HttpRoute r = b.options().GetExtension(events::v1::http);
    r.set_path("/api/v1/things/fixed");
    *b.mutable_options()->MutableExtension(events::v1::http) = r;
  });
  EXPECT_THAT(s.message(), HasSubstr("could answer the same paths"));
}

TEST_F(BadOptionsTest, APathParameterMustBeAStringFieldAndTheMethodOneOfFive) {
  EXPECT_THAT(Load([](auto&, auto& b) {
                events::v1::HttpRoute r = b.options().GetExtension(events::v1::http);
                r.set_path("/api/v1/things/{count}/b");
                *b.mutable_options()->MutableExtension(events::v1::http) = r;
              }).message(),
              HasSubstr("{count} is not a string field"));
  EXPECT_THAT(Load([](auto&, auto& b) {
                events::v1::HttpRoute r = b.options().GetExtension(events::v1::http);
                r.set_method("FETCH");
                *b.mutable_options()->MutableExtension(events::v1::http) = r;
              }).message(),
              HasSubstr("is not GET, POST, PUT, PATCH or DELETE"));
  EXPECT_THAT(Load([](auto&, auto& b) {
                events::v1::HttpRoute r = b.options().GetExtension(events::v1::http);
                r.set_path("/v2/things");
                *b.mutable_options()->MutableExtension(events::v1::http) = r;
              }).message(),
              HasSubstr("must start with /api/v1/"));
}

std::vector<std::string> NamesOf(const std::vector<QueryParameter>& parameters) {
  std::vector<std::string> out;
  out.reserve(parameters.size());
  for (const auto& p : parameters) out.push_back(p.name);
  return out;
}

TEST(QueryParametersTest, NestedFieldsGoByTheirOwnNameAndTimesByTheirApiName) {
  auto routes = LoadCompiledRoutes();
  ASSERT_TRUE(routes.ok());
  EXPECT_THAT(NamesOf(QueryParameters(*Find(*routes, "ListRegistrations"))),
              UnorderedElementsAre("status", "pool", "page_size", "page_token"));
  EXPECT_THAT(NamesOf(QueryParameters(*Find(*routes, "ListUpcomingEvents"))),
              UnorderedElementsAre("page_size", "page_token", "from_utc", "to_utc"));
  // The token is a header, never a parameter.
  EXPECT_TRUE(QueryParameters(*Find(*routes, "GetMyRegistration")).empty());
  // Body routes take no query.
  EXPECT_TRUE(QueryParameters(*Find(*routes, "Register")).empty());
}

TEST(JsonMappingTest, TimesAreRfc3339UnderTheirApiNameAndNullForNone) {
  events::v1::Event event;
  event.set_id("ev_1");
  event.set_start_unix_ms(1803463200000);
  event.set_version(7);
  absl::StatusOr<std::string> json = MessageToApiJson(event);
  ASSERT_TRUE(json.ok());
  EXPECT_THAT(*json, HasSubstr("\"start_utc\":\"2027-02-24T10:00:00.000Z\""));
  EXPECT_THAT(*json, HasSubstr("\"end_utc\":null"));
  EXPECT_THAT(*json, HasSubstr("\"version\":\"7\""));  // 64-bit integers as strings
  EXPECT_THAT(*json, HasSubstr("\"status\":\"EVENT_STATUS_UNSPECIFIED\""));
  EXPECT_THAT(*json, ::testing::Not(HasSubstr("unix_ms")));
  // It is JSON.
  google::protobuf::Struct parsed;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(*json, &parsed).ok()) << *json;
}

// Protobuf's own JSON of `message` (proto names, primitives printed) with the time rule
// applied by hand: what the API's writer must give.
google::protobuf::Struct ProtobufsJsonWithTheTimeRule(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions print;
  print.preserve_proto_field_names = true;
  print.always_print_primitive_fields = true;
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(message, &json, print).ok());
  google::protobuf::Struct object;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &object).ok());
  std::function<void(const google::protobuf::Descriptor&, google::protobuf::Struct&)> apply =
      [&](const google::protobuf::Descriptor& type, google::protobuf::Struct& o) {
        auto& fields = *o.mutable_fields();
        for (int i = 0; i < type.field_count(); ++i) {
          const auto& field = *type.field(i);
          auto found = fields.find(field.name());
          if (found == fields.end()) continue;
          if (IsTimeField(field)) {
            const int64_t ms = std::stoll(found->second.string_value());
            google::protobuf::Value v;
            if (ms == 0) {
              v.set_null_value(google::protobuf::NULL_VALUE);
            } else {
              v.set_string_value(FormatApiTime(ms));
            }
            fields.erase(found);
            fields[ApiFieldName(field)] = v;
          } else if (field.message_type() != nullptr && found->second.has_struct_value()) {
            apply(*field.message_type(), *found->second.mutable_struct_value());
          } else if (field.message_type() != nullptr && found->second.has_list_value()) {
            for (auto& e : *found->second.mutable_list_value()->mutable_values()) {
              apply(*field.message_type(), *e.mutable_struct_value());
            }
          }
        }
      };
  apply(*message.GetDescriptor(), object);
  return object;
}

void ExpectSameAsProtobufsJson(const google::protobuf::Message& message) {
  absl::StatusOr<std::string> ours = MessageToApiJson(message);
  ASSERT_TRUE(ours.ok());
  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*ours, &parsed).ok()) << *ours;
  const google::protobuf::Struct expected = ProtobufsJsonWithTheTimeRule(message);
  std::string differences;
  google::protobuf::util::MessageDifferencer differ;
  differ.ReportDifferencesToString(&differences);
  EXPECT_TRUE(differ.Compare(expected, parsed)) << differences << "ours: " << *ours;
}

// The API's writer is protobuf's JSON mapping plus the time rule, field for field: set
// and unset messages, repeated messages, enums, 64-bit integers, doubles, escapes.
TEST(JsonMappingTest, WritesWhatProtobufsOwnJsonSaysBesidesTimes) {
  events::v1::Event event;
  event.set_id("ev_1");
  event.set_version(int64_t{1} << 60);
  event.set_status(events::v1::EVENT_STATUS_PUBLISHED);
  event.set_start_unix_ms(1803463200000);
  event.mutable_details()->set_title("Caf\xc3\xa9 \"quotes\" \\ and\nnew lines \x01");
  event.mutable_details()->set_capacity(250);
  event.mutable_details()->mutable_start()->set_value("2027-02-24T10:00");
  auto* session = event.add_agenda();
  session->set_title("Welcome");
  session->set_start_unix_ms(1803463200000);
  ExpectSameAsProtobufsJson(event);

  events::v1::FeedbackReport report;
  report.set_response_rate(0.1 + 0.2);
  report.set_generated_unix_ms(1);
  auto* question = report.add_questions();
  question->set_mean(4.5);
  question->set_median(1e-7);
  question->mutable_nps()->set_score(-33.333333333333336);
  question->add_texts("ok");
  ExpectSameAsProtobufsJson(report);
  ExpectSameAsProtobufsJson(events::v1::RegisterResponse());
}

// The API's reader reads what protobuf's own parser reads (times aside): escapes, surrogate
// pairs, numbers as strings, enums by name and number, nested and repeated messages.
TEST(JsonMappingTest, ReadsWhatProtobufsOwnParserReads) {
  for (const std::string json : {
           R"({"event_id": "ev_1", "name": "Caf\u00e9 \"Q\" \\ \n \ud83d\ude00 /\/",
               "participation": "PARTICIPATION_CARER", "marketing_opt_in": true,
               "answers": [{"question_id": "q", "choices": ["a", "b"], "yes": false},
                           {"text": "t"}], "companion": false, "pool": "",
               "idempotency_key": "k"})",
           R"({"participation": 2, "answers": []})",
           R"({  })",
       }) {
    events::v1::RegisterRequest ours;
    events::v1::RegisterRequest theirs;
    ASSERT_TRUE(ApiJsonToMessage(json, ours).ok()) << json;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &theirs).ok()) << json;
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(ours, theirs))
        << ours.DebugString() << " vs " << theirs.DebugString();
  }
  for (const std::string json : {
           R"({"event_id": "ev_1", "capacity": "120"})",
           R"({"event_id": "ev_1", "capacity": 1.2e2})",
       }) {
    events::v1::ChangeCapacityRequest ours;
    events::v1::ChangeCapacityRequest theirs;
    ASSERT_TRUE(ApiJsonToMessage(json, ours).ok()) << json;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &theirs).ok()) << json;
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(ours, theirs)) << json;
  }
  events::v1::ChangeCapacityRequest capacity;
  EXPECT_THAT(ApiJsonToMessage(R"({"capacity": 1.5})", capacity).message(),
              HasSubstr("capacity: must be a whole number"));
  EXPECT_THAT(ApiJsonToMessage(R"({"capacity": 99999999999})", capacity).message(),
              HasSubstr("capacity: must be a whole number in range"));
}

TEST(JsonMappingTest, ReadsTimesWithAnyOffsetAndRefusesTheRawName) {
  events::v1::ListUpcomingEventsRequest request;
  ASSERT_TRUE(
      ApiJsonToMessage(R"({"from_utc": "2027-02-24T11:00:00+01:00", "to_utc": null})", request)
          .ok());
  EXPECT_EQ(request.from_unix_ms(), 1803463200000);
  events::v1::ListUpcomingEventsRequest raw;
  absl::Status s = ApiJsonToMessage(R"({"from_unix_ms": "1"})", raw);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("\"from_utc\""));
  EXPECT_THAT(ApiJsonToMessage(R"({"from_utc": "tomorrow"})", raw).message(),
              HasSubstr("from_utc: must be an RFC 3339"));
  EXPECT_THAT(ApiJsonToMessage(R"({"from_utc": 12})", raw).message(), HasSubstr("not a number"));
  EXPECT_THAT(ApiJsonToMessage(R"({"from": "2027-02-24T11:00:00Z"})", raw).message(),
              HasSubstr("from: is not a field"));
}

TEST(JsonMappingTest, RefusesWhatIsNotOneObjectOfKnownFields) {
  events::v1::RegisterRequest request;
  EXPECT_THAT(ApiJsonToMessage("[1]", request).message(), HasSubstr("one JSON object"));
  EXPECT_THAT(ApiJsonToMessage("{\"name\":", request).message(), HasSubstr("not JSON"));
  EXPECT_THAT(ApiJsonToMessage(R"({"nmae": "x"})", request).message(),
              HasSubstr("nmae: is not a field of RegisterRequest"));
  EXPECT_THAT(ApiJsonToMessage(R"({"answers": [{"qid": 1}]})", request).message(),
              HasSubstr("answers[0].qid: is not a field of Answer"));
  // Kinds are checked strictly (protobuf alone would read "yes" as true).
  EXPECT_THAT(ApiJsonToMessage(R"({"companion": "yes"})", request).message(),
              HasSubstr("companion: must be true or false, not a string"));
  EXPECT_THAT(ApiJsonToMessage(R"({"name": 5})", request).message(),
              HasSubstr("name: must be a string, not a number"));
  EXPECT_THAT(ApiJsonToMessage(R"({"answers": {"a": 1}})", request).message(),
              HasSubstr("answers: must be a list, not an object"));
  EXPECT_THAT(ApiJsonToMessage(R"({"answers": [{"choices": [1]}]})", request).message(),
              HasSubstr("answers[0].choices[0]: must be a string"));
  EXPECT_THAT(ApiJsonToMessage(R"({"participation": "NOPE"})", request).message(),
              HasSubstr("participation"));
  // Deep nesting is an error, not a crash.
  EXPECT_FALSE(ApiJsonToMessage(std::string(100000, '[') + std::string(100000, ']'), request).ok());
  // camelCase, as protobuf writes it, is read too.
  ASSERT_TRUE(ApiJsonToMessage(R"({"eventId": "ev_1", "marketing_opt_in": true})", request).ok());
  EXPECT_EQ(request.event_id(), "ev_1");
  EXPECT_TRUE(request.marketing_opt_in());
}

TEST(JsonMappingTest, TheRegistrationTokenIsNeverTakenFromTheBodyOrTheAddress) {
  events::v1::UpdateMyRegistrationRequest request;
  EXPECT_THAT(ApiJsonToMessage(R"({"registration_token": "rg_x.y"})", request).message(),
              HasSubstr("Registration-Token header"));
  EXPECT_THAT(SetFieldFromText(request, "registration_token", "rg_x.y").message(),
              HasSubstr("Registration-Token header"));
  EXPECT_TRUE(request.registration_token().empty());
}

TEST(JsonMappingTest, TextParametersFollowTheFieldsType) {
  events::v1::ListRegistrationsRequest request;
  EXPECT_TRUE(SetFieldFromText(request, "status", "REGISTRATION_STATUS_WAITLISTED").ok());
  EXPECT_EQ(request.status(), events::v1::REGISTRATION_STATUS_WAITLISTED);
  EXPECT_TRUE(SetFieldFromText(request, "page.page_size", "50").ok());
  EXPECT_EQ(request.page().page_size(), 50);
  EXPECT_THAT(SetFieldFromText(request, "page.page_size", "lots").message(),
              HasSubstr("page.page_size: must be a whole number"));
  EXPECT_THAT(SetFieldFromText(request, "status", "waiting").message(),
              HasSubstr("one of the names of RegistrationStatus"));
  EXPECT_THAT(SetFieldFromText(request, "nope", "1").message(), HasSubstr("not a parameter"));
}

TEST(HeadersTest, IfMatchIsAQuotedVersionAndHeadersArePlainAscii) {
  EXPECT_EQ(*ParseIfMatch("\"7\""), 7);
  EXPECT_EQ(*ParseIfMatch("12"), 12);
  for (const char* bad :
       {"", "\"\"", "W/\"7\"", "\"-1\"", "\"0\"", "*", "\"7x\"", "\"99999999999999999999\""}) {
    EXPECT_FALSE(ParseIfMatch(bad).ok()) << bad;
  }
  EXPECT_TRUE(IsPlainHeaderValue("Bearer evk_abc"));
  EXPECT_FALSE(IsPlainHeaderValue("a\r\nSet-Cookie: x=1"));
  EXPECT_FALSE(IsPlainHeaderValue(std::string("a\0b", 3)));
  EXPECT_FALSE(IsPlainHeaderValue("caf\xc3\xa9"));
  EXPECT_FALSE(IsPlainHeaderValue(std::string(1025, 'a')));
}

TEST(ProblemTest, EachCodeHasItsStandardStatusAndTheDocumentSaysWhy) {
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kFailedPrecondition), 400);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kOutOfRange), 400);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kAborted), 409);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kCancelled), 499);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kUnimplemented), 501);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kDeadlineExceeded), 504);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kInternal), 500);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kDataLoss), 500);

  Request request;
  request.request_id = "req-1";
  Response r = Problem(absl::StatusCode::kResourceExhausted, "too many \"tries\"\n", request);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.content_type, "application/problem+json");
  google::protobuf::Struct doc;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.body, &doc).ok()) << r.body;
  EXPECT_EQ(doc.fields().at("code").string_value(), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(doc.fields().at("detail").string_value(), "too many \"tries\"\n");
  EXPECT_EQ(doc.fields().at("status").number_value(), 429);
  EXPECT_EQ(doc.fields().at("request_id").string_value(), "req-1");
  EXPECT_EQ(doc.fields().at("type").string_value(),
            "https://inclusive-events.example/problems/resource-exhausted");
  EXPECT_EQ(r.body.rfind("{\"type\":", 0), 0u);  // RFC 9457's members first
  EXPECT_EQ(Problem(absl::StatusCode::kAborted, "stale", request, 412).status, 412);
  EXPECT_EQ(HttpProblem(405, "no", request).body.find("UNIMPLEMENTED") != std::string::npos, true);
}

}  // namespace
}  // namespace events::web::api
