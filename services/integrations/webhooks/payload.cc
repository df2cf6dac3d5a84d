#include "services/integrations/webhooks/payload.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/log/json_escape.h"

namespace events::integrations {
namespace {

// The thin payloads: every one of them is ids, statuses, counts and times by design.
constexpr absl::string_view kAllowed[] = {
    "events.v1.EventChanged",
    "events.v1.EventReminderDue",
    "events.v1.RegistrationChanged",
    "events.v1.RegistrationLinkRequested",
    "events.v1.AccessibilityRequestChanged",
    "events.v1.AccessibilityProvisionChanged",
    "events.v1.FeedbackInvitationDue",
    "events.v1.FeedbackSurveyChanged",
    "events.v1.FeedbackResponseSubmitted",
    "events.v1.ContactUnsubscribed",
};

// Fields kept inside the platform even though their payload may leave: which registrant
// asked for access support is health information tied to a person, so accessibility's
// events reach webhooks with the request's id and status, never the registration. Nor the
// deadline or the late flag: a deadline is the event's start minus the earliest need's lead
// time, and lead times differ by need (21 days: a deafblind interpreter or another sign
// language), so with the submission's time next to the registration.created before it they
// would tell an organiser what the person asked for (docs/accessibility.md, Counts).
struct Withheld {
  absl::string_view type;
  absl::string_view field;
};
constexpr Withheld kWithheld[] = {
    {"events.v1.AccessibilityRequestChanged", "registration_id"},
    {"events.v1.AccessibilityRequestChanged", "deadline_unix_ms"},
    {"events.v1.AccessibilityRequestChanged", "late"},
    // Why an organiser cancelled someone's registration is free text about that person
    // (docs/registration.md, "History"): for the attendee's e-mail, not for other systems.
    {"events.v1.RegistrationChanged", "reason"},
};

std::string DataJson(const events::v1::DomainEvent& event) {
  if (!IsAllowedPayloadType(event.data_type())) return "{}";
  const google::protobuf::Descriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(event.data_type());
  if (descriptor == nullptr) return "{}";
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor);
  if (prototype == nullptr) return "{}";
  std::unique_ptr<google::protobuf::Message> message(prototype->New());
  if (!message->ParseFromString(event.data())) return "{}";
  // Unknown fields are never printed by the JSON mapping; drop them anyway.
  message->DiscardUnknownFields();
  for (const Withheld& w : kWithheld) {
    if (w.type != event.data_type()) continue;
    const google::protobuf::FieldDescriptor* field =
        descriptor->FindFieldByName(std::string(w.field));
    if (field != nullptr) message->GetReflection()->ClearField(message.get(), field);
  }
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(*message, &json, options).ok()) return "{}";
  return json;
}

std::string Quoted(absl::string_view text) {
  return absl::StrCat("\"", events::logging::JsonEscape(std::string_view(text.data(), text.size())),
                      "\"");
}

}  // namespace

bool IsAllowedPayloadType(absl::string_view data_type) {
  for (absl::string_view allowed : kAllowed) {
    if (allowed == data_type) return true;
  }
  return false;
}

std::string Rfc3339Ms(int64_t unix_ms) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(unix_ms),
                          absl::UTCTimeZone());
}

std::string WebhookBody(const events::v1::DomainEvent& event) {
  return absl::StrCat("{\"type\":", Quoted(event.type()),
                      ",\"timestamp\":", Quoted(Rfc3339Ms(event.time_unix_ms())),
                      ",\"id\":", Quoted(event.id()), ",\"source\":", Quoted(event.source()),
                      ",\"subject\":", Quoted(event.subject()),
                      ",\"org_id\":", Quoted(event.org_id()), ",\"data\":", DataJson(event), "}");
}

}  // namespace events::integrations
