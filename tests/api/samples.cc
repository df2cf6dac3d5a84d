#include "tests/api/samples.h"

#include "tests/api/samples_internal.h"

namespace events::api_test {

const std::map<std::string, Sample>& Samples() {
  static const auto* const kSamples = [] {
    auto* samples = new std::map<std::string, Sample>();
    AddEventSamples(*samples);
    AddCareSamples(*samples);
    AddToolSamples(*samples);
    AddPeopleSamples(*samples);
    return samples;
  }();
  return *kSamples;
}

const std::vector<std::string>& TwinFields() {
  static const auto* const kFields = new std::vector<std::string>{
      // Ids: made by the call, or of the twin objects each call acted on.
      "id", "event_id", "registration_id", "request_id", "request_ids", "provision_id", "series_id",
      "event_ids", "webhook_id", "key_id", "message_id", "mail_id", "provision_ids", "member_id",
      // What only one twin has: its address, link, token, secret, place in a queue.
      "email", "join_link", "registration_token", "api_key", "secret", "sequence",
      "waitlist_position"};
  return *kFields;
}

}  // namespace events::api_test
