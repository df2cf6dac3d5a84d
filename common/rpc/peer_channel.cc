#include "common/rpc/peer_channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/interceptor.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/log/call_context.h"
#include "common/log/request_id.h"
#include "common/log/trace_context.h"

namespace events::rpc {
namespace {

using grpc::experimental::InterceptionHookPoints;

class TracePropagationInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit TracePropagationInterceptor(std::shared_ptr<logging::CallContext> call)
      : call_(std::move(call)) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      std::multimap<std::string, std::string>* metadata = methods->GetSendInitialMetadata();
      if (metadata->count(logging::kTraceparentKey) == 0) {
        metadata->emplace(logging::kTraceparentKey, call_->NextTraceParent());
      }
      if (metadata->count(logging::kRequestIdKey) == 0 && !call_->request_id().empty()) {
        metadata->emplace(logging::kRequestIdKey, call_->request_id());
      }
    }
    methods->Proceed();
  }

 private:
  const std::shared_ptr<logging::CallContext> call_;
};

class TracePropagationFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  // Runs on the thread that starts the call, where the caller's call is current.
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    std::shared_ptr<logging::CallContext> call = logging::CurrentCall();
    if (call == nullptr) return nullptr;  // gRPC skips a factory that returns none
    return new TracePropagationInterceptor(std::move(call));
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
MakeTracePropagationInterceptorFactory() {
  return std::make_unique<TracePropagationFactory>();
}

std::shared_ptr<grpc::Channel> PeerChannel(const std::string& address,
                                           const grpc::ChannelArguments& args) {
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
  factories.push_back(MakeTracePropagationInterceptorFactory());
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      address, grpc::InsecureChannelCredentials(), args, std::move(factories));
}

}  // namespace events::rpc
