#include "common/testing/own_smtp_server.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/testing/self_signed_certificate.h"

extern char** environ;

namespace events::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kStartTimeout = std::chrono::seconds(20);
constexpr auto kStopTimeout = std::chrono::seconds(5);
constexpr auto kPollStep = std::chrono::milliseconds(10);

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A finished message: "<sequence>-<time>.eml". The sink writes ".<name>.part" first and
// renames it, so a hidden or other name is a message still being written.
bool IsSavedMessage(const fs::directory_entry& entry) {
  const std::string name = entry.path().filename().string();
  return entry.is_regular_file() && !name.empty() && name[0] != '.' &&
         entry.path().extension() == ".eml";
}

}  // namespace

absl::Status OwnSmtpServer::Start(const std::vector<std::string>& extra_args) {
  return Launch(extra_args, /*starttls=*/false);
}

absl::Status OwnSmtpServer::StartWithStartTls(const std::vector<std::string>& extra_args) {
  return Launch(extra_args, /*starttls=*/true);
}

absl::Status OwnSmtpServer::Launch(std::vector<std::string> extra_args, bool starttls) {
  Stop();
  char dir[] = "/tmp/own-smtp.XXXXXX";
  if (mkdtemp(dir) == nullptr) return absl::InternalError("mkdtemp failed");
  dir_ = dir;
  mail_dir_ = dir_ + "/mail";
  const std::string log = dir_ + "/mailsink.log";
  if (starttls) {
    const std::string key = dir_ + "/key.pem";
    ca_file_ = dir_ + "/cert.pem";
    if (absl::Status made = WriteSelfSignedCertificate("127.0.0.1", ca_file_, key); !made.ok()) {
      Stop();
      return made;
    }
    extra_args.insert(extra_args.end(), {"--starttls-cert", ca_file_, "--starttls-key", key});
  }

  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return absl::InternalError("pipe2 failed");
  // The child's stdout is the pipe (its first line says the port), its stderr the log.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> args = {
      EVENTS_MAILSINK_PATH, "--host", "127.0.0.1", "--port", "0", "--dir", mail_dir_};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int spawned = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (spawned != 0) {
    pid_ = 0;
    close(out[0]);
    return absl::InternalError(
        absl::StrCat("could not start ", EVENTS_MAILSINK_PATH, ": ",
                     std::error_code(spawned, std::generic_category()).message()));
  }
  absl::Status status = ReadPort(out[0], Clock::now() + kStartTimeout);
  close(out[0]);
  if (!status.ok()) {
    Stop();  // after reading the log into the status: Stop removes it
    return status;
  }
  return absl::OkStatus();
}

absl::Status OwnSmtpServer::ReadPort(int fd, Clock::time_point deadline) {
  std::string line;
  char buffer[64];
  while (line.find('\n') == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd readable = {fd, POLLIN, 0};
    if (left.count() <= 0 || poll(&readable, 1, static_cast<int>(left.count())) == 0) {
      return absl::DeadlineExceededError(absl::StrCat(
          "mailsink did not say its port within ", kStartTimeout.count(), " s; its log:\n", Log()));
    }
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("mailsink exited before saying its port; its log:\n", Log()));
    }
    line.append(buffer, static_cast<std::size_t>(n));
  }
  line.resize(line.find('\n'));
  if (line.rfind("port=", 0) != 0 || !absl::SimpleAtoi(line.substr(5), &port_) || port_ <= 0) {
    port_ = 0;
    return absl::InternalError(absl::StrCat("mailsink's first line is not port=<n>: ", line));
  }
  return absl::OkStatus();
}

void OwnSmtpServer::Stop() {
  if (pid_ != 0) {
    kill(pid_, SIGTERM);
    const auto until = Clock::now() + kStopTimeout;
    while (waitpid(pid_, nullptr, WNOHANG) == 0) {
      if (Clock::now() >= until) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        break;
      }
      std::this_thread::sleep_for(kPollStep);
    }
    pid_ = 0;
  }
  port_ = 0;
  if (!dir_.empty()) {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
    dir_.clear();
    mail_dir_.clear();
    ca_file_.clear();
  }
}

std::string OwnSmtpServer::url() const {
  return port_ == 0 ? "" : absl::StrCat("smtp://127.0.0.1:", port_);
}

std::vector<std::string> OwnSmtpServer::Messages() const {
  std::vector<fs::path> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(mail_dir_, error)) {
    if (IsSavedMessage(entry)) names.push_back(entry.path());
  }
  // Zero-padded sequence numbers first: the order of the names is the order of arrival.
  std::sort(names.begin(), names.end());
  std::vector<std::string> messages;
  messages.reserve(names.size());
  for (const fs::path& name : names) messages.push_back(ReadFile(name));
  return messages;
}

std::vector<std::string> OwnSmtpServer::WaitForMessages(std::size_t count,
                                                        Clock::time_point deadline) const {
  std::vector<std::string> messages = Messages();
  while (messages.size() < count && Clock::now() < deadline) {
    std::this_thread::sleep_for(kPollStep);
    messages = Messages();
  }
  return messages;
}

std::string OwnSmtpServer::Log() const {
  return dir_.empty() ? "" : ReadFile(dir_ + "/mailsink.log");
}

}  // namespace events::testing
