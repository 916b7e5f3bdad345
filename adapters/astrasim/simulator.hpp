#pragma once
// The native ASTRA-sim-style model: an event-driven simulation of every NPU's workload graph on
// the analytical network, following the system layer of ASTRA-sim 2.x (streams per chunk, one
// queue per dimension, the ring / direct / halving-doubling / double-binary-tree algorithms,
// endpoint delay and local reduction cost) so that its answers equal the real tool's to the
// nanosecond, including its deterministic quirks (see refcases FORMATS.md).
//
// Pure function of its inputs: no I/O. Large symmetric runs (identical graphs on every NPU,
// translation-invariant algorithms, congestion-unaware network) simulate one NPU and mirror the
// messages of its peers, which gives the same per-NPU answer at a fraction of the cost.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/astrasim/comm_group.hpp"
#include "adapters/astrasim/custom_collective.hpp"
#include "adapters/astrasim/network_config.hpp"
#include "adapters/astrasim/remote_memory.hpp"
#include "adapters/astrasim/system_config.hpp"
#include "adapters/astrasim/workload.hpp"

namespace claimcheck::astrasim {

enum class Backend { congestion_unaware, congestion_aware };

std::string_view backend_name(Backend backend);

enum class SymmetryUse { when_valid, never };

// The real binary's command-line knobs (AstraSim_Analytical_* --name=value).
struct RunOptions {
  double injection_scale = 1.0;  // --injection-scale: multiplies endpoint-delay when the system file sets it
  int queues_per_dim = 1;        // --num-queues-per-dim: stream queues per network dimension
  bool rendezvous = false;       // --rendezvous-protocol: each message waits for an 8 KiB handshake
  double comm_scale = 1.0;       // --comm-scale: read by the tool at 518bd51 but used nowhere
  double compute_scale = 1.0;    // --compute-scale: likewise
  bool operator==(const RunOptions&) const = default;
};

struct SimulationInput {
  NetworkConfig network;
  SystemConfig system;
  Workload workload;  // one graph per NPU (network.total_npus() of them)
  CommGroups comm_groups;
  CustomCollectives custom;  // custom collective implementations the system configuration names
  RemoteMemoryConfig remote_memory;  // serves MEM_LOAD / MEM_STORE nodes
  Backend backend = Backend::congestion_unaware;
  RunOptions options;
};

struct NpuResult {
  std::uint64_t finish_ns = 0;        // tick at which the NPU's last node finished
  std::uint64_t exposed_comm_ns = 0;  // finish - compute (ASTRA-sim's definition)
  std::uint64_t compute_ns = 0;       // sum of the durations of the GPU compute nodes
  std::uint64_t comm_ns = 0;          // union of the intervals of communication nodes
  std::uint64_t wall_ns = 0;          // latest end of any node
  bool operator==(const NpuResult&) const = default;
};

// When one collective, send or recv node ran.
struct NodeTiming {
  int npu = 0;
  NodeType kind = NodeType::coll;
  std::uint64_t node_id = 0;
  std::string name;
  CommType type = CommType::all_reduce;
  std::uint64_t size_bytes = 0;
  std::uint64_t start_ns = 0;
  std::uint64_t end_ns = 0;
  bool operator==(const NodeTiming&) const = default;
};
using CollectiveTiming = NodeTiming;

struct SimulationResult {
  std::vector<NpuResult> npus;                 // index = NPU id
  std::vector<NodeTiming> collectives;  // every collective node of every simulated NPU
  std::vector<NodeTiming> messages;     // every send and recv node of every simulated NPU
  bool used_symmetry = false;                  // true when one NPU stood for all
  std::uint64_t events = 0;                    // events processed (cost measure)
  std::vector<std::string> warnings;
};

// Inputs are untrusted, so a simulation is bounded: beyond these it stops with
// SimulationLimitExceeded instead of running for minutes or exhausting memory.
struct SimulationLimits {
  std::uint64_t max_events = 100'000'000;  // simulator events processed (about 20 s)
  int max_simulated_npus = 65'536;        // NPUs simulated one by one (symmetric runs simulate one)
};

class SimulationLimitExceeded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Runs the model. Throws InputError for inputs the model cannot run (implementation lists that do
// not fit the network, halvingDoubling / doubleBinaryTree on a non-power-of-two dimension, a
// collective whose chunks would be 0 bytes, an unknown comm group, memory nodes the remote memory
// configuration cannot serve), and
// std::runtime_error("deadlock: ...") when NPUs are left with nodes that can never run, and
// SimulationLimitExceeded past `limits`.
SimulationResult simulate(const SimulationInput& input, SymmetryUse symmetry = SymmetryUse::when_valid,
                          const SimulationLimits& limits = {});

}  // namespace claimcheck::astrasim
