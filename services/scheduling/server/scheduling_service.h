#pragma once

#include "events/v1/scheduling.grpc.pb.h"

namespace events::auth {
class Authenticator;
}

namespace events::scheduling {

class Scheduler;
struct SchedulingMetrics;

// The gRPC face of Scheduler: authenticates the caller, checks the role, calls the domain
// and maps its status. No rules live here. Thread-safe.
class SchedulingServiceImpl final : public events::v1::SchedulingService::Service {
 public:
  SchedulingServiceImpl(Scheduler& scheduler, const events::auth::Authenticator& auth,
                        SchedulingMetrics& metrics);

  grpc::Status CreateEvent(grpc::ServerContext* ctx, const events::v1::CreateEventRequest* req,
                           events::v1::Event* resp) override;
  grpc::Status UpdateEvent(grpc::ServerContext* ctx, const events::v1::UpdateEventRequest* req,
                           events::v1::Event* resp) override;
  grpc::Status PublishEvent(grpc::ServerContext* ctx, const events::v1::PublishEventRequest* req,
                            events::v1::Event* resp) override;
  grpc::Status RescheduleEvent(grpc::ServerContext* ctx,
                               const events::v1::RescheduleEventRequest* req,
                               events::v1::Event* resp) override;
  grpc::Status CancelEvent(grpc::ServerContext* ctx, const events::v1::CancelEventRequest* req,
                           events::v1::Event* resp) override;
  grpc::Status CompleteEvent(grpc::ServerContext* ctx, const events::v1::CompleteEventRequest* req,
                             events::v1::Event* resp) override;
  grpc::Status SetAgenda(grpc::ServerContext* ctx, const events::v1::SetAgendaRequest* req,
                         events::v1::Event* resp) override;
  grpc::Status GetEvent(grpc::ServerContext* ctx, const events::v1::GetEventRequest* req,
                        events::v1::Event* resp) override;
  grpc::Status ListUpcomingEvents(grpc::ServerContext* ctx,
                                  const events::v1::ListUpcomingEventsRequest* req,
                                  events::v1::ListEventsResponse* resp) override;
  grpc::Status ListOrganisationEvents(grpc::ServerContext* ctx,
                                      const events::v1::ListOrganisationEventsRequest* req,
                                      events::v1::ListEventsResponse* resp) override;
  grpc::Status CreateSeries(grpc::ServerContext* ctx, const events::v1::CreateSeriesRequest* req,
                            events::v1::Series* resp) override;
  grpc::Status GetSeries(grpc::ServerContext* ctx, const events::v1::GetSeriesRequest* req,
                         events::v1::Series* resp) override;
  grpc::Status PublishSeries(grpc::ServerContext* ctx, const events::v1::PublishSeriesRequest* req,
                             events::v1::Series* resp) override;
  grpc::Status CancelSeries(grpc::ServerContext* ctx, const events::v1::CancelSeriesRequest* req,
                            events::v1::Series* resp) override;
  grpc::Status GetEventCalendar(grpc::ServerContext* ctx,
                                const events::v1::GetEventCalendarRequest* req,
                                events::v1::CalendarFile* resp) override;
  grpc::Status GetSeriesCalendar(grpc::ServerContext* ctx,
                                 const events::v1::GetSeriesCalendarRequest* req,
                                 events::v1::CalendarFile* resp) override;

 private:
  Scheduler& scheduler_;
  const events::auth::Authenticator& auth_;
  SchedulingMetrics& metrics_;
};

}  // namespace events::scheduling
