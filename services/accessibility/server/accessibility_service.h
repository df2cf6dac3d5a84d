#pragma once

#include <prometheus/metric_family.h>

#include <vector>

#include "events/v1/accessibility.grpc.pb.h"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
template <typename T>
class Family;
}  // namespace prometheus

namespace events::auth {
class Authenticator;
}

namespace events::accessibility {

class AccessDesk;

// The service's own counters, built from an injected registry.
struct AccessibilityMetrics {
  explicit AccessibilityMetrics(prometheus::Registry& registry);
  prometheus::Family<prometheus::Counter>& requests;
  prometheus::Counter& submitted;       // events_accessibility_requests_total{outcome="on_time"}
  prometheus::Counter& submitted_late;  // events_accessibility_requests_total{outcome="late"}
  prometheus::Counter& detail_reads;    // events_accessibility_detail_reads_total
  // events_access_requests_at_risk{org_id}, events_access_requests_past_deadline{org_id}:
  // set by RiskGauges (worker/risk_gauges.h).
  prometheus::Family<prometheus::Gauge>& at_risk;
  prometheus::Family<prometheus::Gauge>& past_deadline;
  // The two gauges' families, for ServiceRunner::DeclareFamilies: /metrics names them before
  // any organisation has a request at risk (their only label, org_id, comes with the data).
  static std::vector<prometheus::MetricFamily> Declared();
};

// The gRPC face of AccessDesk: authenticates, checks the role, calls the desk, maps the
// status. Attendee calls need no key (the registration token is the credential);
// access_coordinator for details, the workflow, provisions, at-risk and audit; organiser or
// access_coordinator for counts and lead times; integration keys only for counts, with the
// accessibility:counts scope. Thread-safe.
class AccessibilityServiceImpl final : public events::v1::AccessibilityService::Service {
 public:
  AccessibilityServiceImpl(AccessDesk& desk, const events::auth::Authenticator& auth,
                           AccessibilityMetrics& metrics);

  grpc::Status GetCatalogue(grpc::ServerContext* ctx, const events::v1::GetCatalogueRequest* req,
                            events::v1::Catalogue* resp) override;
  grpc::Status SetLeadTime(grpc::ServerContext* ctx, const events::v1::SetLeadTimeRequest* req,
                           events::v1::Catalogue* resp) override;
  grpc::Status SubmitRequest(grpc::ServerContext* ctx, const events::v1::SubmitRequestRequest* req,
                             events::v1::AccessibilityRequest* resp) override;
  grpc::Status GetMyRequest(grpc::ServerContext* ctx, const events::v1::GetMyRequestRequest* req,
                            events::v1::AccessibilityRequest* resp) override;
  grpc::Status UpdateMyRequest(grpc::ServerContext* ctx,
                               const events::v1::UpdateMyRequestRequest* req,
                               events::v1::AccessibilityRequest* resp) override;
  grpc::Status WithdrawMyRequest(grpc::ServerContext* ctx,
                                 const events::v1::WithdrawMyRequestRequest* req,
                                 events::v1::AccessibilityRequest* resp) override;
  grpc::Status EraseMyRequest(grpc::ServerContext* ctx,
                              const events::v1::EraseMyRequestRequest* req,
                              events::v1::AccessibilityRequest* resp) override;
  grpc::Status ListRequests(grpc::ServerContext* ctx, const events::v1::ListRequestsRequest* req,
                            events::v1::ListRequestsResponse* resp) override;
  grpc::Status GetRequest(grpc::ServerContext* ctx, const events::v1::GetRequestRequest* req,
                          events::v1::AccessibilityRequest* resp) override;
  grpc::Status TransitionRequest(grpc::ServerContext* ctx,
                                 const events::v1::TransitionRequestRequest* req,
                                 events::v1::AccessibilityRequest* resp) override;
  grpc::Status ListAtRisk(grpc::ServerContext* ctx, const events::v1::ListAtRiskRequest* req,
                          events::v1::ListRequestsResponse* resp) override;
  grpc::Status AddProvision(grpc::ServerContext* ctx, const events::v1::AddProvisionRequest* req,
                            events::v1::Provision* resp) override;
  grpc::Status ListProvisions(grpc::ServerContext* ctx,
                              const events::v1::ListProvisionsRequest* req,
                              events::v1::ListProvisionsResponse* resp) override;
  grpc::Status FulfilWithProvision(grpc::ServerContext* ctx,
                                   const events::v1::FulfilWithProvisionRequest* req,
                                   events::v1::FulfilWithProvisionResponse* resp) override;
  grpc::Status ListAuditLog(grpc::ServerContext* ctx, const events::v1::ListAuditLogRequest* req,
                            events::v1::ListAuditLogResponse* resp) override;
  grpc::Status GetRequestCounts(grpc::ServerContext* ctx,
                                const events::v1::GetRequestCountsRequest* req,
                                events::v1::RequestCounts* resp) override;

 private:
  AccessDesk& desk_;
  const events::auth::Authenticator& auth_;
  AccessibilityMetrics& metrics_;
};

}  // namespace events::accessibility
