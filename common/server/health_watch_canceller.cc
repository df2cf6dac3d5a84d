#include "common/server/health_watch_canceller.h"

#include <grpcpp/server_context.h>
#include <grpcpp/support/interceptor.h>

#include <cstring>
#include <utility>

namespace events::server {
namespace {

constexpr char kWatchMethod[] = "/grpc.health.v1.Health/Watch";

class WatchInterceptor final : public grpc::experimental::Interceptor {
 public:
  WatchInterceptor(grpc::experimental::ServerRpcInfo* info,
                   std::shared_ptr<HealthWatchCanceller> canceller)
      : info_(info), canceller_(std::move(canceller)) {}

  // Runs inside the server context's destructor, before the context releases its call, so
  // a concurrent CancelAll never touches a released call.
  ~WatchInterceptor() override {
    if (registered_) canceller_->Remove(info_->server_context());
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    // Registered once the call is fully set up, which it is by the time metadata arrived.
    if (!registered_ &&
        methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      canceller_->Add(info_->server_context());
      registered_ = true;
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  std::shared_ptr<HealthWatchCanceller> canceller_;
  bool registered_ = false;
};

class WatchInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit WatchInterceptorFactory(std::shared_ptr<HealthWatchCanceller> canceller)
      : canceller_(std::move(canceller)) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    // nullptr: no interceptor for this call, so other calls pay nothing.
    if (info->method() == nullptr || std::strcmp(info->method(), kWatchMethod) != 0) {
      return nullptr;
    }
    return new WatchInterceptor(info, canceller_);
  }

 private:
  std::shared_ptr<HealthWatchCanceller> canceller_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
HealthWatchCanceller::MakeInterceptorFactory() {
  return std::make_unique<WatchInterceptorFactory>(shared_from_this());
}

int HealthWatchCanceller::CancelAll() {
  MutexLock lock(&mu_);
  cancelling_ = true;
  for (grpc::ServerContextBase* context : open_) context->TryCancel();
  return static_cast<int>(open_.size());
}

void HealthWatchCanceller::Add(grpc::ServerContextBase* context) {
  MutexLock lock(&mu_);
  open_.insert(context);
  if (cancelling_) context->TryCancel();
}

void HealthWatchCanceller::Remove(grpc::ServerContextBase* context) {
  MutexLock lock(&mu_);
  open_.erase(context);
}

}  // namespace events::server
