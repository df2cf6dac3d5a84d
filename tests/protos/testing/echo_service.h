#pragma once

#include "testing/echo.grpc.pb.h"

namespace events::testing {

// The plain implementation of EchoService: no logging, no allocation beyond the response, so
// a benchmark measures gRPC and the shared plumbing rather than the handler.
class EchoServiceImpl : public EchoService::Service {
 public:
  grpc::Status Echo(grpc::ServerContext* context, const EchoRequest* request,
                    EchoResponse* response) override;
  grpc::Status Slow(grpc::ServerContext* context, const SlowRequest* request,
                    EchoResponse* response) override;
  grpc::Status Fail(grpc::ServerContext* context, const FailRequest* request,
                    EchoResponse* response) override;
};

}  // namespace events::testing
