#include "services/web/api/route_table.h"

#include <google/protobuf/descriptor.h>

#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "events/v1/accessibility.pb.h"
#include "events/v1/feedback.pb.h"
#include "events/v1/http.pb.h"
#include "events/v1/integrations.pb.h"
#include "events/v1/notifications.pb.h"
#include "events/v1/people.pb.h"
#include "events/v1/registration.pb.h"
#include "events/v1/scheduling.pb.h"
#include "services/web/api/json_mapping.h"

namespace events::web::api {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

bool IsParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// The field at `dotted` ("settings.event_id"), through singular message fields.
const FieldDescriptor* FieldAt(const Descriptor& type, absl::string_view dotted) {
  const Descriptor* current = &type;
  const FieldDescriptor* field = nullptr;
  for (absl::string_view part : absl::StrSplit(dotted, '.')) {
    if (current == nullptr) return nullptr;
    field = current->FindFieldByName(std::string(part));
    if (field == nullptr || field->is_repeated()) return nullptr;
    current = field->type() == FieldDescriptor::TYPE_MESSAGE ? field->message_type() : nullptr;
  }
  return field;
}

bool IsFileMessage(const Descriptor& type) {
  for (const char* name : {"filename", "content_type", "content"}) {
    if (type.FindFieldByName(name) == nullptr) return false;
  }
  return true;
}

// Two routes of one method could answer the same path: as many segments, and at every
// position the same literal or a parameter on either side.
bool Overlap(const ApiRoute& a, const ApiRoute& b) {
  if (a.http_method != b.http_method || a.segments.size() != b.segments.size()) return false;
  for (size_t i = 0; i < a.segments.size(); ++i) {
    if (IsParam(a.segments[i]) || IsParam(b.segments[i])) continue;
    if (a.segments[i] != b.segments[i]) return false;
  }
  return true;
}

absl::StatusOr<ApiRoute> RouteOf(const MethodDescriptor& method) {
  const auto& options = method.options();
  const bool annotated = options.HasExtension(events::v1::http);
  const bool service_only = options.GetExtension(events::v1::service_only);
  const std::string name = method.full_name();
  if (annotated == service_only) {
    return absl::InvalidArgumentError(absl::StrCat(
        name,
        " must have exactly one of the options (events.v1.http) and "
        "(events.v1.service_only): every RPC is either on the API or for services only"));
  }
  ApiRoute route;
  route.method = &method;
  if (service_only) return route;
  route.option = options.GetExtension(events::v1::http);
  route.http_method = route.option.method();
  route.path = route.option.path();
  static const std::set<std::string> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  if (kMethods.count(route.http_method) == 0) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": http method \"", route.http_method,
                                                   "\" is not GET, POST, PUT, PATCH or DELETE"));
  }
  if (!absl::StartsWith(route.path, "/api/v1/")) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": http path \"", route.path, "\" must start with /api/v1/"));
  }
  route.has_body = route.http_method != "GET" && route.http_method != "DELETE";
  route.segments = absl::StrSplit(route.path.substr(1), '/');
  for (const std::string& segment : route.segments) {
    if (segment.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": http path \"", route.path, "\" has an empty segment"));
    }
    if (!IsParam(segment)) {
      if (absl::StrContains(segment, "{") || absl::StrContains(segment, "}")) {
        return absl::InvalidArgumentError(absl::StrCat(
            name, ": a path parameter must be a whole segment, not \"", segment, "\""));
      }
      continue;
    }
    std::string field_name = segment.substr(1, segment.size() - 2);
    const FieldDescriptor* field = FieldAt(*method.input_type(), field_name);
    if (field == nullptr || field->type() != FieldDescriptor::TYPE_STRING) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": path parameter {", field_name,
                                                     "} is not a string field of ",
                                                     method.input_type()->full_name()));
    }
    route.path_fields.push_back(std::move(field_name));
  }
  route.server_streaming = method.server_streaming();
  if (method.client_streaming()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": a client-streaming RPC cannot be on the API"));
  }
  route.file_response = IsFileMessage(*method.output_type());
  if (route.server_streaming && !route.file_response) {
    return absl::InvalidArgumentError(
        absl::StrCat(name,
                     ": a streaming RPC is on the API only when it streams a file (filename, "
                     "content_type, content)"));
  }
  return route;
}

