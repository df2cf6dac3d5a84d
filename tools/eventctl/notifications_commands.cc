// eventctl notifications ...: the calls of events.v1.NotificationsService (organisers).
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "events/v1/notifications.grpc.pb.h"
#include "tools/eventctl/cli_context.h"
#include "tools/eventctl/commands.h"
#include "tools/eventctl/notifications_printer.h"
#include "tools/eventctl/output.h"

namespace events::eventctl {
namespace {

using events::v1::NotificationsService;

template <typename Request, typename Response, typename Method, typename Print>
int Run(const CliContext& ctx, Method method, const Request& req, const std::string& doing,
        Print print, const std::string& format = kTextFormat) {
  Response resp;
  grpc::Status s = ctx.Call(Target::kNotifications, Credential::kKey, method, req, &resp);
  if (!s.ok()) return ctx.Fail(s, doing, Target::kNotifications);
  return Emit(format, resp, print(resp));
}

struct SettingsFlags {
  std::string from_name;
  std::string reply_to;
  std::string footer;
  std::vector<std::string> coordinators;
  bool clear_coordinators = false;
  std::string format = kTextFormat;
};

void AddSettings(CLI::App& parent, const CliContext& ctx, int& exit_code) {
  auto f = std::make_shared<SettingsFlags>();
  CLI::App* s = parent.add_subcommand(
      "settings", "Show the organisation's sender settings, or change them with the options");
  s->add_option("--from-name", f->from_name, "The sender's name people see, up to 80 characters");
  s->add_option("--reply-to", f->reply_to, "Where replies go (an e-mail address)");
  s->add_option("--footer", f->footer,
                "Closing lines of every e-mail: address, charity number (\\n for a new line)");
  s->add_option("--coordinator-email", f->coordinators,
                "Told when an access request needs attention (repeat for more, up to 10)");
  s->add_flag("--no-coordinators", f->clear_coordinators, "Tell no access coordinator by e-mail");
  AddFormatOption(s, f->format);
  s->callback([&ctx, f, &exit_code] {
    events::v1::SenderSettings current;
    grpc::Status got = ctx.Call(Target::kNotifications, Credential::kKey,
                                &NotificationsService::Stub::GetSenderSettings,
                                events::v1::GetSenderSettingsRequest(), &current);
    if (!got.ok()) {
      exit_code = ctx.Fail(got, "read the sender settings", Target::kNotifications);
      return;
    }
    const bool change = !f->from_name.empty() || !f->reply_to.empty() || !f->footer.empty() ||
                        !f->coordinators.empty() || f->clear_coordinators;
    if (!change) {
      exit_code = Emit(f->format, current, DescribeSenderSettings(current));
      return;
    }
    events::v1::UpdateSenderSettingsRequest req;
    *req.mutable_settings() = current;
    req.set_expected_version(current.version());
    if (!f->from_name.empty()) req.mutable_settings()->set_from_name(f->from_name);
    if (!f->reply_to.empty()) req.mutable_settings()->set_reply_to(f->reply_to);
    if (!f->footer.empty()) {
      std::string footer = f->footer;
      for (size_t at; (at = footer.find("\\n")) != std::string::npos;) footer.replace(at, 2, "\n");
      req.mutable_settings()->set_footer(footer);
    }
    if (f->clear_coordinators || !f->coordinators.empty()) {
      req.mutable_settings()->clear_coordinator_emails();
      for (const auto& a : f->coordinators) req.mutable_settings()->add_coordinator_emails(a);
    }
    exit_code = Run<events::v1::UpdateSenderSettingsRequest, events::v1::SenderSettings>(
        ctx, &NotificationsService::Stub::UpdateSenderSettings, req, "save the sender settings",
        [](const auto& r) { return DescribeSenderSettings(r); }, f->format);
  });
}

void AddOutbox(CLI::App& parent, const CliContext& ctx, int& exit_code) {
  auto limit = std::make_shared<int>(50);
  auto state = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>(kTextFormat);
  CLI::App* o = parent.add_subcommand("outbox", "Recent e-mail: sent, waiting, failed");
  o->add_option("--limit", *limit, "How many, newest first")->check(CLI::Range(1, 200));
  o->add_option("--state", *state, "Only these: pending, sent, dead, undeliverable, skipped");
  AddFormatOption(o, *format);
  o->callback([&ctx, limit, state, format, &exit_code] {
    bool known = true;
    events::v1::ListOutboxRequest req;
    req.set_limit(*limit);
    req.set_state(MailStateFromWord(*state, known));
    if (!known) {
      std::fprintf(stderr,
                   "eventctl: --state %s is not a mail state; use pending, sent, dead, "
                   "undeliverable or skipped\n",
                   state->c_str());
      exit_code = 2;
      return;
    }
    exit_code = Run<events::v1::ListOutboxRequest, events::v1::ListOutboxResponse>(
        ctx, &NotificationsService::Stub::ListOutbox, req, "list the outbox",
        [](const auto& r) {
          return OutboxTable(std::vector<events::v1::OutboxMail>(r.mail().begin(), r.mail().end()));
        },
        *format);
  });
}

void AddReplay(CLI::App& parent, const CliContext& ctx, int& exit_code) {
  auto req = std::make_shared<events::v1::ReplayDeadMailRequest>();
  CLI::App* r = parent.add_subcommand(
      "replay", "Send dead e-mail again: one (MAIL_ID from the outbox) or all of it");
  r->add_option("MAIL_ID", *req->mutable_mail_id(), "Only this one");
  r->callback([&ctx, req, &exit_code] {
    exit_code = Run<events::v1::ReplayDeadMailRequest, events::v1::ReplayDeadMailResponse>(
        ctx, &NotificationsService::Stub::ReplayDeadMail, *req, "replay dead e-mail",
        [](const auto& resp) {
          return resp.replayed() == 0 ? std::string("No dead e-mail to send again.\n")
                                      : absl::StrCat(resp.replayed(),
                                                     " e-mail will be tried again now; see "
                                                     "eventctl notifications outbox\n");
        });
  });
}

}  // namespace

void AddNotificationsCommands(CLI::App& app, const CliContext& ctx, int& exit_code) {
  CLI::App* n = app.add_subcommand("notifications", "E-mail: sender settings, outbox, replay");
  n->require_subcommand(1);
  AddSettings(*n, ctx, exit_code);
  AddOutbox(*n, ctx, exit_code);
  AddReplay(*n, ctx, exit_code);
}

}  // namespace events::eventctl
