#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <unordered_set>

#include "absl/base/thread_annotations.h"
#include "common/util/mutex.h"

namespace events::server {

// gRPC's default health service keeps every grpc.health.v1.Health/Watch stream open until
// the client leaves, even after its own Shutdown(); a draining server then waits the whole
// drain timeout for them. This tracks those streams so Shutdown can end them at once.
// Thread-safe.
class HealthWatchCanceller : public std::enable_shared_from_this<HealthWatchCanceller> {
 public:
  // Interceptors that register each Watch call with this canceller for its lifetime.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeInterceptorFactory();

  // Cancels every open Watch call, and from now on each new one as it arrives (a call may
  // slip in before the listener closes); clients see CANCELLED. Returns how many were open.
  int CancelAll() ABSL_LOCKS_EXCLUDED(mu_);

  // For the interceptor: a Watch call started (cancelled at once after CancelAll) or ended.
  void Add(grpc::ServerContextBase* context) ABSL_LOCKS_EXCLUDED(mu_);
  void Remove(grpc::ServerContextBase* context) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  Mutex mu_;
  // A context is removed before its call is released (see the interceptor), so every
  // pointer here is safe to cancel while mu_ is held.
  std::unordered_set<grpc::ServerContextBase*> open_ ABSL_GUARDED_BY(mu_);
  bool cancelling_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace events::server
