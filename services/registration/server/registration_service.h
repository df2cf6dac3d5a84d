#pragma once

#include "absl/status/status.h"
#include "common/rpc/client_address.h"
#include "common/rpc/request_budget.h"
#include "common/util/thread_pool.h"
#include "events/v1/registration.grpc.pb.h"

namespace prometheus {
class Registry;
class Counter;
template <typename T>
class Family;
}  // namespace prometheus

namespace events::auth {
class Authenticator;
}

namespace events::registration {

class Registrar;

// Every metric the registration service adds to the shared gRPC ones.
struct RegistrationMetrics {
  explicit RegistrationMetrics(prometheus::Registry& registry);
  // Counts a Register answer that made no registration: `refused` when the input or a rule
  // said no (IsRefusal), `error` when the service failed. Thread-safe.
  void CountFailure(const absl::Status& status);
  // True when a failed Register answer is the caller's input or a rule saying no.
  static bool IsRefusal(const absl::Status& status);

  // events_registrations_total{outcome="confirmed|waitlisted|pending_approval|refused|error"}:
  // one per Register answer (a replay of an idempotency key counts as its original outcome).
  prometheus::Family<prometheus::Counter>& registrations;
  prometheus::Counter& confirmed;
  prometheus::Counter& waitlisted;
  prometheus::Counter& pending;
  prometheus::Counter& refused;
  prometheus::Counter& error;
};

// The gRPC face of Registrar: checks the caller, calls the domain, maps the status.
//
// Register, the call that takes the bursts, uses gRPC's callback API: it queues the
// registration for Redis and returns its thread at once, and the answer goes out when
// Redis has answered (Registrar::RegisterAsync). Every other method is synchronous.
//
// Register takes its request as bytes and parses it itself, after taking the request's size
// from a budget (`request_budget_bytes`) held until the answer: gRPC parses callback-API
// requests on its own threads, which the handler-thread limit does not cover, so without it
// a burst of hostile requests could take any amount of memory (docs/configuration.md).
class RegistrationServiceImpl final
    : public events::v1::RegistrationService::WithRawCallbackMethod_Register<
          events::v1::RegistrationService::Service> {
 public:
  // `slow_threads`: threads for Register's rare blocking paths (fetching an event's facts,
  // an idempotent replay). `trusted_proxies`: peers whose x-forwarded-for header says who
  // the client is (for the per-address rate limit).
  RegistrationServiceImpl(Registrar& registrar, const events::auth::Authenticator& auth,
                          RegistrationMetrics& metrics, int slow_threads = 4,
                          events::rpc::TrustedProxies trusted_proxies = {},
                          int64_t request_budget_bytes = kDefaultRequestBudgetBytes);

  // 1 MiB of requests in flight: thousands of ordinary registrations (a few hundred bytes
  // each), or four of the largest hostile ones.
  static constexpr int64_t kDefaultRequestBudgetBytes = 1 << 20;

  grpc::ServerUnaryReactor* Register(grpc::CallbackServerContext* ctx,
                                     const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* response) override;
  grpc::Status ResendLink(grpc::ServerContext* ctx, const events::v1::ResendLinkRequest* req,
                          events::v1::ResendLinkResponse* resp) override;
  grpc::Status GetAvailability(grpc::ServerContext* ctx,
                               const events::v1::GetAvailabilityRequest* req,
                               events::v1::Availability* resp) override;
  grpc::Status GetRegistrationForm(grpc::ServerContext* ctx,
                                   const events::v1::GetRegistrationFormRequest* req,
                                   events::v1::RegistrationSettings* resp) override;
  grpc::Status GetMyRegistration(grpc::ServerContext* ctx,
                                 const events::v1::GetMyRegistrationRequest* req,
                                 events::v1::Registration* resp) override;
  grpc::Status UpdateMyRegistration(grpc::ServerContext* ctx,
                                    const events::v1::UpdateMyRegistrationRequest* req,
                                    events::v1::Registration* resp) override;
  grpc::Status CancelMyRegistration(grpc::ServerContext* ctx,
                                    const events::v1::CancelMyRegistrationRequest* req,
                                    events::v1::Registration* resp) override;
  grpc::Status ConfigureRegistration(grpc::ServerContext* ctx,
                                     const events::v1::ConfigureRegistrationRequest* req,
                                     events::v1::RegistrationSettings* resp) override;
  grpc::Status ListRegistrations(grpc::ServerContext* ctx,
                                 const events::v1::ListRegistrationsRequest* req,
                                 events::v1::ListRegistrationsResponse* resp) override;
  grpc::Status GetRegistration(grpc::ServerContext* ctx,
                               const events::v1::GetRegistrationRequest* req,
                               events::v1::Registration* resp) override;
  grpc::Status GetCapacity(grpc::ServerContext* ctx, const events::v1::GetCapacityRequest* req,
                           events::v1::CapacitySummary* resp) override;
  grpc::Status ChangeCapacity(grpc::ServerContext* ctx,
                              const events::v1::ChangeCapacityRequest* req,
                              events::v1::CapacitySummary* resp) override;
  grpc::Status ApproveRegistration(grpc::ServerContext* ctx,
                                   const events::v1::DecideRegistrationRequest* req,
                                   events::v1::Registration* resp) override;
  grpc::Status RejectRegistration(grpc::ServerContext* ctx,
                                  const events::v1::DecideRegistrationRequest* req,
                                  events::v1::Registration* resp) override;
  grpc::Status CancelRegistration(grpc::ServerContext* ctx,
                                  const events::v1::CancelRegistrationRequest* req,
                                  events::v1::Registration* resp) override;
  grpc::Status MarkAttendance(grpc::ServerContext* ctx,
                              const events::v1::MarkAttendanceRequest* req,
                              events::v1::MarkAttendanceResponse* resp) override;
  grpc::Status ImportAttendance(grpc::ServerContext* ctx,
                                const events::v1::ImportAttendanceRequest* req,
                                events::v1::MarkAttendanceResponse* resp) override;
  grpc::Status ExportRegistrations(grpc::ServerContext* ctx,
                                   const events::v1::ExportRegistrationsRequest* req,
                                   events::v1::ExportFile* resp) override;
  // The "service" role only (integrations' contact sync).
  grpc::Status LookupRegistration(grpc::ServerContext* ctx,
                                  const events::v1::LookupRegistrationRequest* req,
                                  events::v1::Registration* resp) override;
  grpc::Status WithdrawMarketingConsent(grpc::ServerContext* ctx,
                                        const events::v1::WithdrawMarketingConsentRequest* req,
                                        events::v1::Registration* resp) override;
  grpc::Status ListEventRegistrations(grpc::ServerContext* ctx,
                                      const events::v1::ListEventRegistrationsRequest* req,
                                      events::v1::ListRegistrationsResponse* resp) override;

  // The "service" role only (the notifications service's personal links).
  grpc::Status IssueRegistrationLink(grpc::ServerContext* ctx,
                                     const events::v1::IssueRegistrationLinkRequest* req,
                                     events::v1::RegistrationLink* resp) override;

 private:
  Registrar& registrar_;
  const events::auth::Authenticator& auth_;
  RegistrationMetrics& metrics_;
  events::ThreadPool slow_;
  const events::rpc::TrustedProxies trusted_proxies_;
  events::rpc::RequestBudget request_budget_;
};

}  // namespace events::registration
