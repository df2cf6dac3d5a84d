#include "services/registration/server/registration_service.h"

#include <grpcpp/alarm.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/proto_buffer_writer.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

#include "common/auth/authenticator.h"
#include "common/auth/grpc_auth.h"
#include "common/log/protobuf_log.h"
#include "common/rpc/status.h"
#include "common/util/sanitizer_hints.h"
#include "services/registration/domain/registrar.h"

namespace events::registration {

using events::auth::Caller;
using events::auth::Role;
using events::rpc::Reply;
using events::rpc::ToGrpcStatus;

namespace {

constexpr char kReadScope[] = "registrations:read";

// The platform's own services: contact details and consent changes of any organisation.
absl::Status PlatformService(const events::auth::Authenticator& auth,
                             const grpc::ServerContext& ctx) {
  absl::StatusOr<Caller> caller = auth.Authenticate(events::auth::AuthorizationOf(ctx));
  if (!caller.ok()) return caller.status();
  return events::auth::RequireRole(*caller, Role::kService);
}

// Who the registration's history names for an organiser's change: the signed-in person
// (a session has a member id), else the API key, each by the name it has now.
ChangeBy By(const Caller& caller) {
  ChangeBy by;
  by.actor = caller.member_id.empty() ? events::v1::REGISTRATION_ACTOR_API_KEY
                                      : events::v1::REGISTRATION_ACTOR_PERSON;
  by.name = caller.actor_name;
  return by;
}

}  // namespace

RegistrationMetrics::RegistrationMetrics(prometheus::Registry& registry)
    : registrations(prometheus::BuildCounter()
                        .Name("events_registrations_total")
                        .Help("Registrations answered, by outcome")
                        .Register(registry)),
      confirmed(registrations.Add({{"outcome", "confirmed"}})),
      waitlisted(registrations.Add({{"outcome", "waitlisted"}})),
      pending(registrations.Add({{"outcome", "pending_approval"}})),
      refused(registrations.Add({{"outcome", "refused"}})),
      error(registrations.Add({{"outcome", "error"}})) {}

bool RegistrationMetrics::IsRefusal(const absl::Status& status) {
  // The caller's input or a rule: bad input, an unknown or closed event, a duplicate, a
  // rate limit. Everything else (Redis or scheduling unreachable, a deadline the service
  // could not meet, its own overload, a bug) is the service's failure: what an
  // availability objective counts against it.
  if (IsOverloaded(status)) return false;
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kResourceExhausted:
      return true;
    default:
      return false;
  }
}

void RegistrationMetrics::CountFailure(const absl::Status& status) {
  (IsRefusal(status) ? refused : error).Increment();
}

RegistrationServiceImpl::RegistrationServiceImpl(Registrar& registrar,
                                                 const events::auth::Authenticator& auth,
                                                 RegistrationMetrics& metrics, int slow_threads,
                                                 events::rpc::TrustedProxies trusted_proxies,
                                                 int64_t request_budget_bytes)
    : registrar_(registrar),
      auth_(auth),
      metrics_(metrics),
      slow_(slow_threads),
      trusted_proxies_(std::move(trusted_proxies)),
      request_budget_(request_budget_bytes) {}

namespace {

// How long before the caller's deadline a Register not answered yet is answered UNAVAILABLE
// (at most a quarter of the time it had), so the answer reaches the caller in time: the
// same margin as the registration queue's (common/redis/eval_queue.h).
// In sanitizer builds a second (still at most a quarter of the time left): there, on a
// loaded machine, the alarm's thread was seen to wake up 140 to 450 ms late
// (common/util/sanitizer_hints.h).
constexpr std::chrono::milliseconds kAnswerMargin{events::kSanitizerSlowdown > 1 ? 1000 : 20};

// One Register call's request, answer and share of the request budget, kept until it is
// answered.
struct RegisterCall {
  explicit RegisterCall(events::rpc::RequestBudget::Permit p) : permit(std::move(p)) {}
  events::rpc::RequestBudget::Permit permit;
  events::v1::RegisterRequest request;
  events::v1::RegisterResponse response;
};

}  // namespace

