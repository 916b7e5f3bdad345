#pragma once
// The simulation engine: per-NPU state of the workload layer (Workload.cc, HardwareResource.cc)
// and of the system layer (Sys: event lists, streams, per-dimension queues, packet bundles),
// joined to the network front end and the collective algorithms. Its methods live in one file per
// layer: system_layer.cpp, workload_executor.cpp, and engine.cpp (setup, run loop, results).
//
// The order of operations follows ASTRA-sim's, because its answers depend on it: which stream of
// a queue starts when another one ends, which of two events at the same tick runs first (per-NPU
// event lists batched per tick, a global FIFO per tick), and how messages are matched.

#include <array>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "adapters/astrasim/sim/collective.hpp"
#include "adapters/astrasim/sim/event_queue.hpp"
#include "adapters/astrasim/sim/network.hpp"
#include "adapters/astrasim/sim/topology.hpp"
#include "adapters/astrasim/simulator.hpp"

namespace claimcheck::astrasim::sim {

constexpr int k_collective_tag_offset = 500000000;  // tags of collective messages
constexpr int k_tag_range = 500000000;              // tags wrap within each range
constexpr int k_fast_delay = 10;                    // MemBus delay of "Local" (comm-group) dimensions

struct Phase {
  int queue_id = -1;                     // the dimension queue it runs in
  std::shared_ptr<Algorithm> algorithm;
};

// One collective node in flight: done when all its streams are.
struct DataSet {
  int total_streams = 0;
  int finished_streams = 0;
  Tick creation = 0;
  std::size_t node = 0;  // workload node index
};

// One chunk of a collective: its phases, one per involved dimension, run one after another.
struct Stream {
  Npu* npu = nullptr;
  int stream_id = 0;
  int priority = 0;
  std::list<Phase> phases_to_go;
  Phase current;
  int current_queue_id = -1;
  bool initialized = false;
  int steps_finished = 0;
  DataSet* dataset = nullptr;
};

struct Bundle {
  Stream* stream = nullptr;
  bool needs_processing = false;
  std::uint64_t size = 0;  // bytes to reduce
};

struct SysEvent {
  enum class Kind : std::uint8_t { workload_node, workload_issue, bundle, dataset, algorithm_node, memory_free };
  Kind kind = Kind::workload_node;
  void* ptr = nullptr;   // bundle: Bundle; dataset: DataSet; algorithm_node: Stream
  std::size_t node = 0;  // workload_node: node index; algorithm_node: the custom collective's node id;
                         // memory_free: the remote memory channel
};

struct GraphIndex {
  std::unordered_map<std::uint64_t, std::size_t> by_id;
  std::vector<std::vector<std::size_t>> children;
  std::vector<int> parents;  // number of parents per node
};

// The queues of one dimension and the allocators that hand them out (QueueLevelHandler).
struct QueueLevel {
  int allocator = 0, first_allocator = 0;
  int last_allocator = -1;  // -1 = not yet set (queues/2)
};

struct Npu {
  int id = 0;
  const NpuGraph* graph = nullptr;
  const GraphIndex* index = nullptr;
  // workload layer
  std::vector<int> pending;  // parents not yet finished, per node
  std::set<std::uint64_t> free_ids;
  std::size_t ongoing = 0;
  int inflight_cpu = 0, inflight_comp = 0, inflight_comm = 0;
  Tick tics_gpu = 0;  // GPU compute time so far
  std::vector<Tick> start, end;
  std::vector<char> started, ended;
  bool finished = false;
  Tick finish = 0;
  // system layer
  // Pending per-NPU event lists, one per tick (few at a time), and emptied lists kept for reuse.
  std::vector<std::pair<Tick, std::vector<SysEvent>>> events;
  std::vector<std::vector<SysEvent>> spare_lists;
  std::vector<std::list<Stream*>> active;  // per dimension queue
  std::vector<int> running;                // streams running per queue
  std::vector<QueueLevel> levels;          // per dimension
  int priority_counter = 0;
  int num_streams = 0;
  std::map<int, int> group_streams;
  std::vector<LogicalTopology> topologies;  // by collective slot
  std::map<std::pair<int, int>, LogicalTopology> group_plans;
  std::vector<std::unique_ptr<Stream>> streams;
  std::vector<std::unique_ptr<DataSet>> datasets;
  // Algorithms of finished phases: proceed() runs inside the algorithm that finished.
  std::vector<std::shared_ptr<Algorithm>> retired;

  std::vector<SysEvent>* events_at(Tick t) {
    for (auto& [tick, list] : events) {
      if (tick == t) return &list;
    }
    return nullptr;
  }
};

// A message whose handshake is in flight (--rendezvous-protocol).
struct Rendezvous {
  bool is_send = false;
  int self = 0, peer = 0, tag = 0;
  std::uint64_t count = 0;  // bytes
  bool exchange = false;
  Handler handler;  // the message's own handler
};

// A remote memory that serves one request at a time (MEMORY_POOL).
struct MemoryChannel {
  bool busy = false;
  std::deque<std::pair<Npu*, std::size_t>> pending;  // (NPU, node index) in arrival order
};

// Collective slots: the implementation list each collective type uses.
int slot_of(CommType t);
const char* slot_key(int slot);

struct Engine final : AlgorithmHost, Delivery {
  Engine(const SimulationInput& input, const SimulationLimits& bounds);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  SimulationResult run(SymmetryUse symmetry);

