// eventctl register, resend-link, my ... (attendees, with no account), and
// registrations ... (organisers): the calls of events.v1.RegistrationService.
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>

#include "events/v1/registration.grpc.pb.h"
#include "tools/eventctl/cli_context.h"
#include "tools/eventctl/commands.h"
#include "tools/eventctl/output.h"
#include "tools/eventctl/registration_printer.h"

namespace events::eventctl {
namespace {

using events::v1::RegistrationService;

// Runs one unary call on the registration service. Attendee calls go out without the
// organiser's API key (Credential::kNone): they are public, or carry the registration token
// in the request.
template <typename Method, typename Request, typename Response>
grpc::Status Call(const CliContext& ctx, Credential credential, Method method, const Request& req,
                  Response* resp) {
  return ctx.Call(Target::kRegistration, credential, method, req, resp);
}

int Fail(const CliContext& ctx, const grpc::Status& status, const std::string& doing) {
  return ctx.Fail(status, doing, Target::kRegistration);
}

// A registration token the service does not know is the attendee's most likely mistake.
int FailWithToken(const CliContext& ctx, const grpc::Status& status, const std::string& doing) {
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
      status.error_code() == grpc::StatusCode::NOT_FOUND) {
    std::fprintf(stderr,
                 "eventctl: %s\n  Check the token (--token or EVENTS_REGISTRATION_TOKEN): it was "
                 "shown once, when you registered. Lost it? Ask for your link again with:\n"
                 "  eventctl resend-link EVENT_ID --email YOUR_EMAIL\n",
                 status.error_message().c_str());
    return kExitFailed;
  }
  return Fail(ctx, status, doing);
}

// --- Attendees -----------------------------------------------------------------------------

struct RegisterOptions {
  std::string event_id, name, email, organisation, participation, pool, idempotency_key;
  bool marketing = false, companion = false, quiet = false;
  std::vector<std::string> answers;
  std::string format = kTextFormat;
};

// 32 random hex digits: a Register retried with it is answered with the first outcome
// instead of registering twice (docs/registration.md).
std::string NewIdempotencyKey() {
  std::random_device random;  // the kernel's random source
  std::uniform_int_distribution<int> digit(0, 15);
  std::string key = "cli-";
  for (int i = 0; i < 32; ++i) key += "0123456789abcdef"[digit(random)];
  return key;
}

// After a Register that did not clearly succeed or fail: whether the attendee is registered
// is unknown, and the same key makes a retry safe.
void TellHowToRetry(const RegisterOptions& o, const std::string& key, const grpc::Status& status) {
  const bool unknown = status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                       status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
                       status.error_code() == grpc::StatusCode::CANCELLED ||
                       status.error_code() == grpc::StatusCode::UNKNOWN ||
                       status.error_code() == grpc::StatusCode::INTERNAL;
  if (unknown) {
    std::fprintf(stderr,
                 "  The outcome is unknown: you may or may not be registered. Retry with the same "
                 "idempotency key,\n  which never registers you twice and gives you the first "
                 "answer if there was one:\n");
  } else if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
             status.error_code() == grpc::StatusCode::ABORTED) {
    std::fprintf(stderr, "  Nothing was registered. To retry, use the same idempotency key:\n");
  } else {
    return;
  }
  std::fprintf(stderr, "  eventctl register %s --name ... --email %s --idempotency-key %s\n",
               o.event_id.c_str(), o.email.c_str(), key.c_str());
}

