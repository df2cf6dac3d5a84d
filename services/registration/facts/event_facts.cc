#include "services/registration/facts/event_facts.h"

#include "events/v1/domain_events.pb.h"

namespace events::registration {

EventFacts FactsFromEvent(const events::v1::Event& event) {
  EventFacts facts;
  facts.event_id = event.id();
  facts.org_id = event.org_id();
  facts.status = event.status();
  facts.version = event.version();
  facts.start_unix_ms = event.start_unix_ms();
  facts.end_unix_ms = event.end_unix_ms();
  facts.registration_opens_unix_ms = event.registration_opens_unix_ms();
  facts.registration_closes_unix_ms = event.registration_closes_unix_ms();
  facts.capacity = event.details().capacity();
  facts.time_zone = event.details().time_zone();
  return facts;
}

EventFacts FactsFromChange(const events::v1::EventChanged& change) {
  EventFacts facts;
  facts.event_id = change.event_id();
  facts.org_id = change.org_id();
  facts.status = change.status();
  facts.version = change.version();
  facts.start_unix_ms = change.start_unix_ms();
  facts.end_unix_ms = change.end_unix_ms();
  facts.registration_opens_unix_ms = change.registration_opens_unix_ms();
  facts.registration_closes_unix_ms = change.registration_closes_unix_ms();
  facts.capacity = change.capacity();
  facts.time_zone = change.time_zone();
  return facts;
}

}  // namespace events::registration
