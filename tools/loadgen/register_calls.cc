#include "tools/loadgen/register_calls.h"

#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/loadgen/unary_call.h"

namespace events::loadgen {
namespace {

using RegisterStub = v1::RegistrationService::Stub;

class RegisterCall final
    : public UnaryCall<RegisterStub, v1::RegisterRequest, v1::RegisterResponse> {
 public:
  explicit RegisterCall(RegisterStub* stub)
      : UnaryCall(stub, &RegisterStub::PrepareAsyncRegister) {}

  Answer Read() const override {
    switch (response().registration().status()) {
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
    const v1::Registration& r = response().registration();
    if (!status.ok()) return absl::StrCat(request.email(), "\t\t\t");
    return absl::StrCat(request.email(), "\t", r.id(), "\t",
                        v1::RegistrationStatus_Name(r.status()), "\t", r.waitlist_position());
  }
};

}  // namespace

RegisterCalls::RegisterCalls(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                             std::vector<std::string> event_ids, std::string email_prefix,
                             std::string run_id)
    : event_ids_(std::move(event_ids)),
      email_prefix_(std::move(email_prefix)),
      run_id_(std::move(run_id)) {
  for (const auto& channel : channels) {
    stubs_.push_back(v1::RegistrationService::NewStub(channel));
  }
}

std::string RegisterCalls::EmailFor(uint64_t sequence) const {
  return absl::StrCat(email_prefix_, "-", run_id_, "-", sequence, "@bench.example.org");
}

const std::string& RegisterCalls::EventFor(uint64_t sequence) const {
  return event_ids_[sequence % event_ids_.size()];
}

std::unique_ptr<PendingCall> RegisterCalls::Make(uint64_t sequence, int channel_index) {
  auto call = std::make_unique<RegisterCall>(stubs_[channel_index].get());
  call->request.set_event_id(EventFor(sequence));
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
