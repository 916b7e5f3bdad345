#include "adapters/astrasim/json_collective.hpp"

#include <algorithm>

#include "adapters/astrasim/json_locate.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::astrasim {

NpuGraph parse_json_collective(const std::filesystem::path& file, const std::string& text) {
  const nlohmann::json root = parse_json_file(file, text);
  if (!root.is_object()) throw InputError(file, 1, 1, "a collective workload must be a JSON object");
  const std::vector<std::string> keys = {"collective", "size_bytes", "involved_dim"};
  for (const auto& item : root.items()) {
    if (std::find(keys.begin(), keys.end(), item.key()) == keys.end()) {
      const std::string near = closest_match(item.key(), keys);
      throw InputError(file, json_key_line(text, item.key()), 0, "unknown key \"" + item.key() + "\"",
                       near.empty() ? "known keys: collective, size_bytes, involved_dim"
                                    : "did you mean \"" + near + "\"?");
    }
  }
  if (!root.contains("collective") || !root["collective"].is_string()) {
    throw InputError(file, 1, 1, "missing string \"collective\"",
                     "use all-reduce, all-gather, reduce-scatter or all-to-all");
  }
  if (!root.contains("size_bytes") || !root["size_bytes"].is_number_unsigned()) {
    throw InputError(file, std::max(1, json_key_line(text, "size_bytes")), 0,
                     "\"size_bytes\" must be a non-negative integer (bytes)");
  }
  WorkloadNode n;
  n.id = 0;
  n.type = NodeType::coll;
  const std::string c = root["collective"].get<std::string>();
  const std::vector<std::string> names = {"all-reduce", "all-gather", "reduce-scatter", "all-to-all"};
  if (c == "all-reduce") {
    n.comm_type = CommType::all_reduce;
  } else if (c == "all-gather") {
    n.comm_type = CommType::all_gather;
  } else if (c == "reduce-scatter") {
    n.comm_type = CommType::reduce_scatter;
  } else if (c == "all-to-all") {
    n.comm_type = CommType::all_to_all;
  } else {
    const std::string near = closest_match(c, names);
    throw InputError(file, json_key_line(text, "collective"), 0, "unknown collective \"" + c + "\"",
                     near.empty() ? "use all-reduce, all-gather, reduce-scatter or all-to-all"
                                  : "did you mean \"" + near + "\"?");
  }
  n.comm_size = root["size_bytes"].get<std::uint64_t>();
  n.name = c + "_" + std::to_string(n.comm_size) + "B";
  if (root.contains("involved_dim")) {
    const auto& v = root["involved_dim"];
    if (!v.is_array() || !std::all_of(v.begin(), v.end(), [](const auto& b) { return b.is_boolean(); })) {
      throw InputError(file, json_key_line(text, "involved_dim"), 0, "\"involved_dim\" must be a list of booleans");
    }
    for (const auto& b : v) n.involved_dim.push_back(b.get<bool>());
  }
  NpuGraph g;
  g.nodes.push_back(n);
  return g;
}

}  // namespace claimcheck::astrasim