  // AlgorithmHost (system_layer.cpp)
  void send_bundle(Stream* s, bool processing, std::uint64_t size, bool fast) override;
  void send(Stream* s, int dst, std::uint64_t size, bool exchange) override;
  void recv(Stream* s, int src, std::uint64_t size) override;
  void proceed(Stream* s) override;
  void send_node(Stream* s, int dst, std::uint64_t size, int tag, std::uint64_t node) override;
  void recv_node(Stream* s, int src, std::uint64_t size, int tag, std::uint64_t node) override;
  void delay_node(Stream* s, std::uint64_t delay_ns, std::uint64_t node) override;
  // Delivery (workload_executor.cpp)
  void deliver(const Handler& h) override;

  // ---- messages (system_layer.cpp): Sys::front_end_sim_send / sim_recv, with the rendezvous
  // handshake when enabled (the receiver sends 8 KiB to the sender, then each posts its side)
  void post_send(int src, int dst, int tag, std::uint64_t count, const Handler& h, bool exchange = false);
  void post_recv(int dst, int src, int tag, std::uint64_t count, const Handler& h);
  void rendezvous_done(std::size_t index);

  // ---- system layer (system_layer.cpp)
  void register_event(Npu* n, Tick delay, SysEvent e);
  void call_events(Npu* n);
  void dispatch(Npu* n, const SysEvent& e);
  void bundle_call(Bundle* b);
  int queue_threshold() const;
  void insert_stream(std::list<Stream*>& q, Stream* s);
  void init_stream(Stream* s);
  void start_waiting(Npu* n, int q);
  void stream_removed(Npu* n, int q);
  void dataset_stream_finished(Npu* n, DataSet* d);
  void generate_collective(Npu* n, std::size_t node_index, const WorkloadNode& node);
  // The next queue of dimension `dim` and the ring direction it implies (QueueLevels): any queue
  // (`which` 0), the first half (1) or the second half (2).
  std::pair<int, Direction> next_queue(Npu* n, int dim, int which);
  void generate_custom(Npu* n, DataSet* ds, const WorkloadNode& node, const CustomCollective& custom,
                       int priority, int group_id);

  // ---- workload layer (workload_executor.cpp)
  bool available(const Npu* n, const WorkloadNode& node) const;
  void occupy(Npu* n, const WorkloadNode& node);
  void release(Npu* n, const WorkloadNode& node);
  void finish_node(Npu* n, std::size_t i);
  void issue_dep_free_nodes(Npu* n);
  void issue(Npu* n, std::size_t i);
  void replay(Npu* n, std::size_t i);
  void roofline(Npu* n, std::size_t i);
  void issue_memory(Npu* n, std::size_t i);
  void start_memory(Npu* n, std::size_t i, std::size_t channel);
  void memory_free(std::size_t channel);
  Tick memory_time(const WorkloadNode& node) const;
  void skip_invalid(Npu* n, std::size_t i);
  void issue_collective(Npu* n, std::size_t i);
  void collective_finished(Npu* n, DataSet* d);
  void workload_node_done(Npu* n, std::size_t i);
  void check_finished(Npu* n);

  // ---- setup and results (engine.cpp)
  [[noreturn]] void input_error(const std::string& message, const std::string& hint = {});
  void warn_once(const std::string& message);
  void validate_impls(const std::vector<CollectiveImpl>& impls, int slot, bool in_use);
  void validate_node(const WorkloadNode& node, int npu);
  bool symmetric_ok() const;
  void release_in_flight(const Event& taken);
  SimulationResult results();

  const SimulationInput& in;
  SimulationLimits limits;
  std::vector<int> dims;  // NPUs per network dimension
  int total = 0;
  bool mirror = false;    // one NPU simulated, peers mirrored
  int endpoint_delay = 10;  // ns
  double local_mem_bw = 0;  // B/s
  EventQueue queue;
  Network network;
  TopologyBuilder topology_builder;
  std::vector<std::unique_ptr<Npu>> npus;
  std::unordered_map<const NpuGraph*, std::unique_ptr<GraphIndex>> graph_index;
  std::uint64_t processed = 0;  // events so far
  std::vector<std::string> warnings;
  std::array<bool, 4> used{};  // collective types the workload runs, by slot
  std::vector<Rendezvous> rendezvous;  // by Handler::node
  std::vector<Bundle*> spare_bundles;  // delivered bundles, for reuse
  bool memory_nodes = false;   // the workload has MEM_LOAD / MEM_STORE nodes
  std::vector<MemoryChannel> memory;  // MEMORY_POOL: one
};

}  // namespace claimcheck::astrasim::sim