grpc::ServerUnaryReactor* RegistrationServiceImpl::Register(grpc::CallbackServerContext* ctx,
                                                            const grpc::ByteBuffer* request,
                                                            grpc::ByteBuffer* response) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  std::optional<events::rpc::RequestBudget::Permit> permit =
      request_budget_.TryTake(request->Length());
  if (!permit.has_value()) {
    metrics_.error.Increment();  // the service's own limit, not a rule about the request
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                 "registration is busy with many large requests; try again in "
                                 "a moment"));
    return reactor;
  }
  auto call = std::make_shared<RegisterCall>(*std::move(permit));
  grpc::ByteBuffer bytes(*request);  // shares the slices; parsing consumes this copy
  if (!grpc::SerializationTraits<events::v1::RegisterRequest>::Deserialize(&bytes, &call->request)
           .ok()) {
    metrics_.refused.Increment();
    reactor->Finish(
        grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                     events::logging::UndecodableRequestMessage(
                         "events.v1.RegisterRequest", events::logging::TakeParseProblem())));
    return reactor;
  }
  const events::v1::RegisterRequest* req = &call->request;
  events::v1::RegisterResponse* resp = &call->response;
  // `req` and `resp` live until Finish; `done` runs once, on whichever thread answers.
  std::string forwarded_for;
  if (!trusted_proxies_.empty()) {
    auto header = ctx->client_metadata().find("x-forwarded-for");
    if (header != ctx->client_metadata().end()) {
      forwarded_for.assign(header->second.data(), header->second.size());
    }
  }
  const std::string client =
      events::rpc::ClientAddress(ctx->peer(), forwarded_for, trusted_proxies_);
  // The caller's deadline goes all the way to the script (none when it set none).
  Registrar::Deadline deadline = ctx->deadline();
  if (deadline > std::chrono::system_clock::now() + std::chrono::hours(24)) {
    deadline = Registrar::kNoDeadline;
  }
  // Answered once: by the registrar, or by `alarm` shortly before the caller's deadline if
  // the registrar has not answered by then (the blocking path waits on Redis and scheduling
  // with their own timeouts, longer than most callers' deadlines: a frozen Redis would
  // otherwise leave the client to give up on its own, DEADLINE_EXCEEDED, not knowing why).
  // UNAVAILABLE is "outcome unknown" as ever; the register script still refuses, by Redis's
  // clock, anything it would write after the deadline.
  auto answered = std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<grpc::Alarm> alarm;
  if (deadline != Registrar::kNoDeadline) {
    const auto left = deadline - std::chrono::system_clock::now();
    const auto give_up =
        deadline - std::min<std::chrono::system_clock::duration>(kAnswerMargin, left / 4);
    alarm = std::make_shared<grpc::Alarm>();
    alarm->Set(give_up, [this, answered, reactor](bool fired) {
      if (!fired || answered->exchange(true)) return;
      metrics_.error.Increment();
      reactor->Finish(grpc::Status(
          grpc::StatusCode::UNAVAILABLE,
          "the registration could not be finished before the caller's deadline (Redis or "
          "scheduling is not answering); it may or may not have been made: try again with "
          "the same idempotency key"));
    });
  }
  registrar_.RegisterAsync(
      *req, client, slow_,
      [this, reactor, resp, response, call, answered,
       alarm](absl::StatusOr<Registered> registered) {
        if (answered->exchange(true)) return;  // the alarm answered first
        if (alarm != nullptr) alarm->Cancel();
        if (!registered.ok()) {
          metrics_.CountFailure(registered.status());
          return reactor->Finish(ToGrpcStatus(registered.status()));
        }
        switch (registered->registration.status()) {
          case events::v1::REGISTRATION_STATUS_CONFIRMED:
            metrics_.confirmed.Increment();
            break;
          case events::v1::REGISTRATION_STATUS_WAITLISTED:
            metrics_.waitlisted.Increment();
            break;
          default:
            metrics_.pending.Increment();
            break;
        }
        *resp->mutable_registration() = std::move(registered->registration);
        resp->set_registration_token(std::move(registered->token));
        grpc::ByteBuffer out;
        bool own = false;
        grpc::Status serialized =
            grpc::SerializationTraits<events::v1::RegisterResponse>::Serialize(*resp, &out, &own);
        if (serialized.ok()) response->Swap(&out);
        reactor->Finish(serialized);
      },
      deadline);
  return reactor;
}

