#include "adapters/astrasim/remote_memory.hpp"

#include "adapters/astrasim/json_locate.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::astrasim {

RemoteMemoryConfig parse_remote_memory(const std::filesystem::path& file, const std::string& text) {
  const nlohmann::json root = parse_json_file(file, text);
  if (!root.is_object()) throw InputError(file, 1, 1, "the remote memory configuration must be a JSON object");
  RemoteMemoryConfig out;
  for (const auto& item : root.items()) {
    if (item.key() != "memory-type") {
      const std::string near = closest_match(item.key(), {"memory-type"});
      throw InputError(file, json_key_line(text, item.key()), 0, "unknown key \"" + item.key() + "\"",
                       near.empty() ? "the only key is \"memory-type\"" : "did you mean \"" + near + "\"?");
    }
  }
  if (!root.contains("memory-type") || !root["memory-type"].is_string()) {
    throw InputError(file, 1, 1, "missing string \"memory-type\"", "use \"NO_MEMORY_EXPANSION\"");
  }
  out.memory_type = root["memory-type"].get<std::string>();
  if (out.memory_type != "NO_MEMORY_EXPANSION") {
    throw InputError(file, json_key_line(text, "memory-type"), 0,
                     "memory-type \"" + out.memory_type + "\" is unsupported", "use \"NO_MEMORY_EXPANSION\"");
  }
  return out;
}

}  // namespace claimcheck::astrasim
