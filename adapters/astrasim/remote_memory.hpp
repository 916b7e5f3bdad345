#pragma once
// ASTRA-sim's analytical remote memory configuration (JSON), read by MEM_LOAD / MEM_STORE nodes:
//
//   {"memory-type": "MEMORY_POOL", "remote-mem-latency": 500, "remote-mem-bw": 50}
//
// A request of `tensor_size` bytes takes latency + tensor_size / bw ns. NO_MEMORY_EXPANSION has no
// remote memory; PER_NPU_MEMORY_EXPANSION serves every NPU on its own; PER_NODE_MEMORY_EXPANSION
// serves each node of `num-npus-per-node` NPUs one request at a time, MEMORY_POOL all NPUs one
// request at a time (FIFO).

#include <cstdint>
#include <filesystem>
#include <string>

namespace claimcheck::astrasim {

enum class MemoryType { no_expansion, per_node, per_npu, pool };

std::string_view memory_type_name(MemoryType type);

struct RemoteMemoryConfig {
  MemoryType type = MemoryType::no_expansion;
  std::uint64_t latency_ns = 0;  // remote-mem-latency (the tool keeps an integer)
  std::uint64_t bw_gbps = 0;     // remote-mem-bw, GB/s = B/ns (the tool keeps an integer)
  int num_nodes = 0;             // PER_NODE: nodes
  int npus_per_node = 0;         // PER_NODE: NPUs per node
  bool operator==(const RemoteMemoryConfig&) const = default;
};

// Throws InputError (file, line) on unknown keys, an unknown memory-type, keys of another memory
// type, and values the tool would take as garbage (negative numbers, fractions it truncates).
RemoteMemoryConfig parse_remote_memory(const std::filesystem::path& file, const std::string& text);

}  // namespace claimcheck::astrasim
