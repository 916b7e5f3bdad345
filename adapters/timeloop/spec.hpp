#pragma once
// Typed values for Timeloop's inputs (architecture, problem, mapping, energy reference table),
// as the parsers produce them and the model consumes them. Nothing here knows about YAML.
// Semantics follow Timeloop v3.0.3 (see tests/data/timeloop/FORMATS.md).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace claimcheck::timeloop {

// Where a value was written, for error messages.
struct SourcePos {
  std::string file;  // path as given
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown
  bool operator==(const SourcePos&) const = default;
};

// ---------------------------------------------------------------- architecture

enum class Technology { sram, dram };

// One storage level (a buffer), per instance.
struct StorageLevel {
  std::string name;                         // level name without the [a..b] range
  std::string class_name;                   // `class` as written, e.g. "SRAM", "regfile", "DRAM"
  Technology technology = Technology::sram;
  std::optional<std::uint64_t> size;        // words per instance; none = unbounded (DRAM)
  std::uint64_t word_bits = 16;             // bits per word
  std::uint64_t block_size = 1;             // words per vector access
  std::uint64_t cluster_size = 1;           // instances sharing one physical access port
  std::uint64_t instances = 1;              // total instances in the design
  std::uint64_t mesh_x = 1;                 // instances along X
  std::uint64_t mesh_y = 1;                 // instances along Y
  std::optional<double> read_bandwidth;     // words/cycle per instance; none = unlimited
  std::optional<double> write_bandwidth;    // words/cycle per instance; none = unlimited
  std::optional<double> shared_bandwidth;   // words/cycle per instance; none = unlimited
  double multiple_buffering = 1.0;          // effective size = floor(size / multiple_buffering)
  std::optional<std::uint64_t> effective_size;  // words; present when size is
  double min_utilization = 0.0;             // fraction of effective size a mapping must use
  std::uint64_t num_ports = 2;              // ports (for the built-in energy model; unused there)
  std::uint64_t num_banks = 2;              // banks (idem)
  std::optional<double> user_vector_access_energy;  // pJ per vector access, overrides ERT and PAT
  std::optional<double> user_addr_gen_energy;       // pJ per address generation
  std::string power_gated_at;               // level whose power gates this one shares (v4); "" = its own
  SourcePos power_gated_at_where;           // where `power_gated_at` was written
  SourcePos where;                          // the component's `name`
  bool operator==(const StorageLevel&) const = default;
};

// The arithmetic (MAC) level.
struct ArithmeticLevel {
  std::string name;                  // e.g. "mac"
  std::string class_name;            // e.g. "intmac"
  std::uint64_t instances = 1;       // MAC units in the design
  std::uint64_t mesh_x = 1;          // units along X
  std::uint64_t mesh_y = 1;          // units along Y
  std::uint64_t word_bits = 16;      // operand width, bits
  std::optional<double> user_energy; // pJ per compute (attribute `energy`), overrides ERT and PAT
  SourcePos where;
  bool operator==(const ArithmeticLevel&) const = default;
};

struct Architecture {
  std::string version;                 // "0.2", "0.3" or "0.4"
  ArithmeticLevel arithmetic;
  std::vector<StorageLevel> storage;   // innermost (index 0) to outermost
  bool operator==(const Architecture&) const = default;
};

// ---------------------------------------------------------------- problem

// One term of a projection: dimension x coefficient (coefficient < 0: none, i.e. 1).
struct ProjectionTerm {
  int dimension = 0;    // index into ProblemShape::dimensions
  int coefficient = -1; // index into ProblemShape::coefficients, or -1
  bool operator==(const ProjectionTerm&) const = default;
};

struct DataSpace {
  std::string name;                                    // e.g. "Weights"
  std::vector<std::vector<ProjectionTerm>> projection; // one sum of products per data-space rank
  bool read_write = false;                             // true for outputs (partial sums)
  bool operator==(const DataSpace&) const = default;
};

