#pragma once

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>

namespace google::protobuf {
class Message;
class MethodDescriptor;
}  // namespace google::protobuf

// Calls any RPC of the services by its descriptor, with messages the gateway built from
// HTTP: grpc::GenericStub, so a new annotated RPC needs no new stub code here.
namespace events::web::api {

class GrpcCaller {
 public:
  // `addresses`: service full name ("events.v1.RegistrationService") -> "host:port".
  explicit GrpcCaller(const std::map<std::string, std::string>& addresses);

  // Calls `method` with `request`; on OK, `response` (of the method's output type) holds
  // the answer. A server-streaming RPC's messages are merged into `response` in order,
  // with their `content` joined (a file in parts), up to `max_stream_bytes`
  // (RESOURCE_EXHAUSTED beyond).
  grpc::Status Call(const google::protobuf::MethodDescriptor& method, grpc::ClientContext& context,
                    const google::protobuf::Message& request, google::protobuf::Message& response,
                    size_t max_stream_bytes = size_t{64} << 20) const;

 private:
  grpc::Status Unary(const std::string& path, grpc::Channel& channel, grpc::ClientContext& context,
                     const grpc::ByteBuffer& request, google::protobuf::Message& response) const;
  grpc::Status Streaming(const std::string& path, grpc::GenericStub& stub,
                         grpc::ClientContext& context, const grpc::ByteBuffer& request,
                         google::protobuf::Message& response, size_t max_bytes) const;

  struct Backend {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<grpc::GenericStub> stub;  // for streamed answers
  };
  std::map<std::string, Backend> backends_;
};

}  // namespace events::web::api
