// Runs the eventctl binary as a user would: exit codes, --version, "did you mean", --format
// json and event-zone times (against small in-process fakes of the services), the
// idempotency key of register, and admin bootstrap against the test Redis.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/auth/people_keys.h"
#include "common/bus/keyspace.h"
#include "common/config/service_config.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"
#include "common/util/ids.h"
#include "events/v1/feedback.grpc.pb.h"
#include "events/v1/registration.grpc.pb.h"
#include "events/v1/scheduling.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/people/store/redis_people_store.h"

namespace events::eventctl {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

std::string Quote(const std::string& arg) {
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs eventctl with `args` (and `env`, "NAME=value" words, in a clean environment apart
// from PATH and HOME), capturing both streams and the exit code.
Outcome Eventctl(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  char err_path[] = "/tmp/eventctl_cli_test_XXXXXX";
  const int fd = mkstemp(err_path);
  EXPECT_GE(fd, 0);
  close(fd);
  std::string command = "env -i PATH=/usr/bin:/bin";
  // A sanitizer run's options pass through, so eventctl's reports go to the run's files
  // with its suppressions (scripts/test counts them), not into the output checked here.
  for (const char* var : {"ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS"}) {
    const char* value = std::getenv(var);  // NOLINT(concurrency-mt-unsafe)
    if (value != nullptr) command += " " + Quote(std::string(var) + "=" + value);
  }
  for (const std::string& e : env) command += " " + Quote(e);
  command += " " + Quote(EVENTCTL_BINARY);
  for (const std::string& a : args) command += " " + Quote(a);
  command += " 2>" + Quote(err_path);
  Outcome run;
  // Through the shell on purpose: it runs eventctl as a user would, every argument quoted.
  FILE* pipe = popen(command.c_str(), "r");  // NOLINT(cert-env33-c)
  EXPECT_NE(pipe, nullptr);
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_path);
  std::stringstream text;
  text << err.rdbuf();
  run.err = text.str();
  std::remove(err_path);
  return run;
}

// Nothing listens on port 1: a service that is down.
std::vector<std::string> NoServices() {
  return {"--server",
          "127.0.0.1:1",
          "--registration-server",
          "127.0.0.1:1",
          "--feedback-server",
          "127.0.0.1:1",
          "--integrations-server",
          "127.0.0.1:1",
          "--timeout",
          "5"};
}

std::vector<std::string> With(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST(EventctlCliTest, VersionAndHelpExitZeroAndHelpDocumentsTheExitCodes) {
  Outcome version = Eventctl({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, HasSubstr("eventctl 0."));
  EXPECT_THAT(version.out, HasSubstr("events.v1"));
  Outcome help = Eventctl({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("Exit codes: 0 done; 1 the service refused"));
  EXPECT_THAT(help.out, HasSubstr("2 usage error"));
  EXPECT_THAT(help.out, HasSubstr("3 no answer"));
  Outcome sub_help = Eventctl({"registrations", "list", "--help"});
  EXPECT_EQ(sub_help.exit_code, 0);
  EXPECT_THAT(sub_help.out, HasSubstr("--format"));
}

// CLI11's own errors exited 106 (a required option or command missing) and 109 (an unknown
// argument) while eventctl's exited 2.
TEST(EventctlCliTest, EveryUsageErrorExitsTwo) {
  Outcome none = Eventctl({});
  EXPECT_EQ(none.exit_code, 2) << none.err;
  EXPECT_THAT(none.err, HasSubstr("a command is needed after \"eventctl\""));
  EXPECT_THAT(none.err, HasSubstr("registrations"));

  Outcome missing = Eventctl(With({"create", "--title", "x"}, NoServices()));
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_THAT(missing.err, HasSubstr("--start"));

  Outcome extra = Eventctl(With({"show", "ev_1", "surplus"}, NoServices()));
  EXPECT_EQ(extra.exit_code, 2) << extra.err;

  Outcome bad_value = Eventctl(With({"list", "--limit", "lots"}, NoServices()));
  EXPECT_EQ(bad_value.exit_code, 2) << bad_value.err;

  Outcome bad_format = Eventctl(With({"list", "--format", "yaml"}, NoServices()));
  EXPECT_EQ(bad_format.exit_code, 2) << bad_format.err;
  EXPECT_THAT(bad_format.err, HasSubstr("text or json"));

  Outcome needs_sub = Eventctl({"registrations"});
  EXPECT_EQ(needs_sub.exit_code, 2) << needs_sub.err;
  EXPECT_THAT(needs_sub.err, HasSubstr("one of list, capacity"));
}

TEST(EventctlCliTest, UnknownCommandsAndOptionsGetADidYouMean) {
  Outcome command = Eventctl({"registratons", "list", "ev_1"});
  EXPECT_EQ(command.exit_code, 2);
  EXPECT_THAT(command.err, HasSubstr("registratons: did you mean registrations?"));
  EXPECT_THAT(command.err, HasSubstr("See: eventctl --help"));

  Outcome sub = Eventctl({"registrations", "lsit", "ev_1"});
  EXPECT_EQ(sub.exit_code, 2);
  EXPECT_THAT(sub.err, HasSubstr("lsit: did you mean list?"));
  EXPECT_THAT(sub.err, HasSubstr("See: eventctl registrations --help"));

  Outcome option = Eventctl(With({"registrations", "list", "ev_1", "--limt", "3"}, NoServices()));
  EXPECT_EQ(option.exit_code, 2);
  EXPECT_THAT(option.err, HasSubstr("--limt: did you mean --limit?"));

  Outcome global = Eventctl({"health", "--sever=127.0.0.1:1"});
  EXPECT_EQ(global.exit_code, 2);
  EXPECT_THAT(global.err, HasSubstr("--sever: did you mean --server?"));

  Outcome nothing_close = Eventctl({"frobnicate"});
  EXPECT_EQ(nothing_close.exit_code, 2);
  EXPECT_THAT(nothing_close.err, Not(HasSubstr("did you mean")));
}

// Typos in values were sent as they were; now they stop before anything is sent (exit 2,
// where a send to the absent service would have exited 3).
TEST(EventctlCliTest, TyposInValuesAreRefusedBeforeSendingWithADidYouMean) {
  const std::vector<std::string> create = {"create",           "--title",          "Carers' break",
                                           "--start",          "2027-01-10T10:00", "--end",
                                           "2027-01-10T11:00", "--capacity",       "10"};
  Outcome provision = Eventctl(With(With(create, {"--provision", "bsl:on-request"}), NoServices()));
  EXPECT_EQ(provision.exit_code, 2) << provision.err;
  EXPECT_THAT(provision.err, HasSubstr("did you mean bsl_interpreter?"));

  Outcome old_format = Eventctl(With(With(create, {"--format", "online"}), NoServices()));
  EXPECT_EQ(old_format.exit_code, 2) << old_format.err;
  EXPECT_THAT(old_format.err, HasSubstr("--mode online"));

  Outcome webhook =
      Eventctl(With({"webhooks", "add", "https://hooks.example.org/x", "--type", "registratoin.*"},
                    NoServices()));
  EXPECT_EQ(webhook.exit_code, 2) << webhook.err;
  EXPECT_THAT(webhook.err, HasSubstr("did you mean registration.*?"));
}

TEST(EventctlCliTest, NoAnswerFromAServiceExitsThree) {
  Outcome show = Eventctl(With({"show", "ev_1"}, NoServices()));
  EXPECT_EQ(show.exit_code, 3) << show.err;
  EXPECT_THAT(show.err, HasSubstr("Is the scheduling service running at 127.0.0.1:1?"));
  Outcome health = Eventctl(With({"health"}, NoServices()));
  EXPECT_EQ(health.exit_code, 3) << health.err;
}

// A fake of the parts of the services these tests call.
class FakeScheduling final : public events::v1::SchedulingService::Service {
 public:
  grpc::Status GetEvent(grpc::ServerContext*, const events::v1::GetEventRequest* req,
                        events::v1::Event* event) override {
    if (req->event_id() != "ev_london") return {grpc::StatusCode::NOT_FOUND, "no such event"};
    event->set_id("ev_london");
    event->set_status(events::v1::EVENT_STATUS_PUBLISHED);
    event->mutable_details()->set_title("Living well");
    event->mutable_details()->set_time_zone("Europe/London");
    event->set_start_unix_ms(1783069200000);  // 2026-07-03T09:00Z = 10:00 BST
    event->set_end_unix_ms(1783069200000 + 3600000);
    return grpc::Status::OK;
  }
};

class FakeFeedback final : public events::v1::FeedbackService::Service {
 public:
  grpc::Status GetSurvey(grpc::ServerContext*, const events::v1::GetSurveyRequest* req,
                         events::v1::Survey* survey) override {
    survey->set_event_id(req->event_id());
    survey->set_state(events::v1::SURVEY_STATE_SCHEDULED);
    survey->set_opens_unix_ms(1783072800000);   // 2026-07-03T10:00Z = 11:00 BST
    survey->set_closes_unix_ms(1783677600000);  // 2026-07-10T10:00Z = 11:00 BST
    survey->mutable_definition()->add_questions()->set_id("overall");
    return grpc::Status::OK;
  }
  // ev_huge: a report larger than a client accepts in one message (4 MiB by default);
  // ev_busy: the service limiting the caller.
  grpc::Status GetReport(grpc::ServerContext*, const events::v1::GetReportRequest* req,
                         events::v1::FeedbackReport* report) override {
    if (req->event_id() == "ev_busy") {
      return {grpc::StatusCode::RESOURCE_EXHAUSTED,
              "too many reports asked for in a short time; wait a minute"};
    }
    report->set_event_id(req->event_id());
    events::v1::QuestionReport* q = report->add_questions();
    for (int i = 0; i < 600; ++i) q->add_texts(std::string(8000, 'x'));
    return grpc::Status::OK;
  }
  grpc::Status UpdateSurvey(grpc::ServerContext*, const events::v1::UpdateSurveyRequest* req,
                            events::v1::Survey* survey) override {
    survey->set_event_id(req->event_id());
    return grpc::Status::OK;
  }
  // 5 MB in chunks of 256 KiB, as the service streams it; ev_broken fails after two chunks.
  grpc::Status ExportFeedback(grpc::ServerContext*, const events::v1::ExportFeedbackRequest* req,
                              grpc::ServerWriter<events::v1::FeedbackExport>* writer) override {
    const std::string content = ExportContent();
    constexpr size_t kChunk = size_t{256} * 1024;
    for (size_t at = 0, n = 0; at < content.size(); at += kChunk, ++n) {
      if (req->event_id() == "ev_broken" && n == 2) {
        return {grpc::StatusCode::UNAVAILABLE, "the store went away"};
      }
      events::v1::FeedbackExport chunk;
      if (at == 0) {
        chunk.set_filename("feedback-responses.csv");
        chunk.set_content_type("text/csv");
      }
      chunk.set_content(content.substr(at, kChunk));
      if (at + kChunk >= content.size()) chunk.set_rows(600);
      writer->Write(chunk);
    }
    return grpc::Status::OK;
  }
  // The texts "t000" to "t249", in pages.
  grpc::Status ListFeedbackTexts(grpc::ServerContext*,
                                 const events::v1::ListFeedbackTextsRequest* req,
                                 events::v1::ListFeedbackTextsResponse* resp) override {
    if (req->question_id() != "said") return {grpc::StatusCode::NOT_FOUND, "no such question"};
    const int size = req->page().page_size() == 0 ? 25 : req->page().page_size();
    const int from = req->page().page_token().empty() ? 0 : std::stoi(req->page().page_token());
    for (int i = from; i < std::min(250, from + size); ++i) {
      resp->add_texts(absl::StrFormat("t%03d", i));
    }
    if (from + size < 250) resp->set_next_page_token(std::to_string(from + size));
    resp->set_total(250);
    return grpc::Status::OK;
  }
  static std::string ExportContent() {
    std::string content;
    for (int row = 0; content.size() < (5u << 20); ++row) {
      content += absl::StrFormat("%d,2026-07-03,%s\r\n", row, std::string(8000, 'x'));
    }
    return content;
  }
};

// Answers every Register with UNAVAILABLE (as a registration service behind a hung Redis
// does), remembering the idempotency keys it was sent.
class FakeRegistration final : public events::v1::RegistrationService::Service {
 public:
  grpc::Status Register(grpc::ServerContext*, const events::v1::RegisterRequest* req,
                        events::v1::RegisterResponse*) override {
    std::lock_guard<std::mutex> lock(mu_);
    keys_.push_back(req->idempotency_key());
    return {grpc::StatusCode::UNAVAILABLE, "the store did not answer in time"};
  }
  std::vector<std::string> keys() {
    std::lock_guard<std::mutex> lock(mu_);
    return keys_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> keys_;
};

class EventctlCliServedTest : public ::testing::Test {
 protected:
  static constexpr int kServerReceiveLimit = 256 * 1024;
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    // As the services do (ServerOptions::max_receive_message_bytes): a request larger than
    // this is refused by gRPC before the handler sees it.
    builder.SetMaxReceiveMessageSize(kServerReceiveLimit);
    builder.RegisterService(&scheduling_);
    builder.RegisterService(&feedback_);
    builder.RegisterService(&registration_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
    address_ = "127.0.0.1:" + std::to_string(port_);
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }
  std::vector<std::string> Servers() const {
    return {"--server",  address_, "--registration-server", address_, "--feedback-server", address_,
            "--timeout", "5"};
  }

  FakeScheduling scheduling_;
  FakeFeedback feedback_;
  FakeRegistration registration_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string address_;
};

TEST_F(EventctlCliServedTest, FormatJsonPrintsTheMessageAsJson) {
  Outcome json = Eventctl(With({"show", "ev_london", "--format", "json"}, Servers()));
  ASSERT_EQ(json.exit_code, 0) << json.err;
  events::v1::Event event;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &event).ok()) << json.out;
  EXPECT_EQ(event.id(), "ev_london");
  EXPECT_EQ(event.details().time_zone(), "Europe/London");

  Outcome text = Eventctl(With({"show", "ev_london"}, Servers()));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("Fri 3 Jul 2026, 10:00-11:00 Europe/London"));

  Outcome survey =
      Eventctl(With({"feedback", "survey", "show", "ev_london", "--format", "json"}, Servers()));
  ASSERT_EQ(survey.exit_code, 0) << survey.err;
  events::v1::Survey parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(survey.out, &parsed).ok()) << survey.out;
  EXPECT_EQ(parsed.closes_unix_ms(), 1783677600000);
}

TEST_F(EventctlCliServedTest, NotFoundExitsOne) {
  Outcome missing = Eventctl(With({"show", "ev_elsewhere"}, Servers()));
  EXPECT_EQ(missing.exit_code, 1) << missing.err;
  EXPECT_THAT(missing.err, HasSubstr("no such event"));
}

// The survey window of a London event was shown in UTC, an hour off its start time.
TEST_F(EventctlCliServedTest, SurveyWindowIsShownInTheEventsZone) {
  Outcome survey = Eventctl(With({"feedback", "survey", "show", "ev_london"}, Servers()));
  ASSERT_EQ(survey.exit_code, 0) << survey.err;
  EXPECT_THAT(survey.out, HasSubstr("opens  2026-07-03 11:00 Europe/London"));
  EXPECT_THAT(survey.out, HasSubstr("closes 2026-07-10 11:00 Europe/London"));
  EXPECT_THAT(survey.out, Not(HasSubstr("UTC")));
}

// Register went out without an idempotency key unless one was given, so after "no answer"
// a retry could register the attendee twice.
TEST_F(EventctlCliServedTest, RegisterAlwaysSendsAnIdempotencyKeyAndPrintsItWhenUnsure) {
  Outcome first = Eventctl(
      With({"register", "ev_london", "--name", "Sam", "--email", "sam@example.org"}, Servers()));
  EXPECT_EQ(first.exit_code, 3) << first.err;
  ASSERT_EQ(registration_.keys().size(), 1u);
  const std::string sent = registration_.keys()[0];
  EXPECT_GE(sent.size(), 16u);
  EXPECT_THAT(first.err,
              AllOf(HasSubstr("The outcome is unknown"), HasSubstr("--idempotency-key " + sent)));

  // The retry the message suggests sends that key again.
  Outcome retry = Eventctl(With({"register", "ev_london", "--name", "Sam", "--email",
                                 "sam@example.org", "--idempotency-key", sent},
                                Servers()));
  EXPECT_EQ(retry.exit_code, 3);
  ASSERT_EQ(registration_.keys().size(), 2u);
  EXPECT_EQ(registration_.keys()[1], sent);

  // Each new registration gets its own key.
  (void)Eventctl(
      With({"register", "ev_london", "--name", "Kim", "--email", "kim@example.org"}, Servers()));
  ASSERT_EQ(registration_.keys().size(), 3u);
  EXPECT_NE(registration_.keys()[2], sent);
}

// An answer larger than gRPC lets a client receive in one message (RESOURCE_EXHAUSTED,
// "Received message larger than max") was reported as "Too many requests in a short time".
TEST_F(EventctlCliServedTest, AnAnswerTooLargeForOneMessageIsNotCalledRateLimiting) {
  Outcome huge = Eventctl(With({"feedback", "report", "ev_huge"}, Servers()));
  EXPECT_EQ(huge.exit_code, 1) << huge.err;
  EXPECT_THAT(huge.err, Not(HasSubstr("Too many requests")));
  EXPECT_THAT(huge.err, AllOf(HasSubstr("could not read the report"),
                              HasSubstr("the answer was too big for one message"),
                              HasSubstr("eventctl accepts at most 4194304 bytes")));
  EXPECT_THAT(huge.err, HasSubstr("not a rate limit"));

  // The service limiting the caller is still called that.
  Outcome busy = Eventctl(With({"feedback", "report", "ev_busy"}, Servers()));
  EXPECT_EQ(busy.exit_code, 1) << busy.err;
  EXPECT_THAT(busy.err, HasSubstr("too many reports asked for in a short time"));
  EXPECT_THAT(busy.err, HasSubstr("wait a minute and try again"));
  EXPECT_THAT(busy.err, Not(HasSubstr("too big")));
}

// A request larger than the service accepts is refused by the service's gRPC with the same
// words ("Received message larger than max"), its own limit in them: eventctl says it was
// the request, not the answer, that was too big.
TEST_F(EventctlCliServedTest, ARequestTooLargeForTheServiceSaysSo) {
  char path[] = "/tmp/eventctl_cli_survey_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream file(path);
    file << "{\"questions\": [{\"id\": \"overall\", \"text\": \""
         << std::string(kServerReceiveLimit + 1000, 'a') << "\"}]}";
  }
  Outcome big =
      Eventctl(With({"feedback", "survey", "edit", "ev_london", "--file", path}, Servers()));
  std::remove(path);
  EXPECT_EQ(big.exit_code, 1) << big.err;
  EXPECT_THAT(big.err, Not(HasSubstr("Too many requests")));
  EXPECT_THAT(big.err, AllOf(HasSubstr("could not change the survey"),
                             HasSubstr("the request was too big for the service"),
                             HasSubstr("it accepts at most 262144 bytes")));
}

// The export is streamed: a file larger than one message (4 MiB) arrives whole, and a file
// named OUTPUT is only ever the whole export.
TEST_F(EventctlCliServedTest, ExportWritesTheStreamedFileWhole) {
  char dir[] = "/tmp/eventctl_cli_export_XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/out.csv";
  Outcome file = Eventctl(With({"feedback", "export", "ev_london", "-o", path}, Servers()));
  EXPECT_EQ(file.exit_code, 0) << file.err;
  EXPECT_THAT(file.err, HasSubstr("(600 rows)"));
  std::ifstream in(path, std::ios::binary);
  std::stringstream written;
  written << in.rdbuf();
  EXPECT_TRUE(written.str() == FakeFeedback::ExportContent()) << written.str().size();
  std::remove(path.c_str());

  Outcome out = Eventctl(With({"feedback", "export", "ev_london"}, Servers()));
  EXPECT_EQ(out.exit_code, 0) << out.err;
  EXPECT_TRUE(out.out == FakeFeedback::ExportContent()) << out.out.size();

  // Broken off part-way: no file, no .part left behind, and the usual "no answer" exit.
  Outcome broken = Eventctl(With({"feedback", "export", "ev_broken", "-o", path}, Servers()));
  EXPECT_EQ(broken.exit_code, 3) << broken.err;
  EXPECT_THAT(broken.err, HasSubstr("the store went away"));
  EXPECT_NE(access(path.c_str(), F_OK), 0);
  EXPECT_NE(access((path + ".part").c_str(), F_OK), 0);
  Outcome broken_out = Eventctl(With({"feedback", "export", "ev_broken"}, Servers()));
  EXPECT_EQ(broken_out.exit_code, 3);
  EXPECT_THAT(broken_out.err, HasSubstr("the export stopped part-way"));
  rmdir(dir);
}

TEST_F(EventctlCliServedTest, TextsArePagedOrReadWhole) {
  Outcome first =
      Eventctl(With({"feedback", "texts", "ev_london", "--question", "said"}, Servers()));
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("  - t000\n"));
  EXPECT_THAT(first.out, HasSubstr("  - t024\n"));
  EXPECT_THAT(first.out, Not(HasSubstr("t025")));
  EXPECT_THAT(first.out, HasSubstr("250 in all; next page: --page-token 25"));

