#include "adapters/astrasim/simulator.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <list>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "core/diagnostics.hpp"

// The structure below follows the order of operations of ASTRA-sim's system layer, because its
// answers depend on it: which stream of a queue starts when another one ends, which of two
// events at the same tick runs first (per-NPU event lists batched per tick, a global FIFO per
// tick), and how messages are matched (tag, source, destination, size, sequence number).

namespace claimcheck::astrasim {
namespace {

using Tick = std::uint64_t;

constexpr int k_collective_tag_offset = 500000000;  // tags of collective messages
constexpr int k_tag_range = 500000000;              // tags wrap within each range
constexpr int k_fast_delay = 10;                    // MemBus delay of "Local" (comm-group) dimensions

enum class Direction { clockwise, anticlockwise };
enum class AlgoEvent { general, packet_received, stream_init };

// ---------------------------------------------------------------------------------------------
// Logical topologies

struct RingTopo {
  int nodes = 0;          // NPUs in the ring
  int index_in_ring = 0;  // this NPU's position
  int offset = 1;         // id distance between neighbours (regular rings)
  int base = 0;           // id at index 0 (regular rings)
  bool local = false;     // comm-group ring: MemBus "Fast" transmission (10 ns)
  std::vector<int> ids;   // comm-group rings: ids in list order (empty for regular rings)

  int index_of(int node) const {
    if (ids.empty()) return (node - base) / offset;
    return static_cast<int>(std::find(ids.begin(), ids.end(), node) - ids.begin());
  }
  int id_at(int index) const { return ids.empty() ? base + index * offset : ids[static_cast<std::size_t>(index)]; }
  int receiver(int node, Direction d) const {
    int i = index_of(node);
    i = d == Direction::clockwise ? (i + 1 == nodes ? 0 : i + 1) : (i == 0 ? nodes - 1 : i - 1);
    return id_at(i);
  }
  int sender(int node, Direction d) const {
    return receiver(node, d == Direction::clockwise ? Direction::anticlockwise : Direction::clockwise);
  }
};

enum class TreeRole { root, intermediate, leaf };

struct BinaryTree {
  struct Info {
    int parent = -1, left = -1, right = -1;
    TreeRole role = TreeRole::leaf;
  };
  std::map<int, Info> nodes;  // NPU id -> position in the tree
};

// ASTRA-sim's BinaryTree: a perfect tree of depth-1 levels under one extra top node, ids given in
// in-order with `start` and `stride`; RootMax hangs the tree left of the top (top gets the last
// id), RootMin right (top gets the first id).
BinaryTree build_tree(int total, int start, int stride, bool root_max) {
  struct S {
    int parent = -1, left = -1, right = -1, id = -1;
  };
  std::vector<S> s(1);
  int depth = 1;
  for (int tmp = total; tmp > 1; tmp /= 2) ++depth;
  auto make = [&s](auto&& self, int levels, int parent) -> int {
    const int me = static_cast<int>(s.size());
    s.push_back(S{parent, -1, -1, -1});
    if (levels > 1) {
      const int l = self(self, levels - 1, me);
      s[static_cast<std::size_t>(me)].left = l;
      const int r = self(self, levels - 1, me);
      s[static_cast<std::size_t>(me)].right = r;
    }
    return me;
  };
  const int sub = make(make, depth - 1, 0);
  if (root_max) {
    s[0].left = sub;
  } else {
    s[0].right = sub;
  }
  int next = start;
  auto number = [&s, &next, stride](auto&& self, int n) -> void {
    if (s[static_cast<std::size_t>(n)].left >= 0) self(self, s[static_cast<std::size_t>(n)].left);
    s[static_cast<std::size_t>(n)].id = next;
    next += stride;
    if (s[static_cast<std::size_t>(n)].right >= 0) self(self, s[static_cast<std::size_t>(n)].right);
  };
  number(number, 0);
  BinaryTree tree;
  for (const auto& n : s) {
    BinaryTree::Info info;
    info.parent = n.parent >= 0 ? s[static_cast<std::size_t>(n.parent)].id : -1;
    info.left = n.left >= 0 ? s[static_cast<std::size_t>(n.left)].id : -1;
    info.right = n.right >= 0 ? s[static_cast<std::size_t>(n.right)].id : -1;
    info.role = n.parent < 0 ? TreeRole::root
                             : (n.left < 0 && n.right < 0 ? TreeRole::leaf : TreeRole::intermediate);
    tree.nodes[n.id] = info;
  }
  return tree;
}

struct DbtTopo {
  std::shared_ptr<const BinaryTree> max_tree;  // used by even-numbered requests
  std::shared_ptr<const BinaryTree> min_tree;
  int counter = 0;
  int nodes = 0;
};

struct DimTopo {
  bool is_tree = false;
  RingTopo ring;
  std::shared_ptr<DbtTopo> dbt;  // per NPU and collective type (its counter alternates trees)
  int nodes() const { return is_tree ? dbt->nodes : ring.nodes; }
};

struct LogicalTopology {
  std::vector<DimTopo> dims;
  std::vector<CollectiveImpl> impls;  // per logical dimension
};

// ---------------------------------------------------------------------------------------------
// Simulation objects

struct Simulator;
struct Npu;
struct Stream;

struct Algorithm {
  virtual ~Algorithm() = default;
  virtual void run(AlgoEvent event) = 0;
  Stream* stream = nullptr;
  CommType type = CommType::all_reduce;
  std::uint64_t data_size = 0;
  std::uint64_t final_size = 0;
};

struct Phase {
  int queue_id = -1;
  std::shared_ptr<Algorithm> algorithm;
};

struct DataSet {
  int total_streams = 0;
  int finished_streams = 0;
  Tick creation = 0;
  bool active = true;
  std::size_t node = 0;  // workload node index
};

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

struct Handler {
  enum class Kind : std::uint8_t { none, stream_recv, workload_send, workload_recv };
  Kind kind = Kind::none;
  Stream* stream = nullptr;
  Npu* npu = nullptr;
  std::size_t node = 0;
};

struct Bundle {
  Stream* stream = nullptr;
  bool needs_processing = false;
  std::uint64_t size = 0;
};

struct SysEvent {
  enum class Kind : std::uint8_t { workload_node, workload_issue, bundle, dataset };
  Kind kind = Kind::workload_node;
  void* ptr = nullptr;
  std::size_t node = 0;
};

struct GraphIndex {
  std::unordered_map<std::uint64_t, std::size_t> by_id;
  std::vector<std::vector<std::size_t>> children;
  std::vector<int> parents;
};

struct Npu {
  int id = 0;
  const NpuGraph* graph = nullptr;
  const GraphIndex* index = nullptr;
  // workload
  std::vector<int> pending;
  std::set<std::uint64_t> free_ids;
  std::size_t ongoing = 0;
  int inflight_cpu = 0, inflight_comp = 0, inflight_comm = 0;
  Tick tics_gpu = 0;
  std::vector<Tick> start, end;
  std::vector<char> started, ended;
  bool finished = false;
  Tick finish = 0;
  // system layer
  // Pending per-NPU event lists, one per tick (few at a time), and emptied lists kept for reuse.
  std::vector<std::pair<Tick, std::vector<SysEvent>>> events;
  std::vector<std::vector<SysEvent>> spare_lists;

