#pragma once
// Custom collective implementations: Chakra ETs of send, recv and compute nodes, one file per
// rank (PREFIX.<rank>.et), named in the system configuration by `*-implementation-custom` (one
// prefix per collective type) or `per-node-custom-implementation` (a YAML file mapping workload
// node ids to prefixes). ASTRA-sim runs such an ET in place of a native algorithm.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/astrasim/workload.hpp"
#include "adapters/astrasim/workload_loader.hpp"

namespace claimcheck::astrasim {

struct CustomCollective {
  std::string prefix;                                // as the configuration names it
  std::vector<std::shared_ptr<const NpuGraph>> ranks;  // ranks[r] = PREFIX.<r>.et (ranks present from 0 on)
  bool operator==(const CustomCollective&) const = default;
};

struct CustomCollectives {
  std::map<CommType, std::shared_ptr<const CustomCollective>> by_type;       // *-implementation-custom
  std::map<std::uint64_t, std::shared_ptr<const CustomCollective>> by_node;  // per-node-custom-implementation
  bool empty() const { return by_type.empty() && by_node.empty(); }
  // The implementation the real tool picks for a workload node: per node first, then per type.
  const CustomCollective* find(std::uint64_t node_id, CommType type) const;
};

// Where relative prefixes are looked up, in order (the real tool uses its working directory).
struct CustomSearch {
  std::vector<std::filesystem::path> dirs;
};

// Reads every rank file of every prefix the system configuration names (PREFIX.0.et, PREFIX.1.et,
// ... while they exist, at most `total_npus`). Throws InputError naming the file for a missing
// rank 0, a malformed ET, a node type the real tool cannot run in a custom collective (it would
// wait forever), or a send/recv peer outside the ranks given.
CustomCollectives load_custom_collectives(const std::filesystem::path& system_file,
                                          const std::map<CommType, std::string>& by_type,
                                          const std::string& per_node_file, int total_npus,
                                          const CustomSearch& search, const FileAccess& files,
                                          std::vector<std::filesystem::path>& read);

}  // namespace claimcheck::astrasim
