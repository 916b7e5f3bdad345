// The system layer (ASTRA-sim's Sys): per-NPU event lists batched per tick, packet bundles with
// endpoint delay and local reduction, streams scheduled through one queue per dimension, and the
// cutting of a collective into streams of phases (Sys::generate_collective).

#include <algorithm>
#include <cmath>

#include "adapters/astrasim/sim/engine.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::astrasim::sim {
namespace {

int collective_tag(int stream_id) { return stream_id % k_tag_range + k_collective_tag_offset; }

}  // namespace

// ---------------- per-NPU event lists (Sys::try_register_event / call_events)

void Engine::register_event(Npu* n, Tick delay, SysEvent e) {
  const Tick at = queue.now() + delay;
  if (auto* list = n->events_at(at)) {
    list->push_back(e);
    return;
  }
  std::vector<SysEvent> list;
  if (!n->spare_lists.empty()) {
    list = std::move(n->spare_lists.back());
    n->spare_lists.pop_back();
  }
  list.push_back(e);
  n->events.emplace_back(at, std::move(list));
  Event ev;
  ev.time = at;
  ev.kind = Event::Kind::call_events;
  ev.ptr = n;
  queue.push(ev);
}

void Engine::call_events(Npu* n) {
  const Tick now = queue.now();
  if (n->events_at(now) == nullptr) return;
  for (std::size_t i = 0;; ++i) {
    auto* list = n->events_at(now);  // the lists may move while events run
    if (i >= list->size()) break;
    const SysEvent e = (*list)[i];
    dispatch(n, e);
  }
  for (std::size_t i = 0; i < n->events.size(); ++i) {
    if (n->events[i].first == now) {
      std::vector<SysEvent> done = std::move(n->events[i].second);
      done.clear();
      n->spare_lists.push_back(std::move(done));
      n->events[i] = std::move(n->events.back());
      n->events.pop_back();
      break;
    }
  }
}

void Engine::dispatch(Npu* n, const SysEvent& e) {
  switch (e.kind) {
    case SysEvent::Kind::workload_node: workload_node_done(n, e.node); break;
    case SysEvent::Kind::workload_issue: issue_dep_free_nodes(n); break;
    case SysEvent::Kind::bundle: bundle_call(static_cast<Bundle*>(e.ptr)); break;
    case SysEvent::Kind::dataset: dataset_stream_finished(n, static_cast<DataSet*>(e.ptr)); break;
    case SysEvent::Kind::memory_free: memory_free(e.node); break;
    case SysEvent::Kind::algorithm_node:
      static_cast<Stream*>(e.ptr)->current.algorithm->node_done(static_cast<std::uint64_t>(e.node));
      break;
  }
}

// ---------------- MemBus / PacketBundle

void Engine::send_bundle(Stream* s, bool processing, std::uint64_t size, bool fast) {
  Bundle* b = nullptr;
  if (spare_bundles.empty()) {
    b = new Bundle{s, processing, size};
  } else {
    b = spare_bundles.back();
    spare_bundles.pop_back();
    *b = Bundle{s, processing, size};
  }
  register_event(s->npu, static_cast<Tick>(fast ? k_fast_delay : endpoint_delay),
                 SysEvent{SysEvent::Kind::bundle, b, 0});
}

void Engine::bundle_call(Bundle* b) {
  if (b->needs_processing) {
    b->needs_processing = false;
    const double size = static_cast<double>(b->size);
    const Tick one = static_cast<Tick>(size / local_mem_bw * 1e9);
    register_event(b->stream->npu, one + one + one, SysEvent{SysEvent::Kind::bundle, b, 0});
    return;
  }
  Stream* s = b->stream;
  spare_bundles.push_back(b);
  s->current.algorithm->run(AlgoEvent::general);
}

namespace {

constexpr int k_rendezvous_tag_offset = 1000000000;
constexpr std::uint64_t k_rendezvous_bytes = 8192;

Handler make_handler(Handler::Kind kind, Stream* stream, std::size_t node) {
  Handler h;
  h.kind = kind;
  h.stream = stream;
  h.node = node;
  return h;
}

}  // namespace

