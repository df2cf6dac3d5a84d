// AccessDesk: following scheduling's changes (reschedules and cancellations).
#include "absl/strings/str_cat.h"
#include "common/util/clock.h"
#include "common/util/status_macros.h"
#include "services/accessibility/domain/access_desk.h"
#include "services/accessibility/rules/deadlines.h"
#include "services/accessibility/rules/workflow.h"

namespace events::accessibility {

absl::Status AccessDesk::OnEventChanged(const std::string& type,
                                        const events::v1::EventChanged& change) {
  absl::Status last;
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    EVENTS_ASSIGN_OR_RETURN(std::optional<EventFacts> stored, store_.GetFacts(change.event_id()));
    if (!stored.has_value()) {
      // Nobody asked anything for this event yet. Its facts are kept all the same, so that a
      // first request racing this change (it read scheduling before the change) is refused
      // by its expected facts version and recomputed, instead of storing older facts after
      // the change was taken as handled.
      if (change.org_id().empty() || change.time_zone().empty()) return absl::OkStatus();
      Batch first;
      first.event_id = change.event_id();
      first.facts = EventFacts{change.event_id(), change.org_id(),        change.status(),
                               change.version(),  change.start_unix_ms(), change.end_unix_ms(),
                               change.time_zone()};
      first.facts_write = FactsWrite::kIfNewer;
      first.expected_facts_version = 0;
      last = store_.Apply(first, clock_.NowUnixMs());
      if (!absl::IsAborted(last)) return last;
      continue;
    }
    // This change is known already.
    if (stored->version >= change.version()) return absl::OkStatus();
    EventFacts facts = *stored;
    facts.status = change.status();
    facts.version = change.version();
    facts.start_unix_ms = change.start_unix_ms();
    facts.end_unix_ms = change.end_unix_ms();
    if (!change.time_zone().empty()) facts.time_zone = change.time_zone();
    // Decided by what changed against the stored facts, not only by the type: a reschedule
    // left pending and overtaken by a later change (event.updated) still has its effect
    // here, since only this listener advances the stored facts.
    const bool moved = facts.start_unix_ms != stored->start_unix_ms ||
                       facts.end_unix_ms != stored->end_unix_ms ||
                       facts.time_zone != stored->time_zone;
    const bool cancelled =
        type == "event.cancelled" || (facts.status == events::v1::EVENT_STATUS_CANCELLED &&
                                      stored->status != events::v1::EVENT_STATUS_CANCELLED);
    const bool rescheduled = type == "event.rescheduled" || moved;

    Batch batch;
    batch.event_id = facts.event_id;
    batch.facts = facts;
    batch.facts_write = FactsWrite::kIfNewer;
    // Deadlines and jobs below come from these facts and this list of requests.
    batch.expected_facts_version = stored->version;
    batch.retention_ms = RetentionMs();
    if (rescheduled || cancelled) {
      batch.purge_due_ms = PurgeDue(facts);
      EVENTS_ASSIGN_OR_RETURN(std::vector<StoredProvision> provisions,
                              store_.ListProvisions(facts.event_id));
      for (const StoredProvision& p : provisions) {
        if (p.provision.status() != events::v1::PROVISION_STATUS_BOOKED) continue;
        ProvisionWrite w;
        w.after = p;
        w.expected_version = p.provision.version();
        w.after.provision.set_status(events::v1::PROVISION_STATUS_NEEDS_RECONFIRMATION);
        w.after.provision.set_version(p.provision.version() + 1);
        w.event_kind = "provision_needs_reconfirmation";
        batch.provisions.push_back(w);
      }
      EVENTS_ASSIGN_OR_RETURN(LeadTimes lead_times, store_.GetLeadTimes(facts.org_id));
      EVENTS_ASSIGN_OR_RETURN(std::vector<StoredRequest> requests,
                              store_.ListRequests(facts.event_id));
      batch.expected_request_count = static_cast<int64_t>(requests.size());
      for (const StoredRequest& s : requests) {
        const events::v1::RequestStatus status = s.request.status();
        if (status == events::v1::REQUEST_STATUS_WITHDRAWN) continue;
        RequestWrite w;
        if (status == events::v1::REQUEST_STATUS_FULFILLED) {
          w = Move(s, events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION, "system");
        } else {
          w.after = s;
          w.after.sealed = SealedDetails{};
          w.expected_version = s.request.version();
          w.after.request.set_version(s.request.version() + 1);
        }
        // Deadlines follow the new start; "late" still compares with when it was asked.
        EVENTS_RETURN_IF_ERROR(ApplyDeadlines(w.after.request, facts.start_unix_ms, facts.time_zone,
                                              lead_times, s.request.created_unix_ms()));
        if (cancelled) {
          w.at_risk_due_ms = 0;
        } else if (IsOpen(w.after.request.status())) {
          w.at_risk_due_ms = RiskDue(w.after.request);
        }
        batch.requests.push_back(w);
      }
    }
    last = store_.Apply(batch, clock_.NowUnixMs());
    if (!absl::IsAborted(last)) return last;
  }
  return last;
}

}  // namespace events::accessibility
