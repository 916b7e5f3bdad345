#include "adapters/astrasim/network_config.hpp"

#include <sstream>

#include <yaml-cpp/yaml.h>

#include "core/diagnostics.hpp"

namespace claimcheck::astrasim {
namespace {

int line_of(const YAML::Node& node) { return node.Mark().line >= 0 ? node.Mark().line + 1 : 0; }
int column_of(const YAML::Node& node) { return node.Mark().column >= 0 ? node.Mark().column + 1 : 0; }

const std::vector<std::string> k_keys = {"topology", "npus_count", "bandwidth", "latency"};

YAML::Node require_list(const std::filesystem::path& file, const YAML::Node& root, const std::string& key) {
  const YAML::Node node = root[key];
  if (!node) throw InputError(file, 1, 1, "missing key \"" + key + "\"", "give one value per dimension");
  if (!node.IsSequence() || node.size() == 0) {
    throw InputError(file, line_of(node), column_of(node), "\"" + key + "\" must be a non-empty list",
                     "give one value per dimension, e.g. [ 8 ]");
  }
  return node;
}

template <typename T>
T scalar_as(const std::filesystem::path& file, const YAML::Node& node, const std::string& key, const char* what) {
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    throw InputError(file, line_of(node), column_of(node),
                     "\"" + key + "\" entry \"" + (node.IsScalar() ? node.Scalar() : std::string("?")) +
                         "\" is not " + what);
  }
}

}  // namespace

std::string_view topology_name(Topology topology) {
  switch (topology) {
    case Topology::ring: return "Ring";
    case Topology::fully_connected: return "FullyConnected";
    case Topology::switch_: return "Switch";
  }
  return "?";
}

int NetworkConfig::total_npus() const {
  int total = 1;
  for (const auto& d : dims) total *= d.npus;
  return total;
}

std::vector<int> NetworkConfig::npus_per_dim() const {
  std::vector<int> out;
  for (const auto& d : dims) out.push_back(d.npus);
  return out;
}

namespace {

// Network files of ASTRA-sim's other backends, told apart from the analytical YAML by their shape.
void refuse_other_backends(const std::filesystem::path& file, const std::string& text) {
  std::istringstream in(text);
  std::string first;
  in >> first;
  if (first == "Nodes" || file.extension() == ".topo") {
    throw InputError(file, 1, 1,
                     "this is an htsim topology (\"Nodes N\", tiers, pods), the network file of ASTRA-sim's htsim "
                     "backend (AstraSim_HTSim); the analytical backend, which this model follows, reads a YAML file",
                     "give an analytical network YAML: topology, npus_count, bandwidth, latency (one entry per "
                     "dimension)");
  }
}

}  // namespace

NetworkConfig parse_network_config(const std::filesystem::path& file, const std::string& text) {
  refuse_other_backends(file, text);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError(file, e.mark.line + 1, e.mark.column + 1, "not valid YAML: " + e.msg);
  }
  if (!root.IsMap()) throw InputError(file, 1, 1, "the network configuration must be a YAML mapping");
  if (root["logical-dims"]) {
    throw InputError(file, line_of(root["logical-dims"]), 0,
                     "this is an ns-3 network configuration (\"logical-dims\"), read by ASTRA-sim's ns-3 backend "
                     "(AstraSim_NS3); the analytical backend, which this model follows, reads topology, npus_count, "
                     "bandwidth and latency",
                     "give an analytical network YAML, e.g. examples/network/analytical/Ring_8npus.yml");
  }
  for (const auto& kv : root) {
    const std::string key = scalar_as<std::string>(file, kv.first, "key", "a string");
    if (std::find(k_keys.begin(), k_keys.end(), key) == k_keys.end()) {
      const std::string near = closest_match(key, k_keys);
      throw InputError(file, line_of(kv.first), column_of(kv.first), "unknown key \"" + key + "\"",
                       near.empty() ? "known keys: topology, npus_count, bandwidth, latency"
                                    : "did you mean \"" + near + "\"?");
    }
  }
  const YAML::Node topology = require_list(file, root, "topology");
  const YAML::Node npus = require_list(file, root, "npus_count");
  const YAML::Node bandwidth = require_list(file, root, "bandwidth");
  const YAML::Node latency = require_list(file, root, "latency");
  const std::size_t dims = topology.size();
  for (const auto& [node, key] : {std::pair{npus, "npus_count"}, std::pair{bandwidth, "bandwidth"},
                                  std::pair{latency, "latency"}}) {
    if (node.size() != dims) {
      throw InputError(file, line_of(node), column_of(node),
                       std::string("\"") + key + "\" has " + std::to_string(node.size()) + " entries but \"topology\" has " +
                           std::to_string(dims),
                       "give one value per dimension");
    }
  }
  NetworkConfig config;
  for (std::size_t i = 0; i < dims; ++i) {
    NetworkDim dim;
    const std::string name = scalar_as<std::string>(file, topology[i], "topology", "a name");
    if (name == "Ring") {
      dim.topology = Topology::ring;
    } else if (name == "FullyConnected") {
      dim.topology = Topology::fully_connected;
    } else if (name == "Switch") {
      dim.topology = Topology::switch_;
    } else {
      const std::string near = closest_match(name, {"Ring", "FullyConnected", "Switch"});
      throw InputError(file, line_of(topology[i]), column_of(topology[i]), "unknown topology \"" + name + "\"",
                       near.empty() ? "use Ring, FullyConnected or Switch" : "did you mean \"" + near + "\"?");
    }
    dim.npus = scalar_as<int>(file, npus[i], "npus_count", "an integer");
    if (dim.npus < 2) {
      throw InputError(file, line_of(npus[i]), column_of(npus[i]),
                       "dimension " + std::to_string(i) + " has npus_count " + std::to_string(dim.npus) +
                           "; every dimension needs at least 2 NPUs",
                       "remove the dimension or give it 2 or more NPUs");
    }
    dim.bandwidth_gbps = scalar_as<double>(file, bandwidth[i], "bandwidth", "a number");
    if (!(dim.bandwidth_gbps > 0)) {
      throw InputError(file, line_of(bandwidth[i]), column_of(bandwidth[i]),
                       "dimension " + std::to_string(i) + " has bandwidth " + bandwidth[i].Scalar() +
                           "; it must be larger than 0 (GB/s)");
    }
    dim.latency_ns = scalar_as<double>(file, latency[i], "latency", "a number");
    if (!(dim.latency_ns >= 0)) {
      throw InputError(file, line_of(latency[i]), column_of(latency[i]),
                       "dimension " + std::to_string(i) + " has latency " + latency[i].Scalar() +
                           "; it must be 0 or more (ns)");
    }
    config.dims.push_back(dim);
  }
  // Counts multiply across dimensions; past this the NPU ids no longer fit the model's ints.
  constexpr std::int64_t k_max_npus = std::int64_t{1} << 24;
  std::int64_t total = 1;
  for (const auto& d : config.dims) {
    total *= d.npus;
    if (total > k_max_npus) {
      throw InputError(file, line_of(npus), column_of(npus),
                       "npus_count multiplies to more than " + std::to_string(k_max_npus) +
                           " NPUs, more than the model supports");
    }
  }
  return config;
}

}  // namespace claimcheck::astrasim
