// The workload layer (ASTRA-sim's Workload.cc and HardwareResource.cc): dependency-free nodes are
// issued in id order when their hardware slot is free (one GPU compute, one GPU communication
// (receives excepted) and one CPU slot per NPU); a finished node releases its children.

#include <algorithm>
#include <stdexcept>

#include "adapters/astrasim/sim/engine.hpp"

namespace claimcheck::astrasim::sim {

bool Engine::available(const Npu* n, const WorkloadNode& node) const {
  if (node.is_cpu_op) return n->inflight_cpu == 0;
  if (node.type == NodeType::comp) return n->inflight_comp == 0;
  if (n->inflight_comm == 0) return true;
  return node.type == NodeType::recv;
}

void Engine::occupy(Npu* n, const WorkloadNode& node) {
  if (node.is_cpu_op) {
    ++n->inflight_cpu;
  } else if (node.type == NodeType::comp) {
    ++n->inflight_comp;
  } else if (node.type != NodeType::recv) {
    ++n->inflight_comm;
  }
}

void Engine::release(Npu* n, const WorkloadNode& node) {
  if (node.is_cpu_op) {
    --n->inflight_cpu;
  } else if (node.type == NodeType::comp) {
    --n->inflight_comp;
  } else if (node.type != NodeType::recv) {
    --n->inflight_comm;
  }
}

void Engine::finish_node(Npu* n, std::size_t i) {
  --n->ongoing;
  for (auto c : n->index->children[i]) {
    if (--n->pending[c] == 0) n->free_ids.insert(n->graph->nodes[c].id);
  }
}

void Engine::issue_dep_free_nodes(Npu* n) {
  const std::vector<std::uint64_t> ids(n->free_ids.begin(), n->free_ids.end());
  for (auto id : ids) {
    const std::size_t i = n->index->by_id.at(id);
    if (available(n, n->graph->nodes[i])) issue(n, i);
  }
}

void Engine::replay(Npu* n, std::size_t i) {
  const WorkloadNode& node = n->graph->nodes[i];
  const Tick runtime = node.duration_micros != 0 ? node.duration_micros * 1000 : 1;
  if (!node.is_cpu_op) n->tics_gpu += runtime;
  register_event(n, runtime, SysEvent{SysEvent::Kind::workload_node, nullptr, i});
}

void Engine::skip_invalid(Npu* n, std::size_t i) {
  finish_node(n, i);
  release(n, n->graph->nodes[i]);
  n->end[i] = queue.now();
  n->ended[i] = 1;
}

void Engine::issue(Npu* n, std::size_t i) {
  const WorkloadNode& node = n->graph->nodes[i];
  n->free_ids.erase(node.id);
  ++n->ongoing;
  occupy(n, node);
  n->start[i] = queue.now();
  n->started[i] = 1;
  if (in.system.replay_only) {
    replay(n, i);
    return;
  }
  switch (node.type) {
    case NodeType::comp:
      if (!in.system.roofline_enabled || node.is_cpu_op) {
        replay(n, i);
      } else {
        roofline(n, i);
      }
      return;
    case NodeType::coll: issue_collective(n, i); return;
    case NodeType::send: {
      Handler h;
      h.kind = Handler::Kind::workload_send;
      h.npu = n;
      h.node = i;
      post_send(n->id, static_cast<int>(node.comm_dst), static_cast<int>(node.comm_tag % k_tag_range),
                   node.comm_size, h);
      return;
    }
    case NodeType::recv: {
      Handler h;
      h.kind = Handler::Kind::workload_recv;
      h.npu = n;
      h.node = i;
      post_recv(n->id, static_cast<int>(node.comm_src), static_cast<int>(node.comm_tag % k_tag_range),
                   node.comm_size, h);
      return;
    }
    case NodeType::invalid:
    case NodeType::metadata: skip_invalid(n, i); return;
    case NodeType::mem_load:
    case NodeType::mem_store: issue_memory(n, i); return;
  }
}

// ---------------- remote memory (astra-memory-analytical's AnalyticalRemoteMemory)

Tick Engine::memory_time(const WorkloadNode& node) const {
  const RemoteMemoryConfig& m = in.remote_memory;
  return m.latency_ns + static_cast<Tick>(static_cast<double>(node.tensor_size) / static_cast<double>(m.bw_gbps));
}

void Engine::issue_memory(Npu* n, std::size_t i) {
  const RemoteMemoryConfig& m = in.remote_memory;
  if (m.type == MemoryType::per_npu) {
    register_event(n, memory_time(n->graph->nodes[i]), SysEvent{SysEvent::Kind::workload_node, nullptr, i});
    return;
  }
  const std::size_t channel = 0;  // the pool (per-node memories are refused: they crash the real tool)
  if (memory[channel].busy) {
    memory[channel].pending.emplace_back(n, i);
  } else {
    start_memory(n, i, channel);
  }
}

// The request's node finishes on its NPU, and in the same tick, after it, the memory takes the next.
void Engine::start_memory(Npu* n, std::size_t i, std::size_t channel) {
  const Tick runtime = memory_time(n->graph->nodes[i]);
  register_event(n, runtime, SysEvent{SysEvent::Kind::workload_node, nullptr, i});
  register_event(n, runtime, SysEvent{SysEvent::Kind::memory_free, nullptr, channel});
  memory[channel].busy = true;
}

void Engine::memory_free(std::size_t channel) {
  MemoryChannel& c = memory[channel];
  if (c.pending.empty()) {
    c.busy = false;
    return;
  }
  const auto [n, i] = c.pending.front();
  c.pending.pop_front();
  start_memory(n, i, channel);
}

void Engine::roofline(Npu* n, std::size_t i) {
  const WorkloadNode& node = n->graph->nodes[i];
  if (node.tensor_size == 0) {
    skip_invalid(n, i);
    return;
  }
  const double ops = static_cast<double>(node.num_ops);
  const double intensity = ops / static_cast<double>(node.tensor_size);
  const double perf = std::min(local_mem_bw * intensity, in.system.peak_perf_tflops * 1000000000000.0);
  const double seconds = ops / perf;
  const Tick runtime = static_cast<Tick>(seconds * 1e9);
  n->tics_gpu += runtime;
  register_event(n, runtime, SysEvent{SysEvent::Kind::workload_node, nullptr, i});
}

void Engine::issue_collective(Npu* n, std::size_t i) {
  const WorkloadNode& node = n->graph->nodes[i];
  if (node.comm_type == CommType::broadcast) {
    const Tick runtime = node.duration_micros != 0 ? node.duration_micros * 1000 : 1;
    n->datasets.push_back(std::make_unique<DataSet>());
    DataSet* ds = n->datasets.back().get();
    ds->total_streams = 1;
    ds->creation = queue.now();
    ds->node = i;
    register_event(n, runtime, SysEvent{SysEvent::Kind::dataset, ds, i});
    return;
  }
  generate_collective(n, i, node);
}

void Engine::collective_finished(Npu* n, DataSet* d) { workload_node_done(n, d->node); }

void Engine::workload_node_done(Npu* n, std::size_t i) {
  if (n->finished) return;
  release(n, n->graph->nodes[i]);
  n->end[i] = queue.now();
  n->ended[i] = 1;
  finish_node(n, i);
  issue_dep_free_nodes(n);
  check_finished(n);
}

void Engine::check_finished(Npu* n) {
  if (n->free_ids.empty() && n->ongoing == 0 && n->inflight_cpu == 0 && n->inflight_comp == 0 &&
      n->inflight_comm == 0) {
    n->finished = true;
    n->finish = queue.now();
  }
}

void Engine::deliver(const Handler& h) {
  switch (h.kind) {
    case Handler::Kind::none: break;
    case Handler::Kind::stream_recv: h.stream->current.algorithm->run(AlgoEvent::packet_received); break;
    case Handler::Kind::workload_send:
    case Handler::Kind::workload_recv: workload_node_done(h.npu, h.node); break;
    case Handler::Kind::algorithm_node:
      h.stream->current.algorithm->node_done(static_cast<std::uint64_t>(h.node));
      break;
    case Handler::Kind::rendezvous: rendezvous_done(h.node); break;
  }
}

}  // namespace claimcheck::astrasim::sim
