#include "tests/api/api_client.h"

#include <arpa/inet.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "services/web/api/json_mapping.h"

// The HTTP door of api_client.h: requests as the API documents them, and raw bytes.
namespace events::api_test {
namespace {

using events::web::api::ApiRoute;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// The field at a dotted path of proto names ("settings.event_id") or API names
// ("page.page_size"), and the message holding it; nullptr when a step is missing.
const Message* Holder(const Message& root, const std::string& dotted, bool api_names,
                      const FieldDescriptor** field) {
  const Message* current = &root;
  std::vector<std::string> parts = absl::StrSplit(dotted, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const Descriptor& type = *current->GetDescriptor();
    const FieldDescriptor* f =
        api_names ? events::web::api::FindApiField(type, parts[i]) : type.FindFieldByName(parts[i]);
    if (f == nullptr) return nullptr;
    if (i + 1 == parts.size()) {
      *field = f;
      return current;
    }
    if (f->type() != FieldDescriptor::TYPE_MESSAGE || f->is_repeated()) return nullptr;
    current = &current->GetReflection()->GetMessage(*current, f);
  }
  return nullptr;
}

// A scalar's text as a path segment or query parameter carries it.
std::string ScalarText(const Message& m, const FieldDescriptor& f, int index) {
  const Reflection* r = m.GetReflection();
  const bool rep = f.is_repeated();
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return rep ? r->GetRepeatedString(m, &f, index) : r->GetString(m, &f);
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(rep ? r->GetRepeatedInt32(m, &f, index) : r->GetInt32(m, &f));
    case FieldDescriptor::CPPTYPE_INT64: {
      const int64_t v = rep ? r->GetRepeatedInt64(m, &f, index) : r->GetInt64(m, &f);
      return events::web::api::IsTimeField(f) ? events::web::api::FormatApiTime(v)
                                              : absl::StrCat(v);
    }
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(rep ? r->GetRepeatedUInt32(m, &f, index) : r->GetUInt32(m, &f));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(rep ? r->GetRepeatedUInt64(m, &f, index) : r->GetUInt64(m, &f));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(m, &f, index) : r->GetBool(m, &f)) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return (rep ? r->GetRepeatedEnum(m, &f, index) : r->GetEnum(m, &f))->name();
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(rep ? r->GetRepeatedDouble(m, &f, index) : r->GetDouble(m, &f));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(rep ? r->GetRepeatedFloat(m, &f, index) : r->GetFloat(m, &f));
    default:
      return "";
  }
}

// True when a proto3 field holds something other than its zero value.
bool IsSet(const Message& m, const FieldDescriptor& f) {
  const Reflection* r = m.GetReflection();
  if (f.is_repeated()) return r->FieldSize(m, &f) > 0;
  if (f.has_presence()) return r->HasField(m, &f);
  return ScalarText(m, f, 0) !=
         ScalarText(*m.GetReflection()->GetMessageFactory()->GetPrototype(m.GetDescriptor()), f, 0);
}

}  // namespace

std::string WebUrl() { return StackSetting("API_TEST_WEB_URL"); }

std::string HttpAnswer::Header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (absl::EqualsIgnoreCase(k, name)) return v;
  }
  return "";
}

HttpAnswer SendHttp(const std::string& method, const std::string& target,
                    const httplib::Headers& headers, const std::string& body,
                    const std::string& content_type) {
  httplib::Client client(WebUrl());
  client.set_url_encode(false);
  client.set_read_timeout(30, 0);
  client.set_connection_timeout(5, 0);
  httplib::Request req;
  req.method = method;
  req.path = target;
  req.headers = headers;
  req.body = body;
  if (!content_type.empty() && (!body.empty() || method != "GET")) {
    req.headers.emplace("Content-Type", content_type);
  }
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  HttpAnswer answer;
  if (!client.send(req, res, error)) return answer;
  answer.status = res.status;
  answer.body = res.body;
  answer.headers = res.headers;
  return answer;
}