grpc::Status RegistrationServiceImpl::ResendLink(grpc::ServerContext*,
                                                 const events::v1::ResendLinkRequest* req,
                                                 events::v1::ResendLinkResponse*) {
  return ToGrpcStatus(registrar_.ResendLink(req->event_id(), req->email()));
}

grpc::Status RegistrationServiceImpl::GetRegistrationForm(
    grpc::ServerContext*, const events::v1::GetRegistrationFormRequest* req,
    events::v1::RegistrationSettings* resp) {
  return Reply(registrar_.Form(req->event_id()), resp);
}

grpc::Status RegistrationServiceImpl::GetAvailability(grpc::ServerContext*,
                                                      const events::v1::GetAvailabilityRequest* req,
                                                      events::v1::Availability* resp) {
  return Reply(registrar_.Availability(req->event_id()), resp);
}

grpc::Status RegistrationServiceImpl::GetMyRegistration(
    grpc::ServerContext*, const events::v1::GetMyRegistrationRequest* req,
    events::v1::Registration* resp) {
  return Reply(registrar_.GetMine(req->registration_token()), resp);
}

grpc::Status RegistrationServiceImpl::UpdateMyRegistration(
    grpc::ServerContext*, const events::v1::UpdateMyRegistrationRequest* req,
    events::v1::Registration* resp) {
  return Reply(registrar_.UpdateMine(*req), resp);
}

grpc::Status RegistrationServiceImpl::CancelMyRegistration(
    grpc::ServerContext*, const events::v1::CancelMyRegistrationRequest* req,
    events::v1::Registration* resp) {
  return Reply(registrar_.CancelMine(req->registration_token()), resp);
}

grpc::Status RegistrationServiceImpl::ConfigureRegistration(
    grpc::ServerContext* ctx, const events::v1::ConfigureRegistrationRequest* req,
    events::v1::RegistrationSettings* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(registrar_.Configure(caller->org_id, req->settings(), req->expected_version()),
               resp);
}

grpc::Status RegistrationServiceImpl::ListRegistrations(
    grpc::ServerContext* ctx, const events::v1::ListRegistrationsRequest* req,
    events::v1::ListRegistrationsResponse* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx, kReadScope);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(registrar_.List(caller->org_id, *req), resp);
}

grpc::Status RegistrationServiceImpl::GetRegistration(grpc::ServerContext* ctx,
                                                      const events::v1::GetRegistrationRequest* req,
                                                      events::v1::Registration* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx, kReadScope);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(registrar_.GetOne(caller->org_id, req->event_id(), req->registration_id()), resp);
}

grpc::Status RegistrationServiceImpl::GetCapacity(grpc::ServerContext* ctx,
                                                  const events::v1::GetCapacityRequest* req,
                                                  events::v1::CapacitySummary* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx, kReadScope);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(registrar_.Capacity(caller->org_id, req->event_id()), resp);
}

grpc::Status RegistrationServiceImpl::ChangeCapacity(grpc::ServerContext* ctx,
                                                     const events::v1::ChangeCapacityRequest* req,
                                                     events::v1::CapacitySummary* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  std::string authorization(events::auth::AuthorizationOf(*ctx).value_or(""));
  return Reply(
      registrar_.ChangeCapacity(caller->org_id, req->event_id(), req->capacity(), authorization),
      resp);
}

