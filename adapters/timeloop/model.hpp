#pragma once
// The Timeloop-style model: one evaluation of a mapping on an architecture for a problem.
// A pure function of the Spec; results follow Timeloop v3.0.3's definitions (FORMATS.md).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "adapters/timeloop/nest_analysis.hpp"
#include "adapters/timeloop/spec.hpp"

namespace claimcheck::timeloop {

// One data space at one storage level, per instance unless named total.
struct DataSpaceStats {
  std::string name;                       // data-space name
  bool keep = false;                      // stored at this level
  std::uint64_t partition_size = 0;       // words one instance ever holds
  std::uint64_t utilized_capacity = 0;    // words: resident tile
  std::uint64_t utilized_instances = 0;   // instances holding this data space
  std::uint64_t utilized_clusters = 0;
  std::uint64_t reads = 0;                // scalar reads per instance
  std::uint64_t fills = 0;                // scalar fills per instance
  std::uint64_t updates = 0;              // scalar updates per instance
  std::uint64_t temporal_reductions = 0;  // per instance
  std::uint64_t address_generations = 0;  // per cluster
  double energy_per_instance = 0.0;       // pJ
  double energy = 0.0;                    // pJ, all utilized instances
  double read_bandwidth = 0.0;            // words/cycle per instance (after throttling)
  double write_bandwidth = 0.0;           // words/cycle per instance (after throttling)
  bool operator==(const DataSpaceStats&) const = default;
};

struct StorageStats {
  std::string name;
  std::uint64_t cycles = 0;    // cycles this level needs
  double slowdown = 1.0;       // bandwidth throttling factor (<= 1)
  double energy = 0.0;         // pJ, all instances and data spaces (leakage included)
  double leakage_energy = 0.0; // pJ, all instances (v4 semantics; 0 under v3.0.3)
  double instances_sharing_power_gating = 1.0;  // v4: instances per power gate (>= 1)
  double leaks_per_cycle = 0.0;  // v4: instances leaking each cycle (utilized instances, or whole gated groups)
  double non_power_gated_utilization = 1.0;  // v4: utilized instances / leaking instances
  std::vector<DataSpaceStats> data_spaces;  // in problem-shape order
  bool operator==(const StorageStats&) const = default;
};

struct ArithmeticStats {
  std::string name;
  std::uint64_t instances = 0;           // in the design
  std::uint64_t utilized_instances = 0;  // product of all spatial factors
  std::uint64_t computes = 0;            // total MACs (padding of residual spatial loops included)
  std::uint64_t cycles = 0;
  double energy = 0.0;                   // pJ
  bool operator==(const ArithmeticStats&) const = default;
};

struct Result {
  ArithmeticStats arithmetic;
  std::vector<StorageStats> storage;  // innermost first
  std::uint64_t cycles = 0;
  double energy = 0.0;                // pJ (leakage included under v4 semantics)
  double leakage_energy = 0.0;        // pJ, sum over storage levels (v4 semantics; 0 under v3.0.3)
  double utilization = 0.0;           // computes / (arithmetic instances x cycles)
  std::uint64_t computes = 0;
  std::uint64_t total_output_size = 0;  // words of read-write data spaces
  std::uint64_t total_min_traffic = 0;  // words: sum of tensor sizes at their outermost level
  std::uint64_t reduction_ops = 0;    // computes - outputs
  std::uint64_t total_ops = 0;        // computes + reduction ops
  double gflops = 0.0;                // total ops / cycles (GFLOP/s at 1 GHz)
  bool imperfect = false;             // residual factors present (cycles counted as padded)
  bool operator==(const Result&) const = default;
};

// A mapping that does not fit: the first failing level (innermost first), as the real tool says.
struct MappingError {
  std::string level;   // level name
  std::string reason;  // e.g. "mapped tile size 333824 exceeds buffer capacity 131072"
  std::string message() const { return "couldn't map level " + level + ": " + reason; }
};

struct Evaluation {
  std::optional<Result> result;       // when the mapping fits
  std::optional<MappingError> error;  // otherwise
  std::string unsupported;            // or: beyond what the native model evaluates, and why
};

Evaluation evaluate(const Spec& spec);

// The loop nest of a mapping and its analysis: the part of an evaluation that does not depend on
// which data spaces each level keeps. A mapper evaluating the keep/bypass variants of one loop
// nest analyses it once.
struct NestResult {
  LoopNest nest;
  NestAnalysis analysis;
};
NestResult analyze_mapping(const Spec& spec);

// evaluate(spec), given analyze_mapping() of a spec whose mapping differs from spec's at most in
// what the levels keep.
Evaluation evaluate(const Spec& spec, const NestResult& analysed);

}  // namespace claimcheck::timeloop
