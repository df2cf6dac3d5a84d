#include "tools/eventctl/suggest.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/util/closest_name.h"

namespace events::eventctl {

std::optional<std::string> ClosestMatch(absl::string_view word,
                                        const std::vector<std::string>& candidates) {
  for (const std::string& c : candidates) {
    if (c == word) return std::nullopt;
  }
  std::string closest = ClosestName(word, candidates);
  if (closest.empty()) return std::nullopt;
  return closest;
}

const CLI::App& DeepestCommand(const CLI::App& app) {
  const CLI::App* current = &app;
  while (true) {
    const std::vector<CLI::App*> chosen = current->get_subcommands();
    if (chosen.empty()) return *current;
    current = chosen.front();
  }
}

namespace {

std::vector<std::string> SubcommandNames(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::App* sub : command.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

// The long names of the options of `command` and of the commands above it (global options
// such as --server may come after the command).
std::vector<std::string> LongOptionNames(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::App* app = &command; app != nullptr; app = app->get_parent()) {
    for (const CLI::Option* option : app->get_options()) {
      for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
    }
  }
  return names;
}

// The subcommand `word` was most likely meant to be, and the command it belongs to: one of
// the deepest command's, else of the commands above it ("eventctl registratons list":
// "list" is a command of eventctl too, so CLI11 took it, and "registratons" is left over at
// the top).
std::optional<std::pair<std::string, const CLI::App*>> ClosestCommand(const CLI::App& deepest,
                                                                      const std::string& word) {
  for (const CLI::App* command = &deepest; command != nullptr; command = command->get_parent()) {
    if (auto match = ClosestMatch(word, SubcommandNames(*command)); match.has_value()) {
      return std::make_pair(*match, command);
    }
  }
  return std::nullopt;
}

}  // namespace

const CLI::App& HelpCommand(const CLI::App& app) {
  const CLI::App& deepest = DeepestCommand(app);
  const CLI::App* help = &deepest;
  for (const CLI::App* command = &deepest; command != nullptr; command = command->get_parent()) {
    for (const std::string& arg : command->remaining()) {
      if (absl::StartsWith(arg, "-")) continue;
      if (auto match = ClosestCommand(deepest, arg); match.has_value()) help = match->second;
    }
  }
  return *help;
}

std::string DidYouMean(const CLI::App& app) {
  const CLI::App& deepest = DeepestCommand(app);
  const std::vector<std::string> options = LongOptionNames(deepest);
  std::string out;
  for (const CLI::App* command = &deepest; command != nullptr; command = command->get_parent()) {
    for (const std::string& arg : command->remaining()) {
      std::optional<std::string> match;
      std::string word = arg;
      if (absl::StartsWith(arg, "--")) {
        word = arg.substr(0, arg.find('='));
        match = ClosestMatch(word, options);
      } else if (!absl::StartsWith(arg, "-")) {
        if (auto closest = ClosestCommand(deepest, word); closest.has_value()) {
          match = closest->first;
        }
      }
      if (match.has_value()) absl::StrAppend(&out, "  ", word, ": did you mean ", *match, "?\n");
    }
  }
  return out;
}

}  // namespace events::eventctl
