#include "tests/integrations/webhook_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace events::integrations::testing {

std::string WebhookReceiver::Request::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

WebhookReceiver::WebhookReceiver(bool any_address) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(any_address ? INADDR_ANY : INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  // port_ stays 0 unless every step worked: the tests assert against it.
  if (listen_fd_ >= 0 && bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      listen(listen_fd_, 64) == 0 &&
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port_ = ntohs(addr.sin_port);
  }
  thread_ = std::thread([this] { Serve(); });
}

WebhookReceiver::~WebhookReceiver() {
  stopping_ = true;
  thread_.join();
  close(listen_fd_);
}

std::string WebhookReceiver::Url(const std::string& path) const {
  return absl::StrCat("http://127.0.0.1:", port_, path);
}

void WebhookReceiver::Program(std::vector<int> actions) {
  MutexLock lock(&mu_);
  actions_.insert(actions_.end(), actions.begin(), actions.end());
}

void WebhookReceiver::SetLocation(std::string location) {
  MutexLock lock(&mu_);
  location_ = std::move(location);
}

std::vector<WebhookReceiver::Request> WebhookReceiver::Requests() {
  MutexLock lock(&mu_);
  return requests_;
}

bool WebhookReceiver::WaitFor(size_t n, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  MutexLock lock(&mu_);
  while (requests_.size() < n) {
    if (changed_.WaitUntil(&mu_, deadline)) return requests_.size() >= n;
  }
  return true;
}

void WebhookReceiver::Serve() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    Handle(fd);
    close(fd);
  }
}

void WebhookReceiver::Handle(int fd) {
  std::string data;
  size_t header_end = std::string::npos;
  size_t content_length = 0;
  char buf[8192];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (header_end != std::string::npos && data.size() >= header_end + 4 + content_length) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) return;
    data.append(buf, static_cast<size_t>(n));
    if (header_end == std::string::npos) {
      header_end = data.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        for (absl::string_view line : absl::StrSplit(data.substr(0, header_end), "\r\n")) {
          size_t colon = line.find(':');
          if (colon == absl::string_view::npos) continue;
          if (absl::EqualsIgnoreCase(line.substr(0, colon), "content-length")) {
            (void)absl::SimpleAtoi(absl::StripAsciiWhitespace(line.substr(colon + 1)),
                                   &content_length);
          }
        }
      }
    }
  }
  if (header_end == std::string::npos) return;
  Request request;
  std::vector<std::string> lines = absl::StrSplit(data.substr(0, header_end), "\r\n");
  std::vector<std::string> first = absl::StrSplit(lines[0], ' ');
  if (first.size() >= 2) {
    request.method = first[0];
    request.path = first[1];
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    request.headers[absl::AsciiStrToLower(lines[i].substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
  }
  request.body = data.substr(header_end + 4, content_length);
  sockaddr_in local{};
  socklen_t local_len = sizeof(local);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) == 0) {
    char text[INET_ADDRSTRLEN] = {0};
    if (inet_ntop(AF_INET, &local.sin_addr, text, sizeof(text)) != nullptr) {
      request.local_address = text;
    }
  }
  int action = 200;
  std::string location;
  {
    MutexLock lock(&mu_);
    if (!actions_.empty()) {
      action = actions_.front();
      actions_.pop_front();
    }
    request.answer = action;
    requests_.push_back(request);
    location = location_;
  }
  changed_.SignalAll();
  if (action == kDrop) return;  // closed without a word
  std::string extra;
  if (action >= 300 && action < 400 && !location.empty()) {
    extra = absl::StrCat("Location: ", location, "\r\n");
  }
  std::string answer = absl::StrCat("HTTP/1.1 ", action, " X\r\nContent-Length: 2\r\n", extra,
                                    "Connection: close\r\n\r\nok");
  (void)!write(fd, answer.data(), answer.size());
}

}  // namespace events::integrations::testing