// The leaves of `type` a query string can set: scalars, enums and repeated scalars, through
// singular message fields of this package (two levels: requests are shallow).
void CollectLeaves(const Descriptor& type, const std::string& prefix, int depth,
                   std::vector<QueryParameter>& out) {
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    const std::string path =
        prefix.empty() ? ApiFieldName(field) : absl::StrCat(prefix, ".", ApiFieldName(field));
    if (field.name() == "registration_token" || field.type() == FieldDescriptor::TYPE_BYTES ||
        field.is_map()) {
      continue;
    }
    if (field.type() == FieldDescriptor::TYPE_MESSAGE) {
      if (!field.is_repeated() && depth < 2 &&
          field.message_type()->file()->package() == "events.v1") {
        CollectLeaves(*field.message_type(), path, depth + 1, out);
      }
      continue;
    }
    out.push_back({path, path, &field});
  }
}

}  // namespace

namespace {

std::vector<QueryParameter> ListQueryParameters(const ApiRoute& route) {
  std::vector<QueryParameter> leaves;
  if (route.has_body || route.method == nullptr) return leaves;
  CollectLeaves(*route.method->input_type(), "", 0, leaves);
  std::vector<QueryParameter> out;
  std::map<std::string, int> short_names;
  for (const QueryParameter& leaf : leaves) ++short_names[ApiFieldName(*leaf.field)];
  for (QueryParameter& leaf : leaves) {
    bool in_path = false;
    for (const std::string& p : route.path_fields) in_path = in_path || p == leaf.field_path;
    for (const HeaderBinding& h : HeaderBindings()) in_path = in_path || leaf.field_path == h.field;
    if (in_path) continue;
    const std::string short_name = ApiFieldName(*leaf.field);
    if (short_names[short_name] == 1) leaf.name = short_name;
    out.push_back(std::move(leaf));
  }
  return out;
}

}  // namespace

const std::vector<QueryParameter>& QueryParameters(const ApiRoute& route) {
  return route.query_parameters;
}

const std::vector<HeaderBinding>& HeaderBindings() {
  static const auto* const kBindings = new std::vector<HeaderBinding>{
      {"Registration-Token", "registration_token"},
      {"Idempotency-Key", "idempotency_key"},
      {"If-Match", "expected_version"},
  };
  return *kBindings;
}

const std::vector<std::string>& ApiServices() {
  static const auto* const kServices = new std::vector<std::string>{
      "events.v1.SchedulingService",    "events.v1.RegistrationService",
      "events.v1.AccessibilityService", "events.v1.FeedbackService",
      "events.v1.IntegrationsService",  "events.v1.NotificationsService",
      "events.v1.PeopleService",
  };
  return *kServices;
}

absl::StatusOr<std::vector<ApiRoute>> LoadRoutes(const google::protobuf::DescriptorPool& pool,
                                                 const std::vector<std::string>& services) {
  std::vector<ApiRoute> routes;
  for (const std::string& service_name : services) {
    const google::protobuf::ServiceDescriptor* service = pool.FindServiceByName(service_name);
    if (service == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("no service ", service_name));
    }
    for (int i = 0; i < service->method_count(); ++i) {
      absl::StatusOr<ApiRoute> route = RouteOf(*service->method(i));
      if (!route.ok()) return route.status();
      if (route->http_method.empty()) continue;  // service only
      for (const ApiRoute& other : routes) {
        if (Overlap(other, *route)) {
          return absl::InvalidArgumentError(
              absl::StrCat(route->method->full_name(), ": ", route->http_method, " ", route->path,
                           " could answer the same paths as ", other.method->full_name(), " (",
                           other.path, "); make a literal segment differ"));
        }
      }
      route->query_parameters = ListQueryParameters(*route);
      routes.push_back(*std::move(route));
    }
  }
  return routes;
}

absl::StatusOr<std::vector<ApiRoute>> LoadCompiledRoutes() {
  // One message of each service's file, so that the linker keeps the files (and their
  // descriptors) in this program.
  for (const Descriptor* anchor :
       {events::v1::GetEventRequest::descriptor(), events::v1::RegisterRequest::descriptor(),
        events::v1::GetCatalogueRequest::descriptor(), events::v1::GetSurveyRequest::descriptor(),
        events::v1::ListContactsRequest::descriptor(), events::v1::ListOutboxRequest::descriptor(),
        events::v1::GetMeRequest::descriptor()}) {
    if (anchor == nullptr) return absl::InternalError("a service's descriptor is missing");
  }
  return LoadRoutes(*google::protobuf::DescriptorPool::generated_pool(), ApiServices());
}

}  // namespace events::web::api
