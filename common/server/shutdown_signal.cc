#include "common/server/shutdown_signal.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>

#include "absl/strings/str_cat.h"

namespace events::server {
namespace {

// A signal handler can only reach globals; these are the process-wide self-pipe.
std::atomic<int> signal_read_fd{-1};
std::atomic<int> signal_write_fd{-1};
volatile sig_atomic_t received_signal = 0;

// errno as text. strerror may return a buffer shared by all threads; the GNU strerror_r
// returns the message without one.
std::string ErrnoText(int error) {
  char buffer[128];
  return strerror_r(error, buffer, sizeof buffer);
}

void OnShutdownSignal(int signo) {
  const int saved_errno = errno;
  received_signal = signo;
  const int fd = signal_write_fd.load(std::memory_order_relaxed);
  if (fd >= 0) {
    const char byte = 1;
    // Nothing useful can be done about a failed write inside a handler; the pipe is
    // nonblocking and only needs one byte to become readable.
    [[maybe_unused]] ssize_t ignored = write(fd, &byte, 1);
  }
  errno = saved_errno;
}

absl::Status Install() {
  int fds[2];
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("cannot create signal pipe: ", ErrnoText(errno)));
  }
  signal_read_fd.store(fds[0]);
  signal_write_fd.store(fds[1]);
  struct sigaction action {};
  action.sa_handler = &OnShutdownSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART | SA_RESETHAND;
  for (int signo : {SIGTERM, SIGINT}) {
    if (sigaction(signo, &action, nullptr) != 0) {
      return absl::InternalError(
          absl::StrCat("cannot handle signal ", signo, ": ", ErrnoText(errno)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status InstallShutdownSignalHandlers() {
  static std::once_flag once;
  static absl::Status* result = nullptr;
  std::call_once(once, [] { result = new absl::Status(Install()); });
  return *result;
}

int ShutdownSignalFd() { return signal_read_fd.load(); }

int ReceivedShutdownSignal() { return received_signal; }

Wakeup::Wakeup() : fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

Wakeup::~Wakeup() {
  if (fd_ >= 0) close(fd_);
}

void Wakeup::Raise() {
  if (fd_ < 0) return;
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t ignored = write(fd_, &one, sizeof(one));
}

void WaitForWakeupOrSignal(const Wakeup& wakeup) {
  pollfd fds[2] = {{wakeup.fd(), POLLIN, 0}, {ShutdownSignalFd(), POLLIN, 0}};
  // Neither descriptor is ever drained, so once readable they stay readable and every
  // waiter, now or later, returns.
  while (poll(fds, 2, -1) < 0 && errno == EINTR) {
  }
}

}  // namespace events::server