grpc::Status RegistrationServiceImpl::ApproveRegistration(
    grpc::ServerContext* ctx, const events::v1::DecideRegistrationRequest* req,
    events::v1::Registration* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(
      registrar_.Decide(caller->org_id, req->event_id(), req->registration_id(), true, By(*caller)),
      resp);
}

grpc::Status RegistrationServiceImpl::RejectRegistration(
    grpc::ServerContext* ctx, const events::v1::DecideRegistrationRequest* req,
    events::v1::Registration* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(registrar_.Decide(caller->org_id, req->event_id(), req->registration_id(), false,
                                 By(*caller)),
               resp);
}

grpc::Status RegistrationServiceImpl::CancelRegistration(
    grpc::ServerContext* ctx, const events::v1::CancelRegistrationRequest* req,
    events::v1::Registration* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  ChangeBy by = By(*caller);
  by.reason = req->reason();
  return Reply(
      registrar_.CancelByOrganiser(caller->org_id, req->event_id(), req->registration_id(), by),
      resp);
}

grpc::Status RegistrationServiceImpl::MarkAttendance(grpc::ServerContext* ctx,
                                                     const events::v1::MarkAttendanceRequest* req,
                                                     events::v1::MarkAttendanceResponse* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(registrar_.MarkAttendance(caller->org_id, *req, By(*caller)), resp);
}

grpc::Status RegistrationServiceImpl::ImportAttendance(
    grpc::ServerContext* ctx, const events::v1::ImportAttendanceRequest* req,
    events::v1::MarkAttendanceResponse* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(
      registrar_.ImportAttendance(caller->org_id, req->event_id(), req->csv(), By(*caller)), resp);
}

grpc::Status RegistrationServiceImpl::ExportRegistrations(
    grpc::ServerContext* ctx, const events::v1::ExportRegistrationsRequest* req,
    events::v1::ExportFile* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx, kReadScope);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(registrar_.Export(caller->org_id, req->event_id()), resp);
}

grpc::Status RegistrationServiceImpl::LookupRegistration(
    grpc::ServerContext* ctx, const events::v1::LookupRegistrationRequest* req,
    events::v1::Registration* resp) {
  if (absl::Status s = PlatformService(auth_, *ctx); !s.ok()) return ToGrpcStatus(s);
  return Reply(registrar_.Lookup(req->registration_id()), resp);
}

grpc::Status RegistrationServiceImpl::WithdrawMarketingConsent(
    grpc::ServerContext* ctx, const events::v1::WithdrawMarketingConsentRequest* req,
    events::v1::Registration* resp) {
  if (absl::Status s = PlatformService(auth_, *ctx); !s.ok()) return ToGrpcStatus(s);
  return Reply(registrar_.WithdrawMarketing(req->registration_id()), resp);
}

grpc::Status RegistrationServiceImpl::ListEventRegistrations(
    grpc::ServerContext* ctx, const events::v1::ListEventRegistrationsRequest* req,
    events::v1::ListRegistrationsResponse* resp) {
  if (absl::Status s = PlatformService(auth_, *ctx); !s.ok()) return ToGrpcStatus(s);
  // The organisation is the caller's word here, as the domain event said; List checks that
  // it owns the event, so a wrong one is NOT_FOUND like any organiser's.
  if (req->org_id().empty()) {
    return ToGrpcStatus(absl::InvalidArgumentError("org_id is required"));
  }
  return Reply(registrar_.List(req->org_id(), req->list()), resp);
}

grpc::Status RegistrationServiceImpl::IssueRegistrationLink(
    grpc::ServerContext* ctx, const events::v1::IssueRegistrationLinkRequest* req,
    events::v1::RegistrationLink* resp) {
  if (absl::Status s = PlatformService(auth_, *ctx); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<Registered> link =
      registrar_.IssueLink(req->registration_id(), req->rotation_id());
  if (!link.ok()) return ToGrpcStatus(link.status());
  resp->set_token(std::move(link->token));
  *resp->mutable_registration() = std::move(link->registration);
  return grpc::Status::OK;
}

}  // namespace events::registration
