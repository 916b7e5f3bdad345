#pragma once
// The `options` of a command claim, parsed and checked once:
//   "options": {
//     "argv": ["python3", "scripts/latency.py", "--batch", "8"],   required, never run by a shell
//     "cwd": "..",                       working directory, relative to the claim file (default: its folder)
//     "env": {"OMP_NUM_THREADS": "1", "HOME": true},   a string sets the variable, true passes the
//                                        auditor's own value through; nothing else is inherited except PATH
//     "output_file": "out/result.json",  read after the command exits (relative to the claim file);
//                                        without it the value is read from stdout
//     "version_argv": ["python3", "--version"]   run once to record the program's version
//   }

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/diagnostics.hpp"

namespace claimcheck::command {

struct EnvEntry {
  std::string name;                  // variable name
  std::optional<std::string> value;  // explicit value, or nullopt to pass the auditor's value through
  bool operator==(const EnvEntry&) const = default;
};

struct CommandSpec {
  std::vector<std::string> argv;          // program and arguments, as written
  std::string cwd;                        // relative to the claim file; "" = the claim file's folder
  std::vector<EnvEntry> env;              // sorted by name
  std::optional<std::string> output_file; // relative to the claim file
  std::vector<std::string> version_argv;  // empty = no version command
  bool operator==(const CommandSpec&) const = default;
};

// The option keys a command claim may use.
const std::vector<std::string>& command_option_keys();

// Parses `options` (a JSON object or null). Every problem becomes a diagnostic with a pointer
// relative to the claim ("/options/argv/0"); nullopt when there was any.
std::optional<CommandSpec> parse_command_spec(const nlohmann::json& options, Diagnostics& out);

// argv as a reader would type it in a POSIX shell (for reports only; nothing runs it).
std::string display_argv(const std::vector<std::string>& argv);

}  // namespace claimcheck::command
