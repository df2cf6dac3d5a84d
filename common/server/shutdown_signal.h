#pragma once

#include "absl/status/status.h"

namespace events::server {

// Installs SIGTERM and SIGINT handlers for the whole process (again is a no-op). A handled
// signal makes ShutdownSignalFd() readable for good. The handlers reset themselves
// (SA_RESETHAND), so a second signal has its default effect: an operator can still stop a
// drain that hangs. INTERNAL if the pipe or a handler cannot be set up.
absl::Status InstallShutdownSignalHandlers();

// The descriptor to poll for readability; -1 until handlers are installed.
int ShutdownSignalFd();

// The signal that arrived, or 0.
int ReceivedShutdownSignal();

// A wake-up that stays raised once raised (level-triggered, for poll). Raise() is
// async-signal-safe and thread-safe.
class Wakeup {
 public:
  Wakeup();
  ~Wakeup();
  Wakeup(const Wakeup&) = delete;
  Wakeup& operator=(const Wakeup&) = delete;

  void Raise();
  // -1 if the kernel refused an eventfd (then Raise does nothing and waiters rely on signals).
  int fd() const { return fd_; }

 private:
  int fd_;
};

// Blocks until `wakeup` is raised or, when handlers are installed, a shutdown signal arrives.
void WaitForWakeupOrSignal(const Wakeup& wakeup);

}  // namespace events::server