void Engine::post_send(int src, int dst, int tag, std::uint64_t count, const Handler& h, bool exchange) {
  if (!in.options.rendezvous) {
    network.send(src, dst, tag, count, h, exchange);
    return;
  }
  rendezvous.push_back(Rendezvous{true, src, dst, tag, count, exchange, h});
  network.recv(src, dst, tag + k_rendezvous_tag_offset, k_rendezvous_bytes,
               make_handler(Handler::Kind::rendezvous, nullptr, rendezvous.size() - 1));
}

void Engine::post_recv(int dst, int src, int tag, std::uint64_t count, const Handler& h) {
  if (!in.options.rendezvous) {
    network.recv(dst, src, tag, count, h);
    return;
  }
  rendezvous.push_back(Rendezvous{false, dst, src, tag, count, false, h});
  network.send(dst, src, tag + k_rendezvous_tag_offset, k_rendezvous_bytes,
               make_handler(Handler::Kind::rendezvous, nullptr, rendezvous.size() - 1));
}

void Engine::rendezvous_done(std::size_t index) {
  const Rendezvous r = rendezvous[index];
  if (r.is_send) {
    network.send(r.self, r.peer, r.tag, r.count, r.handler, r.exchange);
  } else {
    network.recv(r.self, r.peer, r.tag, r.count, r.handler);
  }
}

void Engine::send(Stream* s, int dst, std::uint64_t size, bool exchange) {
  post_send(s->npu->id, dst, collective_tag(s->stream_id), size, Handler{}, exchange);
}

void Engine::recv(Stream* s, int src, std::uint64_t size) {
  post_recv(s->npu->id, src, collective_tag(s->stream_id), size, make_handler(Handler::Kind::stream_recv, s, 0));
}

void Engine::send_node(Stream* s, int dst, std::uint64_t size, int tag, std::uint64_t node) {
  post_send(s->npu->id, dst, tag, size, make_handler(Handler::Kind::algorithm_node, s, static_cast<std::size_t>(node)));
}

void Engine::recv_node(Stream* s, int src, std::uint64_t size, int tag, std::uint64_t node) {
  post_recv(s->npu->id, src, tag, size, make_handler(Handler::Kind::algorithm_node, s, static_cast<std::size_t>(node)));
}

void Engine::delay_node(Stream* s, std::uint64_t delay_ns, std::uint64_t node) {
  register_event(s->npu, delay_ns, SysEvent{SysEvent::Kind::algorithm_node, s, static_cast<std::size_t>(node)});
}

// ---------------- streams and queues (Sys::proceed_to_next_vnet_baseline and the scheduler)

int Engine::queue_threshold() const {
  return static_cast<int>(std::ceil(static_cast<double>(in.system.active_chunks_per_dimension) /
                                    static_cast<double>(in.options.queues_per_dim)));
}

std::pair<int, Direction> Engine::next_queue(Npu* n, int dim, int which) {
  const int q = in.options.queues_per_dim;
  QueueLevel& l = n->levels[static_cast<std::size_t>(dim)];
  if (l.last_allocator < 0) l.last_allocator = q / 2;
  const int base = dim * q;
  if (which == 0) {
    const Direction d = q > 1 && l.allocator >= q / 2 ? Direction::anticlockwise : Direction::clockwise;
    const int id = base + l.allocator++;
    if (l.allocator >= q) l.allocator = 0;
    return {id, d};
  }
  if (which == 1) {
    const int id = base + l.first_allocator++;
    if (l.first_allocator >= q / 2) l.first_allocator = 0;
    return {id, Direction::clockwise};
  }
  const int id = base + l.last_allocator++;
  if (l.last_allocator >= q) l.last_allocator = q / 2;
  return {id, Direction::anticlockwise};
}

void Engine::insert_stream(std::list<Stream*>& q, Stream* s) {
  auto it = q.begin();
  while (it != q.end()) {
    if ((*it)->initialized || (*it)->priority >= s->priority) {
      ++it;
      continue;
    }
    break;
  }
  q.insert(it, s);
}

void Engine::init_stream(Stream* s) {
  s->initialized = true;
  s->current.algorithm->run(AlgoEvent::stream_init);
}

void Engine::start_waiting(Npu* n, int q) {
  auto& list = n->active[static_cast<std::size_t>(q)];
  auto it = std::next(list.begin(), std::min<std::ptrdiff_t>(n->running[static_cast<std::size_t>(q)],
                                                              static_cast<std::ptrdiff_t>(list.size())));
  while (it != list.end() && n->running[static_cast<std::size_t>(q)] < queue_threshold()) {
    Stream* s = *it;
    ++n->running[static_cast<std::size_t>(q)];
    ++it;
    init_stream(s);
  }
}

