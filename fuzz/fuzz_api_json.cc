// The HTTP/JSON API's reader and writer (services/web/api/json_mapping.h) on any body, for
// the request of any route: the reader answers OK or INVALID_ARGUMENT with a one-line
// message naming what is wrong, never crashes, hangs or runs out of memory (a body is at
// most 256 KiB); and what it read, written and read again, writes the same JSON.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "services/web/api/json_mapping.h"
#include "services/web/api/route_table.h"

namespace {

using events::fuzz::Check;

const std::vector<const google::protobuf::Message*>& Prototypes() {
  static const auto* const kPrototypes = [] {
    auto* out = new std::vector<const google::protobuf::Message*>();
    auto routes = events::web::api::LoadCompiledRoutes();
    Check(routes.ok(), "the routes load", std::string(routes.status().message()));
    for (const auto& route : *routes) {
      out->push_back(google::protobuf::MessageFactory::generated_factory()->GetPrototype(
          route.method->input_type()));
    }
    return out;
  }();
  return *kPrototypes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > 256 * 1024) return 0;
  const auto& prototypes = Prototypes();
  const google::protobuf::Message& prototype = *prototypes[data[0] % prototypes.size()];
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::unique_ptr<google::protobuf::Message> read(prototype.New());
  const absl::Status status = events::web::api::ApiJsonToMessage(body, *read);
  if (!status.ok()) {
    Check(status.code() == absl::StatusCode::kInvalidArgument, "only INVALID_ARGUMENT",
          status.ToString());
    Check(!status.message().empty(), "a message says what is wrong");
    Check(status.message().find('\n') == absl::string_view::npos, "a one-line message",
          status.ToString());
    return 0;
  }
  // The writer writes a request's registration_token (answers carry one), which the reader
  // rightly refuses in a body: those requests are checked one way only.
  if (prototype.GetDescriptor()->FindFieldByName("registration_token") != nullptr) return 0;
  const absl::StatusOr<std::string> written = events::web::api::MessageToApiJson(*read);
  Check(written.ok(), "what was read can be written");
  std::unique_ptr<google::protobuf::Message> again(prototype.New());
  const absl::Status reread = events::web::api::ApiJsonToMessage(*written, *again);
  Check(reread.ok(), "what was written reads back", reread.ToString() + "\n" + *written);
  const absl::StatusOr<std::string> rewritten = events::web::api::MessageToApiJson(*again);
  Check(rewritten.ok() && *rewritten == *written, "reading back changes nothing", *written);
  return 0;
}
