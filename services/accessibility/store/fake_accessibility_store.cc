#include "services/accessibility/store/fake_accessibility_store.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/accessibility/rules/workflow.h"

namespace events::accessibility {

absl::Status FakeAccessibilityStore::Apply(const Batch& b, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto check = [](int64_t stored, bool exists, int64_t expected,
                  const std::string& id) -> absl::Status {
    if (expected == 0 ? exists : (!exists || stored != expected)) {
      return absl::AbortedError(absl::StrCat(id, " was changed at the same time (now at version ",
                                             stored, "); read it again and retry"));
    }
    return absl::OkStatus();
  };
  auto stored_facts = facts_.find(b.event_id);
  if (b.expected_facts_version.has_value()) {
    const int64_t stored = stored_facts == facts_.end() ? 0 : stored_facts->second.version;
    if (stored != *b.expected_facts_version) {
      return absl::AbortedError(absl::StrCat("the facts of event ", b.event_id,
                                             " were changed at the same time (now at version ",
                                             stored, "); read it again and retry"));
    }
  }
  if (b.expected_request_count.has_value()) {
    const int64_t count = static_cast<int64_t>(event_requests_[b.event_id].size());
    if (count != *b.expected_request_count) {
      return absl::AbortedError(absl::StrCat("the request list of event ", b.event_id,
                                             " was changed at the same time (now at version ",
                                             count, "); read it again and retry"));
    }
  }
  bool writes_details = false;
  for (const RequestWrite& w : b.requests) {
    writes_details = writes_details || (!w.delete_details && !w.after.sealed.key_id.empty());
  }
  if (writes_details && !b.retention_ms.has_value()) {
    return NoRetention();
  }
  for (const RequestWrite& w : b.requests) {
    const std::string& id = w.after.request.id();
    auto it = requests_.find(id);
    const bool exists = it != requests_.end();
    if (absl::Status s =
            check(exists ? it->second.request.version() : 0, exists, w.expected_version, id);
        !s.ok()) {
      return s;
    }
    const std::string& reg = w.after.request.registration_id();
    if (w.expected_version == 0 && !reg.empty()) {
      auto& links = by_registration_[b.event_id];
      auto link = links.find(reg);
      if (link != links.end() &&
          requests_[link->second].request.status() != events::v1::REQUEST_STATUS_WITHDRAWN) {
        return absl::AlreadyExistsError(
            absl::StrCat("this registration already has accessibility request ", link->second,
                         "; change it instead"));
      }
    }
  }
  for (const ProvisionWrite& w : b.provisions) {
    auto it = provisions_.find(w.after.provision.id());
    const bool exists = it != provisions_.end();
    if (absl::Status s = check(exists ? it->second.provision.version() : 0, exists,
                               w.expected_version, w.after.provision.id());
        !s.ok()) {
      return s;
    }
  }
  if (b.facts.has_value()) {
    if (stored_facts == facts_.end() || (b.facts_write == FactsWrite::kIfNewer &&
                                         stored_facts->second.version < b.facts->version)) {
      facts_[b.event_id] = *b.facts;
    }
  }
  for (const RequestWrite& w : b.requests) {
    const std::string& id = w.after.request.id();
    auto it = requests_.find(id);
    StoredRequest next = w.after;
    next.request.clear_details();
    if (it == requests_.end()) {
      event_requests_[b.event_id].push_back(id);
      next.request.set_created_unix_ms(now_ms);
      if (!next.request.registration_id().empty()) {
        by_registration_[b.event_id][next.request.registration_id()] = id;
        registration_requests_[b.event_id][next.request.registration_id()].insert(id);
      }
    } else {
      *next.request.mutable_history() = it->second.request.history();
      next.request.set_at_risk(it->second.request.at_risk());
      next.request.set_created_unix_ms(it->second.request.created_unix_ms());
      if (w.delete_details || next.sealed.key_id.empty()) next.sealed = it->second.sealed;
      if (w.unlink_registration) {
        // Every request the registration ever had forgets it and loses its details.
        for (const std::string& reg :
             {it->second.request.registration_id(), next.request.registration_id()}) {
          if (reg.empty()) continue;
          for (const std::string& other : registration_requests_[b.event_id][reg]) {
            if (other == id) continue;
            StoredRequest& o = requests_[other];
            o.request.clear_registration_id();
            o.sealed = SealedDetails{};
            o.request.set_details_deleted(true);
            o.request.set_version(o.request.version() + 1);
          }
          registration_requests_[b.event_id].erase(reg);
          by_registration_[b.event_id].erase(reg);
        }
      }
    }
    if (w.unlink_registration) next.request.clear_registration_id();
    if (w.delete_details) next.sealed = SealedDetails{};
    next.request.set_details_deleted(next.sealed.key_id.empty());
    next.request.set_updated_unix_ms(now_ms);
    if (w.transition.has_value()) *next.request.add_history() = *w.transition;
    requests_[id] = next;
    if (w.at_risk_due_ms.has_value()) {
      ClearRisk(id);
      if (*w.at_risk_due_ms > 0) jobs_["risk:" + id] = *w.at_risk_due_ms;
    }
    if (!w.event_kind.empty()) Emit(w.event_kind, requests_[id], w.previous_status, now_ms);
  }
  for (const ProvisionWrite& w : b.provisions) {
    StoredProvision next = w.after;
    next.provision.set_updated_unix_ms(now_ms);
    if (provisions_.count(next.provision.id()) == 0) {
      event_provisions_[b.event_id].push_back(next.provision.id());
    }
    provisions_[next.provision.id()] = next;
    if (!w.event_kind.empty()) {
      events::v1::AccessibilityProvisionChanged data;
      data.set_provision_id(next.provision.id());
      data.set_event_id(next.provision.event_id());
      data.set_org_id(next.org_id);
      data.set_status(next.provision.status());
      data.set_version(next.provision.version());
      events::v1::DomainEvent e;
      e.set_id(absl::StrCat(next.provision.id(), ":", w.event_kind, ":", data.version()));
      e.set_type("accessibility." + w.event_kind);
      e.set_source("accessibility");
      e.set_time_unix_ms(now_ms);
      e.set_subject(next.provision.id());
      e.set_org_id(next.org_id);
      e.set_data_type(events::v1::AccessibilityProvisionChanged::descriptor()->full_name());
      e.set_data(data.SerializeAsString());
      events_.push_back(e);
    }
  }
  int64_t purge = b.purge_due_ms;
  if (purge <= 0 && writes_details) {
    auto f = facts_.find(b.event_id);
    purge = (f == facts_.end() ? now_ms : f->second.end_unix_ms) + *b.retention_ms;
  }
  if (purge > 0) jobs_["purge:" + b.event_id] = purge;
  return absl::OkStatus();
}

void FakeAccessibilityStore::Emit(const std::string& kind, const StoredRequest& s,
                                  events::v1::RequestStatus previous, int64_t now_ms) {
  events::v1::AccessibilityRequestChanged data;
  data.set_request_id(s.request.id());
  data.set_event_id(s.request.event_id());
  data.set_registration_id(s.request.registration_id());
  data.set_org_id(s.org_id);
  data.set_status(s.request.status());
  data.set_previous_status(previous);
  data.set_late(s.request.late());
  data.set_deadline_unix_ms(s.request.deadline_unix_ms());
  data.set_version(s.request.version());
  events::v1::DomainEvent e;
  e.set_id(absl::StrCat(s.request.id(), ":", kind, ":", s.request.version()));
  e.set_type("accessibility." + kind);
  e.set_source("accessibility");
  e.set_time_unix_ms(now_ms);
  e.set_subject(s.request.id());
  e.set_org_id(s.org_id);
  e.set_data_type(events::v1::AccessibilityRequestChanged::descriptor()->full_name());
  e.set_data(data.SerializeAsString());
  events_.push_back(e);
}

void FakeAccessibilityStore::ClearRisk(const std::string& id) {
  jobs_.erase("risk:" + id);
  requests_[id].request.set_at_risk(false);
}

absl::StatusOr<std::optional<EventFacts>> FakeAccessibilityStore::GetFacts(
    const std::string& event_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = facts_.find(event_id);
  if (it == facts_.end()) return std::optional<EventFacts>();
  return std::optional<EventFacts>(it->second);
}

absl::StatusOr<StoredRequest> FakeAccessibilityStore::GetRequest(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = requests_.find(id);
  if (it == requests_.end()) {
    return absl::NotFoundError(absl::StrCat("accessibility request ", id, " not found"));
  }
  return it->second;
}

absl::StatusOr<std::string> FakeAccessibilityStore::FindByRegistration(
    const std::string& event_id, const std::string& registration_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& links = by_registration_[event_id];
  auto it = links.find(registration_id);
  return it == links.end() ? std::string() : it->second;
}

absl::StatusOr<std::vector<StoredRequest>> FakeAccessibilityStore::ListRequests(
    const std::string& event_id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<StoredRequest> out;
  for (const std::string& id : event_requests_[event_id]) {
    out.push_back(requests_[id]);
    out.back().request.clear_history();
  }
  return out;
}

absl::StatusOr<std::vector<StoredRequest>> FakeAccessibilityStore::ListAtRisk(
    const std::string& org_id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<StoredRequest> out;
  for (const auto& [id, r] : requests_) {
    if (r.org_id == org_id && r.request.at_risk()) {
      out.push_back(r);
      out.back().request.clear_history();
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const StoredRequest& a, const StoredRequest& b) {
    return a.request.deadline_unix_ms() < b.request.deadline_unix_ms();
  });
  return out;
}

absl::StatusOr<StoredProvision> FakeAccessibilityStore::GetProvision(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = provisions_.find(id);
  if (it == provisions_.end())
    return absl::NotFoundError(absl::StrCat("provision ", id, " not found"));
  return it->second;
}

absl::StatusOr<std::vector<StoredProvision>> FakeAccessibilityStore::ListProvisions(
    const std::string& event_id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<StoredProvision> out;
  for (const std::string& id : event_provisions_[event_id]) out.push_back(provisions_[id]);
  return out;
}

absl::StatusOr<LeadTimes> FakeAccessibilityStore::GetLeadTimes(const std::string& org_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return lead_times_[org_id];
}

absl::Status FakeAccessibilityStore::SetLeadTime(const std::string& org_id, const std::string& need,
                                                 int days) {
  std::lock_guard<std::mutex> lock(mu_);
  lead_times_[org_id][need] = days;
  return absl::OkStatus();
}

absl::Status FakeAccessibilityStore::AppendAudit(const std::string& org_id,
                                                 const events::v1::AuditEntry& entry) {
  std::lock_guard<std::mutex> lock(mu_);
  audit_[org_id].push_back(entry);
  return absl::OkStatus();
}

absl::StatusOr<AuditPage> FakeAccessibilityStore::ListAudit(const std::string& org_id,
                                                            const std::string& page_token,
                                                            int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto& all = audit_[org_id];
  // Tokens are positions from the end (the newest is 0).
  size_t from = 0;
  const bool digits =
      page_token.size() <= 9 && std::all_of(page_token.begin(), page_token.end(),
                                            [](char c) { return c >= '0' && c <= '9'; });
  if (!page_token.empty() && (!digits || !absl::SimpleAtoi(page_token, &from))) {
    return absl::InvalidArgumentError(
        "page.page_token is not one this service gave (pass next_page_token as given)");
  }
  AuditPage page;
  for (size_t i = from; i < all.size(); ++i) {
    if (static_cast<int>(page.entries.size()) == limit) {
      page.next_token = absl::StrCat(i);
      break;
    }
    page.entries.push_back(all[all.size() - 1 - i]);
  }
  return page;
}

absl::StatusOr<int> FakeAccessibilityStore::FireDueJobs(int64_t now_ms, int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<int64_t, std::string>> due;
  for (const auto& [job, at] : jobs_) {
    if (at <= now_ms) due.emplace_back(at, job);
  }
  std::sort(due.begin(), due.end());
  if (static_cast<int>(due.size()) > limit) due.resize(limit);
  for (const auto& [at, job] : due) {
    jobs_.erase(job);
    const size_t colon = job.find(':');
    const std::string kind = job.substr(0, colon), id = job.substr(colon + 1);
    if (kind == "risk") {
      auto it = requests_.find(id);
      if (it != requests_.end() && IsOpen(it->second.request.status())) {
        it->second.request.set_at_risk(true);
        Emit("request_at_risk", it->second, it->second.request.status(), now_ms);
      }
    } else {
      for (const std::string& rid : event_requests_[id]) {
        requests_[rid].sealed = SealedDetails{};
        requests_[rid].request.set_details_deleted(true);
        requests_[rid].request.set_version(requests_[rid].request.version() + 1);
      }
    }
  }
  return static_cast<int>(due.size());
}

std::vector<events::v1::DomainEvent> FakeAccessibilityStore::Events() const {
  std::lock_guard<std::mutex> lock(mu_);
  return events_;
}

absl::StatusOr<PublishedCounts> FakeAccessibilityStore::GetPublishedCounts(
    const std::string& event_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = published_counts_.find(event_id);
  return it == published_counts_.end() ? PublishedCounts{} : it->second;
}

absl::Status FakeAccessibilityStore::PublishCounts(const std::string& event_id,
                                                   const PublishedCounts& next) {
  std::lock_guard<std::mutex> lock(mu_);
  PublishedCounts& stored = published_counts_[event_id];
  if (stored.version != next.version - 1) {
    return absl::AbortedError(
        absl::StrCat("the counts of event ", event_id, " were published at the same time"));
  }
  stored = next;
  return absl::OkStatus();
}

}  // namespace events::accessibility
