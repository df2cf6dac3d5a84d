#include "tools/memcheck/hostile_request.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "events/v1/accessibility.pb.h"
#include "events/v1/feedback.pb.h"
#include "events/v1/integrations.pb.h"
#include "events/v1/registration.pb.h"
#include "events/v1/scheduling.pb.h"

namespace events::memcheck {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::internal::WireFormatLite;

// A field number no request of this project uses.
constexpr int kUnknownField = 2047;

// The tag of an empty length-delimited field, followed by its zero length.
std::string EmptyElement(int field_number) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.WriteTag(WireFormatLite::MakeTag(field_number, WireFormatLite::WIRETYPE_LENGTH_DELIMITED));
  coded.WriteVarint32(0);
  coded.Trim();
  return out;
}

// Links each service's generated code, whose descriptors the pool then knows.
void LinkEveryService() {
  (void)events::v1::Venue::descriptor();
  (void)events::v1::RegistrationQuestion::descriptor();
  (void)events::v1::CatalogueNeed::descriptor();
  (void)events::v1::SurveyChoice::descriptor();
  (void)events::v1::ApiKey::descriptor();
}

}  // namespace

absl::StatusOr<std::string> HostileRequest(const std::string& method, Shape shape, size_t bytes) {
  // "/events.v1.RegistrationService/Register" -> "events.v1.RegistrationService.Register"
  LinkEveryService();
  std::string name = method.substr(method.empty() || method[0] != '/' ? 0 : 1);
  name = absl::StrReplaceAll(name, {{"/", "."}});
  const google::protobuf::MethodDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
  if (descriptor == nullptr) return absl::NotFoundError(absl::StrCat("no method ", method));
  int field_number = kUnknownField;
  if (shape == Shape::kRepeated) {
    const google::protobuf::Descriptor* input = descriptor->input_type();
    for (int i = 0; i < input->field_count(); ++i) {
      const FieldDescriptor* field = input->field(i);
      if (field->is_repeated() && field->type() == FieldDescriptor::TYPE_MESSAGE &&
          !field->is_map()) {
        field_number = field->number();
        break;
      }
    }
  }
  const std::string element = EmptyElement(field_number);
  std::string out;
  out.reserve(bytes);
  while (out.size() + element.size() <= bytes) out += element;
  return out;
}

}  // namespace events::memcheck
