#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace CLI {
class App;
}

namespace events::eventctl {

// The candidate `word` was most likely meant to be, if any is close enough, by the rule the
// services use too (events::ClosestName, common/util/closest_name.h). nullopt when nothing
// is close, or when `word` is itself a candidate.
std::optional<std::string> ClosestMatch(absl::string_view word,
                                        const std::vector<std::string>& candidates);

// "did you mean X?" lines for the words of a command line CLI11 could not use: for each
// unexpected argument left over in the chain of commands that were recognised, the closest
// subcommand name (for a word) or long option name (for "--word" or "--word=value") of the
// deepest command recognised. Empty when nothing is close. `app` is the root, after a failed
// parse.
std::string DidYouMean(const CLI::App& app);

// The command whose --help to point at after a failed parse: the deepest recognised, or the
// one above it whose subcommand a left-over word was most likely meant to be ("eventctl
// registratons list": eventctl, not "eventctl list").
const CLI::App& HelpCommand(const CLI::App& app);

// The deepest command of `app` (the root) recognised in the last parse, e.g. "registrations
// list" in "eventctl registrations list EV --limt 3"; `app` itself when none was.
const CLI::App& DeepestCommand(const CLI::App& app);

}  // namespace events::eventctl
