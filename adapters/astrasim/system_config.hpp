#pragma once
// ASTRA-sim's system-layer configuration (JSON): scheduling, chunking, collective
// implementations per dimension, endpoint delay, local memory bandwidth, roofline.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "adapters/astrasim/workload.hpp"

namespace claimcheck::astrasim {

enum class SchedulingPolicy { lifo, fifo, explicit_priority };
enum class CollectiveOptimization { baseline, local_bw_aware };

enum class ImplKind {
  ring,                  // ring over one dimension
  one_ring,              // one flat ring over all NPUs
  direct,                // all-to-all style, `window` messages in flight
  one_direct,            // direct over all NPUs
  halving_doubling,      // recursive halving / doubling over one dimension
  one_halving_doubling,  // halving / doubling over all NPUs
  double_binary_tree,    // two binary trees, alternating per chunk (all-reduce only)
};

std::string_view impl_name(ImplKind kind);

struct CollectiveImpl {
  ImplKind kind = ImplKind::ring;
  int window = -1;  // direct / oneDirect: messages in flight; -1 = n-1
  bool operator==(const CollectiveImpl&) const = default;
};

struct SystemConfig {
  SchedulingPolicy scheduling_policy = SchedulingPolicy::lifo;
  CollectiveOptimization collective_optimization = CollectiveOptimization::local_bw_aware;
  bool collective_optimization_set = true;  // false: absent, which only native all-reduces read
  int endpoint_delay_ns = 10;          // per message at each endpoint (ns, already an integer as the tool keeps it)
  bool endpoint_delay_set = false;     // given in the file (only then does --injection-scale scale it)
  int active_chunks_per_dimension = 1; // streams running at once per dimension queue
  int preferred_dataset_splits = 0;    // chunks per collective (> 0)
  double local_mem_bw_gbps = 0.0;      // GB/s, 1 GB = 1e9 B (reduction cost, roofline bandwidth)
  double peak_perf_tflops = 0.0;       // TFLOP/s, roofline only
  bool roofline_enabled = false;       // COMP nodes use num_ops / tensor_size with the roofline
  bool replay_only = false;            // every node replays its duration_micros
  std::vector<CollectiveImpl> all_reduce;      // one per dimension
  std::vector<CollectiveImpl> all_gather;
  std::vector<CollectiveImpl> reduce_scatter;
  std::vector<CollectiveImpl> all_to_all;
  std::map<CommType, std::string> custom_impl;  // *-implementation-custom: Chakra ET prefix per type
  std::string per_node_custom_impl;             // per-node-custom-implementation: YAML file ("" = none)
  std::vector<std::string> warnings;   // keys the real tool accepts but ignores
  bool operator==(const SystemConfig&) const = default;
};

// Parses the JSON text of `file`. Throws InputError (file, line) on unknown keys ("did you mean"),
// unknown values, missing keys the tool needs (preferred-dataset-splits, local-mem-bw,
// scheduling-policy; collective-optimization is checked by the simulator, for native all-reduces) and features claimcheck does not model
// (the LogGP shared bus). Custom collective files are named here and read by
// load_custom_collectives().
SystemConfig parse_system_config(const std::filesystem::path& file, const std::string& text);

}  // namespace claimcheck::astrasim