  std::vector<SysEvent>* events_at(Tick t) {
    for (auto& [tick, list] : events) {
      if (tick == t) return &list;
    }
    return nullptr;
  }
  std::vector<std::list<Stream*>> active;
  std::vector<int> running;
  int priority_counter = 0;
  int num_streams = 0;
  std::map<int, int> group_streams;
  std::vector<LogicalTopology> topologies;  // by CommType slot
  std::map<std::pair<int, int>, LogicalTopology> group_plans;
  std::vector<std::unique_ptr<Stream>> streams;
  std::vector<std::unique_ptr<DataSet>> datasets;
  // Algorithms of finished phases: proceed() runs inside the algorithm that finished.
  std::vector<std::shared_ptr<Algorithm>> retired;
};

struct MsgKey {
  int tag, src, dst;
  std::uint64_t count;
  int chunk;
  bool operator==(const MsgKey&) const = default;
};
struct MsgKeyHash {
  static std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
  }
  std::size_t operator()(const MsgKey& k) const {
    std::uint64_t h = mix(static_cast<std::uint64_t>(static_cast<std::uint32_t>(k.tag)));
    h = mix(h ^ (static_cast<std::uint64_t>(static_cast<std::uint32_t>(k.src)) << 32 |
                 static_cast<std::uint32_t>(k.dst)));
    h = mix(h ^ k.count);
    h = mix(h ^ static_cast<std::uint64_t>(static_cast<std::uint32_t>(k.chunk)));
    return static_cast<std::size_t>(h);
  }
};
struct TrackerEntry {
  bool has_send = false, has_recv = false, finished = false;
  Handler send, recv;
};
// All messages with one (tag, source, destination, size): the n-th send matches the n-th receive.
struct Channel {
  int send = -1, recv = -1;                         // sequence numbers handed out so far
  std::vector<std::pair<int, TrackerEntry>> open;   // messages in flight or waiting, by sequence number

  TrackerEntry* find(int chunk) {
    for (auto& [c, e] : open) {
      if (c == chunk) return &e;
    }
    return nullptr;
  }
  void erase(int chunk) {
    for (std::size_t i = 0; i < open.size(); ++i) {
      if (open[i].first == chunk) {
        open[i] = open.back();
        open.pop_back();
        return;
      }
    }
  }
};

// Congestion-aware network pieces.
struct Chunk;
struct Link {
  double latency_ns = 0;
  double bw_bpns = 0;
  bool busy = false;
  std::list<Chunk*> pending;
};
struct Chunk {
  std::uint64_t size = 0;
  std::vector<Link*> hops;  // links still to cross, in order
  std::size_t next = 0;
  Channel* channel = nullptr;  // the message's matching channel
  int chunk = 0;               // its sequence number there
};

struct Event {
  enum class Kind : std::uint8_t { call_events, arrival, recv_now, chunk_hop, link_free };
  Tick time = 0;
  std::uint64_t seq = 0;
  Kind kind = Kind::call_events;
  void* ptr = nullptr;
  MsgKey key{};
  Handler handler;
  bool operator>(const Event& o) const { return time != o.time ? time > o.time : seq > o.seq; }
};

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

bool is_power_of_two(int n) { return n > 0 && (n & (n - 1)) == 0; }

// ---------------------------------------------------------------------------------------------

struct Simulator {
  const SimulationInput& in;
  std::vector<int> dims;  // NPUs per network dimension
  int total = 0;
  bool mirror = false;    // one NPU simulated, peers mirrored
  int endpoint_delay = 10;
  double local_mem_bw = 0;  // B/s
  std::vector<std::unique_ptr<Npu>> npus;
  std::unordered_map<const NpuGraph*, std::unique_ptr<GraphIndex>> graph_index;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> queue;
  std::uint64_t seq = 0;
  Tick now = 0;
  std::uint64_t processed = 0;
  std::unordered_map<MsgKey, Channel, MsgKeyHash> channels;  // key chunk is always 0; nodes never move
  std::map<std::tuple<int, int, int, int>, std::unique_ptr<Link>> links;  // (dim, line, from, to)
  std::vector<std::string> warnings;
  std::array<bool, 4> used{};  // collective types the workload runs, by slot

  void warn_once(const std::string& message) {
    if (std::find(warnings.begin(), warnings.end(), message) == warnings.end()) warnings.push_back(message);
  }

  Simulator(const SimulationInput& input, const SimulationLimits& bounds) : in(input), limits(bounds) {}
  SimulationLimits limits;

  // ---------------- helpers
  [[noreturn]] void input_error(const std::string& message, const std::string& hint = {}) {
    throw InputError(std::filesystem::path("system configuration"), 0, 0, message, hint);
  }

  std::vector<int> address(int id) const {
    std::vector<int> a(dims.size());
    for (std::size_t d = 0; d < dims.size(); ++d) {
      a[d] = id % dims[d];
      id /= dims[d];
    }
    return a;
  }
  int from_address(const std::vector<int>& a) const {
    int id = 0;
    for (std::size_t d = dims.size(); d-- > 0;) id = id * dims[d] + a[d];
    return id;
  }
  // The NPU whose message to NPU 0 mirrors NPU 0's message to `dst` (negated address).
  int mirror_of(int dst) const {
    int id = 0;
    int stride = 1;
    for (int n : dims) {
      const int a = dst % n;
      dst /= n;
      id += ((n - a) % n) * stride;
      stride *= n;
    }
    return id;
  }

  Npu* npu(int id) { return mirror ? npus[0].get() : npus[static_cast<std::size_t>(id)].get(); }

  void push(Event e) {
    e.seq = seq++;
    queue.push(e);
  }

