// Connection: one hiredis context, and the words for what went wrong with it.

#include "common/redis/connection.h"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace events::redis::internal {
namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

// Names the commands in a message by their verb only: arguments may hold personal data.
std::string Describe(const std::vector<std::vector<std::string>>& commands) {
  if (commands.empty() || commands[0].empty()) return "an empty command";
  std::string verb = absl::AsciiStrToUpper(commands[0][0]);
  if (commands.size() == 1) return verb;
  return absl::StrCat("a pipeline of ", commands.size(), " commands starting with ", verb);
}

// A setup command (AUTH, SELECT, CLIENT SETNAME) and what to tell the operator if it fails.
struct SetupStep {
  std::vector<std::string> argv;
  std::string refusal;  // "Redis at X <refusal> (<Redis's error>); <fix>"
  std::string fix;
};

// Marks Open's "could not connect" errors (see IsUnreachable).
constexpr absl::string_view kUnreachable = "events.redis/unreachable";

}  // namespace

std::string Endpoint(const RedisOptions& options) {
  return Endpoint(RedisNode{options.host, options.port});
}

std::string Endpoint(const RedisNode& node) {
  if (node.host.find(':') != std::string::npos) {  // IPv6 literal
    return absl::StrCat("[", node.host, "]:", node.port);
  }
  return absl::StrCat(node.host, ":", node.port);
}

bool IsUnreachable(const absl::Status& status) {
  return status.GetPayload(kUnreachable).has_value();
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const RedisOptions& options,
                                                             Deadline deadline) {
  const std::string endpoint = Endpoint(options);
  RedisStats* const stats = options.stats.get();
  // Counts a failure to connect by its kind; Redis was not (usefully) reached.
  auto failed = [stats](RedisErrorKind kind, absl::Status status) {
    if (stats != nullptr) {
      stats->CountError(kind);
      stats->RecordContact(false);
    }
    return status;
  };
  std::chrono::milliseconds connect_timeout = options.connect_timeout;
  if (deadline != kNoDeadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      if (stats != nullptr) stats->CountError(RedisErrorKind::kTimeout);
      return absl::UnavailableError(
          absl::StrCat("the caller's deadline passed before a connection to Redis at ", endpoint,
                       " was opened; nothing was sent"));
    }
    connect_timeout = std::min(connect_timeout, left);
  }
  redisContext* context =
      redisConnectWithTimeout(options.host.c_str(), options.port, ToTimeval(connect_timeout));
  if (context == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("Could not allocate a connection to Redis at ", endpoint));
  }
  if (context->err != 0) {
    std::string why = context->errstr;
    redisFree(context);
    absl::Status status = absl::UnavailableError(
        absl::StrCat("Redis at ", endpoint, " is unreachable (", why,
                     "); is redis-server running? Set EVENTS_REDIS_URL to where it listens"));
    status.SetPayload(kUnreachable, absl::Cord());
    return failed(RedisErrorKind::kConnection, status);
  }
  if (redisSetTimeout(context, ToTimeval(options.command_timeout)) != REDIS_OK) {
    std::string why = context->errstr;
    redisFree(context);
    return absl::UnavailableError(
        absl::StrCat("Could not set the command timeout on the connection to Redis at ", endpoint,
                     " (", why, ")"));
  }
  std::unique_ptr<Connection> connection(new Connection(context, options));

  std::vector<SetupStep> steps;
  if (!options.user.empty()) {
    steps.push_back({{"AUTH", options.user, options.password},
                     absl::StrCat("refused user \"", options.user, "\" or its password"),
                     "check the user and password in EVENTS_REDIS_URL "
                     "(redis://user:password@host:port)"});
  } else if (!options.password.empty()) {
    steps.push_back({{"AUTH", options.password},
                     "refused the password",
                     "check the password in EVENTS_REDIS_URL (redis://:password@host:port)"});
  }
  if (options.db != 0) {
    steps.push_back({{"SELECT", absl::StrCat(options.db)},
                     absl::StrCat("refused database ", options.db),
                     "check the /db at the end of EVENTS_REDIS_URL"});
  }
  if (!options.client_name.empty()) {
    steps.push_back({{"CLIENT", "SETNAME", options.client_name},
                     absl::StrCat("refused the client name \"", options.client_name, "\""),
                     "use a name without spaces"});
  }
  if (steps.empty()) return connection;

  std::vector<std::vector<std::string>> commands;
  commands.reserve(steps.size());
  for (const SetupStep& step : steps) commands.push_back(step.argv);
  absl::StatusOr<std::vector<ReplyPtr>> replies = connection->Run(commands, deadline);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < steps.size(); ++i) {
    const redisReply& reply = *(*replies)[i];
    if (reply.type != REDIS_REPLY_ERROR) continue;
    const std::string error = AsString(reply);
    // A refused setup step (AUTH, SELECT...) is a failed contact: the service cannot work.
    const RedisErrorKind kind = ErrorReplyKind(error, /*from_script=*/false);
    if (absl::StartsWith(error, "NOAUTH")) {
      return failed(kind, absl::FailedPreconditionError(absl::StrCat(
                              "Redis at ", endpoint, " requires a password (", error,
                              "); put it in EVENTS_REDIS_URL as redis://:password@host:port")));
    }
    return failed(
        kind, absl::FailedPreconditionError(absl::StrCat(
                  "Redis at ", endpoint, " ", steps[i].refusal, " (", error, "); ", steps[i].fix)));
  }
  return connection;
}

