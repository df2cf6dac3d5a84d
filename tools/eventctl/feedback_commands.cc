// eventctl feedback ...: organisers' surveys, reports, exports and trends, and attendees'
// answers (with their registration token): the calls of events.v1.FeedbackService.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

#include "events/v1/feedback.grpc.pb.h"
#include "tools/eventctl/cli_context.h"
#include "tools/eventctl/commands.h"
#include "tools/eventctl/feedback_printer.h"
#include "tools/eventctl/output.h"
#include "tools/eventctl/zones.h"

namespace events::eventctl {
namespace {

using events::v1::FeedbackService;

// Attendee calls go out without the API key (Credential::kNone): the token in the request
// is the credential.
template <typename Method, typename Request, typename Response>
grpc::Status Call(const CliContext& ctx, Credential credential, Method method, const Request& req,
                  Response* resp) {
  return ctx.Call(Target::kFeedback, credential, method, req, resp);
}

int Fail(const CliContext& ctx, const grpc::Status& status, const std::string& doing) {
  return ctx.Fail(status, doing, Target::kFeedback);
}

// --- Organisers: surveys --------------------------------------------------------------------

struct EditOptions {
  std::string file;
  std::optional<bool> anonymous;
  std::optional<int> window_days;
};

int ShowSurvey(const CliContext& ctx, const std::string& event_id, const std::string& format,
               bool easy_read) {
  events::v1::GetSurveyRequest req;
  req.set_event_id(event_id);
  events::v1::Survey survey;
  grpc::Status s = Call(ctx, Credential::kKey, &FeedbackService::Stub::GetSurvey, req, &survey);
  if (!s.ok()) return Fail(ctx, s, "read the survey");
  if (format == kJsonFormat) return Emit(format, survey, "");
  return Emit(format, survey,
              DescribeSurvey(survey, easy_read, LookUpEventZone(ctx, survey.event_id())));
}

int EditSurvey(const CliContext& ctx, const std::string& event_id, const EditOptions& o) {
  events::v1::GetSurveyRequest get;
  get.set_event_id(event_id);
  events::v1::Survey current;
  grpc::Status s = Call(ctx, Credential::kKey, &FeedbackService::Stub::GetSurvey, get, &current);
  if (!s.ok()) return Fail(ctx, s, "read the survey");
  events::v1::UpdateSurveyRequest req;
  req.set_event_id(event_id);
  req.set_expected_version(current.version());
  *req.mutable_definition() = current.definition();
  if (!o.file.empty()) {
    std::ifstream in(o.file);
    if (!in) return LocalError("cannot read " + o.file);
    std::stringstream text;
    text << in.rdbuf();
    events::v1::SurveyDefinition definition;
    auto parsed = google::protobuf::util::JsonStringToMessage(text.str(), &definition);
    if (!parsed.ok()) {
      return UsageError(o.file +
                        " is not a survey definition in JSON: " + std::string(parsed.message()));
    }
    *req.mutable_definition() = definition;
  }
  if (o.anonymous.has_value()) req.mutable_definition()->set_anonymous(*o.anonymous);
  if (o.window_days.has_value()) req.mutable_definition()->set_window_days(*o.window_days);
  events::v1::Survey saved;
  s = Call(ctx, Credential::kKey, &FeedbackService::Stub::UpdateSurvey, req, &saved);
  if (!s.ok()) return Fail(ctx, s, "change the survey");
  std::printf("%s", DescribeSurvey(saved, false, LookUpEventZone(ctx, saved.event_id())).c_str());
  return kExitOk;
}

int OpenNow(const CliContext& ctx, const std::string& event_id) {
  events::v1::OpenSurveyNowRequest req;
  req.set_event_id(event_id);
  events::v1::Survey survey;
  grpc::Status s = Call(ctx, Credential::kKey, &FeedbackService::Stub::OpenSurveyNow, req, &survey);
  if (!s.ok()) return Fail(ctx, s, "open the survey");
  std::printf("%s", DescribeSurvey(survey, false, LookUpEventZone(ctx, survey.event_id())).c_str());
  return kExitOk;
}

// --- Organisers and integrations: reports ----------------------------------------------------

int Report(const CliContext& ctx, const std::string& event_id, int texts,
           const std::string& format) {
  events::v1::GetReportRequest req;
  req.set_event_id(event_id);
  req.set_texts_per_question(texts);
  events::v1::FeedbackReport report;
  grpc::Status s = Call(ctx, Credential::kKey, &FeedbackService::Stub::GetReport, req, &report);
  if (!s.ok()) return Fail(ctx, s, "read the report");
  return Emit(format, report, DescribeReport(report));
}

struct TextsOptions {
  std::string question;
  int limit = 25;
  std::string page_token;
  bool all = false;
};

// One page, or with --all every page (100 at a time), printed as they come; for --format
// json with --all, one response holding every text.
int Texts(const CliContext& ctx, const std::string& event_id, const TextsOptions& o,
          const std::string& format) {
  if (o.question.empty()) return UsageError("--question is needed: the question id");
  events::v1::ListFeedbackTextsRequest req;
  req.set_event_id(event_id);
  req.set_question_id(o.question);
  req.mutable_page()->set_page_size(o.all ? 100 : o.limit);
  req.mutable_page()->set_page_token(o.page_token);
  events::v1::ListFeedbackTextsResponse joined;
  do {
    events::v1::ListFeedbackTextsResponse page;
    grpc::Status s =
        Call(ctx, Credential::kKey, &FeedbackService::Stub::ListFeedbackTexts, req, &page);
    if (!s.ok()) return Fail(ctx, s, "list the texts");
    if (!o.all) {
      if (format == kJsonFormat) return Emit(format, page, "");
      std::string out = TextItems(page.texts());
      if (page.total() == 0) out = "No texts.\n";
      if (!page.next_page_token().empty()) {
        out += "(" + std::to_string(page.total()) + " in all; next page: --page-token " +
               page.next_page_token() + ", or --all for every text)\n";
      }
      std::printf("%s", out.c_str());
      return kExitOk;
    }
    if (format == kJsonFormat) {
      joined.mutable_texts()->MergeFrom(page.texts());
      joined.set_total(page.total());
    } else {
      std::printf("%s", TextItems(page.texts()).c_str());
      std::fflush(stdout);
    }
    req.mutable_page()->set_page_token(page.next_page_token());
  } while (!req.page().page_token().empty());
  if (format == kJsonFormat) return Emit(format, joined, "");
  return kExitOk;
}

// Writes the streamed export as it comes: to stdout, or to OUTPUT.part renamed to OUTPUT
// once the whole file has arrived (so a file named OUTPUT is never a partial one).
int Export(const CliContext& ctx, const std::string& event_id, const std::string& format,
           const std::string& output) {
  events::v1::ExportFeedbackRequest req;
  req.set_event_id(event_id);
  if (format == "csv") {
    req.set_format(events::v1::EXPORT_FORMAT_RESPONSES_CSV);
  } else if (format == "json") {
    req.set_format(events::v1::EXPORT_FORMAT_REPORT_JSON);
  } else {
    return UsageError("--format must be csv (the responses) or json (the report)");
  }
  const bool to_stdout = output.empty() || output == "-";
  const std::string part = output + ".part";
  FeedbackService::Stub stub(ctx.Channel(Target::kFeedback));
  grpc::ClientContext call;
  ctx.Prepare(call, Credential::kKey);
  std::unique_ptr<grpc::ClientReader<events::v1::FeedbackExport>> reader =
      stub.ExportFeedback(&call, req);
  std::ofstream file;
  events::v1::FeedbackExport chunk;
  int64_t rows = 0;
  bool wrote = false;
  bool local_error = false;
  while (reader->Read(&chunk)) {
    if (to_stdout) {
      std::fwrite(chunk.content().data(), 1, chunk.content().size(), stdout);
    } else {
      // Opened with the first message, so that a refusal leaves no file behind.
      if (!file.is_open()) file.open(part, std::ios::binary | std::ios::trunc);
      file.write(chunk.content().data(), static_cast<std::streamsize>(chunk.content().size()));
      if (!file) {
        local_error = true;
        call.TryCancel();
        break;
      }
    }
    wrote = wrote || !chunk.content().empty();
    if (chunk.rows() != 0) rows = chunk.rows();
  }
  const grpc::Status s = reader->Finish();
  if (to_stdout) std::fflush(stdout);
  if (file.is_open()) file.close();
  if (local_error || (!to_stdout && s.ok() && !file)) {
    std::remove(part.c_str());
    return LocalError("cannot write " + part);
  }
  if (!s.ok()) {
    if (!to_stdout) std::remove(part.c_str());
    if (to_stdout && wrote) {
      std::fprintf(stderr,
                   "eventctl: the export stopped part-way: what was written is "
                   "incomplete\n");
    }
    return Fail(ctx, s, "export the feedback");
  }
  if (to_stdout) return kExitOk;
  if (std::rename(part.c_str(), output.c_str()) != 0) {
    std::remove(part.c_str());
    return LocalError("cannot write " + output);
  }
  std::fprintf(stderr, "wrote %s (%lld rows)\n", output.c_str(), static_cast<long long>(rows));
  return kExitOk;
}

int Trends(const CliContext& ctx, const std::string& from, const std::string& to,
           const std::string& format) {
  events::v1::GetTrendsRequest req;
  req.set_from_month(from);
  req.set_to_month(to);
  events::v1::FeedbackTrends trends;
  grpc::Status s = Call(ctx, Credential::kKey, &FeedbackService::Stub::GetTrends, req, &trends);
  if (!s.ok()) return Fail(ctx, s, "read the trends");
  return Emit(format, trends, TrendsTable(trends));
}

// --- Attendees ------------------------------------------------------------------------------

int Mine(const CliContext& ctx, const std::string& token, events::v1::MySurvey* out) {
  if (token.empty()) {
    return UsageError("no registration token: pass --token or set EVENTS_REGISTRATION_TOKEN");
  }
  events::v1::GetMySurveyRequest req;
  req.set_registration_token(token);
  grpc::Status s = Call(ctx, Credential::kNone, &FeedbackService::Stub::GetMySurvey, req, out);
  if (!s.ok()) return Fail(ctx, s, "read the survey");
  return 0;
}

int Respond(const CliContext& ctx, const std::string& token,
            const std::vector<std::string>& answers, const std::vector<std::string>& comments) {
  events::v1::MySurvey mine;
  if (int rc = Mine(ctx, token, &mine); rc != 0) return rc;
  auto parsed = ParseAnswers(mine.survey().definition(), answers, comments);
  if (!parsed.ok()) return UsageError(std::string(parsed.status().message()));
  events::v1::SubmitResponseRequest req;
  req.set_registration_token(token);
  for (const auto& a : *parsed) *req.add_answers() = a;
  events::v1::SubmitResponseResponse resp;
  grpc::Status s = Call(ctx, Credential::kNone, &FeedbackService::Stub::SubmitResponse, req, &resp);
  if (!s.ok()) return Fail(ctx, s, "send the answers");
  std::printf("Thank you: your answers are %s%s.\n", resp.replaced() ? "updated" : "in",
              resp.anonymous() ? " (anonymous: they cannot be changed or linked to you)" : "");
  return 0;
}

}  // namespace

void AddFeedbackCommands(CLI::App& app, const CliContext& ctx, int& exit_code) {
  CLI::App* fb = app.add_subcommand("feedback", "Surveys after events, reports and trends");
  fb->require_subcommand(1);

  CLI::App* survey = fb->add_subcommand("survey", "An event's survey (organisers)");
  survey->require_subcommand(1);
  auto event_id = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>();
  auto easy_read = std::make_shared<bool>(false);
  CLI::App* show = survey->add_subcommand("show", "Show the survey and its window");
  show->add_option("EVENT_ID", *event_id)->required();
  AddFormatOption(show, *format)
      ->description("text, or json (a starting point for survey edit --file)");
  AddJsonAlias(show, *format);
  show->add_flag("--easy-read", *easy_read, "Show the plain-language wording");
  show->callback([&ctx, event_id, format, easy_read, &exit_code] {
    exit_code = ShowSurvey(ctx, *event_id, *format, *easy_read);
  });

  auto edit = std::make_shared<EditOptions>();
  CLI::App* edit_cmd = survey->add_subcommand(
      "edit", "Change the survey: questions from a JSON file (SurveyDefinition) and/or flags");
  edit_cmd->add_option("EVENT_ID", *event_id)->required();
  edit_cmd->add_option("--file", edit->file, "SurveyDefinition as JSON");
  edit_cmd->add_option("--anonymous", edit->anonymous, "true: keep no link to people");
  edit_cmd->add_option("--window-days", edit->window_days, "Days open after the event, 1-90");
  edit_cmd->callback(
      [&ctx, event_id, edit, &exit_code] { exit_code = EditSurvey(ctx, *event_id, *edit); });

  CLI::App* open = fb->add_subcommand(
      "open-now", "Open the survey now (development only: FEEDBACK_ALLOW_MANUAL_OPEN)");
  open->add_option("EVENT_ID", *event_id)->required();
  open->callback([&ctx, event_id, &exit_code] { exit_code = OpenNow(ctx, *event_id); });

  auto texts_per_question = std::make_shared<int>(0);
  CLI::App* report = fb->add_subcommand(
      "report", "The event's feedback report: every number, and the first texts of each question");
  report->add_option("EVENT_ID", *event_id)->required();
  report->add_option("--texts", *texts_per_question,
                     "Texts shown per question, 1-200 (default 20; `feedback texts` lists all)");
  AddFormatOption(report, *format);
  AddJsonAlias(report, *format);
  report->callback([&ctx, event_id, texts_per_question, format, &exit_code] {
    exit_code = Report(ctx, *event_id, *texts_per_question, *format);
  });

  auto texts = std::make_shared<TextsOptions>();
  CLI::App* texts_cmd =
      fb->add_subcommand("texts", "A question's free text, page by page, in the report's order");
  texts_cmd->add_option("EVENT_ID", *event_id)->required();
  texts_cmd->add_option("--question", texts->question, "The question id (see feedback report)")
      ->required();
  texts_cmd->add_option("--limit", texts->limit, "Texts per page (1-100)")->capture_default_str();
  texts_cmd->add_option("--page-token", texts->page_token, "Where the previous page stopped");
  texts_cmd->add_flag("--all", texts->all, "Every text, page after page");
  AddFormatOption(texts_cmd, *format);
  texts_cmd->callback([&ctx, event_id, texts, format, &exit_code] {
    exit_code = Texts(ctx, *event_id, *texts, *format);
  });

  auto file_format = std::make_shared<std::string>("csv");
  auto output = std::make_shared<std::string>();
  CLI::App* exp =
      fb->add_subcommand("export", "Responses as CSV (anonymised) or the report as JSON");
  exp->add_option("EVENT_ID", *event_id)->required();
  exp->add_option("--format", *file_format,
                  "What to write: csv (the responses) or json (the report)")
      ->capture_default_str();
  exp->add_option("--output,-o", *output,
                  "File to write (default: standard output); written as FILE.part until whole");
  exp->callback([&ctx, event_id, file_format, output, &exit_code] {
    exit_code = Export(ctx, *event_id, *file_format, *output);
  });

  auto from = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  CLI::App* trends = fb->add_subcommand("trends", "Your organisation's feedback over time");
  trends->add_option("--from", *from, "First month, YYYY-MM");
  trends->add_option("--to", *to, "Last month, YYYY-MM");
  AddFormatOption(trends, *format);
  AddJsonAlias(trends, *format);
  trends->callback(
      [&ctx, from, to, format, &exit_code] { exit_code = Trends(ctx, *from, *to, *format); });

  auto token = std::make_shared<std::string>(EnvOr("EVENTS_REGISTRATION_TOKEN", ""));
  CLI::App* mine = fb->add_subcommand("mine", "Attendees: the survey and your answers");
  mine->add_option("--token", *token, "Your registration token (EVENTS_REGISTRATION_TOKEN)");
  mine->add_flag("--easy-read", *easy_read, "Plain-language wording");
  AddFormatOption(mine, *format);
  mine->callback([&ctx, token, easy_read, format, &exit_code] {
    events::v1::MySurvey my_survey;
    exit_code = Mine(ctx, *token, &my_survey);
    if (exit_code != 0) return;
    if (*format == kJsonFormat) {
      exit_code = Emit(*format, my_survey, "");
      return;
    }
    std::printf("%s", DescribeSurvey(my_survey.survey(), *easy_read,
                                     LookUpEventZone(ctx, my_survey.survey().event_id()))
                          .c_str());
    std::printf("\n%s\n",
                my_survey.responded() ? "You have answered." : "You have not answered yet.");
    for (const auto& a : my_survey.answers()) std::printf("  %s\n", a.ShortDebugString().c_str());
  });

  auto answers = std::make_shared<std::vector<std::string>>();
  auto comments = std::make_shared<std::vector<std::string>>();
  CLI::App* respond =
      fb->add_subcommand("respond",
                         "Attendees: answer the survey, e.g. --answer overall=5 --answer "
                         "access_needs_met=partly --comment access_needs_met=\"...\"");
  respond->add_option("--token", *token, "Your registration token (EVENTS_REGISTRATION_TOKEN)");
  respond->add_option("--answer", *answers, "QUESTION=VALUE (repeat)");
  respond->add_option("--comment", *comments, "QUESTION=TEXT for a choice question (repeat)");
  respond->callback([&ctx, token, answers, comments, &exit_code] {
    exit_code = Respond(ctx, *token, *answers, *comments);
  });
}

}  // namespace events::eventctl
