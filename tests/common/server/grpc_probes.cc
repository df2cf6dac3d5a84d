#include "grpc_probes.h"

#include <arpa/inet.h>
#include <grpcpp/client_context.h>
#include <grpcpp/completion_queue.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <utility>

#include "testing/probes.pb.h"

namespace events::testing {
namespace {

constexpr auto kDeadline = std::chrono::seconds(10);

// Waits for the completion of `tag`; false if it failed or another tag came first.
bool Await(grpc::CompletionQueue& cq, void* tag) {
  void* got = nullptr;
  bool ok = false;
  return cq.Next(&got, &ok) && ok && got == tag;
}

// A completion-queue tag: a number the queue hands back, never dereferenced, so the lost
// pointer provenance the check warns about does not matter.
// NOLINTNEXTLINE(performance-no-int-to-ptr)
void* Tag(int n) { return reinterpret_cast<void*>(static_cast<intptr_t>(n)); }

}  // namespace

grpc::Status CheckHealth(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                         int* serving_status) {
  grpc::TemplatedGenericStub<HealthProbeRequest, HealthProbeResponse> stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kDeadline);
  HealthProbeRequest request;
  request.set_service(service);
  HealthProbeResponse response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  grpc::Status status = done.get_future().get();
  *serving_status = response.status();
  return status;
}

grpc::Status ListServices(const std::shared_ptr<grpc::Channel>& channel,
                          std::vector<std::string>* names) {
  grpc::TemplatedGenericStub<ReflectionProbeRequest, ReflectionProbeResponse> stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kDeadline);
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  ReflectionProbeRequest request;
  request.set_list_services("*");
  ReflectionProbeResponse response;
  grpc::Status status;
  call->StartCall(Tag(1));
  bool ok = Await(cq, Tag(1));
  if (ok) {
    call->Write(request, Tag(2));
    ok = Await(cq, Tag(2));
  }
  if (ok) {
    call->WritesDone(Tag(3));
    ok = Await(cq, Tag(3));
  }
  if (ok) {
    call->Read(&response, Tag(4));
    ok = Await(cq, Tag(4));
  }
  call->Finish(&status, Tag(5));
  // Finish completes only after the server closed the stream.
  void* got = nullptr;
  bool finished = false;
  while (cq.Next(&got, &finished) && got != Tag(5)) {
  }
  cq.Shutdown();
  while (cq.Next(&got, &finished)) {
  }
  if (status.ok() && !ok) return grpc::Status(grpc::StatusCode::INTERNAL, "stream failed");
  for (const ReflectionProbeService& service : response.list_services_response().service()) {
    names->push_back(service.name());
  }
  return status;
}

namespace {

class HealthWatchImpl final : public HealthWatch {
 public:
  explicit HealthWatchImpl(const std::shared_ptr<grpc::Channel>& channel) : stub_(channel) {}

  ~HealthWatchImpl() override {
    context_.TryCancel();
    if (call_ != nullptr) call_->Finish(&finish_status_, Tag(9));
    cq_.Shutdown();
    void* got = nullptr;
    bool ok = false;
    while (cq_.Next(&got, &ok)) {
    }
  }

  bool Start(const std::string& service) {
    call_ = stub_.PrepareCall(&context_, "/grpc.health.v1.Health/Watch", &cq_);
    HealthProbeRequest request;
    request.set_service(service);
    HealthProbeResponse response;
    call_->StartCall(Tag(1));
    if (!Await(cq_, Tag(1))) return false;
    call_->WriteLast(request, grpc::WriteOptions(), Tag(2));
    if (!Await(cq_, Tag(2))) return false;
    call_->Read(&response, Tag(3));
    if (!Await(cq_, Tag(3))) return false;
    first_status_ = response.status();
    return true;
  }

  int first_status() const override { return first_status_; }

 private:
  grpc::TemplatedGenericStub<HealthProbeRequest, HealthProbeResponse> stub_;
  grpc::ClientContext context_;
  grpc::CompletionQueue cq_;
  std::unique_ptr<grpc::ClientAsyncReaderWriter<HealthProbeRequest, HealthProbeResponse>> call_;
  int first_status_ = -1;
  grpc::Status finish_status_;  // written when the queue is drained
};

}  // namespace

std::unique_ptr<HealthWatch> WatchHealth(const std::shared_ptr<grpc::Channel>& channel,
                                         const std::string& service) {
  auto watch = std::make_unique<HealthWatchImpl>(channel);
  if (!watch->Start(service)) return nullptr;
  return watch;
}

std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
    // HTTP/1.0: the server closes the connection after the body, which ends the read loop.
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buf[4096];
      ssize_t n;
      while ((n = read(fd, buf, sizeof(buf))) > 0) response.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return response;
}

}  // namespace events::testing
