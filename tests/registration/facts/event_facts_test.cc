// Mapping scheduling's event and its domain-event payload to registration's facts.
#include "services/registration/facts/event_facts.h"

#include "events/v1/domain_events.pb.h"
#include "gtest/gtest.h"

namespace events::registration {
namespace {

void ExpectFacts(const EventFacts& f) {
  EXPECT_EQ(f.event_id, "ev_01JTEST");
  EXPECT_EQ(f.org_id, "org_01JTEST");
  EXPECT_EQ(f.status, events::v1::EVENT_STATUS_PUBLISHED);
  EXPECT_EQ(f.version, 7);
  EXPECT_EQ(f.start_unix_ms, 1773136800000);
  EXPECT_EQ(f.end_unix_ms, 1773142200000);
  EXPECT_EQ(f.registration_opens_unix_ms, 1770000000000);
  EXPECT_EQ(f.registration_closes_unix_ms, 1773100000000);
  EXPECT_EQ(f.capacity, 250);
  EXPECT_EQ(f.time_zone, "Europe/London");
}

TEST(EventFactsTest, FromEventTakesTheResolvedTimesAndTheDetails) {
  events::v1::Event e;
  e.set_id("ev_01JTEST");
  e.set_org_id("org_01JTEST");
  e.set_status(events::v1::EVENT_STATUS_PUBLISHED);
  e.set_version(7);
  e.set_sequence(2);
  e.set_start_unix_ms(1773136800000);
  e.set_end_unix_ms(1773142200000);
  e.set_registration_opens_unix_ms(1770000000000);
  e.set_registration_closes_unix_ms(1773100000000);
  e.mutable_details()->set_capacity(250);
  e.mutable_details()->set_time_zone("Europe/London");
  e.mutable_details()->set_join_link("https://meet.example.org/secret");
  e.mutable_details()->mutable_start()->set_value("2026-03-10T10:00");
  ExpectFacts(FactsFromEvent(e));
}

TEST(EventFactsTest, FromChangeTakesEveryFact) {
  events::v1::EventChanged c;
  c.set_event_id("ev_01JTEST");
  c.set_org_id("org_01JTEST");
  c.set_status(events::v1::EVENT_STATUS_PUBLISHED);
  c.set_version(7);
  c.set_sequence(2);
  c.set_start_unix_ms(1773136800000);
  c.set_end_unix_ms(1773142200000);
  c.set_registration_opens_unix_ms(1770000000000);
  c.set_registration_closes_unix_ms(1773100000000);
  c.set_capacity(250);
  c.set_time_zone("Europe/London");
  c.set_previous_start_unix_ms(1773000000000);
  c.set_reason("Room clash");
  ExpectFacts(FactsFromChange(c));
}

TEST(EventFactsTest, EmptyMessagesGiveEmptyFacts) {
  EventFacts from_event = FactsFromEvent(events::v1::Event());
  EXPECT_EQ(from_event.event_id, "");
  EXPECT_EQ(from_event.status, events::v1::EVENT_STATUS_UNSPECIFIED);
  EXPECT_EQ(from_event.version, 0);
  EXPECT_EQ(from_event.capacity, 0);
  EventFacts from_change = FactsFromChange(events::v1::EventChanged());
  EXPECT_EQ(from_change.event_id, "");
  EXPECT_EQ(from_change.time_zone, "");
  EXPECT_EQ(from_change.registration_closes_unix_ms, 0);
}

TEST(EventFactsTest, EveryStatusPassesThrough) {
  for (auto status : {events::v1::EVENT_STATUS_DRAFT, events::v1::EVENT_STATUS_PUBLISHED,
                      events::v1::EVENT_STATUS_CANCELLED, events::v1::EVENT_STATUS_COMPLETED}) {
    events::v1::Event e;
    e.set_status(status);
    events::v1::EventChanged c;
    c.set_status(status);
    EXPECT_EQ(FactsFromEvent(e).status, status);
    EXPECT_EQ(FactsFromChange(c).status, status);
  }
}

}  // namespace
}  // namespace events::registration
