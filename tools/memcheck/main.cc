// events_memcheck: sends the most memory-hungry requests a gRPC service can be sent, from
// many clients at once, and reports the server's peak resident memory against a limit.
//
//   events_memcheck --target 127.0.0.1:50051 --pid 1234 --method /events.v1.X/Y
//                   --bytes 2097152 --shape unknown --clients 16 --seconds 5 --limit-mib 256
//
// Exit status: 0 when the peak stayed under the limit, 1 when it did not, 2 on bad usage.
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <future>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "common/util/mutex.h"
#include "tools/memcheck/hostile_request.h"

namespace {

// The process's resident memory in KiB (VmRSS), or -1 when it cannot be read.
int64_t ResidentKib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      int64_t kib = -1;
      status >> kib;
      return kib;
    }
    status.ignore(4096, '\n');
  }
  return -1;
}

}  // namespace

int RunMemcheck(int argc, char** argv) {
  CLI::App app{"Sends hostile requests and reports the server's peak memory"};
  std::string target;
  std::string method;
  std::string shape_name = "unknown";
  size_t bytes = size_t{256} * 1024;
  int clients = 16;
  int seconds = 5;
  int pid = 0;
  int64_t limit_mib = 0;
  app.add_option("--target", target, "host:port of the server")->required();
  app.add_option("--method", method, "full method, /events.v1.Service/Method")->required();
  app.add_option("--shape", shape_name, "unknown or repeated")
      ->check(CLI::IsMember({"unknown", "repeated"}));
  app.add_option("--bytes", bytes, "size of each request")->check(CLI::Range(16, 64 << 20));
  app.add_option("--clients", clients, "concurrent clients")->check(CLI::Range(1, 1024));
  app.add_option("--seconds", seconds, "how long to send")->check(CLI::Range(1, 600));
  app.add_option("--pid", pid, "the server's process id, to read its memory")->required();
  app.add_option("--limit-mib", limit_mib, "fail when the peak RSS exceeds this")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  const auto shape = shape_name == "repeated" ? events::memcheck::Shape::kRepeated
                                              : events::memcheck::Shape::kUnknown;
  absl::StatusOr<std::string> payload = events::memcheck::HostileRequest(method, shape, bytes);
  if (!payload.ok()) {
    std::fprintf(stderr, "events_memcheck: %s\n", std::string(payload.status().message()).c_str());
    return 2;
  }
  const int64_t before_kib = ResidentKib(pid);
  if (before_kib < 0) {
    std::fprintf(stderr, "events_memcheck: cannot read the memory of process %d\n", pid);
    return 2;
  }

  std::atomic<bool> stop{false};
  std::atomic<int64_t> peak_kib{before_kib};
  std::thread sampler([&] {
    while (!stop.load()) {
      const int64_t now = ResidentKib(pid);
      if (now > peak_kib.load()) peak_kib.store(now);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  events::Mutex codes_mu;
  std::map<std::string, int64_t> codes;  // under codes_mu
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> senders;
  senders.reserve(static_cast<size_t>(clients));
  for (int c = 0; c < clients; ++c) {
    senders.emplace_back([&] {
      // A connection each, as separate clients would have.
      grpc::ChannelArguments args;
      args.SetInt("grpc.channel_id", c);
      args.SetMaxSendMessageSize(-1);
      auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
      grpc::GenericStub stub(channel);
      while (std::chrono::steady_clock::now() < end) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        grpc::Slice slice(*payload);
        grpc::ByteBuffer request(&slice, 1);
        grpc::ByteBuffer response;
        std::promise<grpc::Status> done;
        stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                       [&done](grpc::Status status) { done.set_value(std::move(status)); });
        const grpc::Status status = done.get_future().get();
        events::MutexLock lock(&codes_mu);
        ++codes[std::to_string(status.error_code())];
      }
    });
  }
  for (std::thread& t : senders) t.join();
  stop.store(true);
  sampler.join();

  const int64_t peak_mib = peak_kib.load() / 1024;
  std::printf(
      "%s %s, %zu bytes, %d clients, %d s: RSS %lld MiB before, peak %lld MiB (limit %lld MiB)\n",
      method.c_str(), shape_name.c_str(), bytes, clients, seconds,
      static_cast<long long>(before_kib / 1024), static_cast<long long>(peak_mib),
      static_cast<long long>(limit_mib));
  std::printf("  answers by status code:");
  for (const auto& [code, count] : codes)
    std::printf(" %s:%lld", code.c_str(), static_cast<long long>(count));
  std::printf("\n");
  if (peak_mib > limit_mib) {
    std::printf("  OVER the limit\n");
    return 1;
  }
  return 0;
}

int main(int argc, char** argv) {
  // A thread that cannot start, or memory that runs out, ends the run with a message and
  // exit code 1 instead of std::terminate's abort.
  try {
    return RunMemcheck(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "memcheck: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "memcheck: an unknown exception\n");
  }
  return 1;
}