  // ---------------- per-NPU event lists (Sys::try_register_event / call_events)
  void register_event(Npu* n, Tick delay, SysEvent e) {
    const Tick at = now + delay;
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
    push(ev);
  }

  void call_events(Npu* n) {
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

  void dispatch(Npu* n, const SysEvent& e) {
    switch (e.kind) {
      case SysEvent::Kind::workload_node: workload_node_done(n, e.node); break;
      case SysEvent::Kind::workload_issue: issue_dep_free_nodes(n); break;
      case SysEvent::Kind::bundle: bundle_call(static_cast<Bundle*>(e.ptr)); break;
      case SysEvent::Kind::dataset: dataset_stream_finished(n, static_cast<DataSet*>(e.ptr)); break;
    }
  }

  // ---------------- MemBus / PacketBundle
  void send_bundle(Stream* s, bool processing, std::uint64_t size, bool fast) {
    auto* b = new Bundle{s, processing, size};
    register_event(s->npu, static_cast<Tick>(fast ? k_fast_delay : endpoint_delay),
                   SysEvent{SysEvent::Kind::bundle, b, 0});
  }

  void bundle_call(Bundle* b) {
    if (b->needs_processing) {
      b->needs_processing = false;
      const double size = static_cast<double>(b->size);
      const Tick one = static_cast<Tick>(size / local_mem_bw * 1e9);
      register_event(b->stream->npu, one + one + one, SysEvent{SysEvent::Kind::bundle, b, 0});
      return;
    }
    Stream* s = b->stream;
    delete b;
    s->current.algorithm->run(AlgoEvent::general);
  }

  // ---------------- network front end
  // First dimension in which two NPU addresses differ, with both coordinates there.
  void first_difference(int src, int dst, std::size_t& dim, int& a, int& b) const {
    for (std::size_t d = 0; d < dims.size(); ++d) {
      a = src % dims[d];
      b = dst % dims[d];
      if (a != b) {
        dim = d;
        return;
      }
      src /= dims[d];
      dst /= dims[d];
    }
    throw std::logic_error("message from an NPU to itself");
  }

  Tick unaware_delay(int src, int dst, std::uint64_t count) const {
    std::size_t d = 0;
    int a = 0, b = 0;
    first_difference(src, dst, d, a, b);
    const NetworkDim& nd = in.network.dims[d];
    int hops = 1;
    if (nd.topology == Topology::switch_) {
      hops = 2;
    } else if (nd.topology == Topology::ring) {
      int cw = b - a;
      if (cw < 0) cw += nd.npus;
      hops = std::min(cw, nd.npus - cw);
    }
    const double bw = nd.bandwidth_gbps * static_cast<double>(1 << 30) / 1'000'000'000;
    const double delay = hops * nd.latency_ns + static_cast<double>(count) / bw;
    return static_cast<Tick>(delay);
  }

  Link* link(int dim, int line, int from, int to) {
    auto& slot = links[{dim, line, from, to}];
    if (!slot) {
      slot = std::make_unique<Link>();
      const NetworkDim& nd = in.network.dims[static_cast<std::size_t>(dim)];
      slot->latency_ns = nd.latency_ns;
      slot->bw_bpns = nd.bandwidth_gbps * static_cast<double>(1 << 30) / 1'000'000'000;
    }
    return slot.get();
  }

  // Route of the congestion-aware network: the first dimension in which the addresses differ,
  // through that dimension's building block among the NPUs sharing the other coordinates.
  std::vector<Link*> route(int src, int dst) {
    const auto a = address(src);
    const auto b = address(dst);
    std::size_t d = 0;
    while (d < dims.size() && a[d] == b[d]) ++d;
    auto line_address = a;
    line_address[d] = 0;
    const int line = from_address(line_address);
    const int dim = static_cast<int>(d);
    const NetworkDim& nd = in.network.dims[d];
    std::vector<Link*> hops;
    if (nd.topology == Topology::switch_) {
      hops.push_back(link(dim, line, a[d], nd.npus));
      hops.push_back(link(dim, line, nd.npus, b[d]));
    } else if (nd.topology == Topology::fully_connected) {
      hops.push_back(link(dim, line, a[d], b[d]));
    } else {
      int cw = b[d] - a[d];
      if (cw < 0) cw += nd.npus;
      const int step = (nd.npus - cw) < cw ? -1 : 1;
      int cur = a[d];
      while (cur != b[d]) {
        int next = cur + step;
        if (next < 0) next += nd.npus;
        if (next >= nd.npus) next -= nd.npus;
        hops.push_back(link(dim, line, cur, next));
        cur = next;
      }
    }
    return hops;
  }

  void link_send(Link* l, Chunk* c) {
    if (l->busy) {
      l->pending.push_back(c);
    } else {
      transmit(l, c);
    }
  }

  void transmit(Link* l, Chunk* c) {
    l->busy = true;
    const double size = static_cast<double>(c->size);
    Event arrive;
    arrive.time = now + static_cast<Tick>(l->latency_ns + size / l->bw_bpns);
    arrive.kind = Event::Kind::chunk_hop;
    arrive.ptr = c;
    push(arrive);
    Event free;
    free.time = now + static_cast<Tick>(size / l->bw_bpns);
    free.kind = Event::Kind::link_free;
    free.ptr = l;
    push(free);
  }

  // `exchange`: the message goes to a partner that sends back in the same step (halving-doubling),
  // so in a mirrored run the peer sending to NPU 0 is `dst` itself rather than its negation.
  void sim_send(int src, int dst, int tag, std::uint64_t count, Handler handler, bool exchange = false) {
    int key_src = src;
    int key_dst = dst;
    if (mirror) {
      key_src = exchange ? dst : mirror_of(dst);
      key_dst = 0;
    }
    Channel& channel = channels[MsgKey{tag, key_src, key_dst, count, 0}];
    const int chunk = ++channel.send;
    TrackerEntry* entry = channel.find(chunk);
    if (entry == nullptr) {
      channel.open.emplace_back(chunk, TrackerEntry{});
      entry = &channel.open.back().second;
    }
    entry->has_send = true;
    entry->send = handler;
    if (in.backend == Backend::congestion_unaware) {
      Event e;
      e.time = now + unaware_delay(src, dst, count);
      e.kind = Event::Kind::arrival;
      e.ptr = &channel;
      e.key.chunk = chunk;
      push(e);
    } else {
      auto* c = new Chunk;
      c->size = count;
      c->hops = route(src, dst);
      c->channel = &channel;
      c->chunk = chunk;
      link_send(c->hops[0], c);
    }
  }

  void sim_recv(int dst, int src, int tag, std::uint64_t count, Handler handler) {
    Channel& channel = channels[MsgKey{tag, src, dst, count, 0}];
    const int chunk = ++channel.recv;
    TrackerEntry* entry = channel.find(chunk);
    if (entry != nullptr) {
      if (entry->finished) {
        channel.erase(chunk);
        Event e;
        e.time = now;
        e.kind = Event::Kind::recv_now;
        e.handler = handler;
        push(e);
      } else {
        entry->has_recv = true;
        entry->recv = handler;
      }
    } else {
      channel.open.emplace_back(chunk, TrackerEntry{});
      channel.open.back().second.has_recv = true;
      channel.open.back().second.recv = handler;
    }
  }

  void chunk_arrival(Channel* channel, int chunk) {
    TrackerEntry* entry = channel->find(chunk);
    if (entry == nullptr) throw std::logic_error("message arrived without a tracker entry");
    if (entry->has_send && entry->has_recv) {
      const Handler s = entry->send;
      const Handler r = entry->recv;
      channel->erase(chunk);
      invoke(s);
      invoke(r);
    } else {
      const Handler s = entry->send;
      entry->finished = true;
      invoke(s);
    }
  }

  void invoke(const Handler& h) {
    switch (h.kind) {
      case Handler::Kind::none: break;
      case Handler::Kind::stream_recv: h.stream->current.algorithm->run(AlgoEvent::packet_received); break;
      case Handler::Kind::workload_send:
      case Handler::Kind::workload_recv: workload_node_done(h.npu, h.node); break;
    }
  }

  // Algorithm-side helpers.
  static int collective_tag(int stream_id) { return stream_id % k_tag_range + k_collective_tag_offset; }

  void coll_send(Stream* s, int dst, std::uint64_t size, bool exchange = false) {
    sim_send(s->npu->id, dst, collective_tag(s->stream_id), size, Handler{}, exchange);
  }
  void coll_recv(Stream* s, int src, std::uint64_t size) {
    Handler h;
    h.kind = Handler::Kind::stream_recv;
    h.stream = s;
    sim_recv(s->npu->id, src, collective_tag(s->stream_id), size, h);
  }

  // ---------------- streams and queues (Sys::proceed_to_next_vnet_baseline and the scheduler)
  int queue_threshold() const {
    return static_cast<int>(std::ceil(static_cast<double>(in.system.active_chunks_per_dimension) / 1.0));
  }

  void insert_stream(std::list<Stream*>& q, Stream* s) {
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

  void init_stream(Stream* s) {
    s->initialized = true;
    s->current.algorithm->run(AlgoEvent::stream_init);
  }

  void start_waiting(Npu* n, int q) {
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

  void proceed(Stream* s) {
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

  void stream_removed(Npu* n, int q) {
    --n->running[static_cast<std::size_t>(q)];
    start_waiting(n, q);
  }

  void dataset_stream_finished(Npu* n, DataSet* d) {
    ++d->finished_streams;
    if (d->finished_streams == d->total_streams) collective_finished(n, d);
  }

  // ---------------- logical topologies (GeneralComplexTopology)
  LogicalTopology make_topology(int id, const std::vector<CollectiveImpl>& impls) {
    LogicalTopology t;
    int offset = 1;
    for (std::size_t d = 0; d < impls.size(); ++d) {
      const int n = dims[d];
      const ImplKind k = impls[d].kind;
      DimTopo dt;
      if (k == ImplKind::ring || k == ImplKind::direct || k == ImplKind::halving_doubling) {
        dt.ring.nodes = n;
        dt.ring.offset = offset;
        dt.ring.index_in_ring = (id % (offset * n)) / offset;
        dt.ring.base = id - dt.ring.index_in_ring * offset;
        t.dims.push_back(dt);
        t.impls.push_back(impls[d]);
      } else if (k == ImplKind::one_ring || k == ImplKind::one_direct || k == ImplKind::one_halving_doubling) {
        dt.ring.nodes = total;
        dt.ring.offset = 1;
        dt.ring.index_in_ring = id % total;
        dt.ring.base = 0;
        t.dims.push_back(dt);
        t.impls.push_back(impls[d]);
        return t;
      } else {
        dt.is_tree = true;
        dt.dbt = std::make_shared<DbtTopo>();
        const int start = d + 1 == impls.size() ? id % offset : (id - id % (offset * n)) + id % offset;
        dt.dbt->max_tree = tree(n, start, offset, true);
        dt.dbt->min_tree = tree(n, start, offset, false);
        dt.dbt->nodes = n;
        t.dims.push_back(dt);
        t.impls.push_back(impls[d]);
      }
      offset *= n;
    }
    return t;
  }

  // Trees are the same for every NPU of one dimension group: built once.
  std::map<std::tuple<int, int, int, bool>, std::shared_ptr<const BinaryTree>> trees;
  std::shared_ptr<const BinaryTree> tree(int n, int start, int stride, bool root_max) {
    auto& slot = trees[{n, start, stride, root_max}];
    if (!slot) slot = std::make_shared<const BinaryTree>(build_tree(n, start, stride, root_max));
    return slot;
  }

  // ---------------- collectives (Sys::generate_collective)
  std::unique_ptr<Algorithm> make_algorithm(Npu* n, CommType type, DimTopo& topo, std::uint64_t size,
                                            Direction dir, const CollectiveImpl& impl);

  void generate_collective(Npu* n, std::size_t node_index, const WorkloadNode& node) {
    LogicalTopology* topo = &n->topologies[static_cast<std::size_t>(slot_of(node.comm_type))];
    std::vector<bool> involved = node.involved_dim;
    if (involved.empty()) {
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
      } else {
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
    ds->creation = now;
    ds->node = node_index;
    const SchedulingPolicy policy = in.system.scheduling_policy;
    const int priority = policy == SchedulingPolicy::lifo   ? n->priority_counter++
                         : policy == SchedulingPolicy::fifo ? n->priority_counter--
                                                            : static_cast<int>(node.comm_priority);
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
      auto add = [&](int dim, CommType t, Direction dir) {
        const int m = mapper[static_cast<std::size_t>(dim)];
        Phase p;
        p.queue_id = m;
        p.algorithm = make_algorithm(n, t, topo->dims[static_cast<std::size_t>(m)], remain, dir,
                                     topo->impls[static_cast<std::size_t>(m)]);
        remain = p.algorithm->final_size;
        phases.push_back(p);
      };
      if (node.comm_type != CommType::all_reduce ||
          in.system.collective_optimization == CollectiveOptimization::baseline) {
        for (int d = 0; d < ndims; ++d) {
          if (usable(d)) add(d, node.comm_type, Direction::clockwise);
        }
      } else {
        int last_active = 0;
        for (int d = 0; d < ndims; ++d) {
          if (usable(d)) last_active = d;
        }
        int d = 0;
        for (; d < last_active; ++d) {
          if (usable(d)) add(d, CommType::reduce_scatter, Direction::clockwise);
        }
        while (d > 0 && !usable(d)) --d;
        if (usable(d)) add(d, CommType::all_reduce, Direction::clockwise);
        --d;
        for (; d >= 0; --d) {
          if (usable(d)) add(d, CommType::all_gather, Direction::anticlockwise);
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

  // ---------------- workload layer (Workload.cc, HardwareResource.cc)
  bool available(const Npu* n, const WorkloadNode& node) const {
    if (node.is_cpu_op) return n->inflight_cpu == 0;
    if (node.type == NodeType::comp) return n->inflight_comp == 0;
    if (n->inflight_comm == 0) return true;
    return node.type == NodeType::recv;
  }
  void occupy(Npu* n, const WorkloadNode& node) {
    if (node.is_cpu_op) {
      ++n->inflight_cpu;
    } else if (node.type == NodeType::comp) {
      ++n->inflight_comp;
    } else if (node.type != NodeType::recv) {
      ++n->inflight_comm;
    }
  }
  void release(Npu* n, const WorkloadNode& node) {
    if (node.is_cpu_op) {
      --n->inflight_cpu;
    } else if (node.type == NodeType::comp) {
      --n->inflight_comp;
    } else if (node.type != NodeType::recv) {
      --n->inflight_comm;
    }
  }

  void finish_node(Npu* n, std::size_t i) {
    --n->ongoing;
    for (auto c : n->index->children[i]) {
      if (--n->pending[c] == 0) n->free_ids.insert(n->graph->nodes[c].id);
    }
  }

  void issue_dep_free_nodes(Npu* n) {
    const std::vector<std::uint64_t> ids(n->free_ids.begin(), n->free_ids.end());
    for (auto id : ids) {
      const std::size_t i = n->index->by_id.at(id);
      if (available(n, n->graph->nodes[i])) issue(n, i);
    }
  }

  void replay(Npu* n, std::size_t i) {
    const WorkloadNode& node = n->graph->nodes[i];
    const Tick runtime = node.duration_micros != 0 ? node.duration_micros * 1000 : 1;
    if (!node.is_cpu_op) n->tics_gpu += runtime;
    register_event(n, runtime, SysEvent{SysEvent::Kind::workload_node, nullptr, i});
  }

  void skip_invalid(Npu* n, std::size_t i) {
    finish_node(n, i);
    release(n, n->graph->nodes[i]);
    n->end[i] = now;
    n->ended[i] = 1;
  }

  void issue(Npu* n, std::size_t i) {
    const WorkloadNode& node = n->graph->nodes[i];
    n->free_ids.erase(node.id);
    ++n->ongoing;
    occupy(n, node);
    n->start[i] = now;
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
        const int dst = static_cast<int>(node.comm_dst);
        Handler h;
        h.kind = Handler::Kind::workload_send;
        h.npu = n;
        h.node = i;
        sim_send(n->id, dst, static_cast<int>(node.comm_tag % k_tag_range), node.comm_size, h);
        return;
      }
      case NodeType::recv: {
        Handler h;
        h.kind = Handler::Kind::workload_recv;
        h.npu = n;
        h.node = i;
        sim_recv(n->id, static_cast<int>(node.comm_src), static_cast<int>(node.comm_tag % k_tag_range),
                 node.comm_size, h);
        return;
      }
      case NodeType::invalid:
      case NodeType::metadata: skip_invalid(n, i); return;
      case NodeType::mem_load:
      case NodeType::mem_store: break;
    }
    throw std::logic_error("memory node reached the simulator");
  }

  void roofline(Npu* n, std::size_t i) {
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

  void issue_collective(Npu* n, std::size_t i) {
    const WorkloadNode& node = n->graph->nodes[i];
    if (node.comm_type == CommType::broadcast) {
      const Tick runtime = node.duration_micros != 0 ? node.duration_micros * 1000 : 1;
      n->datasets.push_back(std::make_unique<DataSet>());
      DataSet* ds = n->datasets.back().get();
      ds->total_streams = 1;
      ds->creation = now;
      ds->node = i;
      register_event(n, runtime, SysEvent{SysEvent::Kind::dataset, ds, i});
      return;
    }
    generate_collective(n, i, node);
  }

  void collective_finished(Npu* n, DataSet* d) {
    if (n->finished) return;
    const std::size_t i = d->node;
    release(n, n->graph->nodes[i]);
    n->end[i] = now;
    n->ended[i] = 1;
    finish_node(n, i);
    issue_dep_free_nodes(n);
    check_finished(n);
  }

  void workload_node_done(Npu* n, std::size_t i) {
    if (n->finished) return;
    release(n, n->graph->nodes[i]);
    n->end[i] = now;
    n->ended[i] = 1;
    finish_node(n, i);
    issue_dep_free_nodes(n);
    check_finished(n);
  }

  void check_finished(Npu* n) {
    if (n->free_ids.empty() && n->ongoing == 0 && n->inflight_cpu == 0 && n->inflight_comp == 0 &&
        n->inflight_comm == 0) {
      n->finished = true;
      n->finish = now;
    }
  }

  // ---------------- setup, run, results
  void validate_impls(const std::vector<CollectiveImpl>& impls, int slot, bool in_use) {
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

  // Two graphs are the same up to a constant shift of node ids (Chakra's text converter numbers
  // the nodes of consecutive NPUs' files on from each other); issue order depends only on the
  // relative order of ids, so such graphs behave identically.
  static bool same_up_to_id_shift(const NpuGraph& a, const NpuGraph& b) {
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

  bool symmetric_ok() const {
    if (in.backend != Backend::congestion_unaware) return false;
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

  SimulationResult run(SymmetryUse symmetry) {
    dims = in.network.npus_per_dim();
    total = in.network.total_npus();
    if (static_cast<int>(in.workload.graphs.size()) != total) {
      throw InputError(std::filesystem::path("workload"), 0, 0,
                       "the workload has " + std::to_string(in.workload.graphs.size()) +
                           " NPU graphs but the network has " + std::to_string(total) + " NPUs");
    }
    endpoint_delay = static_cast<int>(in.system.endpoint_delay_ns * in.injection_scale);
    local_mem_bw = in.system.local_mem_bw_gbps * 1000000000;
    for (const auto& g : in.workload.graphs) {
      for (const auto& node : g->nodes) {
        if (node.type == NodeType::coll && node.comm_type != CommType::broadcast) used[static_cast<std::size_t>(slot_of(node.comm_type))] = true;
        if (node.type == NodeType::mem_load || node.type == NodeType::mem_store) {
          throw InputError(std::filesystem::path("workload"), 0, 0,
                           "node " + std::to_string(node.id) + " (\"" + node.name +
                               "\") is a remote-memory node; remote memory is unsupported");
        }
        if (node.type == NodeType::send || node.type == NodeType::recv) {
          const std::int64_t peer = node.type == NodeType::send ? node.comm_dst : node.comm_src;
          if (peer < 0 || peer >= total) {
            throw InputError(std::filesystem::path("workload"), 0, 0,
                             "node " + std::to_string(node.id) + " (\"" + node.name + "\") names NPU " +
                                 std::to_string(peer) + ", outside the network's " + std::to_string(total) + " NPUs");
          }
        }
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
    const int simulated = mirror ? 1 : total;
    if (simulated > limits.max_simulated_npus) {
      throw SimulationLimitExceeded("simulating each of the " + std::to_string(total) +
                                    " NPUs one by one is beyond the native model's limit of " +
                                    std::to_string(limits.max_simulated_npus) +
                                    " (a symmetric run simulates one NPU for all)");
    }
    channels.reserve(static_cast<std::size_t>(simulated) * 64);
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
      n->active.resize(dims.size());
      n->running.assign(dims.size(), 0);
      n->topologies.push_back(used[0] ? make_topology(id, in.system.all_reduce) : LogicalTopology{});
      n->topologies.push_back(used[1] ? make_topology(id, in.system.reduce_scatter) : LogicalTopology{});
      n->topologies.push_back(used[2] ? make_topology(id, in.system.all_gather) : LogicalTopology{});
      n->topologies.push_back(used[3] ? make_topology(id, in.system.all_to_all) : LogicalTopology{});
      npus.push_back(std::move(n));
    }
    for (auto& n : npus) {
      issue_dep_free_nodes(n.get());
      check_finished(n.get());
    }
    while (!queue.empty()) {
      const Event e = queue.top();
      queue.pop();
      now = e.time;
      if (++processed > limits.max_events) {
        release_in_flight(e);
        throw SimulationLimitExceeded("the simulation needs more than " + std::to_string(limits.max_events) +
                                      " events (stopped at " + std::to_string(now) + " ns of simulated time)");
      }
      switch (e.kind) {
        case Event::Kind::call_events: call_events(static_cast<Npu*>(e.ptr)); break;
        case Event::Kind::arrival: chunk_arrival(static_cast<Channel*>(e.ptr), e.key.chunk); break;
        case Event::Kind::recv_now: invoke(e.handler); break;
        case Event::Kind::chunk_hop: {
          auto* c = static_cast<Chunk*>(e.ptr);
          ++c->next;
          if (c->next == c->hops.size()) {
            Channel* channel = c->channel;
            const int chunk = c->chunk;
            delete c;
            chunk_arrival(channel, chunk);
          } else {
            link_send(c->hops[c->next], c);
          }
          break;
        }
        case Event::Kind::link_free: {
          auto* l = static_cast<Link*>(e.ptr);
          l->busy = false;
          if (!l->pending.empty()) {
            Chunk* c = l->pending.front();
            l->pending.pop_front();
            transmit(l, c);
          }
          break;
        }
      }
    }
    return results();
  }

  // Frees what in-flight messages own when a run is abandoned: chunks queued on links or in
  // events (including the one just taken off the queue) and bundles waiting in NPU event lists.
  void release_in_flight(const Event& taken) {
    auto drop = [](const Event& e) {
      if (e.kind == Event::Kind::chunk_hop) delete static_cast<Chunk*>(e.ptr);
    };
    drop(taken);
    while (!queue.empty()) {
      drop(queue.top());
      queue.pop();
    }
    for (auto& [key, l] : links) {
      for (Chunk* c : l->pending) delete c;
      l->pending.clear();
    }
    for (auto& n : npus) {
      for (auto& [tick, list] : n->events) {
        for (const auto& se : list) {
          if (se.kind == SysEvent::Kind::bundle) delete static_cast<Bundle*>(se.ptr);
        }
        list.clear();
      }
    }
  }

  SimulationResult results() {
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
        if (node.type == NodeType::coll) {
          r.collectives.push_back(CollectiveTiming{n->id, node.id, node.name, node.comm_type, node.comm_size,
                                                   n->start[i], n->end[i]});
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
};

// ---------------------------------------------------------------------------------------------
// Collective algorithms

// ASTRA-sim's Ring (and, with `direct`, its AllToAll variant): one packet per step; a packet is
// injected at stream start and on every receive; each injected packet waits the endpoint delay
// (plus the local reduction when it carries data to reduce) before it is sent.
struct RingAlgorithm : Algorithm {
  Simulator* sim = nullptr;
  const RingTopo* topo = nullptr;
  Direction direction = Direction::clockwise;
  bool direct = false;
  int id = 0;
  int nodes = 0;
  int receiver = 0, sender = 0;
  int parallel_reduce = 1;
  int stream_count = 0;
  int max_count = 0;
  int middle_point = 0;
  std::uint64_t msg_size = 0;
  bool fast = false;
  int received = 0;
  int free_packets = 0;
  int zero_latency = 0, non_zero_latency = 0;
  bool toggle = false;
  bool processed = false;
  bool npu_to_ma = false;
  int per_message = 1, per_max_count = 1;
  std::list<std::pair<int, int>> packets;  // (source, destination)

  int non_zero_packets() const {
    if (direct) return topo->local ? (nodes - 1) * parallel_reduce : parallel_reduce;
    return (nodes - 1) * parallel_reduce;
  }

  void run(AlgoEvent event) override {
    if (event == AlgoEvent::general) {
      ++free_packets;
      if (direct && type == CommType::all_reduce && stream_count <= middle_point) {
        if (received < middle_point) return;
        for (int i = 0; i < parallel_reduce; ++i) ready();
        iteratable();
      } else {
        ready();
        iteratable();
      }
    } else if (event == AlgoEvent::packet_received) {
      ++received;
      insert_packet();
    } else {
      for (int i = 0; i < parallel_reduce; ++i) insert_packet();
    }
  }

  void insert_packet() {
    if (zero_latency == 0 && non_zero_latency == 0) {
      zero_latency = parallel_reduce;
      non_zero_latency = non_zero_packets();
      toggle = !toggle;
    }
    if (zero_latency > 0) {
      packets.emplace_back(sender, receiver);
      processed = false;
      npu_to_ma = true;
      process_max_count();
      --zero_latency;
      return;
    }
    if (non_zero_latency > 0) {
      packets.emplace_back(sender, receiver);
      processed = type == CommType::reduce_scatter || (type == CommType::all_reduce && toggle);
      npu_to_ma = false;
      process_max_count();
      --non_zero_latency;
      return;
    }
    throw std::logic_error("ring algorithm injected nothing");
  }

  void process_max_count() {
    if (per_max_count > 0) --per_max_count;
    if (per_max_count == 0) {
      --max_count;
      sim->send_bundle(stream, processed, msg_size, fast);
      per_max_count = 1;
      if (direct) {
        receiver = topo->receiver(receiver, direction);
        if (receiver == id) receiver = topo->receiver(receiver, direction);
        sender = topo->sender(sender, direction);
        if (sender == id) sender = topo->sender(sender, direction);
      }
    }
  }

  bool ready() {
    if (packets.empty() || stream_count == 0 || free_packets == 0) return false;
    const auto [src, dst] = packets.front();
    sim->coll_send(stream, dst, msg_size);
    sim->coll_recv(stream, src, msg_size);
    if (per_message > 0) --per_message;
    if (per_message == 0 && stream_count > 0) {
      --stream_count;
      if (stream_count > 0) per_message = 1;
    }
    packets.pop_front();
    --free_packets;
    return true;
  }

  void iteratable() {
    if (stream_count == 0 && free_packets == parallel_reduce) {
      packets.clear();
      sim->proceed(stream);
    }
  }
};

// ASTRA-sim's HalvingDoubling: log2(n) exchange steps whose distance doubles (halves for
// all-gather), direction set by the NPU's index, message size halved (doubled) each step.
struct HalvingDoublingAlgorithm : Algorithm {
  Simulator* sim = nullptr;
  const RingTopo* topo = nullptr;
  int id = 0;
  int nodes = 0;
  int receiver = 0, sender = 0;
  int stream_count = 0;
  int max_count = 0;
  std::uint64_t msg_size = 0;
  int rank_offset = 1;
  double offset_multiplier = 2;
  bool fast = false;
  int free_packets = 0;
  int zero_latency = 0, non_zero_latency = 0;
  bool toggle = false;
  bool processed = false;
  int per_message = 1, per_max_count = 1;
  struct Packet {
    int src, dst;
    std::uint64_t size;
  };
  std::list<Packet> packets;

  Direction direction() const {
    if (rank_offset == 0) return Direction::clockwise;
    return (topo->index_in_ring / rank_offset) % 2 == 0 ? Direction::clockwise : Direction::anticlockwise;
  }

  void aim() {
    receiver = id;
    const Direction d = direction();
    for (int i = 0; i < rank_offset; ++i) {
      receiver = topo->receiver(receiver, d);
      sender = receiver;
    }
  }

  void run(AlgoEvent event) override {
    if (event == AlgoEvent::general) {
      ++free_packets;
      ready();
      iteratable();
    } else if (event == AlgoEvent::packet_received) {
      insert_packet();
    } else {
      insert_packet();
    }
  }

  void insert_packet() {
    if (zero_latency == 0 && non_zero_latency == 0) {
      zero_latency = 1;
      non_zero_latency = static_cast<int>(std::log2(nodes)) - 1;
      toggle = !toggle;
    }
    if (zero_latency > 0) {
      packets.push_back(Packet{sender, receiver, msg_size});
      processed = false;
      process_max_count();
      --zero_latency;
      return;
    }
    if (non_zero_latency > 0) {
      packets.push_back(Packet{sender, receiver, msg_size});
      processed = type == CommType::reduce_scatter || (type == CommType::all_reduce && toggle);
      process_max_count();
      --non_zero_latency;
      return;
    }
    throw std::logic_error("halving-doubling algorithm injected nothing");
  }

  void process_max_count() {
    if (per_max_count > 0) --per_max_count;
    if (per_max_count == 0) {
      --max_count;
      sim->send_bundle(stream, processed, msg_size, fast);
      per_max_count = 1;
      rank_offset = static_cast<int>(rank_offset * offset_multiplier);
      msg_size = static_cast<std::uint64_t>(static_cast<double>(msg_size) / offset_multiplier);
      if (rank_offset == nodes && type == CommType::all_reduce) {
        offset_multiplier = 0.5;
        rank_offset = static_cast<int>(rank_offset * offset_multiplier);
        msg_size = static_cast<std::uint64_t>(static_cast<double>(msg_size) / offset_multiplier);
      }
      aim();
    }
  }

  void ready() {
    if (packets.empty() || stream_count == 0 || free_packets == 0) return;
    const Packet p = packets.front();
    sim->coll_send(stream, p.dst, p.size, true);
    sim->coll_recv(stream, p.src, p.size);
    if (per_message > 0) --per_message;
    if (per_message == 0 && stream_count > 0) {
      --stream_count;
      if (stream_count > 0) per_message = 1;
    }
    packets.pop_front();
    --free_packets;
  }

  void iteratable() {
    if (stream_count == 0 && free_packets == 1) {
      packets.clear();
      sim->proceed(stream);
    }
  }
};

// ASTRA-sim's DoubleBinaryTreeAllReduce: reduce up the tree (leaves send, inner nodes reduce two
// children's data), then broadcast down; one state machine per NPU and chunk.
struct DoubleBinaryTreeAlgorithm : Algorithm {
  enum class State {
    begin, sending_to_parent, waiting_from_parent, end, waiting_two_children, waiting_one_child, sending_to_children
  };
  Simulator* sim = nullptr;
  std::shared_ptr<const BinaryTree> tree;
  int id = 0;
  int parent = -1, left = -1, right = -1;
  TreeRole role = TreeRole::leaf;
  State state = State::begin;
  int reductions = 0;

  void bundle(bool processing) { sim->send_bundle(stream, processing, data_size, false); }

  void run(AlgoEvent event) override {
    const bool received = event == AlgoEvent::packet_received;
    const bool general = event == AlgoEvent::general;
    if (role == TreeRole::leaf) {
      if (state == State::begin) {
        bundle(false);
        state = State::sending_to_parent;
      } else if (state == State::sending_to_parent) {
        sim->coll_send(stream, parent, data_size);
        sim->coll_recv(stream, parent, data_size);
        state = State::waiting_from_parent;
      } else if (state == State::waiting_from_parent) {
        bundle(false);
        state = State::end;
      } else if (state == State::end) {
        sim->proceed(stream);
      }
      return;
    }
    if (role == TreeRole::intermediate) {
      if (state == State::begin) {
        state = State::waiting_two_children;
        sim->coll_recv(stream, left, data_size);
        sim->coll_recv(stream, right, data_size);
      } else if (state == State::waiting_two_children && received) {
        bundle(true);
        state = State::waiting_one_child;
      } else if (state == State::waiting_one_child && received) {
        bundle(true);
        state = State::sending_to_parent;
      } else if (reductions < 1 && general) {
        ++reductions;
      } else if (state == State::sending_to_parent) {
        state = State::waiting_from_parent;
        sim->coll_send(stream, parent, data_size);
        sim->coll_recv(stream, parent, data_size);
      } else if (state == State::waiting_from_parent && received) {
        bundle(true);
        state = State::sending_to_children;
      } else if (state == State::sending_to_children) {
        sim->coll_send(stream, left, data_size);
        sim->coll_send(stream, right, data_size);
        sim->proceed(stream);
      }
      return;
    }
    const int only_child = left >= 0 ? left : right;
    if (state == State::begin) {
      state = State::waiting_one_child;
      sim->coll_recv(stream, only_child, data_size);
    } else if (state == State::waiting_one_child) {
      bundle(true);
      state = State::sending_to_children;
    } else if (state == State::sending_to_children) {
      sim->coll_send(stream, only_child, data_size);
      sim->proceed(stream);
    }
  }
};

std::unique_ptr<Algorithm> Simulator::make_algorithm(Npu* n, CommType type, DimTopo& topo, std::uint64_t size,
                                                     Direction dir, const CollectiveImpl& impl) {
  const ImplKind k = impl.kind;
  if (k == ImplKind::double_binary_tree) {
    auto a = std::make_unique<DoubleBinaryTreeAlgorithm>();
    a->sim = this;
    DbtTopo& dbt = *topo.dbt;
    a->tree = dbt.counter % 2 == 0 ? dbt.max_tree : dbt.min_tree;
    ++dbt.counter;
    a->id = n->id;
    const auto& info = a->tree->nodes.at(n->id);
    a->parent = info.parent;
    a->left = info.left;
    a->right = info.right;
    a->role = info.role;
    a->type = CommType::all_reduce;
    a->data_size = size;
    a->final_size = size;
    return a;
  }
  const RingTopo& ring = topo.ring;
  if (k == ImplKind::halving_doubling || k == ImplKind::one_halving_doubling) {
    if (type != CommType::all_reduce && type != CommType::all_gather && type != CommType::reduce_scatter) {
      input_error("halvingDoubling supports all-reduce, all-gather and reduce-scatter only (the real tool exits)");
    }
    auto a = std::make_unique<HalvingDoublingAlgorithm>();
    a->sim = this;
    a->topo = &ring;
    a->type = type;
    a->id = n->id;
    a->nodes = ring.nodes;
    a->fast = ring.local;
    a->data_size = size;
    const int steps = static_cast<int>(std::log2(ring.nodes));
    a->stream_count = type == CommType::all_reduce ? 2 * steps : steps;
    a->max_count = type == CommType::all_gather ? 0 : steps;
    if (type == CommType::all_reduce) {
      a->final_size = size;
      a->msg_size = size / 2;
      a->rank_offset = 1;
      a->offset_multiplier = 2;
    } else if (type == CommType::all_gather) {
      a->final_size = size * static_cast<std::uint64_t>(ring.nodes);
      a->msg_size = size;
      a->rank_offset = ring.nodes / 2;
      a->offset_multiplier = 0.5;
    } else {
      a->final_size = size / static_cast<std::uint64_t>(ring.nodes);
      a->msg_size = size / 2;
      a->rank_offset = 1;
      a->offset_multiplier = 2;
    }
    a->aim();
    return a;
  }
  auto a = std::make_unique<RingAlgorithm>();
  a->sim = this;
  a->topo = &ring;
  a->direction = dir;
  a->type = type;
  a->id = n->id;
  a->nodes = ring.nodes;
  a->receiver = ring.receiver(n->id, dir);
  a->sender = ring.sender(n->id, dir);
  a->fast = ring.local;
  a->data_size = size;
  const int nodes = ring.nodes;
  switch (type) {
    case CommType::all_reduce: a->stream_count = 2 * (nodes - 1); break;
    case CommType::all_to_all: a->stream_count = ((nodes - 1) * nodes) / 2; break;
    default: a->stream_count = nodes - 1; break;
  }
  a->max_count = (type == CommType::all_to_all || type == CommType::all_gather) ? 0 : nodes - 1;
  switch (type) {
    case CommType::all_gather:
      a->final_size = size * static_cast<std::uint64_t>(nodes);
      a->msg_size = size;
      break;
    case CommType::reduce_scatter:
      a->final_size = size / static_cast<std::uint64_t>(nodes);
      a->msg_size = size / static_cast<std::uint64_t>(nodes);
      break;
    default:
      a->final_size = size;
      a->msg_size = size / static_cast<std::uint64_t>(nodes);
      break;
  }
  if (k == ImplKind::direct || k == ImplKind::one_direct) {
    a->direct = true;
    a->middle_point = nodes - 1;
    a->parallel_reduce = impl.window == -1 ? nodes - 1 : std::min(impl.window, nodes - 1);
    if (type == CommType::all_to_all) a->stream_count = nodes - 1;
  }
  return a;
}

}  // namespace

std::string_view backend_name(Backend backend) {
  return backend == Backend::congestion_aware ? "congestion-aware" : "congestion-unaware";
}

SimulationResult simulate(const SimulationInput& input, SymmetryUse symmetry, const SimulationLimits& limits) {
  Simulator sim(input, limits);
  return sim.run(symmetry);
}

}  // namespace claimcheck::astrasim
