#include "tests/api/compare.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/web/api/json_mapping.h"

namespace events::api_test {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::util::MessageDifferencer;

// Every field named in `names` anywhere below `type`.
void IgnoreNamed(const Descriptor& type, const std::set<std::string>& names, bool times,
                 std::set<const Descriptor*>& seen, MessageDifferencer& differencer) {
  if (!seen.insert(&type).second) return;
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* f = type.field(i);
    if (names.count(f->name()) > 0 || (times && events::web::api::IsTimeField(*f))) {
      differencer.IgnoreField(f);
    }
    if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
      IgnoreNamed(*f->message_type(), names, times, seen, differencer);
    }
  }
}

std::string FileDifference(const GrpcAnswer& grpc, const HttpAnswer& http) {
  const auto& m = *grpc.message;
  const auto* type = m.GetDescriptor();
  const auto* r = m.GetReflection();
  const std::string content_type = r->GetString(m, type->FindFieldByName("content_type"));
  const std::string filename = r->GetString(m, type->FindFieldByName("filename"));
  const std::string content = r->GetString(m, type->FindFieldByName("content"));
  if (!absl::StartsWith(http.Header("Content-Type"), content_type)) {
    return absl::StrCat("Content-Type \"", http.Header("Content-Type"), "\", gRPC said \"",
                        content_type, "\"");
  }
  if (!absl::StrContains(http.Header("Content-Disposition"),
                         absl::StrCat("attachment; filename=\"", filename, "\""))) {
    return absl::StrCat("Content-Disposition \"", http.Header("Content-Disposition"),
                        "\" does not name ", filename);
  }
  if (http.body != content) {
    return absl::StrCat("the file differs:\n--- HTTP\n", http.body, "\n--- gRPC\n", content);
  }
  return "";
}

std::string MessageDifference(const events::web::api::ApiRoute& route, const GrpcAnswer& grpc,
                              const HttpAnswer& http, const Expectation& expect) {
  if (!absl::StartsWith(http.Header("Content-Type"), "application/json")) {
    return absl::StrCat("Content-Type \"", http.Header("Content-Type"), "\", not application/json");
  }
  google::protobuf::Value json;
  if (!ParseJson(http.body, json) || !json.has_struct_value()) {
    return absl::StrCat("the body is not a JSON object (",
                        google::protobuf::util::JsonStringToMessage(http.body, &json).ToString(),
                        "): ", http.body.substr(0, 2000));
  }
  // Only the Registration-Token header carries a token into the API, so json_mapping
  // refuses one in JSON; an answer (Register's) may carry one out.
  auto& fields = *json.mutable_struct_value()->mutable_fields();
  if (fields.count("registration_token") > 0) {
    if (fields["registration_token"].string_value().empty()) return "an empty registration_token";
    fields.erase("registration_token");
  }
  std::string text;
  google::protobuf::util::MessageToJsonString(json, &text);
  std::unique_ptr<google::protobuf::Message> read = NewMessage(*route.method->output_type());
  absl::Status parsed = events::web::api::ApiJsonToMessage(text, *read);
  if (!parsed.ok()) return absl::StrCat("the JSON does not read back: ", parsed.ToString());
  MessageDifferencer differencer;
  std::set<std::string> names(expect.differ.begin(), expect.differ.end());
  names.insert("registration_token");
  std::set<const Descriptor*> seen;
  IgnoreNamed(*read->GetDescriptor(), names, expect.differ_in_times, seen, differencer);
  std::string report;
  differencer.ReportDifferencesToString(&report);
  if (!differencer.Compare(*grpc.message, *read)) {
    return absl::StrCat("the answers differ (gRPC, then HTTP):\n", report);
  }
  const FieldDescriptor* version = read->GetDescriptor()->FindFieldByName("version");
  if (version != nullptr && version->cpp_type() == FieldDescriptor::CPPTYPE_INT64) {
    const int64_t v = read->GetReflection()->GetInt64(*read, version);
    if (v != 0 && http.Header("ETag") != absl::StrCat("\"", v, "\"")) {
      return absl::StrCat("ETag \"", http.Header("ETag"), "\" for version ", v);
    }
  }
  return "";
}

}  // namespace

std::string CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  const int i = static_cast<int>(code);
  return i >= 0 && i <= 16 ? kNames[i] : absl::StrCat("code ", i);
}

int HttpStatusFor(grpc::StatusCode code, bool sent_if_match) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
      return 409;
    case grpc::StatusCode::ABORTED:
      return sent_if_match ? 412 : 409;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    default:
      return 500;
  }
}

std::string ProblemDifference(const HttpAnswer& http, int status, const std::string& code,
                              const std::string& mention) {
  if (http.status != status) {
    return absl::StrCat("HTTP ", http.status, ", expected ", status, " (", code, "): ", http.body);
  }
  if (!absl::StartsWith(http.Header("Content-Type"), "application/problem+json")) {
    return absl::StrCat("Content-Type \"", http.Header("Content-Type"),
                        "\", not application/problem+json");
  }
  google::protobuf::Value problem;
  if (!ParseJson(http.body, problem) || !problem.has_struct_value()) {
    return absl::StrCat("the problem is not a JSON object: ", http.body);
  }
  if (!code.empty() && JsonString(problem, "code") != code) {
    return absl::StrCat("problem code \"", JsonString(problem, "code"), "\", expected ", code);
  }
  const auto& fields = problem.struct_value().fields();
  auto s = fields.find("status");
  if (s == fields.end() || s->second.number_value() != status) {
    return absl::StrCat("problem status is not ", status, ": ", http.body);
  }
  if (!mention.empty() && !absl::StrContains(JsonString(problem, "detail"), mention)) {
    return absl::StrCat("problem detail does not name \"", mention, "\": ", http.body);
  }
  return "";
}

std::string Difference(const events::web::api::ApiRoute& route, const GrpcAnswer& grpc,
                       const HttpAnswer& http, const Expectation& expect) {
  if (http.status == 0) return "no HTTP answer (connection failed)";
  const grpc::StatusCode code = grpc.status.error_code();
  const int status = HttpStatusFor(code, expect.sent_if_match);
  if (code != grpc::StatusCode::OK) {
    std::string problem = ProblemDifference(http, status, CodeName(code));
    if (!problem.empty()) {
      return absl::StrCat(problem, " (gRPC: ", CodeName(code), " ", grpc.status.error_message(),
                          ")");
    }
    google::protobuf::Value json;
    ParseJson(http.body, json);
    if (expect.same_detail && JsonString(json, "detail") != grpc.status.error_message()) {
      return absl::StrCat("problem detail \"", JsonString(json, "detail"), "\", gRPC said \"",
                          grpc.status.error_message(), "\"");
    }
    return "";
  }
  if (http.status != 200) {
    return absl::StrCat("HTTP ", http.status, " where gRPC said OK: ", http.body);
  }
  return route.file_response ? FileDifference(grpc, http)
                             : MessageDifference(route, grpc, http, expect);
}

}  // namespace events::api_test