void Engine::proceed(Stream* s) {
  Npu* n = s->npu;
  const int previous = s->current_queue_id;
  if (s->phases_to_go.empty()) dataset_stream_finished(n, s->dataset);
  if (s->current_queue_id >= 0) {
    auto& list = n->active[static_cast<std::size_t>(s->current.queue_id)];
    for (auto it = list.begin(); it != list.end(); ++it) {
      if ((*it)->stream_id == s->stream_id) {
        list.erase(it);
        break;
      }
    }
  }
  if (s->current.algorithm) n->retired.push_back(s->current.algorithm);
  if (s->phases_to_go.empty()) {
    if (previous >= 0) stream_removed(n, previous);
    return;
  }
  ++s->steps_finished;
  s->current = s->phases_to_go.front();
  s->current_queue_id = s->current.queue_id;
  s->phases_to_go.pop_front();
  s->initialized = false;
  insert_stream(n->active[static_cast<std::size_t>(s->current_queue_id)], s);
  if (previous >= 0) stream_removed(n, previous);
  start_waiting(n, s->current_queue_id);
}

void Engine::stream_removed(Npu* n, int q) {
  --n->running[static_cast<std::size_t>(q)];
  start_waiting(n, q);
}

void Engine::dataset_stream_finished(Npu* n, DataSet* d) {
  ++d->finished_streams;
  if (d->finished_streams == d->total_streams) collective_finished(n, d);
}

// ---------------- collectives (Sys::generate_collective)

