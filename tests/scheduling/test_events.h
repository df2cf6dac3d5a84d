#pragma once

#include <string>

#include "events/v1/scheduling.pb.h"

namespace events::scheduling::testing {

// 2026-01-15T12:00:00Z: "now" in the scheduling tests.
inline constexpr int64_t kNow = 1768478400000;
inline constexpr int64_t kMinute = 60000;
inline constexpr int64_t kDay = int64_t{24} * 60 * kMinute;

// A valid online webinar on 2026-03-10 10:00-11:30 Europe/London (GMT, so 10:00Z).
inline events::v1::EventDetails Webinar() {
  events::v1::EventDetails d;
  d.set_title("Living well with long-term conditions");
  d.set_description("A co-produced learning webinar.\nWith people with lived experience.");
  d.set_format(events::v1::EVENT_FORMAT_ONLINE);
  d.set_time_zone("Europe/London");
  d.mutable_start()->set_value("2026-03-10T10:00");
  d.mutable_end()->set_value("2026-03-10T11:30");
  d.set_capacity(250);
  d.set_join_link("https://meet.example.org/living-well");
  auto* captions = d.mutable_accessibility()->add_provisions();
  captions->set_need("live_captions");
  captions->set_availability(events::v1::PROVISION_AVAILABILITY_ALWAYS);
  auto* bsl = d.mutable_accessibility()->add_provisions();
  bsl->set_need("bsl_interpreter");
  bsl->set_availability(events::v1::PROVISION_AVAILABILITY_ON_REQUEST);
  d.mutable_accessibility()->set_request_deadline_days(14);
  d.mutable_organiser_contact()->set_name("Sam Organiser");
  d.mutable_organiser_contact()->set_email("sam@example.org");
  return d;
}

// A valid in-person workshop on 2026-04-02 13:00-16:00 Europe/London (BST, 12:00Z).
inline events::v1::EventDetails Workshop() {
  events::v1::EventDetails d = Webinar();
  d.set_title("Regional co-production workshop");
  d.set_format(events::v1::EVENT_FORMAT_IN_PERSON);
  d.clear_join_link();
  d.mutable_start()->set_value("2026-04-02T13:00");
  d.mutable_end()->set_value("2026-04-02T16:00");
  d.set_capacity(40);
  d.mutable_venue()->set_name("Riverside Community Centre");
  d.mutable_venue()->set_address("1 River Street, Leeds");
  d.mutable_venue()->set_postcode("LS1 1AA");
  d.mutable_venue()->set_access_information("Step-free entrance on River Street; hearing loop.");
  return d;
}

}  // namespace events::scheduling::testing
