#include "common/server/in_flight.h"

#include <grpcpp/support/interceptor.h>

namespace events::server {

// Lives exactly as long as its call: gRPC makes one per call and deletes it at the end.
class InFlightInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit InFlightInterceptor(std::shared_ptr<InFlightCalls> calls) : calls_(std::move(calls)) {
    calls_->count_.fetch_add(1);
  }
  ~InFlightInterceptor() override { calls_->count_.fetch_sub(1); }
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    methods->Proceed();
  }

 private:
  std::shared_ptr<InFlightCalls> calls_;
};

namespace {

class InFlightFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit InFlightFactory(std::shared_ptr<InFlightCalls> calls) : calls_(std::move(calls)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo*) override {
    return new InFlightInterceptor(calls_);
  }

 private:
  std::shared_ptr<InFlightCalls> calls_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
InFlightCalls::MakeInterceptorFactory() {
  return std::make_unique<InFlightFactory>(shared_from_this());
}

}  // namespace events::server