int Register(const CliContext& ctx, const RegisterOptions& o) {
  events::v1::RegisterRequest req;
  req.set_event_id(o.event_id);
  req.set_name(o.name);
  req.set_email(o.email);
  req.set_organisation(o.organisation);
  auto participation = ParseParticipation(o.participation);
  if (!participation.ok()) return UsageError(std::string(participation.status().message()));
  req.set_participation(*participation);
  req.set_marketing_opt_in(o.marketing);
  req.set_companion(o.companion);
  req.set_pool(o.pool);
  // Always sent, so that a retry after "no answer" can never register the attendee twice.
  const std::string key = o.idempotency_key.empty() ? NewIdempotencyKey() : o.idempotency_key;
  req.set_idempotency_key(key);
  if (!o.answers.empty()) {
    // The form says each question's type, which decides how a VALUE is sent.
    events::v1::GetRegistrationFormRequest form_req;
    form_req.set_event_id(o.event_id);
    events::v1::RegistrationSettings form;
    grpc::Status status = Call(ctx, Credential::kNone,
                               &RegistrationService::Stub::GetRegistrationForm, form_req, &form);
    if (!status.ok()) return Fail(ctx, status, "get the registration form");
    auto answers = BuildAnswers(o.answers, form);
    if (!answers.ok()) return UsageError(std::string(answers.status().message()));
    for (auto& a : *answers) *req.add_answers() = std::move(a);
  }
  events::v1::RegisterResponse resp;
  grpc::Status status =
      Call(ctx, Credential::kNone, &RegistrationService::Stub::Register, req, &resp);
  if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
    std::fprintf(stderr,
                 "eventctl: this e-mail is already registered for %s, so there is nothing more "
                 "to do.\n  Lost your link? Ask for it again with: eventctl resend-link %s "
                 "--email %s\n",
                 o.event_id.c_str(), o.event_id.c_str(), o.email.c_str());
    return kExitFailed;
  }
  if (!status.ok()) {
    const int code = Fail(ctx, status, "register");
    TellHowToRetry(o, key, status);
    return code;
  }
  if (o.quiet) {
    std::printf("%s\n", resp.registration_token().c_str());
    return kExitOk;
  }
  return Emit(o.format, resp, DescribeRegisterOutcome(resp));
}

int ResendLink(const CliContext& ctx, const std::string& event_id, const std::string& email) {
  events::v1::ResendLinkRequest req;
  req.set_event_id(event_id);
  req.set_email(email);
  events::v1::ResendLinkResponse resp;
  grpc::Status status =
      Call(ctx, Credential::kNone, &RegistrationService::Stub::ResendLink, req, &resp);
  if (!status.ok()) return Fail(ctx, status, "ask for the link again");
  // The service reveals nothing about who is registered, and neither does this.
  std::printf("If %s is registered for %s, a new link is on its way to that address.\n",
              email.c_str(), event_id.c_str());
  return 0;
}

struct MyUpdateOptions {
  std::string name, marketing;
};

int MyCall(const CliContext& ctx, const std::string& token, const std::string& what,
           const MyUpdateOptions* update, const std::string& format) {
  if (token.empty()) {
    return UsageError("no registration token: pass --token or set EVENTS_REGISTRATION_TOKEN");
  }
  events::v1::Registration reg;
  grpc::Status status;
  std::string headline;
  if (what == "show") {
    events::v1::GetMyRegistrationRequest req;
    req.set_registration_token(token);
    status = Call(ctx, Credential::kNone, &RegistrationService::Stub::GetMyRegistration, req, &reg);
  } else if (what == "cancel") {
    events::v1::CancelMyRegistrationRequest req;
    req.set_registration_token(token);
    status =
        Call(ctx, Credential::kNone, &RegistrationService::Stub::CancelMyRegistration, req, &reg);
    headline = "Your registration is cancelled. Thank you for letting the organisers know.";
  } else {
    events::v1::UpdateMyRegistrationRequest req;
    req.set_registration_token(token);
    req.set_name(update->name);
    if (!update->marketing.empty()) {
      auto yes = ParseYesNo(update->marketing, "--marketing");
      if (!yes.ok()) return UsageError(std::string(yes.status().message()));
      req.set_update_marketing_opt_in(true);
      req.set_marketing_opt_in(*yes);
    }
    if (req.name().empty() && !req.update_marketing_opt_in()) {
      return UsageError("nothing to change: give --name and/or --marketing yes|no");
    }
    status =
        Call(ctx, Credential::kNone, &RegistrationService::Stub::UpdateMyRegistration, req, &reg);
    headline = "Your registration is updated.";
  }
  if (!status.ok()) return FailWithToken(ctx, status, what + " your registration");
  if (format == kJsonFormat) return Emit(format, reg, "");
  if (!headline.empty()) std::printf("%s\n\n", headline.c_str());
  std::printf("%s", DescribeRegistration(reg).c_str());
  return kExitOk;
}

