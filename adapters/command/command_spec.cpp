#include "adapters/command/command_spec.hpp"

#include <algorithm>
#include <cctype>

#include "io/json_locator.hpp"

namespace claimcheck::command {
namespace {

bool valid_env_name(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool relative_path(const std::string& path) { return !path.empty() && path[0] != '/'; }

std::optional<std::vector<std::string>> string_list(const nlohmann::json& value, const std::string& pointer,
                                                    Diagnostics& out) {
  if (!value.is_array() || value.empty()) {
    out.add({}, pointer, "must be a non-empty array of strings (the program, then its arguments)",
            "e.g. [\"python3\", \"scripts/measure.py\", \"--batch\", \"8\"]");
    return std::nullopt;
  }
  std::vector<std::string> items;
  bool ok = true;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string()) {
      out.add({}, pointer + "/" + std::to_string(i), std::string("must be a string, not ") + value[i].type_name());
      ok = false;
      continue;
    }
    items.push_back(value[i].get<std::string>());
  }
  if (ok && items.front().empty()) {
    out.add({}, pointer + "/0", "the program name must not be empty");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return items;
}

}  // namespace

const std::vector<std::string>& command_option_keys() {
  static const std::vector<std::string> keys = {"argv", "cwd", "env", "output_file", "version_argv"};
  return keys;
}

std::optional<CommandSpec> parse_command_spec(const nlohmann::json& options, Diagnostics& out) {
  const std::size_t before = out.size();
  CommandSpec spec;
  if (!options.is_object()) {
    out.add({}, "", "the command adapter needs \"options\" with \"argv\"",
            "add \"options\": {\"argv\": [\"program\", \"arg\", ...]}");
    return std::nullopt;
  }
  for (const auto& [key, value] : options.items()) {
    const auto& keys = command_option_keys();
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
    const std::string close = closest_match(key, keys);
    out.add({}, "/options/" + pointer_token(key), "unknown option \"" + key + "\" for the command adapter",
            close.empty() ? "known options: argv, cwd, env, output_file, version_argv"
                          : "did you mean \"" + close + "\"?");
  }
  if (!options.contains("argv")) {
    out.add({}, "/options", "missing required option \"argv\"", "e.g. \"argv\": [\"python3\", \"scripts/measure.py\"]");
  } else if (auto argv = string_list(options.at("argv"), "/options/argv", out)) {
    spec.argv = std::move(*argv);
  }
  if (options.contains("version_argv")) {
    if (auto argv = string_list(options.at("version_argv"), "/options/version_argv", out)) {
      spec.version_argv = std::move(*argv);
    }
  }
  for (const char* key : {"cwd", "output_file"}) {
    if (!options.contains(key)) continue;
    const auto& value = options.at(key);
    const std::string pointer = std::string("/options/") + key;
    if (!value.is_string() || !relative_path(value.get<std::string>())) {
      out.add({}, pointer, std::string("\"") + key + "\" must be a non-empty path relative to the claim file",
              "paths in a claim never start with \"/\"; they stay inside the repository");
      continue;
    }
    if (std::string(key) == "cwd") {
      spec.cwd = value.get<std::string>();
    } else {
      spec.output_file = value.get<std::string>();
    }
  }
  if (options.contains("env")) {
    const auto& env = options.at("env");
    if (!env.is_object()) {
      out.add({}, "/options/env", "\"env\" must be an object of NAME: \"value\" or NAME: true",
              "true passes the auditor's own value through; nothing else is inherited except PATH");
    } else {
      for (const auto& [name, value] : env.items()) {
        const std::string pointer = "/options/env/" + pointer_token(name);
        if (!valid_env_name(name)) {
          out.add({}, pointer, "\"" + name + "\" is not a valid environment variable name",
                  "names are letters, digits and '_', not starting with a digit");
          continue;
        }
        if (value.is_string()) {
          spec.env.push_back({name, value.get<std::string>()});
        } else if (value.is_boolean() && value.get<bool>()) {
          spec.env.push_back({name, std::nullopt});
        } else {
          out.add({}, pointer, "must be a string (the value) or true (pass the auditor's value through)");
        }
      }
    }
  }
  if (out.size() != before) return std::nullopt;
  return spec;
}

std::string display_argv(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& arg : argv) {
    if (!text.empty()) text += ' ';
    const bool plain = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_./=:,+@%").find(c) != std::string_view::npos;
    });
    if (plain) {
      text += arg;
      continue;
    }
    text += '\'';
    for (char c : arg) {
      if (c == '\'') {
        text += "'\\''";
      } else {
        text += c;
      }
    }
    text += '\'';
  }
  return text;
}

}  // namespace claimcheck::command