  Outcome next = Eventctl(With({"feedback", "texts", "ev_london", "--question", "said",
                                "--page-token", "25", "--limit", "5"},
                               Servers()));
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_THAT(next.out, AllOf(HasSubstr("t025"), HasSubstr("t029"), Not(HasSubstr("t030"))));

  Outcome all =
      Eventctl(With({"feedback", "texts", "ev_london", "--question", "said", "--all"}, Servers()));
  EXPECT_EQ(all.exit_code, 0) << all.err;
  EXPECT_THAT(all.out, AllOf(HasSubstr("t000"), HasSubstr("t249")));
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'), 250);

  Outcome json = Eventctl(
      With({"feedback", "texts", "ev_london", "--question", "said", "--all", "--format", "json"},
           Servers()));
  ASSERT_EQ(json.exit_code, 0) << json.err;
  events::v1::ListFeedbackTextsResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &parsed).ok()) << json.out;
  EXPECT_EQ(parsed.texts_size(), 250);
  EXPECT_EQ(parsed.total(), 250);

  Outcome unknown =
      Eventctl(With({"feedback", "texts", "ev_london", "--question", "nope"}, Servers()));
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("no such question"));
}

// The admin commands looked for Redis on 6379 while ./scripts/run starts it on 6380.
TEST(EventctlCliTest, AdminCommandsDefaultToTheRedisOfScriptsRun) {
  Outcome help = Eventctl({"admin", "bootstrap", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("redis://127.0.0.1:6380/0"));
  Outcome down = Eventctl(
      {"admin", "bootstrap", "--org-name", "Riverside", "--redis-url", "redis://127.0.0.1:1/0"});
  EXPECT_EQ(down.exit_code, 3) << down.err;
  EXPECT_THAT(down.err, HasSubstr("Is Redis running at redis://127.0.0.1:1/0?"));
}

// Bootstrapping a name twice made two organisations without a word.
TEST(EventctlCliTest, BootstrappingAnOrganisationNameTwiceIsRefusedUnlessAllowed) {
  const char* url = std::getenv("EVENTS_TEST_REDIS_URL");
  (void)events::testing::TestRedisOptions();  // fails the test, saying what to set
  ASSERT_FALSE(HasFailure());
  const std::vector<std::string> where = {"--redis-url", url, "--key-prefix",
                                          events::testing::UniqueKeyPrefix()};
  Outcome first = Eventctl(With(
      {"admin", "bootstrap", "--org-name", "Riverside Carers Forum", "--format", "env"}, where));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("EVENTS_ORG_ID=org_"));
  const std::string org_id =
      first.out.substr(first.out.find("org_"), first.out.find('\n') - first.out.find("org_"));

  Outcome again =
      Eventctl(With({"admin", "bootstrap", "--org-name", "riverside carers forum"}, where));
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_THAT(again.err, HasSubstr("already exists (" + org_id + ")"));
  EXPECT_THAT(again.err, HasSubstr("--allow-same-name"));
  EXPECT_EQ(again.out, "");

  Outcome allowed = Eventctl(With({"admin", "bootstrap", "--org-name", "Riverside Carers Forum",
                                   "--allow-same-name", "--format", "env"},
                                  where));
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_THAT(allowed.out, AllOf(HasSubstr("EVENTS_ORG_ID=org_"), Not(HasSubstr(org_id))));
}

