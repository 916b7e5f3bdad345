// Setup of a run (checks of the implementation lists, symmetry), the event loop, and the results.

#include "adapters/astrasim/sim/engine.hpp"

#include <algorithm>

#include "core/diagnostics.hpp"

namespace claimcheck::astrasim::sim {
namespace {

bool is_power_of_two(int n) { return n > 0 && (n & (n - 1)) == 0; }

// Two graphs are the same up to a constant shift of node ids (Chakra's text converter numbers
// the nodes of consecutive NPUs' files on from each other); issue order depends only on the
// relative order of ids, so such graphs behave identically.
bool same_up_to_id_shift(const NpuGraph& a, const NpuGraph& b) {
  if (a.nodes.size() != b.nodes.size()) return false;
  if (a.nodes.empty()) return true;
  const std::uint64_t shift = b.nodes[0].id - a.nodes[0].id;
  for (std::size_t i = 0; i < a.nodes.size(); ++i) {
    WorkloadNode x = a.nodes[i];
    const WorkloadNode& y = b.nodes[i];
    x.id += shift;
    for (auto& p : x.parents) p += shift;
    x.name = y.name;
    if (!(x == y)) return false;
  }
  return true;
}

}  // namespace

int slot_of(CommType t) {
  switch (t) {
    case CommType::all_reduce: return 0;
    case CommType::reduce_scatter: return 1;
    case CommType::all_gather: return 2;
    case CommType::all_to_all: return 3;
    case CommType::broadcast: return 0;
  }
  return 0;
}

const char* slot_key(int slot) {
  static const char* keys[] = {"all-reduce-implementation", "reduce-scatter-implementation",
                               "all-gather-implementation", "all-to-all-implementation"};
  return keys[slot];
}

Engine::Engine(const SimulationInput& input, const SimulationLimits& bounds)
    : in(input),
      limits(bounds),
      dims(input.network.npus_per_dim()),
      total(input.network.total_npus()),
      network(input.network, input.backend, queue, *this),
      topology_builder(dims) {}

Engine::~Engine() {
  for (Bundle* b : spare_bundles) delete b;
}

void Engine::input_error(const std::string& message, const std::string& hint) {
  throw InputError(std::filesystem::path("system configuration"), 0, 0, message, hint);
}

void Engine::warn_once(const std::string& message) {
  if (std::find(warnings.begin(), warnings.end(), message) == warnings.end()) warnings.push_back(message);
}

void Engine::validate_impls(const std::vector<CollectiveImpl>& impls, int slot, bool in_use) {
  if (!in_use) return;
  if (impls.empty()) {
    input_error(std::string("\"") + slot_key(slot) + "\" is missing but the workload runs that collective",
                "give one implementation per network dimension");
  }
  bool flat = false;
  for (std::size_t d = 0; d < impls.size() && !flat; ++d) {
    const ImplKind k = impls[d].kind;
    if (d >= dims.size()) break;
    flat = k == ImplKind::one_ring || k == ImplKind::one_direct || k == ImplKind::one_halving_doubling;
    if (flat && dims.size() > 1) {
      warn_once(std::string("\"") + slot_key(slot) + "\": " + std::string(impl_name(k)) + " in dimension " +
                std::to_string(d) + " makes one flat ring over all " + std::to_string(total) +
                " NPUs; the entries after it are ignored, as in the real tool");
    }
    const int n = flat ? total : dims[d];
    if ((k == ImplKind::halving_doubling || k == ImplKind::one_halving_doubling) && !is_power_of_two(n)) {
      input_error(std::string("\"") + slot_key(slot) + "\": halvingDoubling on " + std::to_string(n) +
                  " NPUs (dimension " + std::to_string(d) +
                  "); it needs a power of two, and the real tool deadlocks otherwise");
    }
    if (k == ImplKind::double_binary_tree && !is_power_of_two(n)) {
      input_error(std::string("\"") + slot_key(slot) + "\": doubleBinaryTree on " + std::to_string(n) +
                  " NPUs (dimension " + std::to_string(d) + "); it needs a power of two");
    }
  }
  if (impls.size() > dims.size()) {
    input_error(std::string("\"") + slot_key(slot) + "\" has " + std::to_string(impls.size()) +
                    " entries but the network has " + std::to_string(dims.size()) + " dimensions",
                "give one implementation per network dimension");
  }
  if (impls.size() < dims.size() && !flat) {
    input_error(std::string("\"") + slot_key(slot) + "\" has " + std::to_string(impls.size()) +
                    " entries but the network has " + std::to_string(dims.size()) +
                    " dimensions; the real tool would silently leave the other dimensions out",
                "give one implementation per network dimension");
  }
}

void Engine::validate_node(const WorkloadNode& node, int npu) {
  const std::string label = "NPU " + std::to_string(npu) + " node " + std::to_string(node.id) + " (\"" + node.name + "\")";
  if (node.type == NodeType::mem_load || node.type == NodeType::mem_store) {
    memory_nodes = true;
    const RemoteMemoryConfig& m = in.remote_memory;
    const std::string kind = node.type == NodeType::mem_load ? "MEM_LOAD" : "MEM_STORE";
    if (m.type == MemoryType::no_expansion) {
      throw InputError(std::filesystem::path("remote memory configuration"), 0, 0,
                       label + " is a " + kind + " node but memory-type is NO_MEMORY_EXPANSION; the real tool exits "
                               "(\"Remote memory access is not supported in NO_MEMORY_EXPANSION\")",
                       "give a remote memory configuration of type MEMORY_POOL, PER_NODE_MEMORY_EXPANSION or "
                       "PER_NPU_MEMORY_EXPANSION");
    }
    if (m.bw_gbps == 0) {
      throw InputError(std::filesystem::path("remote memory configuration"), 0, 0,
                       label + " reads remote memory, whose \"remote-mem-bw\" is 0 (or absent); the real tool "
                               "divides by it",
                       "set \"remote-mem-bw\" in GB/s");
    }
    if (m.type == MemoryType::per_node) {
      // AnalyticalRemoteMemory::call reads the request's handler data after the workload layer freed
      // it (both events run in the same tick, the workload's first); the real tool crashed on every
      // such run we made (tests/data/astrasim/realruns/mem_pernode_r4).
      throw InputError(std::filesystem::path("remote memory configuration"), 0, 0,
                       label + " reads PER_NODE_MEMORY_EXPANSION memory, which crashes the real tool at 518bd51 "
                               "(segmentation fault: it reads a request after the workload layer freed it); unsupported",
                       "use MEMORY_POOL (one memory for all NPUs) or PER_NPU_MEMORY_EXPANSION");
    }
  }
  if (node.type == NodeType::send || node.type == NodeType::recv) {
    const bool send = node.type == NodeType::send;
    const std::int64_t peer = send ? node.comm_dst : node.comm_src;
    const std::int64_t self = send ? node.comm_src : node.comm_dst;
    const char* peer_key = send ? "comm_dst" : "comm_src";
    if (peer == -1) {
      throw InputError(std::filesystem::path("workload"), 0, 0,
                       label + " is a " + (send ? "send" : "recv") + " node without " + peer_key +
                           "; the real tool stops with an uncaught exception (the attribute is required)",
                       std::string("add the ") + peer_key + " attribute (the peer NPU)");
    }
    if (peer < 0 || peer >= total) {
      throw InputError(std::filesystem::path("workload"), 0, 0,
                       label + " names NPU " + std::to_string(peer) + ", outside the network's " +
                           std::to_string(total) + " NPUs");
    }
    if (self != -1 && self != npu) {
      throw InputError(std::filesystem::path("workload"), 0, 0,
                       label + ": " + (send ? "comm_src" : "comm_dst") + " is " + std::to_string(self) +
                           ", not the NPU that runs it; the real tool stops (\"" +
                           (send ? "Send node should be issued by the sender" : "Recv node should be issued by the receiver") +
                           "\")",
                       "put the node in the ET of NPU " + std::to_string(self) + ", or drop the attribute");
    }
  }
}

bool Engine::symmetric_ok() const {
  if (in.backend != Backend::congestion_unaware || !in.custom.empty() || in.options.rendezvous) return false;
  // A shared remote memory serves the NPUs' requests one after another.
  if (memory_nodes && in.remote_memory.type != MemoryType::per_npu) return false;
  const NpuGraph* first = in.workload.graphs[0].get();
  for (const auto& g : in.workload.graphs) {
    if (g.get() != first && !same_up_to_id_shift(*first, *g)) return false;
  }
  for (const auto& node : first->nodes) {
    if (node.type == NodeType::send || node.type == NodeType::recv) return false;
    if (!node.pg_name.empty() && node.pg_name != "0") return false;
  }
  // Per dimension, every implementation in use must share one symmetry: translations (ring,
  // direct: NPU i talks to i+k) or partner exchanges (halving-doubling: i talks to i xor k, and
  // every such pair is equally far apart in any topology).
  const std::vector<CollectiveImpl>* lists[] = {&in.system.all_reduce, &in.system.reduce_scatter,
                                                &in.system.all_gather, &in.system.all_to_all};
  std::vector<int> kind_of_dim(dims.size(), 0);  // 0 unset, 1 translation, 2 exchange
  for (int slot = 0; slot < 4; ++slot) {
    if (!used[static_cast<std::size_t>(slot)]) continue;
    const auto& list = *lists[slot];
    for (std::size_t d = 0; d < list.size(); ++d) {
      ImplKind k = list[d].kind;
      if (dims.size() == 1) {
        if (k == ImplKind::one_ring) k = ImplKind::ring;
        if (k == ImplKind::one_direct) k = ImplKind::direct;
        if (k == ImplKind::one_halving_doubling) k = ImplKind::halving_doubling;
      }
      int kind = 0;
      if (k == ImplKind::ring || k == ImplKind::direct) kind = 1;
      if (k == ImplKind::halving_doubling) kind = 2;
      if (kind == 0) return false;
      if (kind_of_dim[d] != 0 && kind_of_dim[d] != kind) return false;
      kind_of_dim[d] = kind;
    }
  }
  return true;
}

SimulationResult Engine::run(SymmetryUse symmetry) {
  if (static_cast<int>(in.workload.graphs.size()) != total) {
    throw InputError(std::filesystem::path("workload"), 0, 0,
                     "the workload has " + std::to_string(in.workload.graphs.size()) +
                         " NPU graphs but the network has " + std::to_string(total) + " NPUs");
  }
  // Sys: communication_delay = endpoint-delay * injection-scale, into an int, only when the file sets it.
  endpoint_delay = in.system.endpoint_delay_set
                       ? static_cast<int>(in.system.endpoint_delay_ns * in.options.injection_scale)
                       : in.system.endpoint_delay_ns;
  local_mem_bw = in.system.local_mem_bw_gbps * 1000000000;
  for (const auto& g : in.workload.graphs) {
    for (const auto& node : g->nodes) {
      if (node.type == NodeType::coll && node.comm_type != CommType::broadcast &&
          in.custom.find(node.id, node.comm_type) == nullptr) {
        used[static_cast<std::size_t>(slot_of(node.comm_type))] = true;
      }
      validate_node(node, static_cast<int>(&g - in.workload.graphs.data()));
      if (node.is_cpu_op && node.type == NodeType::comp) {
        warnings.push_back("node " + std::to_string(node.id) + " (\"" + node.name +
                           "\") is a CPU op: the real tool counts its time as exposed communication");
      }
    }
  }
  validate_impls(in.system.all_reduce, 0, used[0]);
  validate_impls(in.system.reduce_scatter, 1, used[1]);
  validate_impls(in.system.all_gather, 2, used[2]);
  validate_impls(in.system.all_to_all, 3, used[3]);

  mirror = symmetry == SymmetryUse::when_valid && total > 1 && symmetric_ok();
  network.set_mirror(mirror);
  const int simulated = mirror ? 1 : total;
  if (simulated > limits.max_simulated_npus) {
    throw SimulationLimitExceeded("simulating each of the " + std::to_string(total) +
                                  " NPUs one by one is beyond the native model's limit of " +
                                  std::to_string(limits.max_simulated_npus) +
                                  " (a symmetric run simulates one NPU for all)");
  }
  network.reserve(static_cast<std::size_t>(simulated) * 64);
  if (in.remote_memory.type == MemoryType::pool) memory.resize(1);
  for (int id = 0; id < simulated; ++id) {
    auto n = std::make_unique<Npu>();
    n->id = id;
    n->graph = in.workload.graphs[static_cast<std::size_t>(id)].get();
    auto& gi = graph_index[n->graph];
    if (!gi) {
      gi = std::make_unique<GraphIndex>();
      const auto& nodes = n->graph->nodes;
      gi->children.resize(nodes.size());
      gi->parents.assign(nodes.size(), 0);
      for (std::size_t i = 0; i < nodes.size(); ++i) gi->by_id[nodes[i].id] = i;
      for (std::size_t i = 0; i < nodes.size(); ++i) {
        for (auto p : nodes[i].parents) {
          gi->children[gi->by_id.at(p)].push_back(i);
          ++gi->parents[i];
        }
      }
    }
    n->index = gi.get();
    n->pending = gi->parents;
    const std::size_t count = n->graph->nodes.size();
    n->start.assign(count, 0);
    n->end.assign(count, 0);
    n->started.assign(count, 0);
    n->ended.assign(count, 0);
    for (std::size_t i = 0; i < count; ++i) {
      if (n->pending[i] == 0) n->free_ids.insert(n->graph->nodes[i].id);
    }
    const std::size_t queues = dims.size() * static_cast<std::size_t>(in.options.queues_per_dim);
    n->active.resize(queues);
    n->running.assign(queues, 0);
    n->levels.assign(dims.size(), QueueLevel{});
    n->topologies.push_back(used[0] ? topology_builder.make(id, in.system.all_reduce) : LogicalTopology{});
    n->topologies.push_back(used[1] ? topology_builder.make(id, in.system.reduce_scatter) : LogicalTopology{});
    n->topologies.push_back(used[2] ? topology_builder.make(id, in.system.all_gather) : LogicalTopology{});
    n->topologies.push_back(used[3] ? topology_builder.make(id, in.system.all_to_all) : LogicalTopology{});
    npus.push_back(std::move(n));
  }
  for (auto& n : npus) {
    issue_dep_free_nodes(n.get());
    check_finished(n.get());
  }
  while (!queue.empty()) {
    const Event e = queue.pop();
    if (++processed > limits.max_events) {
      release_in_flight(e);
      throw SimulationLimitExceeded("the simulation needs more than " + std::to_string(limits.max_events) +
                                    " events (stopped at " + std::to_string(queue.now()) + " ns of simulated time)");
    }
    if (e.kind == Event::Kind::call_events) {
      call_events(static_cast<Npu*>(e.ptr));
    } else {
      network.handle(e);
    }
  }
  return results();
}

// Frees what in-flight messages own when a run is abandoned: chunks queued on links or in
// events (including the one just taken off the queue) and bundles waiting in NPU event lists.
void Engine::release_in_flight(const Event& taken) {
  network.backend().drop(taken);
  while (!queue.empty()) network.backend().drop(queue.pop());
  network.backend().release();
  for (auto& n : npus) {
    for (auto& [tick, list] : n->events) {
      for (const auto& se : list) {
        if (se.kind == SysEvent::Kind::bundle) delete static_cast<Bundle*>(se.ptr);
      }
      list.clear();
    }
  }
}

SimulationResult Engine::results() {
  SimulationResult r;
  r.used_symmetry = mirror;
  r.events = processed;
  r.warnings = warnings;
  std::vector<std::string> stuck;
  for (auto& n : npus) {
    if (!n->finished) {
      std::size_t left = 0;
      for (std::size_t i = 0; i < n->graph->nodes.size(); ++i) left += n->ended[i] ? 0 : 1;
      stuck.push_back("NPU " + std::to_string(n->id) + " (" + std::to_string(left) + " nodes never finish)");
    }
  }
  if (!stuck.empty()) {
    std::string list;
    for (std::size_t i = 0; i < stuck.size() && i < 8; ++i) list += (i ? ", " : "") + stuck[i];
    if (stuck.size() > 8) list += ", ...";
    throw std::runtime_error("deadlock: the simulation ran out of events with unfinished NPUs: " + list +
                             "; the real tool reports such runs as successful");
  }
  for (auto& n : npus) {
    NpuResult res;
    res.finish_ns = n->finish;
    res.compute_ns = n->tics_gpu;
    res.exposed_comm_ns = n->finish - n->tics_gpu;
    std::vector<std::pair<Tick, Tick>> comm;
    for (std::size_t i = 0; i < n->graph->nodes.size(); ++i) {
      const auto& node = n->graph->nodes[i];
      if (!n->started[i]) continue;
      res.wall_ns = std::max(res.wall_ns, n->end[i]);
      if (node.type == NodeType::coll || node.type == NodeType::send || node.type == NodeType::recv) {
        comm.emplace_back(n->start[i], n->end[i]);
      }
      if (node.type == NodeType::coll || node.type == NodeType::send || node.type == NodeType::recv) {
        (node.type == NodeType::coll ? r.collectives : r.messages)
            .push_back(NodeTiming{n->id, node.type, node.id, node.name, node.comm_type, node.comm_size, n->start[i],
                                  n->end[i]});
      }
    }
    std::sort(comm.begin(), comm.end());
    if (!comm.empty()) {
      Tick s = comm[0].first, e = comm[0].second;
      for (const auto& [a, b] : comm) {
        if (a <= e) {
          e = std::max(e, b);
        } else {
          res.comm_ns += e - s;
          s = a;
          e = b;
        }
      }
      res.comm_ns += e - s;
    }
    r.npus.push_back(res);
  }
  if (mirror) r.npus.assign(static_cast<std::size_t>(total), r.npus[0]);
  return r;
}

}  // namespace claimcheck::astrasim::sim