void AddAttendeeCommands(CLI::App& app, const CliContext& ctx, int& exit_code) {
  auto reg = std::make_shared<RegisterOptions>();
  CLI::App* r = app.add_subcommand("register", "Register for a published event (no key needed)");
  r->add_option("event_id", reg->event_id, "Event id")->required();
  r->add_option("--name", reg->name, "Your name")->required();
  r->add_option("--email", reg->email, "Your e-mail address")->required();
  r->add_option("--organisation", reg->organisation, "Your organisation, if any");
  r->add_option("--participation", reg->participation,
                "How you take part: lived-experience, carer, professional, student, other");
  r->add_flag("--marketing", reg->marketing, "Happy to hear about other events");
  r->add_flag("--companion", reg->companion,
              "A companion (carer, personal assistant) comes too and needs a place");
  r->add_option("--pool", reg->pool, "A reserved pool you belong to, e.g. lived_experience");
  r->add_option("--answer", reg->answers,
                "QUESTION_ID=VALUE (repeatable); choices as a|b, yes-no as yes or no")
      ->allow_extra_args(false);
  r->add_option("--idempotency-key", reg->idempotency_key,
                "Retry a registration safely: the key printed when the outcome was unknown "
                "(default: a new random key)");
  r->add_flag("-q,--quiet", reg->quiet, "Print only the registration token");
  AddFormatOption(r, reg->format);
  r->callback([&ctx, &exit_code, reg] { exit_code = Register(ctx, *reg); });

  auto rl_event = std::make_shared<std::string>(), rl_email = std::make_shared<std::string>();
  CLI::App* l = app.add_subcommand("resend-link", "Ask for your registration link again");
  l->add_option("event_id", *rl_event, "Event id")->required();
  l->add_option("--email", *rl_email, "The e-mail you registered with")->required();
  l->callback([&ctx, &exit_code, rl_event, rl_email] {
    exit_code = ResendLink(ctx, *rl_event, *rl_email);
  });

  CLI::App* my = app.add_subcommand(
      "my", "Your own registration, with its token (--token or EVENTS_REGISTRATION_TOKEN)");
  my->require_subcommand(1);
  auto token = std::make_shared<std::string>(EnvOr("EVENTS_REGISTRATION_TOKEN", ""));
  auto update = std::make_shared<MyUpdateOptions>();
  auto my_format = std::make_shared<std::string>();
  for (const char* what : {"show", "cancel", "update"}) {
    const std::string w = what;
    CLI::App* c = my->add_subcommand(
        w, w == "show"     ? "Show your registration"
           : w == "cancel" ? "Cancel your registration (frees your place for someone else)"
                           : "Change your name or your marketing consent");
    c->add_option("--token", *token,
                  "Your registration token (default: EVENTS_REGISTRATION_TOKEN)");
    if (w == "update") {
      c->add_option("--name", update->name, "Your new name");
      c->add_option("--marketing", update->marketing, "yes or no: hear about other events");
    }
    AddFormatOption(c, *my_format);
    c->callback([&ctx, &exit_code, token, update, w, my_format] {
      exit_code = MyCall(ctx, *token, w, update.get(), *my_format);
    });
  }
}

// --- Organisers ----------------------------------------------------------------------------

int List(const CliContext& ctx, const std::string& event_id, const std::string& status_word,
         const std::string& pool, int limit, const std::string& format) {
  auto status_filter = ParseRegistrationStatus(status_word);
  if (!status_filter.ok()) return UsageError(std::string(status_filter.status().message()));
  if (limit < 1) return UsageError("--limit must be at least 1");
  std::vector<events::v1::Registration> all;
  std::string page_token;
  bool more = false;
  do {
    events::v1::ListRegistrationsRequest req;
    req.set_event_id(event_id);
    req.set_status(*status_filter);
    req.set_pool(pool);
    req.mutable_page()->set_page_size(std::min(100, limit - static_cast<int>(all.size())));
    req.mutable_page()->set_page_token(page_token);
    events::v1::ListRegistrationsResponse resp;
    grpc::Status status =
        Call(ctx, Credential::kKey, &RegistrationService::Stub::ListRegistrations, req, &resp);
    if (!status.ok()) return Fail(ctx, status, "list registrations");
    all.insert(all.end(), resp.registrations().begin(), resp.registrations().end());
    page_token = resp.next_page_token();
    more = !page_token.empty();
  } while (more && static_cast<int>(all.size()) < limit);
  if (format == kJsonFormat) {
    // The pages as one answer; next_page_token says there were more than --limit.
    events::v1::ListRegistrationsResponse joined;
    for (auto& r : all) *joined.add_registrations() = std::move(r);
    joined.set_next_page_token(page_token);
    return Emit(format, joined, "");
  }
  std::printf("%s", RegistrationTable(all).c_str());
  if (more) std::printf("(more registrations than shown: raise --limit)\n");
  return 0;
}

