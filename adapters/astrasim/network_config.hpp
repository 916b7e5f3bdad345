#pragma once
// ASTRA-sim's analytical network configuration (YAML): one entry per dimension.
//
//   topology: [ Ring, Switch ]   npus_count: [ 4, 8 ]
//   bandwidth: [ 250.0, 25.0 ]   latency: [ 100.0, 700.0 ]
//
// NPU ids are mixed-radix addresses with dimension 0 varying fastest.

#include <filesystem>
#include <string>
#include <vector>

namespace claimcheck::astrasim {

enum class Topology { ring, fully_connected, switch_ };

std::string_view topology_name(Topology topology);

struct NetworkDim {
  Topology topology = Topology::ring;
  int npus = 0;                 // NPUs in this dimension (> 1)
  double bandwidth_gbps = 0.0;  // GB/s per link, 1 GB = 2^30 B
  double latency_ns = 0.0;      // ns per hop
  bool operator==(const NetworkDim&) const = default;
};

struct NetworkConfig {
  std::vector<NetworkDim> dims;  // dimension 0 first
  bool operator==(const NetworkConfig&) const = default;

  int total_npus() const;
  std::vector<int> npus_per_dim() const;
};

// Parses the YAML text of `file`. Throws InputError (file, line) on unknown keys, lists of
// different lengths, a dimension of size < 2, non-positive bandwidth or negative latency.
NetworkConfig parse_network_config(const std::filesystem::path& file, const std::string& text);

}  // namespace claimcheck::astrasim
