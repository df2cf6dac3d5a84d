#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/support/channel_arguments.h>
#include <grpcpp/support/client_interceptor.h>

#include <memory>
#include <string>

// Channels to other services that carry the caller's trace: every call made on one, while a
// call is current on the calling thread (common/log/call_context.h), sends that call's trace
// as a W3C `traceparent` (with a new span id, the client side of the call, as its parent)
// and its request id as `x-request-id`, unless the call sets them itself. A call made outside
// any call (a background worker) sends neither, and the service it calls starts a new trace.
namespace events::rpc {

// A plaintext channel to `address` (host:port) with the trace interceptor. Thread-safe.
std::shared_ptr<grpc::Channel> PeerChannel(const std::string& address,
                                           const grpc::ChannelArguments& args = {});

// The interceptor itself, for channels made otherwise (with credentials, say).
std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
MakeTracePropagationInterceptorFactory();

}  // namespace events::rpc