int Capacity(const CliContext& ctx, const std::string& event_id, bool set, int places,
             const std::string& format) {
  events::v1::CapacitySummary summary;
  grpc::Status status;
  if (set) {
    events::v1::ChangeCapacityRequest req;
    req.set_event_id(event_id);
    req.set_capacity(places);
    status = Call(ctx, Credential::kKey, &RegistrationService::Stub::ChangeCapacity, req, &summary);
  } else {
    events::v1::GetCapacityRequest req;
    req.set_event_id(event_id);
    status = Call(ctx, Credential::kKey, &RegistrationService::Stub::GetCapacity, req, &summary);
  }
  if (!status.ok()) return Fail(ctx, status, set ? "change the capacity" : "get the capacity");
  if (format == kJsonFormat) return Emit(format, summary, "");
  if (set) std::printf("Capacity changed; anyone who now fits was moved off the waiting list.\n\n");
  std::printf("%s", DescribeCapacity(summary).c_str());
  return 0;
}

struct DecideOptions {
  std::string event_id, registration_id, reason;
};

int Decide(const CliContext& ctx, const std::string& what, const DecideOptions& o) {
  events::v1::Registration reg;
  grpc::Status status;
  std::string headline;
  if (what == "cancel") {
    events::v1::CancelRegistrationRequest req;
    req.set_event_id(o.event_id);
    req.set_registration_id(o.registration_id);
    req.set_reason(o.reason);
    status = Call(ctx, Credential::kKey, &RegistrationService::Stub::CancelRegistration, req, &reg);
    headline = "Cancelled. If the place was confirmed, the next person waiting gets it.";
  } else {
    events::v1::DecideRegistrationRequest req;
    req.set_event_id(o.event_id);
    req.set_registration_id(o.registration_id);
    if (what == "approve") {
      status =
          Call(ctx, Credential::kKey, &RegistrationService::Stub::ApproveRegistration, req, &reg);
      headline = "Approved.";
    } else {
      status =
          Call(ctx, Credential::kKey, &RegistrationService::Stub::RejectRegistration, req, &reg);
      headline = "Rejected.";
    }
  }
  if (!status.ok()) return Fail(ctx, status, what + " " + o.registration_id);
  std::printf("%s\n\n%s", headline.c_str(), DescribeRegistration(reg).c_str());
  return 0;
}

struct AttendOptions {
  std::string event_id, csv_path;
  std::vector<std::string> ids, emails;
  bool absent = false;
};

int Attend(const CliContext& ctx, const AttendOptions& o) {
  events::v1::MarkAttendanceResponse resp;
  grpc::Status status;
  if (!o.csv_path.empty()) {
    std::ifstream in(o.csv_path, std::ios::binary);
    if (!in) return LocalError("could not read " + o.csv_path);
    std::ostringstream text;
    text << in.rdbuf();
    events::v1::ImportAttendanceRequest req;
    req.set_event_id(o.event_id);
    req.set_csv(text.str());
    status = Call(ctx, Credential::kKey, &RegistrationService::Stub::ImportAttendance, req, &resp);
  } else {
    if (o.ids.empty() && o.emails.empty()) {
      return UsageError("say who: give --id, --email or --csv");
    }
    events::v1::MarkAttendanceRequest req;
    req.set_event_id(o.event_id);
    for (const auto& id : o.ids) req.add_registration_ids(id);
    for (const auto& e : o.emails) req.add_emails(e);
    req.set_attended(!o.absent);
    status = Call(ctx, Credential::kKey, &RegistrationService::Stub::MarkAttendance, req, &resp);
  }
  if (!status.ok()) return Fail(ctx, status, "mark attendance");
  std::printf("%s", DescribeAttendance(resp, !o.absent).c_str());
  return 0;
}

