#include "services/accessibility/server/accessibility_service.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <vector>

#include "absl/strings/string_view.h"
#include "common/auth/authenticator.h"
#include "common/auth/grpc_auth.h"
#include "common/rpc/status.h"
#include "services/accessibility/domain/access_desk.h"

namespace events::accessibility {

using events::auth::Caller;
using events::auth::Role;
using events::rpc::Reply;
using events::rpc::ToGrpcStatus;

namespace {

// The only scope an integration key may use here: GetRequestCounts (no names, no details).
constexpr absl::string_view kCountsScope = "accessibility:counts";

// A caller with one of `roles` (or, when `integration_scope` is given, an integration key
// with that scope), as the desk's Staff. Every call but GetRequestCounts passes no scope, so
// integration keys are refused with PERMISSION_DENIED naming the role needed.
absl::StatusOr<Staff> StaffWith(const events::auth::Authenticator& auth,
                                const grpc::ServerContext& ctx, const std::vector<Role>& roles,
                                absl::string_view integration_scope = {}) {
  absl::StatusOr<Caller> caller = auth.Authenticate(events::auth::AuthorizationOf(ctx));
  if (!caller.ok()) return caller.status();
  absl::Status allowed = roles.size() == 1 && integration_scope.empty()
                             ? events::auth::RequireRole(*caller, roles[0])
                             : events::auth::RequireAnyRole(*caller, roles, integration_scope);
  if (!allowed.ok()) return allowed;
  return Staff{caller->org_id, caller->key_id, caller->actor_name};
}

absl::StatusOr<Staff> Coordinator(const events::auth::Authenticator& auth,
                                  const grpc::ServerContext& ctx) {
  return StaffWith(auth, ctx, {Role::kAccessCoordinator});
}

absl::StatusOr<Staff> OrganiserOrCoordinator(const events::auth::Authenticator& auth,
                                             const grpc::ServerContext& ctx) {
  return StaffWith(auth, ctx, {Role::kOrganiser, Role::kAccessCoordinator});
}

// GetRequestCounts: an organiser, an access coordinator, or an integration key with the
// accessibility:counts scope (its organisation's events only, as for the others).
absl::StatusOr<Staff> CountsReader(const events::auth::Authenticator& auth,
                                   const grpc::ServerContext& ctx) {
  return StaffWith(auth, ctx, {Role::kOrganiser, Role::kAccessCoordinator}, kCountsScope);
}

struct GaugeName {
  const char* name;
  const char* help;
};
constexpr GaugeName kAtRisk{"events_access_requests_at_risk",
                            "Open access requests marked at risk (within "
                            "ACCESSIBILITY_AT_RISK_HOURS of their deadline), deadline not passed "
                            "yet; read every 60 s"};
constexpr GaugeName kPastDeadline{
    "events_access_requests_past_deadline",
    "Open access requests whose deadline has passed; read every 60 s"};

}  // namespace

AccessibilityMetrics::AccessibilityMetrics(prometheus::Registry& registry)
    : requests(prometheus::BuildCounter()
                   .Name("events_accessibility_requests_total")
                   .Help("Accessibility requests submitted, on time or late")
                   .Register(registry)),
      submitted(requests.Add({{"outcome", "on_time"}})),
      submitted_late(requests.Add({{"outcome", "late"}})),
      detail_reads(prometheus::BuildCounter()
                       .Name("events_accessibility_detail_reads_total")
                       .Help("Reads of request details by access coordinators (each audited)")
                       .Register(registry)
                       .Add({})),
      at_risk(prometheus::BuildGauge().Name(kAtRisk.name).Help(kAtRisk.help).Register(registry)),
      past_deadline(prometheus::BuildGauge()
                        .Name(kPastDeadline.name)
                        .Help(kPastDeadline.help)
                        .Register(registry)) {}

std::vector<prometheus::MetricFamily> AccessibilityMetrics::Declared() {
  std::vector<prometheus::MetricFamily> families;
  for (const GaugeName& gauge : {kAtRisk, kPastDeadline}) {
    families.push_back(
        prometheus::MetricFamily{gauge.name, gauge.help, prometheus::MetricType::Gauge, {}});
  }
  return families;
}

AccessibilityServiceImpl::AccessibilityServiceImpl(AccessDesk& desk,
                                                   const events::auth::Authenticator& auth,
                                                   AccessibilityMetrics& metrics)
    : desk_(desk), auth_(auth), metrics_(metrics) {}

grpc::Status AccessibilityServiceImpl::GetCatalogue(grpc::ServerContext* ctx,
                                                    const events::v1::GetCatalogueRequest* req,
                                                    events::v1::Catalogue* resp) {
  if (!req->event_id().empty()) return Reply(desk_.CatalogueForEvent(req->event_id()), resp);
  // The catalogue is public for every event; its organisation's viewers read it too (the
  // console's event pages show what access support an event offers).
  auto staff = StaffWith(auth_, *ctx, {Role::kOrganiser, Role::kAccessCoordinator, Role::kViewer});
  if (!staff.ok()) {
    if (absl::IsUnauthenticated(staff.status())) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "event_id is required without an API key (the catalogue of the "
                          "event's organisation is public)");
    }
    return ToGrpcStatus(staff.status());
  }
  return Reply(desk_.CatalogueOf(staff->org_id), resp);
}

grpc::Status AccessibilityServiceImpl::SetLeadTime(grpc::ServerContext* ctx,
                                                   const events::v1::SetLeadTimeRequest* req,
                                                   events::v1::Catalogue* resp) {
  auto staff = OrganiserOrCoordinator(auth_, *ctx);
  if (!staff.ok()) return ToGrpcStatus(staff.status());
  return Reply(desk_.SetLeadTime(staff->org_id, *req), resp);
}

