#include "services/feedback/server/feedback_service.h"

#include <prometheus/counter.h>

#include "common/auth/authenticator.h"
#include "common/auth/grpc_auth.h"
#include "common/rpc/status.h"
#include "services/feedback/domain/feedback.h"
#include "services/feedback/rules/export_chunks.h"
#include "services/feedback/server/feedback_metrics.h"

namespace events::feedback {

using events::auth::Caller;
using events::rpc::Reply;
using events::rpc::ToGrpcStatus;

namespace {

constexpr char kReadScope[] = "feedback:read";

// An organiser of some organisation (or, for reads, an integration key with the scope).
absl::StatusOr<Caller> Organiser(const events::auth::Authenticator& auth,
                                 const grpc::ServerContext& ctx, bool read) {
  absl::StatusOr<Caller> caller =
      events::auth::AuthenticateOrganiser(auth, ctx, read ? kReadScope : "");
  if (!caller.ok()) return caller;
  // Organisation calls are scoped by the key's organisation; a key of none sees nothing.
  if (caller->org_id.empty()) {
    return absl::PermissionDeniedError("this call needs a key that belongs to an organisation");
  }
  return caller;
}

}  // namespace

FeedbackServiceImpl::FeedbackServiceImpl(Feedback& feedback,
                                         const events::auth::Authenticator& auth,
                                         FeedbackMetrics& metrics)
    : feedback_(feedback), auth_(auth), metrics_(metrics) {}

grpc::Status FeedbackServiceImpl::GetSurvey(grpc::ServerContext* ctx,
                                            const events::v1::GetSurveyRequest* req,
                                            events::v1::Survey* resp) {
  auto caller = Organiser(auth_, *ctx, true);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(feedback_.GetSurvey(caller->org_id, req->event_id()), resp);
}

grpc::Status FeedbackServiceImpl::UpdateSurvey(grpc::ServerContext* ctx,
                                               const events::v1::UpdateSurveyRequest* req,
                                               events::v1::Survey* resp) {
  auto caller = Organiser(auth_, *ctx, false);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(feedback_.UpdateSurvey(caller->org_id, *req), resp);
}

grpc::Status FeedbackServiceImpl::GetMySurvey(grpc::ServerContext*,
                                              const events::v1::GetMySurveyRequest* req,
                                              events::v1::MySurvey* resp) {
  return Reply(feedback_.GetMine(req->registration_token()), resp);
}

grpc::Status FeedbackServiceImpl::SubmitResponse(grpc::ServerContext*,
                                                 const events::v1::SubmitResponseRequest* req,
                                                 events::v1::SubmitResponseResponse* resp) {
  absl::StatusOr<events::v1::SubmitResponseResponse> result = feedback_.Submit(*req);
  if (result.ok()) (result->replaced() ? metrics_.edited : metrics_.first).Increment();
  return Reply(std::move(result), resp);
}

grpc::Status FeedbackServiceImpl::GetReport(grpc::ServerContext* ctx,
                                            const events::v1::GetReportRequest* req,
                                            events::v1::FeedbackReport* resp) {
  auto caller = Organiser(auth_, *ctx, true);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(feedback_.Report(caller->org_id, req->event_id(), req->texts_per_question()), resp);
}

grpc::Status FeedbackServiceImpl::ListFeedbackTexts(grpc::ServerContext* ctx,
                                                    const events::v1::ListFeedbackTextsRequest* req,
                                                    events::v1::ListFeedbackTextsResponse* resp) {
  auto caller = Organiser(auth_, *ctx, true);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(feedback_.Texts(caller->org_id, *req), resp);
}

grpc::Status FeedbackServiceImpl::ExportFeedback(
    grpc::ServerContext* ctx, const events::v1::ExportFeedbackRequest* req,
    grpc::ServerWriter<events::v1::FeedbackExport>* writer) {
  auto caller = Organiser(auth_, *ctx, true);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<events::v1::FeedbackExport> whole = feedback_.Export(caller->org_id, *req);
  if (!whole.ok()) return ToGrpcStatus(whole.status());
  for (const events::v1::FeedbackExport& chunk : ExportChunks(*std::move(whole))) {
    if (!writer->Write(chunk)) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "the client stopped reading the export");
    }
  }
  return grpc::Status::OK;
}

grpc::Status FeedbackServiceImpl::GetTrends(grpc::ServerContext* ctx,
                                            const events::v1::GetTrendsRequest* req,
                                            events::v1::FeedbackTrends* resp) {
  auto caller = Organiser(auth_, *ctx, true);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(feedback_.Trends(caller->org_id, *req), resp);
}

grpc::Status FeedbackServiceImpl::OpenSurveyNow(grpc::ServerContext* ctx,
                                                const events::v1::OpenSurveyNowRequest* req,
                                                events::v1::Survey* resp) {
  auto caller = Organiser(auth_, *ctx, false);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(feedback_.OpenNow(caller->org_id, req->event_id()), resp);
}

}  // namespace events::feedback
