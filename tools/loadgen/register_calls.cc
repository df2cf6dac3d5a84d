#include "tools/loadgen/register_calls.h"

#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace events::loadgen {
namespace {

class RegisterCall final : public PendingCall {
 public:
  explicit RegisterCall(v1::RegistrationService::Stub* stub) : stub_(stub) {}

  void StartOn(grpc::CompletionQueue* cq) override {
    reader_ = stub_->PrepareAsyncRegister(&context, request, cq);
    reader_->StartCall();
    reader_->Finish(&response_, &status, this);
  }

  Answer Read() const override {
    switch (response_.registration().status()) {
      case v1::REGISTRATION_STATUS_CONFIRMED:
        return Answer::kConfirmed;
      case v1::REGISTRATION_STATUS_WAITLISTED:
        return Answer::kWaitlisted;
      case v1::REGISTRATION_STATUS_PENDING_APPROVAL:
        return Answer::kPendingApproval;
      default:
        return Answer::kOtherStatus;
    }
  }

  std::string RecordFields() const override {
    const v1::Registration& r = response_.registration();
    if (!status.ok()) return absl::StrCat(request.email(), "\t\t\t");
    return absl::StrCat(request.email(), "\t", r.id(), "\t",
                        v1::RegistrationStatus_Name(r.status()), "\t", r.waitlist_position());
  }

  v1::RegisterRequest request;

 private:
  v1::RegistrationService::Stub* const stub_;
  v1::RegisterResponse response_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::RegisterResponse>> reader_;
};

}  // namespace

RegisterCalls::RegisterCalls(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                             std::string event_id, std::string email_prefix, std::string run_id)
    : event_id_(std::move(event_id)),
      email_prefix_(std::move(email_prefix)),
      run_id_(std::move(run_id)) {
  for (const auto& channel : channels) {
    stubs_.push_back(v1::RegistrationService::NewStub(channel));
  }
}

std::string RegisterCalls::EmailFor(uint64_t sequence) const {
  return absl::StrCat(email_prefix_, "-", run_id_, "-", sequence, "@bench.example.org");
}

std::unique_ptr<PendingCall> RegisterCalls::Make(uint64_t sequence, int channel_index) {
  auto call = std::make_unique<RegisterCall>(stubs_[channel_index].get());
  call->request.set_event_id(event_id_);
  call->request.set_name(absl::StrCat("Bench Attendee ", sequence));
  call->request.set_email(EmailFor(sequence));
  return call;
}

std::string NewRunId() {
  std::random_device device;
  std::uniform_int_distribution<uint32_t> any;
  return absl::StrFormat("%08x", any(device));
}

}  // namespace events::loadgen