// A new installation needs no raw key handed out: bootstrap also invites the first organiser
// as a person (the people service's store), who then signs in by e-mail.
TEST(EventctlCliTest, BootstrapInvitesTheFirstOrganiserByEmail) {
  const char* url = std::getenv("EVENTS_TEST_REDIS_URL");
  (void)events::testing::TestRedisOptions();  // fails the test, saying what to set
  ASSERT_FALSE(HasFailure());
  const std::string prefix = events::testing::UniqueKeyPrefix();
  const std::vector<std::string> where = {"--redis-url", url, "--key-prefix", prefix};

  Outcome half = Eventctl(With(
      {"admin", "bootstrap", "--org-name", "Hillside Group", "--person-name", "Amira"}, where));
  EXPECT_EQ(half.exit_code, 2) << half.err;
  EXPECT_THAT(half.err, HasSubstr("--person-email"));
  Outcome bad = Eventctl(With({"admin", "bootstrap", "--org-name", "Hillside Group",
                               "--person-name", "Amira", "--person-email", "not an address"},
                              where));
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_THAT(bad.err, HasSubstr("email"));

  Outcome made =
      Eventctl(With({"admin", "bootstrap", "--org-name", "Hillside Group", "--person-name",
                     "Amira Khan", "--person-email", "Amira@Example.org"},
                    where));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_THAT(made.out, HasSubstr("Amira Khan <amira@example.org> is invited as organiser"));

  redis::RedisClient redis(events::testing::TestRedisOptions());
  // Nothing recorded and nothing set: the services' default.
  bus::Keyspace keys(prefix, config::kDefaultPartitions);
  people::RedisPeopleStore store(redis, keys);
  auto email = store.MembersWithEmail(Sha256Hex("amira@example.org"));
  ASSERT_TRUE(email.ok()) << email.status();
  ASSERT_EQ(email->size(), 1u);
  auto member = store.GetMember(email->front());
  ASSERT_TRUE(member.ok()) << member.status();
  EXPECT_EQ(member->member.name(), "Amira Khan");
  EXPECT_EQ(member->member.status(), events::v1::MEMBER_STATUS_INVITED);
  EXPECT_EQ(member->roles, "organiser,access_coordinator");
  EXPECT_EQ(member->member.invited_by_name(), "");
  // The invitation is on people's stream (partition 0's), for notifications to send.
  auto stream = redis.Command({"XLEN", keys.Stream(auth::kPeoplePartition)});
  ASSERT_TRUE(stream.ok());
  EXPECT_EQ(redis::AsInt(**stream), 1);

  // An installation on 4 partitions (EVENTS_PARTITIONS): people's stream is partition 0's
  // whatever the count, so the invitation goes to the stream its services read.
  Outcome four =
      Eventctl(With({"admin", "bootstrap", "--org-name", "Four Partitions Group", "--person-name",
                     "Bea Four", "--person-email", "bea@example.org", "--partitions", "4"},
                    where));
  ASSERT_EQ(four.exit_code, 0) << four.err;
  auto bea = store.MembersWithEmail(Sha256Hex("bea@example.org"));
  ASSERT_TRUE(bea.ok() && bea->size() == 1u);
  bus::Keyspace four_keys(prefix, 4);
  auto on_four = redis.Command({"XLEN", four_keys.Stream(auth::kPeoplePartition)});
  ASSERT_TRUE(on_four.ok());
  EXPECT_EQ(redis::AsInt(**on_four), 2);  // Amira's invitation and Bea's

  // Told nothing, it takes the count the services recorded (common/bus/partition_guard.h).
  ASSERT_TRUE(redis.Command({"SET", prefix + "events:partitions", "7"}).ok());
  Outcome seven = Eventctl(With({"admin", "bootstrap", "--org-name", "Seven Partitions Group",
                                 "--person-name", "Cy Seven", "--person-email", "cy@example.org"},
                                where));
  ASSERT_EQ(seven.exit_code, 0) << seven.err;
  auto cy = store.MembersWithEmail(Sha256Hex("cy@example.org"));
  ASSERT_TRUE(cy.ok() && cy->size() == 1u);
  bus::Keyspace seven_keys(prefix, 7);
  // People's events are all on partition 0's stream, whatever the count: one more.
  auto on_seven = redis.Command({"XLEN", seven_keys.Stream(0)});
  ASSERT_TRUE(on_seven.ok());
  EXPECT_EQ(redis::AsInt(**on_seven), 3);
}

// Viewer is a signed-in person's role: a key with it would have no scopes and do nothing.
TEST(EventctlCliTest, AnOrganisationKeyCannotHaveThePersonsViewerRole) {
  Outcome viewer = Eventctl({"admin", "org-key", "--org-id", "org_x", "--role", "viewer", "--name",
                             "x", "--redis-url", "redis://127.0.0.1:1/0"});
  EXPECT_EQ(viewer.exit_code, 2) << viewer.err;
  EXPECT_THAT(viewer.err, HasSubstr("--role must be organiser, access_coordinator or integration"));
}

}  // namespace
}  // namespace events::eventctl
