// AccessDesk: the access coordinators' and organisers' calls.
#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "common/util/page_size.h"
#include "common/util/status_macros.h"
#include "services/accessibility/domain/access_desk.h"
#include "services/accessibility/rules/count_publication.h"
#include "services/accessibility/rules/request_rules.h"
#include "services/accessibility/rules/workflow.h"

namespace events::accessibility {

using events::v1::AccessibilityRequest;
using events::v1::RequestStatus;

namespace {

constexpr int kDefaultPage = 25;
constexpr int kMaxPage = 100;

absl::StatusOr<int> PageSize(const events::v1::PageRequest& page) {
  return events::PageSize(page.page_size(), {kDefaultPage, kMaxPage});
}

// Offset paging over a list read whole: the token is the position to continue from, as
// this service gives it (1 to 9 decimal digits; no sign, spaces or anything else).
absl::StatusOr<size_t> PageStart(const events::v1::PageRequest& page) {
  const std::string& token = page.page_token();
  size_t start = 0;
  if (token.empty()) return start;
  const bool digits = token.size() <= 9 && std::all_of(token.begin(), token.end(),
                                                       [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || !absl::SimpleAtoi(token, &start)) {
    return absl::InvalidArgumentError(
        "page.page_token is not one this service gave (pass next_page_token as given)");
  }
  return start;
}

bool AsksFor(const AccessibilityRequest& r, const std::string& need) {
  for (const auto& n : r.needs()) {
    if (n.need() == need) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<events::v1::ListRequestsResponse> AccessDesk::List(
    const Staff& staff, const events::v1::ListRequestsRequest& r) {
  if (!events::v1::RequestStatus_IsValid(r.status())) {
    return absl::InvalidArgumentError("status is not a known request status");
  }
  EVENTS_ASSIGN_OR_RETURN(int size, PageSize(r.page()));
  EVENTS_ASSIGN_OR_RETURN(size_t start, PageStart(r.page()));
  EVENTS_ASSIGN_OR_RETURN(EventFacts facts, OwnEvent(staff.org_id, r.event_id()));
  EVENTS_ASSIGN_OR_RETURN(std::vector<StoredRequest> all, store_.ListRequests(facts.event_id));
  events::v1::ListRequestsResponse out;
  size_t matched = 0;
  for (const StoredRequest& s : all) {
    if (r.status() != events::v1::REQUEST_STATUS_UNSPECIFIED && s.request.status() != r.status()) {
      continue;
    }
    if (matched++ < start) continue;
    if (out.requests_size() == size) {
      out.set_next_page_token(absl::StrCat(start + size));
      break;
    }
    EVENTS_ASSIGN_OR_RETURN(*out.add_requests(), View(s, false));
    AddName(*out.mutable_requests(out.requests_size() - 1));
  }
  // Needs tied to registration ids: no audit entry, no answer.
  std::vector<std::string> ids;
  for (const AccessibilityRequest& listed : out.requests()) ids.push_back(listed.id());
  EVENTS_RETURN_IF_ERROR(AuditListing(staff, facts.event_id, "ListRequests", ids));
  return out;
}

absl::StatusOr<AccessibilityRequest> AccessDesk::Read(const Staff& staff,
                                                      const std::string& request_id,
                                                      const std::string& rpc) {
  EVENTS_ASSIGN_OR_RETURN(StoredRequest stored, OwnRequest(staff.org_id, request_id));
  events::v1::AuditEntry entry;
  entry.set_at_unix_ms(clock_.NowUnixMs());
  entry.set_actor(staff.key_id);
  entry.set_actor_name(staff.actor_name);
  entry.set_request_id(request_id);
  entry.set_event_id(stored.request.event_id());
  entry.set_rpc(rpc);
  // No audit entry, no details.
  EVENTS_RETURN_IF_ERROR(store_.AppendAudit(staff.org_id, entry));
  EVENTS_ASSIGN_OR_RETURN(AccessibilityRequest out, View(stored, true));
  AddName(out);
  return out;
}

absl::StatusOr<AccessibilityRequest> AccessDesk::Transition(
    const Staff& staff, const events::v1::TransitionRequestRequest& request) {
  EVENTS_RETURN_IF_ERROR(ValidateTransition(request));
  absl::Status last;
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    EVENTS_ASSIGN_OR_RETURN(StoredRequest stored, OwnRequest(staff.org_id, request.request_id()));
    if (request.expected_version() != 0 && request.expected_version() != stored.request.version()) {
      return absl::AbortedError(absl::StrCat(
          "request ", request.request_id(), " is at version ", stored.request.version(), ", not ",
          request.expected_version(), "; read it again and retry"));
    }
    EVENTS_RETURN_IF_ERROR(CoordinatorMayMove(stored.request.status(), request.to()));
    RequestWrite w = Move(stored, request.to(), staff.key_id, staff.actor_name);
    if (!IsOpen(request.to())) {
      w.at_risk_due_ms = 0;
    } else if (!IsOpen(stored.request.status())) {
      w.at_risk_due_ms = RiskDue(stored.request);
    }
    if (request.to() == events::v1::REQUEST_STATUS_UNFULFILLABLE) {
      // The reason and the offer are about the person's needs: sealed with the details. Once
      // the details are deleted (retention) or the retention time is over, nothing more is
      // written with them: the record would outlive the retention it was promised.
      EVENTS_ASSIGN_OR_RETURN(EventFacts facts, Facts(stored.request.event_id()));
      if (stored.sealed.key_id.empty() || facts.end_unix_ms + RetentionMs() <= clock_.NowUnixMs()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "request ", stored.request.id(),
            " is past its retention time (its details were deleted ", options_.retention_days,
            " days after the event ended), so a reason and offer can no longer be recorded"));
      }
      events::v1::RequestDetails details;
      EVENTS_ASSIGN_OR_RETURN(details, cipher_.Open(stored.sealed, stored.request.id()));
      details.set_unfulfillable_reason(request.reason());
      details.set_offered_instead(request.offered_instead());
      EVENTS_ASSIGN_OR_RETURN(w.after.sealed, cipher_.Seal(details, stored.request.id()));
    }
    Batch batch;
    batch.event_id = stored.request.event_id();
    batch.retention_ms = RetentionMs();
    batch.requests.push_back(w);
    last = store_.Apply(batch, clock_.NowUnixMs());
    if (last.ok()) {
      EVENTS_ASSIGN_OR_RETURN(StoredRequest now, store_.GetRequest(stored.request.id()));
      // No details in the answer: reading them is GetRequest's, and audited.
      EVENTS_ASSIGN_OR_RETURN(AccessibilityRequest out, View(now, false));
      AddName(out);
      return out;
    }
    if (!absl::IsAborted(last) || request.expected_version() != 0) return last;
  }
  return last;
}

absl::StatusOr<events::v1::ListRequestsResponse> AccessDesk::AtRisk(
    const Staff& staff, const events::v1::PageRequest& page) {
  EVENTS_ASSIGN_OR_RETURN(int size, PageSize(page));
  EVENTS_ASSIGN_OR_RETURN(size_t start, PageStart(page));
  EVENTS_ASSIGN_OR_RETURN(std::vector<StoredRequest> all, store_.ListAtRisk(staff.org_id));
  events::v1::ListRequestsResponse out;
  for (size_t i = start; i < all.size(); ++i) {
    if (out.requests_size() == size) {
      out.set_next_page_token(absl::StrCat(i));
      break;
    }
    EVENTS_ASSIGN_OR_RETURN(*out.add_requests(), View(all[i], false));
    AddName(*out.mutable_requests(out.requests_size() - 1));
  }
  std::vector<std::string> ids;
  for (const AccessibilityRequest& listed : out.requests()) ids.push_back(listed.id());
  EVENTS_RETURN_IF_ERROR(AuditListing(staff, "", "ListAtRisk", ids));
  return out;
}

absl::StatusOr<events::v1::Provision> AccessDesk::AddProvision(
    const Staff& staff, const events::v1::AddProvisionRequest& r) {
  EVENTS_RETURN_IF_ERROR(ValidateProvision(r));
  EVENTS_ASSIGN_OR_RETURN(EventFacts facts, OwnEvent(staff.org_id, r.event_id()));
  const int64_t now = clock_.NowUnixMs();
  ProvisionWrite w;
  w.after.org_id = staff.org_id;
  events::v1::Provision& p = w.after.provision;
  p.set_id(ChildId("pv", facts.event_id, ids_.New("pv")));
  p.set_event_id(facts.event_id);
  p.set_need(r.need());
  p.set_description(r.description());
  p.set_status(events::v1::PROVISION_STATUS_BOOKED);
  p.set_created_unix_ms(now);
  p.set_updated_unix_ms(now);
  p.set_version(1);
  w.event_kind = "provision_booked";
  Batch batch;
  batch.event_id = facts.event_id;
  batch.facts = facts;
  batch.purge_due_ms = PurgeDue(facts);
  batch.retention_ms = RetentionMs();
  batch.provisions.push_back(w);
  EVENTS_RETURN_IF_ERROR(store_.Apply(batch, now));
  return p;
}

absl::StatusOr<events::v1::ListProvisionsResponse> AccessDesk::Provisions(
    const Staff& staff, const std::string& event_id) {
  EVENTS_ASSIGN_OR_RETURN(EventFacts facts, OwnEvent(staff.org_id, event_id));
  EVENTS_ASSIGN_OR_RETURN(std::vector<StoredProvision> all, store_.ListProvisions(facts.event_id));
  events::v1::ListProvisionsResponse out;
  for (StoredProvision& p : all) *out.add_provisions() = std::move(p.provision);
  return out;
}

absl::StatusOr<events::v1::FulfilWithProvisionResponse> AccessDesk::Fulfil(
    const Staff& staff, const events::v1::FulfilWithProvisionRequest& request) {
  EVENTS_RETURN_IF_ERROR(ValidateChildId(request.provision_id(), "pv", "provision_id"));
  if (request.request_ids_size() > kMaxRequestsPerProvision) {
    return absl::InvalidArgumentError(
        absl::StrCat("request_ids may list at most ", kMaxRequestsPerProvision, " requests"));
  }
  for (int i = 0; i < request.request_ids_size(); ++i) {
    EVENTS_RETURN_IF_ERROR(
        ValidateChildId(request.request_ids(i), "ar", absl::StrCat("request_ids[", i, "]")));
  }
  absl::Status last;
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    absl::StatusOr<StoredProvision> found = store_.GetProvision(request.provision_id());
    if (found.ok() && found->org_id != staff.org_id) {
      found = absl::NotFoundError(absl::StrCat("provision ", request.provision_id(), " not found"));
    }
    if (!found.ok()) return found.status();
    const events::v1::Provision& p = found->provision;
    EVENTS_ASSIGN_OR_RETURN(std::vector<StoredRequest> all, store_.ListRequests(p.event_id()));
    EVENTS_ASSIGN_OR_RETURN(std::vector<StoredProvision> provisions,
                            store_.ListProvisions(p.event_id()));
    std::map<std::string, std::string> need_of;  // booked provision id -> need
    for (const StoredProvision& other : provisions) {
      if (other.provision.status() == events::v1::PROVISION_STATUS_BOOKED ||
          other.provision.id() == p.id()) {
        need_of[other.provision.id()] = other.provision.need();
      }
    }
    std::set<std::string> wanted(request.request_ids().begin(), request.request_ids().end());
    Batch batch;
    batch.event_id = p.event_id();
    std::set<std::string> met;
    std::map<std::string, bool> deleted;  // request id -> details deleted
    for (const StoredRequest& s : all) {
      if (request.request_ids().empty()) {
        // Every open request of the event that asks for the provision's need.
        if (!AsksFor(s.request, p.need()) || !IsOpen(s.request.status())) continue;
      } else {
        if (wanted.erase(s.request.id()) == 0) continue;
        if (!AsksFor(s.request, p.need())) {
          return absl::FailedPreconditionError(
              absl::StrCat("request ", s.request.id(), " does not ask for ", p.need()));
        }
        if (!IsOpen(s.request.status())) {
          return absl::FailedPreconditionError(absl::StrCat("request ", s.request.id(), " is ",
                                                            StatusWords(s.request.status()),
                                                            ", so a provision cannot fulfil it"));
        }
      }
      // Fulfilled once every need is met by a booked provision; until then, in progress.
      std::set<std::string> covered = {p.need()};
      for (const std::string& id : s.request.provision_ids()) {
        if (need_of.count(id) > 0) covered.insert(need_of[id]);
      }
      bool all_met = true;
      for (const auto& n : s.request.needs()) all_met = all_met && covered.count(n.need()) > 0;
      const RequestStatus to =
          all_met ? events::v1::REQUEST_STATUS_FULFILLED : events::v1::REQUEST_STATUS_IN_PROGRESS;
      RequestWrite w = Move(s, to, staff.key_id, staff.actor_name);
      if (s.request.status() == to) {
        w.transition.reset();
        w.event_kind.clear();
      }
      auto& ids = *w.after.request.mutable_provision_ids();
      if (std::find(ids.begin(), ids.end(), p.id()) == ids.end())
        w.after.request.add_provision_ids(p.id());
      if (all_met) w.at_risk_due_ms = 0;
      batch.requests.push_back(w);
      met.insert(s.request.id());
      deleted[s.request.id()] = s.sealed.key_id.empty();
    }
    if (static_cast<int>(batch.requests.size()) > kMaxRequestsPerProvision) {
      return absl::FailedPreconditionError(absl::StrCat(
          "more than ", kMaxRequestsPerProvision, " open requests ask for ", p.need(),
          "; list them in request_ids, at most ", kMaxRequestsPerProvision, " per call"));
    }
    if (!wanted.empty()) {
      return absl::NotFoundError(
          absl::StrCat("request ", *wanted.begin(), " is not a request of event ", p.event_id()));
    }
    ProvisionWrite pw;
    pw.after = *found;
    pw.expected_version = p.version();
    pw.after.provision.set_version(p.version() + 1);
    pw.after.provision.set_updated_unix_ms(clock_.NowUnixMs());
    if (p.status() != events::v1::PROVISION_STATUS_BOOKED) {
      pw.after.provision.set_status(events::v1::PROVISION_STATUS_BOOKED);
      pw.event_kind = "provision_booked";
    }
    for (const std::string& id : met) {
      auto& ids = *pw.after.provision.mutable_request_ids();
      if (std::find(ids.begin(), ids.end(), id) == ids.end())
        pw.after.provision.add_request_ids(id);
    }
    batch.provisions.push_back(pw);
    batch.retention_ms = RetentionMs();
    last = store_.Apply(batch, clock_.NowUnixMs());
    if (last.ok()) {
      events::v1::FulfilWithProvisionResponse out;
      *out.mutable_provision() = pw.after.provision;
      std::vector<std::string> ids;
      for (const RequestWrite& w : batch.requests) {
        AccessibilityRequest* r = out.add_requests();
        EVENTS_ASSIGN_OR_RETURN(*r, View(w.after, false));
        r->set_details_deleted(deleted[w.after.request.id()]);
        AddName(*r);
        ids.push_back(w.after.request.id());
      }
      // The change is made; the answer (needs tied to registrations) needs its audit entry.
      EVENTS_RETURN_IF_ERROR(AuditListing(staff, p.event_id(), "FulfilWithProvision", ids));
      return out;
    }
    if (!absl::IsAborted(last)) return last;
  }
  return last;
}

absl::StatusOr<events::v1::ListAuditLogResponse> AccessDesk::Audit(
    const Staff& staff, const events::v1::PageRequest& page) {
  EVENTS_ASSIGN_OR_RETURN(int size, PageSize(page));
  EVENTS_ASSIGN_OR_RETURN(AuditPage got, store_.ListAudit(staff.org_id, page.page_token(), size));
  events::v1::ListAuditLogResponse out;
  for (auto& e : got.entries) *out.add_entries() = std::move(e);
  out.set_next_page_token(got.next_token);
  return out;
}

absl::StatusOr<events::v1::RequestCounts> AccessDesk::Counts(const Staff& staff,
                                                             const std::string& event_id) {
  EVENTS_ASSIGN_OR_RETURN(EventFacts facts, OwnEvent(staff.org_id, event_id));
  // Counts come from the published state, which takes in changes only in groups of at
  // least min_group (rules/count_publication.h); a reader that finds such groups publishes
  // them, and a publication raced by another is read again.
  PublishedCounts published;
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    EVENTS_ASSIGN_OR_RETURN(published, store_.GetPublishedCounts(facts.event_id));
    EVENTS_ASSIGN_OR_RETURN(std::vector<StoredRequest> all, store_.ListRequests(facts.event_id));
    Fingerprints live;
    for (const StoredRequest& s : all) live[s.request.id()] = FingerprintOf(s.request);
    PublishedCounts next = published;
    if (AdoptChanges(live, options_.min_group, next.requests) == 0) break;
    next.version = published.version + 1;
    next.published_unix_ms = clock_.NowUnixMs();
    const absl::Status put = store_.PublishCounts(facts.event_id, next);
    if (put.ok()) {
      published = std::move(next);
      break;
    }
    if (!absl::IsAborted(put)) return put;
  }
  // After max_attempts races the last state read is shown: a published one all the same.
  events::v1::RequestCounts out = CountsOf(published.requests, options_.min_group);
  out.set_event_id(facts.event_id);
  out.set_published_unix_ms(published.published_unix_ms);
  return out;
}

}  // namespace events::accessibility
