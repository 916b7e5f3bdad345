#pragma once
// ASTRA-sim 1.x text workloads (a layer list), turned into the per-NPU graph that Chakra's
// text converter writes (one pass): DATA, MODEL, HYBRID_DATA_MODEL, HYBRID_MODEL_DATA, MICRO.
//
//   DATA
//   <layers>
//   name -1 fwd_t fwd_type fwd_sz ig_t ig_type ig_sz wg_t wg_type wg_sz update_t
//
// As in the converter, compute times become duration_micros (µs) and an unknown or NONE
// communication type becomes ALL_REDUCE.

#include <filesystem>
#include <string>
#include <vector>

#include "adapters/astrasim/workload.hpp"

namespace claimcheck::astrasim {

struct TextWorkload {
  NpuGraph graph;                     // the same graph runs on every NPU
  std::vector<std::string> warnings;  // e.g. NONE collectives the converter turns into all-reduces
};

// True when `text` starts with a 1.x parallelism keyword.
bool looks_like_text_workload(const std::string& text);

// Throws InputError (file, line) on a malformed layer line, a layer count that does not match,
// or an unsupported parallelism type.
TextWorkload parse_text_workload(const std::filesystem::path& file, const std::string& text);

}  // namespace claimcheck::astrasim