struct Coefficient {
  std::string name;       // e.g. "Wstride"
  std::int64_t default_value = 1;
  bool operator==(const Coefficient&) const = default;
};

struct ProblemShape {
  std::string name;                       // e.g. "CNN-Layer"
  std::vector<std::string> dimensions;    // one-letter names, e.g. C M R S N P Q
  std::vector<Coefficient> coefficients;
  std::vector<DataSpace> data_spaces;
  bool operator==(const ProblemShape&) const = default;
};

struct Problem {
  ProblemShape shape;
  std::vector<std::int64_t> bounds;        // per dimension
  std::vector<std::int64_t> coefficients;  // per coefficient (instance value or default)
  bool operator==(const Problem&) const = default;
};

// ---------------------------------------------------------------- mapping

// A loop factor: `end` iterations, the last pass over the whole nest runs `residual_end`.
struct Factor {
  std::int64_t end = 1;
  std::int64_t residual_end = 1;
  bool operator==(const Factor&) const = default;
};

// The loops a storage level owns, and what it keeps.
struct LevelMapping {
  std::vector<Factor> temporal;          // per dimension
  std::vector<int> temporal_permutation; // dimensions, innermost loop first
  std::vector<Factor> spatial;           // per dimension (all 1 when the level has no fanout)
  std::vector<int> spatial_permutation;  // dimensions, innermost first
  std::size_t split = 0;                 // the first `split` spatial dimensions map to X
  std::vector<bool> keep;                // per data space: stored at this level
  std::vector<bool> no_multicast;        // per data space: no multicast / spatial reduction
  std::vector<bool> no_temporal_reuse;   // per data space
  std::vector<bool> no_link_transfer;    // per data space
  bool operator==(const LevelMapping&) const = default;
};

struct Mapping {
  std::vector<LevelMapping> levels;  // per storage level, innermost first
  bool operator==(const Mapping&) const = default;
};

// ---------------------------------------------------------------- energy

enum class EnergySource { ert, pat, user };

// Energies per vector access (storage) or per compute (arithmetic), in pJ.
struct StorageEnergy {
  double read = 0.0;    // pJ per vector read
  double fill = 0.0;    // pJ per vector fill
  double update = 0.0;  // pJ per vector update
  double leak = 0.0;    // pJ per utilized instance per cycle (v4 `leak` action; 0 under v3.0.3)
  double vector_access_energy = 0.0;  // pJ, as the real tool prints it (max action / cluster size)
  EnergySource source = EnergySource::pat;
  bool operator==(const StorageEnergy&) const = default;
};

struct EnergyModel {
  double compute = 0.0;               // pJ per compute
  EnergySource compute_source = EnergySource::pat;
  std::vector<StorageEnergy> storage; // per storage level, innermost first
  bool operator==(const EnergyModel&) const = default;
};

// One ERT table as written.
struct ErtTable {
  std::string name;                        // e.g. "system.chip.PE[0..255].weight_reg"
  std::string component;                   // last element, range stripped: "weight_reg"
  std::map<std::string, double> actions;   // action -> pJ (max over argument variants)
  SourcePos where;
  bool operator==(const ErtTable&) const = default;
};

struct Ert {
  std::vector<ErtTable> tables;
  bool operator==(const Ert&) const = default;
};

// Whose definitions an evaluation follows: Timeloop v3.0.3, or Timeloop v4 (the version its
// Python front end drives), which adds leakage energy and reads ERT actions slightly differently.
enum class Semantics { v3_0_3, v4 };

// Everything one evaluation needs.
struct Spec {
  Semantics semantics = Semantics::v3_0_3;
  Architecture arch;
  Problem problem;
  Mapping mapping;
  EnergyModel energy;
  std::vector<std::string> warnings;  // things the real tool would warn about, or accept silently
  std::vector<std::string> notes;     // what was accepted without being read (listed once per run)
  bool operator==(const Spec&) const = default;
};

}  // namespace claimcheck::timeloop
