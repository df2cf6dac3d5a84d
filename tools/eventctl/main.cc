// eventctl: the organisers' command-line client for the events platform.
#include <CLI/CLI.hpp>

#include "tools/eventctl/cli_context.h"
#include "tools/eventctl/commands.h"

int main(int argc, char** argv) {
  events::eventctl::CliContext ctx = events::eventctl::ContextFromEnvironment();
  CLI::App app{
      "eventctl: create, publish and manage inclusive events.\n"
      "Organisers: set EVENTS_API_KEY to your organisation's key (or pass --key).\n"
      "Attendees need no key: eventctl register EVENT_ID --name ... --email ..."};
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
  app.add_option("--key", ctx.key, "API key (EVENTS_API_KEY)");
  app.add_option("--timeout", ctx.timeout_seconds, "Seconds to wait for an answer")
      ->capture_default_str();

  int exit_code = 0;
  events::eventctl::AddEventCommands(app, ctx, exit_code);
  events::eventctl::AddRegistrationCommands(app, ctx, exit_code);
  events::eventctl::AddAccessibilityCommands(app, ctx, exit_code);
  events::eventctl::AddFeedbackCommands(app, ctx, exit_code);
  events::eventctl::AddIntegrationsCommands(app, ctx, exit_code);
  events::eventctl::AddAdminCommands(app, exit_code);
  events::eventctl::AddProbeCommands(app, ctx, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
