#include "adapters/astrasim/remote_memory.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "adapters/astrasim/json_locate.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::astrasim {
namespace {

const std::vector<std::string> k_keys = {"memory-type", "remote-mem-latency", "remote-mem-bw", "num-nodes",
                                         "num-npus-per-node"};
const std::vector<std::string> k_types = {"NO_MEMORY_EXPANSION", "PER_NODE_MEMORY_EXPANSION",
                                          "PER_NPU_MEMORY_EXPANSION", "MEMORY_POOL"};

}  // namespace

std::string_view memory_type_name(MemoryType type) {
  switch (type) {
    case MemoryType::no_expansion: return "NO_MEMORY_EXPANSION";
    case MemoryType::per_node: return "PER_NODE_MEMORY_EXPANSION";
    case MemoryType::per_npu: return "PER_NPU_MEMORY_EXPANSION";
    case MemoryType::pool: return "MEMORY_POOL";
  }
  return "?";
}

RemoteMemoryConfig parse_remote_memory(const std::filesystem::path& file, const std::string& text) {
  const nlohmann::json root = parse_json_file(file, text);
  if (!root.is_object()) throw InputError(file, 1, 1, "the remote memory configuration must be a JSON object");
  auto fail = [&](const std::string& key, const std::string& message, const std::string& hint = {}) {
    throw InputError(file, json_key_line(text, key), 0, message, hint);
  };
  for (const auto& item : root.items()) {
    if (std::find(k_keys.begin(), k_keys.end(), item.key()) == k_keys.end()) {
      const std::string near = closest_match(item.key(), k_keys);
      fail(item.key(), "unknown key \"" + item.key() + "\"",
           near.empty() ? "known keys: memory-type, remote-mem-latency, remote-mem-bw, num-nodes, num-npus-per-node"
                        : "did you mean \"" + near + "\"?");
    }
  }
  RemoteMemoryConfig out;
  if (!root.contains("memory-type") || !root["memory-type"].is_string()) {
    throw InputError(file, 1, 1, "missing string \"memory-type\"; the tool leaves it uninitialised",
                     "use \"NO_MEMORY_EXPANSION\" when the workload has no memory nodes");
  }
  {
    const std::string name = root["memory-type"].get<std::string>();
    const auto it = std::find(k_types.begin(), k_types.end(), name);
    if (it == k_types.end()) {
      const std::string near = closest_match(name, k_types);
      fail("memory-type", "unknown memory-type \"" + name + "\" (the real tool exits)",
           near.empty() ? "use NO_MEMORY_EXPANSION, PER_NODE_MEMORY_EXPANSION, PER_NPU_MEMORY_EXPANSION or MEMORY_POOL"
                        : "did you mean \"" + near + "\"?");
    }
    out.type = static_cast<MemoryType>(it - k_types.begin());
  }
  // A whole number >= 0, as the tool stores these in unsigned integers.
  auto whole = [&](const std::string& key, const char* unit) -> std::uint64_t {
    const auto& v = root.at(key);
    if (!v.is_number() || v.get<double>() < 0 || v.get<double>() != std::floor(v.get<double>()) ||
        v.get<double>() > 1e15) {
      fail(key, "\"" + key + "\" must be a whole number of " + unit + ", not " + v.dump(),
           "the real tool stores it as an unsigned integer");
    }
    return v.get<std::uint64_t>();
  };
  if (root.contains("remote-mem-latency")) out.latency_ns = whole("remote-mem-latency", "ns");
  if (root.contains("remote-mem-bw")) out.bw_gbps = whole("remote-mem-bw", "GB/s");
  for (const char* key : {"num-nodes", "num-npus-per-node"}) {
    if (!root.contains(key)) continue;
    if (out.type != MemoryType::per_node) {
      fail(key, std::string("\"") + key + "\" belongs to PER_NODE_MEMORY_EXPANSION; memory-type is " +
                    std::string(memory_type_name(out.type)) + ", which ignores it");
    }
    const std::uint64_t v = whole(key, "units");
    if (v > 1'000'000) fail(key, std::string("\"") + key + "\" is too large");
    (std::string(key) == "num-nodes" ? out.num_nodes : out.npus_per_node) = static_cast<int>(v);
  }
  return out;
}

}  // namespace claimcheck::astrasim