void Engine::generate_collective(Npu* n, std::size_t node_index, const WorkloadNode& node) {
  LogicalTopology* topo = &n->topologies[static_cast<std::size_t>(slot_of(node.comm_type))];
  const CustomCollective* custom = in.custom.find(node.id, node.comm_type);
  std::vector<bool> involved = node.involved_dim;
  if (custom != nullptr) {
    // one ET covers every dimension
  } else if (involved.empty()) {
    involved.assign(4, true);
    if (topo->dims.size() > 4) {
      warn_once("node " + std::to_string(node.id) + " (\"" + node.name + "\") has no involved_dim; the real tool "
                "then marks only 4 dimensions as involved and reads past its list for the others; this model "
                "involves every dimension");
    }
  } else if (involved.size() < topo->dims.size()) {
    warn_once("node " + std::to_string(node.id) + " (\"" + node.name + "\"): involved_dim lists " +
              std::to_string(involved.size()) + " dimensions but the collective spans " +
              std::to_string(topo->dims.size()) + "; the real tool reads past the list, this model involves the rest");
  }
  int group_id = 0;
  if (!node.pg_name.empty() && node.pg_name != "0") {
    group_id = std::stoi(node.pg_name);
    const auto git = in.comm_groups.groups.find(group_id);
    if (git == in.comm_groups.groups.end()) {
      throw InputError(std::filesystem::path("workload"), 0, 0,
                       "NPU " + std::to_string(n->id) + " node " + std::to_string(node.id) + " (\"" + node.name +
                           "\") uses comm group \"" + node.pg_name + "\", which the comm-group file does not define",
                       "add the group to the comm-group file or pass --comm-group");
    }
    const auto& members = git->second;
    if (static_cast<int>(members.size()) == total) {
      involved.assign(10, true);
    } else if (custom == nullptr) {
      if (std::find(members.begin(), members.end(), n->id) == members.end()) {
        throw InputError(std::filesystem::path("workload"), 0, 0,
                         "NPU " + std::to_string(n->id) + " issues node " + std::to_string(node.id) +
                             " on comm group " + node.pg_name + ", which does not contain it",
                         "the real tool fails an assertion here");
      }
      auto& plan = n->group_plans[{group_id, slot_of(node.comm_type)}];
      if (plan.dims.empty()) {
        DimTopo dt;
        dt.ring.nodes = static_cast<int>(members.size());
        dt.ring.ids = members;
        dt.ring.local = true;
        dt.ring.index_in_ring = dt.ring.index_of(n->id);
        plan.dims.push_back(dt);
        const auto& impls = topo->impls;
        CollectiveImpl impl = impls.size() > 1 ? CollectiveImpl{ImplKind::ring, -1} : impls[0];
        if (impl.kind == ImplKind::double_binary_tree) {
          input_error("doubleBinaryTree over a comm group smaller than all NPUs is unsupported (the real tool "
                      "crashes)");
        }
        plan.impls.push_back(impl);
      }
      topo = &plan;
      involved.assign(1, true);
      warn_once("comm group " + node.pg_name + " (" + std::to_string(members.size()) + " of " + std::to_string(total) +
                " NPUs) runs as one flat " + std::string(impl_name(plan.impls[0].kind)) +
                " in the order the comm-group file lists, with a fixed 10 ns per step instead of endpoint-delay, "
                "as in the real tool");
    }
  }
  std::uint64_t size = node.comm_size;
  const int splits = in.system.preferred_dataset_splits;
  std::uint64_t chunk = size / static_cast<std::uint64_t>(splits);
  if (node.comm_type != CommType::all_gather && static_cast<std::uint64_t>(total) > chunk) {
    chunk = static_cast<std::uint64_t>(total);
    size = static_cast<std::uint64_t>(splits) * chunk;
  }
  if (chunk == 0) {
    throw InputError(std::filesystem::path("workload"), 0, 0,
                     "NPU " + std::to_string(n->id) + " node " + std::to_string(node.id) + " (\"" + node.name +
                         "\"): an all-gather of " + std::to_string(node.comm_size) + " B with " +
                         std::to_string(splits) + " splits has 0-byte chunks; the real tool loops forever",
                     "make comm_size at least preferred-dataset-splits bytes");
  }
  const int streams = static_cast<int>(std::ceil(static_cast<double>(size) / static_cast<double>(chunk)));
  n->datasets.push_back(std::make_unique<DataSet>());
  DataSet* ds = n->datasets.back().get();
  ds->total_streams = streams;
  ds->creation = queue.now();
  ds->node = node_index;
  const SchedulingPolicy policy = in.system.scheduling_policy;
  const int priority = policy == SchedulingPolicy::lifo   ? n->priority_counter++
                       : policy == SchedulingPolicy::fifo ? n->priority_counter--
                                                          : static_cast<int>(node.comm_priority);
  if (custom != nullptr) {
    if (streams != 1) {
      throw InputError(std::filesystem::path("system configuration"), 0, 0,
                       "NPU " + std::to_string(n->id) + " node " + std::to_string(node.id) + " (\"" + node.name +
                           "\") runs the custom collective \"" + custom->prefix + "\" with preferred-dataset-splits " +
                           std::to_string(splits) + ": the real tool then waits for " + std::to_string(streams) +
                           " chunks but runs the custom ET once, and never finishes the collective",
                       "set \"preferred-dataset-splits\": 1 for custom collectives");
    }
    generate_custom(n, ds, node, *custom, priority, group_id);
    return;
  }
  if (node.comm_type == CommType::all_reduce && !in.system.collective_optimization_set) {
    input_error("\"collective-optimization\" is missing and node " + std::to_string(node.id) + " (\"" + node.name +
                    "\") is a native all-reduce, for which the real tool reads the uninitialised setting",
                "add \"collective-optimization\": \"localBWAware\" (or baseline)");
  }
  const int ndims = static_cast<int>(topo->dims.size());
  auto involved_at = [&involved](int d) {
    return static_cast<std::size_t>(d) >= involved.size() ? true : static_cast<bool>(involved[static_cast<std::size_t>(d)]);
  };
  int count = 0;
  while (size > 0) {
    ++count;
    std::vector<int> mapper(static_cast<std::size_t>(ndims));
    for (int d = 0; d < ndims; ++d) mapper[static_cast<std::size_t>(d)] = d;
    if (node.comm_type == CommType::all_gather) std::reverse(mapper.begin(), mapper.end());
    size = chunk > size ? 0 : size - chunk;
    std::uint64_t remain = chunk;
    std::list<Phase> phases;
    auto usable = [&](int dim) {
      const int m = mapper[static_cast<std::size_t>(dim)];
      return topo->dims[static_cast<std::size_t>(m)].nodes() != 1 && involved_at(m);
    };
    auto add = [&](int dim, CommType t, int which) {
      const int m = mapper[static_cast<std::size_t>(dim)];
      const auto [queue_id, dir] = next_queue(n, m, which);
      Phase p;
      p.queue_id = queue_id;
      AlgorithmRequest request;
      request.npu = n->id;
      request.type = t;
      request.topo = &topo->dims[static_cast<std::size_t>(m)];
      request.size = remain;
      request.direction = dir;
      request.impl = topo->impls[static_cast<std::size_t>(m)];
      p.algorithm = make_algorithm(*this, request);
      remain = p.algorithm->final_size;
      phases.push_back(p);
    };
    if (node.comm_type != CommType::all_reduce ||
        in.system.collective_optimization == CollectiveOptimization::baseline) {
      for (int d = 0; d < ndims; ++d) {
        if (usable(d)) add(d, node.comm_type, 0);
      }
    } else {
      int last_active = 0;
      for (int d = 0; d < ndims; ++d) {
        if (usable(d)) last_active = d;
      }
      int d = 0;
      for (; d < last_active; ++d) {
        if (usable(d)) add(d, CommType::reduce_scatter, 1);
      }
      while (d > 0 && !usable(d)) --d;
      if (usable(d)) add(d, CommType::all_reduce, 1);
      --d;
      for (; d >= 0; --d) {
        if (usable(d)) add(d, CommType::all_gather, 2);
      }
    }
    if (phases.empty()) {
      throw InputError(std::filesystem::path("workload"), 0, 0,
                       "NPU " + std::to_string(n->id) + " node " + std::to_string(node.id) + " (\"" + node.name +
                           "\") involves no network dimension; the real tool never finishes it",
                       "check involved_dim");
    }
    auto s = std::make_unique<Stream>();
    s->npu = n;
    s->stream_id = group_id > 0 ? group_id * 1000000 + n->group_streams[group_id]++ : n->num_streams++;
    s->priority = priority;
    s->phases_to_go = std::move(phases);
    s->dataset = ds;
    for (auto& p : s->phases_to_go) p.algorithm->stream = s.get();
    Stream* raw = s.get();
    n->streams.push_back(std::move(s));
    proceed(raw);
  }
  ds->total_streams = count;
}

