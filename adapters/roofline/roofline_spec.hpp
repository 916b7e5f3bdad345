#pragma once
// Reading roofline inputs from claims (the roofline adapter's workload/hardware specs, and the
// "roofline" option of the VIDUR and NeuSight adapters):
//
//   hardware: {"gpu": "H100-SXM5-80GB"}
//   workload: {"precision": "fp16",            default for every operator
//              "memory_bound": true,           false: compute term only (hot-L2 microbenchmarks)
//              "operators": [
//                {"op": "gemm", "name": "qkv", "m": 4096, "n": 7680, "k": 2560, "batch": 1, "count": 32},
//                {"op": "attention", "batch": 2, "heads": 32, "kv_heads": 32, "seq_len": 2048,
//                 "kv_len": 2048, "head_dim": 80, "causal": true, "count": 32, "precision": "bf16"}]}
//
// The "roofline" option holds both in one object: {"gpu": ..., "precision": ..., "operators": [...]}.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/roofline/gpu_table.hpp"
#include "adapters/roofline/roofline_model.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::roofline {

struct RooflineWorkload {
  std::vector<Operator> operators;
  bool memory_bound = true;  // count the DRAM traffic term
  bool operator==(const RooflineWorkload&) const = default;
};

struct RooflineSpec {
  const GpuSpec* gpu = nullptr;
  RooflineWorkload workload;
};

// Each adds one diagnostic per problem (pointers under `pointer`) and returns nullopt/null if any.
const GpuSpec* parse_gpu(const nlohmann::json& hardware, const std::string& pointer, Diagnostics& out);
std::optional<RooflineWorkload> parse_workload(const nlohmann::json& workload, const std::string& pointer,
                                               Diagnostics& out);

// The combined object of the "roofline" option (keys of both, plus nothing else).
std::optional<RooflineSpec> parse_roofline_option(const nlohmann::json& object, const std::string& pointer,
                                                  Diagnostics& out);

// One line describing the bound for a report, e.g.
// "roofline bound 1.23 ms on H100-SXM5-80GB (compute 1.23 ms, memory 0.41 ms)".
std::string describe_bound(const Bound& bound, const GpuSpec& gpu);

}  // namespace claimcheck::roofline
