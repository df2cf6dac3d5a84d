#pragma once

#include "events/v1/feedback.grpc.pb.h"

namespace events::auth {
class Authenticator;
}

namespace events::feedback {

class Feedback;
struct FeedbackMetrics;

// The gRPC face of Feedback: checks the caller, calls the domain, maps the status.
// Attendee calls (GetMySurvey, SubmitResponse) need no key: the registration token in the
// request is the credential. Survey edits and OpenSurveyNow need the organiser role; reports,
// their texts, exports and trends also take an integration key with the "feedback:read"
// scope.
class FeedbackServiceImpl final : public events::v1::FeedbackService::Service {
 public:
  FeedbackServiceImpl(Feedback& feedback, const events::auth::Authenticator& auth,
                      FeedbackMetrics& metrics);

  grpc::Status GetSurvey(grpc::ServerContext* ctx, const events::v1::GetSurveyRequest* req,
                         events::v1::Survey* resp) override;
  grpc::Status UpdateSurvey(grpc::ServerContext* ctx, const events::v1::UpdateSurveyRequest* req,
                            events::v1::Survey* resp) override;
  grpc::Status GetMySurvey(grpc::ServerContext* ctx, const events::v1::GetMySurveyRequest* req,
                           events::v1::MySurvey* resp) override;
  grpc::Status SubmitResponse(grpc::ServerContext* ctx,
                              const events::v1::SubmitResponseRequest* req,
                              events::v1::SubmitResponseResponse* resp) override;
  grpc::Status GetReport(grpc::ServerContext* ctx, const events::v1::GetReportRequest* req,
                         events::v1::FeedbackReport* resp) override;
  grpc::Status ListFeedbackTexts(grpc::ServerContext* ctx,
                                 const events::v1::ListFeedbackTextsRequest* req,
                                 events::v1::ListFeedbackTextsResponse* resp) override;
  // Streams the file in chunks (ExportChunks), so no message nears a client's limit.
  grpc::Status ExportFeedback(grpc::ServerContext* ctx,
                              const events::v1::ExportFeedbackRequest* req,
                              grpc::ServerWriter<events::v1::FeedbackExport>* writer) override;
  grpc::Status GetTrends(grpc::ServerContext* ctx, const events::v1::GetTrendsRequest* req,
                         events::v1::FeedbackTrends* resp) override;
  grpc::Status OpenSurveyNow(grpc::ServerContext* ctx, const events::v1::OpenSurveyNowRequest* req,
                             events::v1::Survey* resp) override;

 private:
  Feedback& feedback_;
  const events::auth::Authenticator& auth_;
  FeedbackMetrics& metrics_;
};

}  // namespace events::feedback
