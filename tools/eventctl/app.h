#pragma once

namespace events::eventctl {

// eventctl's version, "0.1.0 (API events.v1)", printed by --version.
const char* Version();

// Parses the command line, runs the command and returns the process exit code (the
// kExit... convention of cli_context.h). A command line CLI11 cannot use, including its own
// errors (an unknown command or option, a missing required option), prints what is wrong,
// any "did you mean" and where the help is, and returns kExitUsage.
int RunEventctl(int argc, const char* const* argv);

}  // namespace events::eventctl
