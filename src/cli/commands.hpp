#pragma once
// Subcommands beyond the core ones (audit, lint, render, adapters, model) register here: each
// factory adds its CLI11 subcommand and returns how to run it once it has been parsed.

#include <functional>
#include <iosfwd>
#include <vector>

namespace CLI {
class App;
}

namespace claimcheck {

struct ExtraCommand {
  CLI::App* command = nullptr;  // the parsed subcommand (run when it was given)
  // Runs it; returns the exit status. May throw InputError (exit 2, diagnostics printed).
  std::function<int(std::ostream& out, std::ostream& err)> run;
};

using CommandFactory = ExtraCommand (*)(CLI::App& app);

// The table of extra subcommands, in --help order (src/cli/commands.cpp).
const std::vector<CommandFactory>& extra_commands();

}  // namespace claimcheck
