#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <atomic>
#include <memory>

namespace events::server {

// Counts a server's calls in flight, from the start of a call to its end, so a shutdown can
// stop as soon as the last call finishes instead of waiting out the whole drain timeout
// (gRPC otherwise waits for clients to close idle connections). Thread-safe.
class InFlightCalls : public std::enable_shared_from_this<InFlightCalls> {
 public:
  int64_t count() const { return count_.load(); }
  // An interceptor factory to give the server; it shares ownership of this counter.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeInterceptorFactory();

 private:
  friend class InFlightInterceptor;
  std::atomic<int64_t> count_{0};
};

}  // namespace events::server
