#include "services/scheduling/server/scheduling_service.h"

#include <prometheus/counter.h>

#include "absl/strings/string_view.h"
#include "common/auth/authenticator.h"
#include "common/auth/grpc_auth.h"
#include "common/rpc/status.h"
#include "services/scheduling/domain/scheduler.h"
#include "services/scheduling/server/scheduling_metrics.h"

namespace events::scheduling {

using events::auth::Caller;
using events::auth::Role;
using events::rpc::ToGrpcStatus;

namespace {

constexpr absl::string_view kReadScope = "events:read";

// rpc::Reply, counting a success.
template <typename T>
grpc::Status Reply(absl::StatusOr<T> result, T* response,
                   prometheus::Counter* on_success = nullptr) {
  grpc::Status status = events::rpc::Reply(std::move(result), response);
  if (status.ok() && on_success != nullptr) on_success->Increment();
  return status;
}

grpc::Status ReplyPage(absl::StatusOr<EventPage> page, events::v1::ListEventsResponse* response) {
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (auto& e : page->events) *response->add_events() = std::move(e);
  response->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

}  // namespace

SchedulingServiceImpl::SchedulingServiceImpl(Scheduler& scheduler,
                                             const events::auth::Authenticator& auth,
                                             SchedulingMetrics& metrics)
    : scheduler_(scheduler), auth_(auth), metrics_(metrics) {}

namespace {

// The organisation whose private view the caller may see: "" for the public (no key).
// A key that is sent must be valid; organisers and integration keys with events:read see
// their own organisation's drafts and join links; the platform's own services see all.
absl::StatusOr<std::string> Viewer(const events::auth::Authenticator& auth,
                                   const grpc::ServerContext& ctx) {
  auto header = events::auth::AuthorizationOf(ctx);
  if (!header.has_value()) return std::string();
  absl::StatusOr<Caller> caller = auth.Authenticate(header);
  if (!caller.ok()) return caller.status();
  if (caller->HasRole(Role::kService)) return std::string(kAnyOrganisation);
  if (events::auth::RequireAnyRole(*caller, {Role::kOrganiser}, kReadScope).ok()) {
    return caller->org_id;
  }
  return std::string();
}

}  // namespace

grpc::Status SchedulingServiceImpl::CreateEvent(grpc::ServerContext* ctx,
                                                const events::v1::CreateEventRequest* req,
                                                events::v1::Event* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(scheduler_.Create(caller->org_id, req->details()), resp, &metrics_.created);
}

grpc::Status SchedulingServiceImpl::UpdateEvent(grpc::ServerContext* ctx,
                                                const events::v1::UpdateEventRequest* req,
                                                events::v1::Event* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(
      scheduler_.Update(caller->org_id, req->event_id(), req->expected_version(), req->details()),
      resp);
}

grpc::Status SchedulingServiceImpl::PublishEvent(grpc::ServerContext* ctx,
                                                 const events::v1::PublishEventRequest* req,
                                                 events::v1::Event* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(scheduler_.Publish(caller->org_id, req->event_id(), req->expected_version()), resp,
               &metrics_.published);
}

grpc::Status SchedulingServiceImpl::RescheduleEvent(grpc::ServerContext* ctx,
                                                    const events::v1::RescheduleEventRequest* req,
                                                    events::v1::Event* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(
      scheduler_.Reschedule(caller->org_id, req->event_id(), req->expected_version(),
                            req->new_start(), req->new_end(), req->time_zone(), req->reason()),
      resp, &metrics_.rescheduled);
}

grpc::Status SchedulingServiceImpl::CancelEvent(grpc::ServerContext* ctx,
                                                const events::v1::CancelEventRequest* req,
                                                events::v1::Event* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(
      scheduler_.Cancel(caller->org_id, req->event_id(), req->expected_version(), req->reason()),
      resp, &metrics_.cancelled);
}

grpc::Status SchedulingServiceImpl::CompleteEvent(grpc::ServerContext* ctx,
                                                  const events::v1::CompleteEventRequest* req,
                                                  events::v1::Event* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(scheduler_.Complete(caller->org_id, req->event_id(), req->expected_version()), resp,
               &metrics_.completed);
}

grpc::Status SchedulingServiceImpl::SetAgenda(grpc::ServerContext* ctx,
                                              const events::v1::SetAgendaRequest* req,
                                              events::v1::Event* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(scheduler_.SetAgenda(caller->org_id, req->event_id(), req->expected_version(),
                                    {req->sessions().begin(), req->sessions().end()}),
               resp);
}

grpc::Status SchedulingServiceImpl::GetEvent(grpc::ServerContext* ctx,
                                             const events::v1::GetEventRequest* req,
                                             events::v1::Event* resp) {
  auto viewer = Viewer(auth_, *ctx);
  if (!viewer.ok()) return ToGrpcStatus(viewer.status());
  return Reply(scheduler_.Get(*viewer, req->event_id()), resp);
}

grpc::Status SchedulingServiceImpl::ListUpcomingEvents(
    grpc::ServerContext*, const events::v1::ListUpcomingEventsRequest* req,
    events::v1::ListEventsResponse* resp) {
  return ReplyPage(scheduler_.ListUpcoming(req->from_unix_ms(), req->to_unix_ms(), req->page()),
                   resp);
}

grpc::Status SchedulingServiceImpl::ListOrganisationEvents(
    grpc::ServerContext* ctx, const events::v1::ListOrganisationEventsRequest* req,
    events::v1::ListEventsResponse* resp) {
  absl::StatusOr<Caller> caller = events::auth::AuthenticateOrganiser(auth_, *ctx, kReadScope);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ReplyPage(scheduler_.ListOrganisation(caller->org_id, req->status(), req->page()), resp);
}

grpc::Status SchedulingServiceImpl::CreateSeries(grpc::ServerContext* ctx,
                                                 const events::v1::CreateSeriesRequest* req,
                                                 events::v1::Series* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(scheduler_.CreateSeries(caller->org_id, req->template_(), req->rule()), resp);
}

grpc::Status SchedulingServiceImpl::GetSeries(grpc::ServerContext* ctx,
                                              const events::v1::GetSeriesRequest* req,
                                              events::v1::Series* resp) {
  auto viewer = Viewer(auth_, *ctx);
  if (!viewer.ok()) return ToGrpcStatus(viewer.status());
  return Reply(scheduler_.GetSeries(*viewer, req->series_id()), resp);
}

grpc::Status SchedulingServiceImpl::PublishSeries(grpc::ServerContext* ctx,
                                                  const events::v1::PublishSeriesRequest* req,
                                                  events::v1::Series* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(scheduler_.PublishSeries(caller->org_id, req->series_id()), resp);
}

grpc::Status SchedulingServiceImpl::CancelSeries(grpc::ServerContext* ctx,
                                                 const events::v1::CancelSeriesRequest* req,
                                                 events::v1::Series* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(scheduler_.CancelSeries(caller->org_id, req->series_id(), req->reason()), resp);
}

grpc::Status SchedulingServiceImpl::GetEventCalendar(grpc::ServerContext* ctx,
                                                     const events::v1::GetEventCalendarRequest* req,
                                                     events::v1::CalendarFile* resp) {
  auto viewer = Viewer(auth_, *ctx);
  if (!viewer.ok()) return ToGrpcStatus(viewer.status());
  return Reply(scheduler_.EventCalendar(*viewer, req->event_id()), resp);
}

grpc::Status SchedulingServiceImpl::GetSeriesCalendar(
    grpc::ServerContext* ctx, const events::v1::GetSeriesCalendarRequest* req,
    events::v1::CalendarFile* resp) {
  auto viewer = Viewer(auth_, *ctx);
  if (!viewer.ok()) return ToGrpcStatus(viewer.status());
  return Reply(scheduler_.SeriesCalendar(*viewer, req->series_id()), resp);
}

}  // namespace events::scheduling
