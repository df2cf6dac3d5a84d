#pragma once

namespace CLI {
class App;
}

namespace events::eventctl {

struct CliContext;

// Each adds its subcommands to `app`. A command's callback runs after parsing, with `ctx`
// filled from the global options, and leaves its process exit code in `exit_code`.
void AddEventCommands(CLI::App& app, const CliContext& ctx, int& exit_code);
// register, resend-link, my ... (attendees) and registrations ... (organisers).
void AddRegistrationCommands(CLI::App& app, const CliContext& ctx, int& exit_code);
// access ...: attendees' requests (with their token) and the coordinators' views.
void AddAccessibilityCommands(CLI::App& app, const CliContext& ctx, int& exit_code);
// feedback ...: surveys, reports, exports and trends (organisers); answers (attendees).
void AddFeedbackCommands(CLI::App& app, const CliContext& ctx, int& exit_code);
// keys ..., webhooks ..., contacts ...: integration keys, webhooks and contact sync.
void AddIntegrationsCommands(CLI::App& app, const CliContext& ctx, int& exit_code);
// notifications settings, outbox, replay (docs/notifications.md).
void AddNotificationsCommands(CLI::App& app, const CliContext& ctx, int& exit_code);
void AddAdminCommands(CLI::App& app, int& exit_code);
void AddProbeCommands(CLI::App& app, const CliContext& ctx, int& exit_code);

}  // namespace events::eventctl