grpc::Status AccessibilityServiceImpl::SubmitRequest(grpc::ServerContext*,
                                                     const events::v1::SubmitRequestRequest* req,
                                                     events::v1::AccessibilityRequest* resp) {
  auto submitted = desk_.Submit(*req);
  if (submitted.ok())
    (submitted->late() ? metrics_.submitted_late : metrics_.submitted).Increment();
  return Reply(std::move(submitted), resp);
}

grpc::Status AccessibilityServiceImpl::GetMyRequest(grpc::ServerContext*,
                                                    const events::v1::GetMyRequestRequest* req,
                                                    events::v1::AccessibilityRequest* resp) {
  return Reply(desk_.GetMine(req->registration_token()), resp);
}

grpc::Status AccessibilityServiceImpl::UpdateMyRequest(
    grpc::ServerContext*, const events::v1::UpdateMyRequestRequest* req,
    events::v1::AccessibilityRequest* resp) {
  return Reply(desk_.UpdateMine(*req), resp);
}

grpc::Status AccessibilityServiceImpl::WithdrawMyRequest(
    grpc::ServerContext*, const events::v1::WithdrawMyRequestRequest* req,
    events::v1::AccessibilityRequest* resp) {
  return Reply(desk_.WithdrawMine(req->registration_token()), resp);
}

grpc::Status AccessibilityServiceImpl::EraseMyRequest(grpc::ServerContext*,
                                                      const events::v1::EraseMyRequestRequest* req,
                                                      events::v1::AccessibilityRequest* resp) {
  return Reply(desk_.EraseMine(req->registration_token()), resp);
}

grpc::Status AccessibilityServiceImpl::ListRequests(grpc::ServerContext* ctx,
                                                    const events::v1::ListRequestsRequest* req,
                                                    events::v1::ListRequestsResponse* resp) {
  auto staff = Coordinator(auth_, *ctx);
  if (!staff.ok()) return ToGrpcStatus(staff.status());
  return Reply(desk_.List(*staff, *req), resp);
}

grpc::Status AccessibilityServiceImpl::GetRequest(grpc::ServerContext* ctx,
                                                  const events::v1::GetRequestRequest* req,
                                                  events::v1::AccessibilityRequest* resp) {
  auto staff = Coordinator(auth_, *ctx);
  if (!staff.ok()) return ToGrpcStatus(staff.status());
  auto read = desk_.Read(*staff, req->request_id(), "GetRequest");
  if (read.ok()) metrics_.detail_reads.Increment();
  return Reply(std::move(read), resp);
}

grpc::Status AccessibilityServiceImpl::TransitionRequest(
    grpc::ServerContext* ctx, const events::v1::TransitionRequestRequest* req,
    events::v1::AccessibilityRequest* resp) {
  auto staff = Coordinator(auth_, *ctx);
  if (!staff.ok()) return ToGrpcStatus(staff.status());
  return Reply(desk_.Transition(*staff, *req), resp);
}

grpc::Status AccessibilityServiceImpl::ListAtRisk(grpc::ServerContext* ctx,
                                                  const events::v1::ListAtRiskRequest* req,
                                                  events::v1::ListRequestsResponse* resp) {
  auto staff = Coordinator(auth_, *ctx);
  if (!staff.ok()) return ToGrpcStatus(staff.status());
  return Reply(desk_.AtRisk(*staff, req->page()), resp);
}

grpc::Status AccessibilityServiceImpl::AddProvision(grpc::ServerContext* ctx,
                                                    const events::v1::AddProvisionRequest* req,
                                                    events::v1::Provision* resp) {
  auto staff = Coordinator(auth_, *ctx);
  if (!staff.ok()) return ToGrpcStatus(staff.status());
  return Reply(desk_.AddProvision(*staff, *req), resp);
}

grpc::Status AccessibilityServiceImpl::ListProvisions(grpc::ServerContext* ctx,
                                                      const events::v1::ListProvisionsRequest* req,
                                                      events::v1::ListProvisionsResponse* resp) {
  auto staff = Coordinator(auth_, *ctx);
  if (!staff.ok()) return ToGrpcStatus(staff.status());
  return Reply(desk_.Provisions(*staff, req->event_id()), resp);
}

grpc::Status AccessibilityServiceImpl::FulfilWithProvision(
    grpc::ServerContext* ctx, const events::v1::FulfilWithProvisionRequest* req,
    events::v1::FulfilWithProvisionResponse* resp) {
  auto staff = Coordinator(auth_, *ctx);
  if (!staff.ok()) return ToGrpcStatus(staff.status());
  return Reply(desk_.Fulfil(*staff, *req), resp);
}

grpc::Status AccessibilityServiceImpl::ListAuditLog(grpc::ServerContext* ctx,
                                                    const events::v1::ListAuditLogRequest* req,
                                                    events::v1::ListAuditLogResponse* resp) {
  auto staff = Coordinator(auth_, *ctx);
  if (!staff.ok()) return ToGrpcStatus(staff.status());
  return Reply(desk_.Audit(*staff, req->page()), resp);
}

grpc::Status AccessibilityServiceImpl::GetRequestCounts(
    grpc::ServerContext* ctx, const events::v1::GetRequestCountsRequest* req,
    events::v1::RequestCounts* resp) {
  auto staff = CountsReader(auth_, *ctx);
  if (!staff.ok()) return ToGrpcStatus(staff.status());
  return Reply(desk_.Counts(*staff, req->event_id()), resp);
}

}  // namespace events::accessibility