Connection::Connection(redisContext* context, const RedisOptions& options)
    : context_(context),
      stats_(options.stats.get()),
      endpoint_(Endpoint(options)),
      command_timeout_ms_(options.command_timeout.count()),
      timeout_ms_(command_timeout_ms_) {}

bool Connection::UseTimeout(int64_t ms) {
  if (ms == timeout_ms_) return true;
  if (redisSetTimeout(context_, ToTimeval(std::chrono::milliseconds(ms))) != REDIS_OK) {
    return false;
  }
  timeout_ms_ = ms;
  return true;
}

Connection::~Connection() { redisFree(context_); }

absl::StatusOr<std::vector<ReplyPtr>> Connection::Run(
    const std::vector<std::vector<std::string>>& commands, Deadline deadline) {
  absl::Status sent = Send(commands, deadline);
  if (!sent.ok()) return sent;
  return Receive(commands.size());
}

absl::Status Connection::Send(const std::vector<std::vector<std::string>>& commands,
                              Deadline deadline) {
  sending_ = Describe(commands);
  if (broken_) {
    return absl::UnavailableError(
        absl::StrCat("The connection to Redis at ", endpoint_, " is already broken"));
  }
  // The caller's deadline bounds the wait for the replies; the configured timeout otherwise.
  int64_t timeout_ms = command_timeout_ms_;
  if (deadline != kNoDeadline) {
    const int64_t left = std::chrono::duration_cast<std::chrono::milliseconds>(
                             deadline - std::chrono::steady_clock::now())
                             .count();
    if (left <= 0) {
      return Failed(RedisErrorKind::kTimeout,
                    absl::UnavailableError(absl::StrCat("the caller's deadline passed before ",
                                                        sending_, " was sent to Redis at ",
                                                        endpoint_, "; nothing was sent")));
    }
    timeout_ms = std::min(timeout_ms, left);
  }
  if (!UseTimeout(timeout_ms)) return IoError();
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const std::vector<std::string>& command : commands) {
    argv.clear();
    lengths.clear();
    for (const std::string& arg : command) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    // Appending only buffers; the loop below writes it all.
    if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(),
                               lengths.data()) != REDIS_OK) {
      return IoError();
    }
  }
  int done = 0;
  while (done == 0) {
    if (redisBufferWrite(context_, &done) != REDIS_OK) return IoError();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ReplyPtr>> Connection::Receive(size_t count) {
  std::vector<ReplyPtr> replies;
  replies.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) return IoError();
    replies.emplace_back(static_cast<redisReply*>(raw));
  }
  if (stats_ != nullptr) stats_->RecordContact(true);
  return replies;
}

absl::Status Connection::Failed(RedisErrorKind kind, absl::Status status) const {
  if (stats_ != nullptr) {
    stats_->CountError(kind);
    if (kind != RedisErrorKind::kTimeout || broken_) stats_->RecordContact(false);
  }
  return status;
}

absl::Status Connection::IoError() {
  const int saved_errno = errno;
  broken_ = true;
  const std::string& what = sending_;
  const std::string why = context_->errstr;
  if (context_->err == REDIS_ERR_EOF) {
    return Failed(
        RedisErrorKind::kConnection,
        absl::UnavailableError(absl::StrCat(
            "Redis at ", endpoint_, " closed the connection during ", what, " (", why,
            "); it may have restarted or dropped this client. The next call reconnects")));
  }
  // hiredis reports a read timeout as an I/O error with errno EAGAIN.
  if (context_->err == REDIS_ERR_IO && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK ||
                                        absl::StrContains(why, "temporarily unavailable"))) {
    return Failed(
        RedisErrorKind::kTimeout,
        absl::UnavailableError(absl::StrCat(
            "Redis at ", endpoint_, " did not answer ", what, " within ", timeout_ms_,
            "ms; it may be overloaded or blocked by a slow command (see SLOWLOG). The connection "
            "was dropped; the next call reconnects")));
  }
  return Failed(
      RedisErrorKind::kConnection,
      absl::UnavailableError(absl::StrCat("Lost the connection to Redis at ", endpoint_, " during ",
                                          what, " (", why, "). The next call reconnects")));
}

bool Connection::PeerClosed() const {
  if (broken_ || context_->fd < 0) return true;
  pollfd fd{};
  fd.fd = context_->fd;
  fd.events = POLLIN;
  const int ready = poll(&fd, 1, 0);
  if (ready < 0) return errno != EINTR;
  if (ready == 0) return false;
  if ((fd.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) return true;
  char byte;
  const ssize_t peeked = recv(context_->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (peeked < 0) return !(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
  // 0: orderly shutdown. >0: bytes nobody asked for (e.g. an error Redis sent before
  // closing), so the reply stream is out of step; either way the connection is done.
  return true;
}

}  // namespace events::redis::internal