// A custom collective is one stream of one phase in dimension queue 0, covering the whole buffer
// (Sys::generate_collective's custom branch); its rank is the NPU's position in the comm group.
void Engine::generate_custom(Npu* n, DataSet* ds, const WorkloadNode& node, const CustomCollective& custom,
                             int priority, int group_id) {
  AlgorithmRequest request;
  request.npu = n->id;
  request.type = node.comm_type;
  request.size = node.comm_size;
  request.custom = &custom;
  request.rank = n->id;
  if (group_id > 0) {
    request.group = in.comm_groups.groups.at(group_id);
    request.rank = static_cast<int>(std::find(request.group.begin(), request.group.end(), n->id) - request.group.begin());
    if (request.rank == static_cast<int>(request.group.size())) {
      throw InputError(std::filesystem::path("workload"), 0, 0,
                       "NPU " + std::to_string(n->id) + " issues node " + std::to_string(node.id) + " on comm group " +
                           node.pg_name + ", which does not contain it",
                       "the real tool fails an assertion here");
    }
  }
  if (request.rank >= static_cast<int>(custom.ranks.size())) {
    throw InputError(std::filesystem::path(custom.prefix + "." + std::to_string(request.rank) + ".et"), 0, 0,
                     "NPU " + std::to_string(n->id) + " runs rank " + std::to_string(request.rank) +
                         " of custom collective \"" + custom.prefix + "\", whose rank file does not exist",
                     "give one ET per rank: " + custom.prefix + ".<rank>.et");
  }
  Phase p;
  p.queue_id = 0;
  p.algorithm = make_algorithm(*this, request);
  auto s = std::make_unique<Stream>();
  s->npu = n;
  s->stream_id = group_id > 0 ? group_id * 1000000 + n->group_streams[group_id]++ : n->num_streams++;
  s->priority = priority;
  s->phases_to_go.push_back(p);
  s->dataset = ds;
  p.algorithm->stream = s.get();
  Stream* raw = s.get();
  n->streams.push_back(std::move(s));
  proceed(raw);
}

}  // namespace claimcheck::astrasim::sim
