#pragma once
// A workload: one graph of nodes per NPU, as in Chakra execution traces (ET).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace claimcheck::astrasim {

// Chakra node types (field values as written in ET files).
enum class NodeType { invalid = 0, metadata = 1, mem_load = 2, mem_store = 3, comp = 4, send = 5, recv = 6, coll = 7 };

// Chakra collective types claimcheck models (ET enum values).
enum class CommType { all_reduce = 0, all_gather = 2, broadcast = 5, all_to_all = 6, reduce_scatter = 7 };

std::string_view comm_type_name(CommType type);

struct WorkloadNode {
  std::uint64_t id = 0;                // unique within one NPU's graph
  std::string name;
  NodeType type = NodeType::invalid;
  std::vector<std::uint64_t> parents;  // data and control dependencies (node ids)
  std::uint64_t duration_micros = 0;   // replayed compute time (µs; 0 is taken as 1 ns)
  bool is_cpu_op = false;
  CommType comm_type = CommType::all_reduce;  // coll nodes
  std::uint64_t comm_size = 0;         // bytes: coll (per-NPU buffer; AG: per-NPU shard), send/recv
  std::int64_t comm_priority = 0;      // EXPLICIT scheduling priority
  std::string pg_name;                 // comm group id; "" or "0" = all NPUs
  std::vector<bool> involved_dim;      // empty = every dimension
  std::int64_t comm_src = -1;          // send/recv: source NPU (-1 = this NPU)
  std::int64_t comm_dst = -1;          // send/recv: destination NPU (-1 = this NPU)
  std::int64_t comm_tag = 0;           // send/recv matching tag
  std::uint64_t num_ops = 0;           // roofline: operations
  std::uint64_t tensor_size = 0;       // roofline: bytes
  bool operator==(const WorkloadNode&) const = default;
};

// One NPU's graph, nodes in file order.
struct NpuGraph {
  std::vector<WorkloadNode> nodes;
  bool operator==(const NpuGraph&) const = default;
};

struct Workload {
  // graphs[i] is NPU i's graph; NPUs with identical graphs share one object.
  std::vector<std::shared_ptr<const NpuGraph>> graphs;
  std::string description;  // e.g. "Chakra ET workload/wl.{0..7}.et"
};

// Checks one graph: ids unique, every parent exists, no dependency cycle. Throws InputError
// naming `file` and the offending node.
void check_graph(const std::string& file, const NpuGraph& graph);

}  // namespace claimcheck::astrasim