int Export(const CliContext& ctx, const std::string& event_id, const std::string& out_path) {
  events::v1::ExportRegistrationsRequest req;
  req.set_event_id(event_id);
  events::v1::ExportFile file;
  grpc::Status status =
      Call(ctx, Credential::kKey, &RegistrationService::Stub::ExportRegistrations, req, &file);
  if (!status.ok()) return Fail(ctx, status, "export registrations");
  if (out_path.empty()) {
    std::fwrite(file.content().data(), 1, file.content().size(), stdout);
    return 0;
  }
  // Personal data: readable only by its owner (a new file; an existing one keeps its mode).
  int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return LocalError("could not write " + out_path);
  size_t done = 0;
  while (done < file.content().size()) {
    ssize_t n = ::write(fd, file.content().data() + done, file.content().size() - done);
    if (n <= 0) {
      ::close(fd);
      return LocalError("could not write " + out_path);
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return LocalError("could not write " + out_path);
  const auto rows = std::count(file.content().begin(), file.content().end(), '\n');
  std::printf("Wrote %s (%ld lines with the header). It holds personal data: keep it safe.\n",
              out_path.c_str(), static_cast<long>(rows));
  return 0;
}

struct ConfigureOptions {
  std::string event_id;
  bool approval = false, no_companions = false;
  std::vector<std::string> pools, questions;
  int64_t expected_version = 0;
};

int Configure(const CliContext& ctx, const ConfigureOptions& o) {
  events::v1::ConfigureRegistrationRequest req;
  auto* s = req.mutable_settings();
  s->set_event_id(o.event_id);
  s->set_requires_approval(o.approval);
  s->set_companions_disabled(o.no_companions);
  for (const auto& spec : o.pools) {
    auto pool = ParsePool(spec);
    if (!pool.ok()) return UsageError(std::string(pool.status().message()));
    *s->add_pools() = *pool;
  }
  for (const auto& spec : o.questions) {
    auto q = ParseQuestion(spec);
    if (!q.ok()) return UsageError(std::string(q.status().message()));
    *s->add_questions() = *q;
  }
  req.set_expected_version(o.expected_version);
  events::v1::RegistrationSettings settings;
  grpc::Status status = Call(ctx, Credential::kKey,
                             &RegistrationService::Stub::ConfigureRegistration, req, &settings);
  if (!status.ok()) return Fail(ctx, status, "configure registration");
  std::printf("Registration configured.\n\n%s", DescribeSettings(settings).c_str());
  return 0;
}

int Form(const CliContext& ctx, const std::string& event_id, const std::string& format) {
  events::v1::GetRegistrationFormRequest req;
  req.set_event_id(event_id);
  events::v1::RegistrationSettings settings;
  grpc::Status status =
      Call(ctx, Credential::kNone, &RegistrationService::Stub::GetRegistrationForm, req, &settings);
  if (!status.ok()) return Fail(ctx, status, "get the registration form");
  return Emit(format, settings, DescribeSettings(settings));
}

void AddOrganiserCommands(CLI::App& app, const CliContext& ctx, int& exit_code) {
  CLI::App* regs = app.add_subcommand(
      "registrations", "Organisers: registrations, capacity, approvals, attendance, exports");
  regs->require_subcommand(1);

  struct ListOptions {
    std::string event_id, status = "all", pool;
    int limit = 100;
    std::string format = kTextFormat;
  };
  auto lo = std::make_shared<ListOptions>();
  CLI::App* l = regs->add_subcommand("list", "List an event's registrations");
  l->add_option("event_id", lo->event_id, "Event id")->required();
  l->add_option("--status", lo->status,
                "confirmed, waitlisted, pending, cancelled, rejected or all")
      ->capture_default_str();
  l->add_option("--pool", lo->pool, "Only this reserved pool (general: the rest)");
  l->add_option("--limit", lo->limit, "At most this many")->capture_default_str();
  AddFormatOption(l, lo->format);
  l->callback([&ctx, &exit_code, lo] {
    exit_code = List(ctx, lo->event_id, lo->status, lo->pool, lo->limit, lo->format);
  });

  auto cap_event = std::make_shared<std::string>();
  auto cap_places = std::make_shared<int>(0);
  CLI::App* c = regs->add_subcommand("capacity", "Show places taken and waiting, or change them");
  c->add_option("event_id", *cap_event, "Event id")->required();
  CLI::Option* set = c->add_option("--set", *cap_places,
                                   "New number of places (a rise promotes from the waiting list)");
  auto cap_format = std::make_shared<std::string>();
  AddFormatOption(c, *cap_format);
  c->callback([&ctx, &exit_code, cap_event, cap_places, set, cap_format] {
    exit_code = Capacity(ctx, *cap_event, set->count() > 0, *cap_places, *cap_format);
  });

  for (const char* what : {"approve", "reject", "cancel"}) {
    const std::string w = what;
    auto o = std::make_shared<DecideOptions>();
    CLI::App* d =
        regs->add_subcommand(w, w == "approve"  ? "Approve a pending registration"
                                : w == "reject" ? "Reject a pending registration"
                                                : "Cancel a registration for the attendee");
    d->add_option("event_id", o->event_id, "Event id")->required();
    d->add_option("registration_id", o->registration_id, "Registration id")->required();
    if (w == "cancel") d->add_option("--reason", o->reason, "Told to the attendee");
    d->callback([&ctx, &exit_code, o, w] { exit_code = Decide(ctx, w, *o); });
  }

  auto ao = std::make_shared<AttendOptions>();
  CLI::App* a =
      regs->add_subcommand("attend", "Mark who attended (or, with --absent, who did not)");
  a->add_option("event_id", ao->event_id, "Event id")->required();
  CLI::Option* ids =
      a->add_option("--id", ao->ids, "Registration id (repeatable)")->allow_extra_args(false);
  CLI::Option* emails =
      a->add_option("--email", ao->emails, "E-mail address (repeatable)")->allow_extra_args(false);
  CLI::Option* absent = a->add_flag("--absent", ao->absent, "Un-mark: they did not attend");
  a->add_option("--csv", ao->csv_path,
                "A webinar platform's attendance report: CSV with an \"email\" column")
      ->excludes(ids)
      ->excludes(emails)
      ->excludes(absent);
  a->callback([&ctx, &exit_code, ao] { exit_code = Attend(ctx, *ao); });

  auto ex_event = std::make_shared<std::string>(), ex_out = std::make_shared<std::string>();
  CLI::App* x = regs->add_subcommand("export", "All registrations as CSV (personal data)");
  x->add_option("event_id", *ex_event, "Event id")->required();
  x->add_option("-o,--output", *ex_out, "Write to this file (mode 0600) instead of the terminal");
  x->callback(
      [&ctx, &exit_code, ex_event, ex_out] { exit_code = Export(ctx, *ex_event, *ex_out); });

  auto co = std::make_shared<ConfigureOptions>();
  CLI::App* g = regs->add_subcommand(
      "configure",
      "Set the registration form: approval, companions, pools, questions (replaces "
      "what was set before)");
  g->add_option("event_id", co->event_id, "Event id")->required();
  g->add_flag("--approval", co->approval, "The organiser approves each registration");
  g->add_flag("--no-companions", co->no_companions, "No second place for a companion");
  g->add_option("--pool", co->pools,
                "Reserved places, ID:NAME:PLACES, e.g. \"lived_experience:People with lived "
                "experience:20\" (repeatable)")
      ->allow_extra_args(false);
  g->add_option("--question", co->questions,
                "ID:TYPE:TEXT[:opt1|opt2...][:required], TYPE text, single-choice, "
                "multiple-choice or yes-no (repeatable)")
      ->allow_extra_args(false);
  g->add_option("--expected-version", co->expected_version,
                "Refuse if the settings changed since this version");
  g->callback([&ctx, &exit_code, co] { exit_code = Configure(ctx, *co); });

  auto form_event = std::make_shared<std::string>();
  CLI::App* f = regs->add_subcommand("form", "Show an event's registration form (public)");
  f->add_option("event_id", *form_event, "Event id")->required();
  auto form_format = std::make_shared<std::string>();
  AddFormatOption(f, *form_format);
  f->callback([&ctx, &exit_code, form_event, form_format] {
    exit_code = Form(ctx, *form_event, *form_format);
  });
}

}  // namespace

void AddRegistrationCommands(CLI::App& app, const CliContext& ctx, int& exit_code) {
  AddAttendeeCommands(app, ctx, exit_code);
  AddOrganiserCommands(app, ctx, exit_code);
}

}  // namespace events::eventctl
