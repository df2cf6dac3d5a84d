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

// The same, with Echo served through gRPC's callback API (as RegistrationService serves
// Register) and the other methods synchronous: the baseline of the same kind of server.
class CallbackEchoServiceImpl : public EchoService::WithCallbackMethod_Echo<EchoServiceImpl> {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context, const EchoRequest* request,
                                 EchoResponse* response) override;
};

}  // namespace events::testing