HttpAnswer SendRaw(const std::string& bytes) {
  HttpAnswer answer;
  const std::string url = WebUrl();
  const size_t colon = url.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(url.substr(colon + 1), &port)) {
    ADD_FAILURE() << "no port in " << url;
    return answer;
  }
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return answer;
  timeval timeout{20, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string in;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size())) {
    char buf[8192];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) in.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  const size_t head_end = in.find("\r\n\r\n");
  if (!absl::StartsWith(in, "HTTP/1.") || head_end == std::string::npos) return answer;
  std::vector<std::string> lines = absl::StrSplit(in.substr(0, head_end), "\r\n");
  std::vector<std::string> status = absl::StrSplit(lines[0], ' ');
  if (status.size() < 2 || !absl::SimpleAtoi(status[1], &answer.status)) {
    answer.status = 0;
    return answer;
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t sep = lines[i].find(':');
    if (sep == std::string::npos) continue;
    answer.headers.emplace(lines[i].substr(0, sep),
                           std::string(absl::StripAsciiWhitespace(lines[i].substr(sep + 1))));
  }
  answer.body = in.substr(head_end + 4);
  return answer;
}

std::string PercentEncode(absl::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%",
                      absl::AsciiStrToUpper(absl::StrCat(absl::Hex(c, absl::kZeroPad2))));
    }
  }
  return out;
}

HttpRequest ToHttpRequest(const ApiRoute& route, const Message& request, const std::string& key,
                          const std::string& json_body) {
  HttpRequest out;
  out.method = route.http_method;
  size_t next_field = 0;
  for (const std::string& segment : route.segments) {
    absl::StrAppend(&out.target, "/");
    if (segment.front() != '{') {
      absl::StrAppend(&out.target, segment);
      continue;
    }
    const FieldDescriptor* f = nullptr;
    const Message* holder = Holder(request, route.path_fields[next_field++], false, &f);
    if (holder != nullptr) absl::StrAppend(&out.target, PercentEncode(ScalarText(*holder, *f, 0)));
  }
  if (!key.empty()) out.headers.emplace("Authorization", "Bearer " + key);
  const Descriptor& type = *request.GetDescriptor();
  for (const auto& binding : events::web::api::HeaderBindings()) {
    const FieldDescriptor* f = type.FindFieldByName(binding.field);
    if (f == nullptr || !IsSet(request, *f)) continue;
    std::string value = ScalarText(request, *f, 0);
    if (std::string(binding.header) == "If-Match") value = absl::StrCat("\"", value, "\"");
    out.headers.emplace(binding.header, value);
  }
  if (!route.has_body) {
    std::vector<std::string> query;
    for (const auto& param : events::web::api::QueryParameters(route)) {
      const FieldDescriptor* f = nullptr;
      const Message* holder = Holder(request, param.field_path, true, &f);
      if (holder == nullptr || !IsSet(*holder, *f)) continue;
      const int n = f->is_repeated() ? holder->GetReflection()->FieldSize(*holder, f) : 1;
      for (int i = 0; i < n; ++i) {
        query.push_back(absl::StrCat(param.name, "=", PercentEncode(ScalarText(*holder, *f, i))));
      }
    }
    if (!query.empty()) absl::StrAppend(&out.target, "?", absl::StrJoin(query, "&"));
    return out;
  }
  absl::StatusOr<std::string> json =
      json_body.empty() ? events::web::api::MessageToApiJson(request) : json_body;
  EXPECT_TRUE(json.ok()) << json.status();
  google::protobuf::Value body;
  if (json.ok() && ParseJson(*json, body)) {
    for (const auto& binding : events::web::api::HeaderBindings()) {
      body.mutable_struct_value()->mutable_fields()->erase(binding.field);
    }
    google::protobuf::util::MessageToJsonString(body, &out.body);
  }
  return out;
}

HttpAnswer CallHttp(const ApiRoute& route, const Message& request, const std::string& key,
                    const std::string& json_body) {
  HttpRequest req = ToHttpRequest(route, request, key, json_body);
  return SendHttp(req.method, req.target, req.headers, req.body,
                  route.has_body ? "application/json" : "");
}

bool ParseJson(const std::string& text, google::protobuf::Value& out) {
  out.Clear();
  return google::protobuf::util::JsonStringToMessage(text, &out).ok();
}

std::string JsonString(const google::protobuf::Value& object, const std::string& name) {
  const auto& fields = object.struct_value().fields();
  auto it = fields.find(name);
  if (it == fields.end() || it->second.kind_case() != google::protobuf::Value::kStringValue) {
    return "";
  }
  return it->second.string_value();
}

}  // namespace events::api_test
