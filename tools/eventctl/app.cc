#include "tools/eventctl/app.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "tools/eventctl/cli_context.h"
#include "tools/eventctl/commands.h"
#include "tools/eventctl/suggest.h"

#ifndef EVENTCTL_VERSION
#define EVENTCTL_VERSION "0.0.0-dev"
#endif

namespace events::eventctl {
namespace {

// "eventctl registrations list": the words of the commands recognised, for "see ... --help".
std::string CommandPath(const CLI::App& command) {
  std::string path;
  for (const CLI::App* app = &command; app != nullptr; app = app->get_parent()) {
    path = path.empty() ? app->get_name() : absl::StrCat(app->get_name(), " ", path);
  }
  return path;
}

int ReportParseError(const CLI::App& app, const CLI::ParseError& error) {
  const CLI::App& deepest = DeepestCommand(app);
  std::string message = error.what();
  if (message == "A subcommand is required" || message.rfind("Requires at least", 0) == 0) {
    std::string names;
    for (const CLI::App* sub : deepest.get_subcommands([](const CLI::App*) { return true; })) {
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    message = "a command is needed after \"" + CommandPath(deepest) + "\": one of " + names;
  }
  std::fprintf(stderr, "eventctl: %s\n%s", message.c_str(), DidYouMean(app).c_str());
  std::fprintf(stderr, "  See: %s --help\n", CommandPath(HelpCommand(app)).c_str());
  return kExitUsage;
}

}  // namespace

const char* Version() { return EVENTCTL_VERSION " (API events.v1)"; }

int RunEventctl(int argc, const char* const* argv) {
  CliContext ctx = ContextFromEnvironment();
  CLI::App app{
      "eventctl: create, publish and manage inclusive events.\n"
      "Organisers: set EVENTS_API_KEY to your organisation's key (or pass --key).\n"
      "Attendees need no key: eventctl register EVENT_ID --name ... --email ...",
      "eventctl"};
  app.footer(kExitCodeHelp);
  app.set_version_flag("--version", std::string("eventctl ") + Version());
  app.require_subcommand(1);
  // Global options may come after the command too: "eventctl health --server x".
  app.fallthrough();
  app.add_option("--server", ctx.server, "Scheduling service address (EVENTS_SCHEDULING_ADDR)")
      ->capture_default_str();
  app.add_option("--registration-server", ctx.registration_server,
                 "Registration service address (EVENTS_REGISTRATION_ADDR)")
      ->capture_default_str();
  app.add_option("--accessibility-server", ctx.accessibility_server,
                 "Accessibility service address (EVENTS_ACCESSIBILITY_ADDR)")
      ->capture_default_str();
  app.add_option("--feedback-server", ctx.feedback_server,
                 "Feedback service address (EVENTS_FEEDBACK_ADDR)")
      ->capture_default_str();
  app.add_option("--integrations-server", ctx.integrations_server,
                 "Integrations service address (EVENTS_INTEGRATIONS_ADDR)")
      ->capture_default_str();
  app.add_option("--notifications-server", ctx.notifications_server,
                 "Notifications service address (EVENTS_NOTIFICATIONS_ADDR)")
      ->capture_default_str();
  app.add_option("--key", ctx.key, "API key (EVENTS_API_KEY)");
  app.add_option("--timeout", ctx.timeout_seconds, "Seconds to wait for an answer")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();

  int exit_code = kExitOk;
  AddEventCommands(app, ctx, exit_code);
  AddRegistrationCommands(app, ctx, exit_code);
  AddAccessibilityCommands(app, ctx, exit_code);
  AddFeedbackCommands(app, ctx, exit_code);
  AddIntegrationsCommands(app, ctx, exit_code);
  AddNotificationsCommands(app, ctx, exit_code);
  AddAdminCommands(app, exit_code);
  AddProbeCommands(app, ctx, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& done) {
    // --help and --version: print them, exit 0.
    return app.exit(done);
  } catch (const CLI::ParseError& error) {
    return ReportParseError(app, error);
  }
  return exit_code;
}

}  // namespace events::eventctl
