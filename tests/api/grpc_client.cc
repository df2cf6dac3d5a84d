#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/generic/generic_stub.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <map>
#include <mutex>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/api/api_client.h"

// The gRPC door of api_client.h: any RPC by its descriptor, through grpc::GenericStub.
namespace events::api_test {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;
using google::protobuf::Reflection;

constexpr auto kDeadline = std::chrono::seconds(20);

// EVENTS_SCHEDULING_ADDR for events.v1.SchedulingService.
std::string AddressOf(const MethodDescriptor& method) {
  std::string service = method.service()->name();
  if (absl::EndsWith(service, "Service")) service.resize(service.size() - 7);
  return StackSetting(absl::StrCat("EVENTS_", absl::AsciiStrToUpper(service), "_ADDR").c_str());
}

std::shared_ptr<grpc::Channel> ChannelTo(const std::string& address) {
  static std::mutex mu;
  static auto* channels = new std::map<std::string, std::shared_ptr<grpc::Channel>>();
  std::lock_guard<std::mutex> lock(mu);
  auto& channel = (*channels)[address];
  if (!channel) channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  return channel;
}

grpc::ByteBuffer ToBuffer(const Message& message) {
  const std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

bool FromBuffer(const grpc::ByteBuffer& buffer, Message& message) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  std::string bytes;
  for (const grpc::Slice& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return message.ParseFromString(bytes);
}

void PrepareContext(grpc::ClientContext& ctx, const std::string& key,
                    const std::string& forwarded_for) {
  ctx.set_deadline(std::chrono::system_clock::now() + kDeadline);
  if (!key.empty()) ctx.AddMetadata("authorization", "Bearer " + key);
  if (!forwarded_for.empty()) ctx.AddMetadata("x-forwarded-for", forwarded_for);
}

std::string GrpcPath(const MethodDescriptor& method) {
  return absl::StrCat("/", method.service()->full_name(), "/", method.name());
}

GrpcAnswer CallUnary(const MethodDescriptor& method, const Message& request, const std::string& key,
                     const std::string& forwarded_for) {
  grpc::GenericStub stub(ChannelTo(AddressOf(method)));
  grpc::ClientContext ctx;
  PrepareContext(ctx, key, forwarded_for);
  grpc::ByteBuffer in = ToBuffer(request);
  grpc::ByteBuffer out;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, GrpcPath(method), grpc::StubOptions(), &in, &out,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  GrpcAnswer answer;
  answer.status = done.get_future().get();
  if (answer.status.ok()) {
    answer.message = NewMessage(*method.output_type());
    if (!FromBuffer(out, *answer.message)) {
      answer.status = grpc::Status(grpc::StatusCode::DATA_LOSS, "unreadable answer");
    }
  }
  return answer;
}

// A server-streaming call (a file in parts): the parts' `content` joined into the first.
GrpcAnswer CallStreaming(const MethodDescriptor& method, const Message& request,
                         const std::string& key, const std::string& forwarded_for) {
  grpc::GenericStub stub(ChannelTo(AddressOf(method)));
  grpc::ClientContext ctx;
  PrepareContext(ctx, key, forwarded_for);
  grpc::CompletionQueue cq;
  auto next = [&cq] {
    void* tag = nullptr;
    bool ok = false;
    return cq.Next(&tag, &ok) && ok;
  };
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&ctx, GrpcPath(method), &cq);
  GrpcAnswer answer;
  call->StartCall(reinterpret_cast<void*>(1));
  if (next()) {
    call->Write(ToBuffer(request), reinterpret_cast<void*>(2));
    if (next()) {
      call->WritesDone(reinterpret_cast<void*>(3));
      next();
      for (;;) {
        grpc::ByteBuffer part;
        call->Read(&part, reinterpret_cast<void*>(4));
        if (!next()) break;
        std::unique_ptr<Message> message = NewMessage(*method.output_type());
        if (!FromBuffer(part, *message)) break;
        if (!answer.message) {
          answer.message = std::move(message);
          continue;
        }
        const FieldDescriptor* content = message->GetDescriptor()->FindFieldByName("content");
        const Reflection* r = message->GetReflection();
        answer.message->GetReflection()->SetString(
            answer.message.get(), content,
            answer.message->GetReflection()->GetString(*answer.message, content) +
                r->GetString(*message, content));
      }
    }
  }
  call->Finish(&answer.status, reinterpret_cast<void*>(5));
  next();
  cq.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq.Next(&tag, &ok)) {
  }
  if (answer.status.ok() && !answer.message) answer.message = NewMessage(*method.output_type());
  return answer;
}

}  // namespace

std::string StackSetting(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    ADD_FAILURE() << name << " is not set: run this binary through tests/api/run.sh";
    return "";
  }
  return value;
}

const MethodDescriptor* FindMethod(absl::string_view name) {
  std::string full(name);
  if (!absl::StartsWith(full, "events.v1.")) full = absl::StrCat("events.v1.", name);
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full);
}

std::unique_ptr<Message> NewMessage(const Descriptor& type) {
  return std::unique_ptr<Message>(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type)->New());
}

GrpcAnswer CallGrpc(const MethodDescriptor& method, const Message& request, const std::string& key,
                    const std::string& forwarded_for) {
  return method.server_streaming() ? CallStreaming(method, request, key, forwarded_for)
                                   : CallUnary(method, request, key, forwarded_for);
}

}  // namespace events::api_test
