#pragma once
// ASTRA-sim's remote memory configuration (JSON). Only {"memory-type": "NO_MEMORY_EXPANSION"} is
// modelled; workloads with memory load/store nodes are rejected by the simulator.

#include <filesystem>
#include <string>

namespace claimcheck::astrasim {

struct RemoteMemoryConfig {
  std::string memory_type = "NO_MEMORY_EXPANSION";
  bool operator==(const RemoteMemoryConfig&) const = default;
};

RemoteMemoryConfig parse_remote_memory(const std::filesystem::path& file, const std::string& text);

}  // namespace claimcheck::astrasim
