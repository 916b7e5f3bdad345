// ASTRA-sim's congestion-aware analytical network: each dimension is built from links (Ring:
// neighbours both ways, FullyConnected: every pair, Switch: every NPU to an extra switch device);
// a message crosses the links of its route one after another, each link serialising messages in
// FIFO order; arrival at the next device is `latency + size/bw` after the message starts on the
// link, and the link is free again after `size/bw`.

#include <list>
#include <map>
#include <tuple>
#include <unordered_map>

#include "adapters/astrasim/sim/network.hpp"

namespace claimcheck::astrasim::sim {
namespace {

struct Chunk;

struct Link {
  double latency_ns = 0;
  double bw_bpns = 0;  // B/ns
  bool busy = false;
  std::list<Chunk*> pending;
};

struct Chunk {
  std::uint64_t size = 0;                    // bytes
  const std::vector<Link*>* hops = nullptr;  // links to cross, in order (a cached route)
  std::size_t next = 0;        // the link it is on
  Channel* channel = nullptr;  // the message's matching channel
  int chunk = 0;               // its sequence number there
};

class CongestionAware final : public NetworkBackend {
 public:
  CongestionAware(const NetworkConfig& config, EventQueue& queue, Network& front)
      : m_config(config), m_dims(config.npus_per_dim()), m_queue(queue), m_front(front) {
    m_total = config.total_npus();
  }
  ~CongestionAware() override {
    for (Chunk* c : m_spare) delete c;
  }
  CongestionAware(const CongestionAware&) = delete;
  CongestionAware& operator=(const CongestionAware&) = delete;

  void send(int src, int dst, std::uint64_t size, Channel* channel, int chunk) override {
    Chunk* c = fresh_chunk();
    c->size = size;
    c->hops = &cached_route(src, dst);
    c->next = 0;
    c->channel = channel;
    c->chunk = chunk;
    link_send((*c->hops)[0], c);
  }

  void handle(const Event& e) override {
    if (e.kind == Event::Kind::chunk_hop) {
      auto* c = static_cast<Chunk*>(e.ptr);
      ++c->next;
      if (c->next == c->hops->size()) {
        Channel* channel = c->channel;
        const int chunk = c->chunk;
        m_spare.push_back(c);
        m_front.arrived(channel, chunk);
      } else {
        link_send((*c->hops)[c->next], c);
      }
    } else if (e.kind == Event::Kind::link_free) {
      auto* l = static_cast<Link*>(e.ptr);
      l->busy = false;
      if (!l->pending.empty()) {
        Chunk* c = l->pending.front();
        l->pending.pop_front();
        transmit(l, c);
      }
    }
  }

  void drop(const Event& e) override {
    if (e.kind == Event::Kind::chunk_hop) delete static_cast<Chunk*>(e.ptr);
  }

  void release() override {
    for (auto& [key, l] : m_links) {
      for (Chunk* c : l->pending) delete c;
      l->pending.clear();
    }
  }

  Tick quiet_delay(int src, int dst, std::uint64_t size) override {
    // Store and forward: every link of the route in turn.
    Tick t = 0;
    for (const Link* l : cached_route(src, dst)) {
      t += static_cast<Tick>(l->latency_ns + static_cast<double>(size) / l->bw_bpns);
    }
    return t;
  }

 private:
  Chunk* fresh_chunk() {
    if (m_spare.empty()) return new Chunk;
    Chunk* c = m_spare.back();
    m_spare.pop_back();
    return c;
  }

  // Routes are fixed: built once per (source, destination).
  const std::vector<Link*>& cached_route(int src, int dst) {
    const std::uint64_t key = static_cast<std::uint64_t>(src) * static_cast<std::uint64_t>(m_total) +
                              static_cast<std::uint64_t>(dst);
    auto it = m_routes.find(key);
    if (it == m_routes.end()) it = m_routes.emplace(key, route(src, dst)).first;
    return it->second;
  }

  std::vector<int> address(int id) const {
    std::vector<int> a(m_dims.size());
    for (std::size_t d = 0; d < m_dims.size(); ++d) {
      a[d] = id % m_dims[d];
      id /= m_dims[d];
    }
    return a;
  }
  int from_address(const std::vector<int>& a) const {
    int id = 0;
    for (std::size_t d = m_dims.size(); d-- > 0;) id = id * m_dims[d] + a[d];
    return id;
  }

  Link* link(int dim, int line, int from, int to) {
    auto& slot = m_links[{dim, line, from, to}];
    if (!slot) {
      slot = std::make_unique<Link>();
      const NetworkDim& nd = m_config.dims[static_cast<std::size_t>(dim)];
      slot->latency_ns = nd.latency_ns;
      slot->bw_bpns = nd.bandwidth_gbps * static_cast<double>(1 << 30) / 1'000'000'000;
    }
    return slot.get();
  }

  // The first dimension in which the addresses differ, through that dimension's building block
  // among the NPUs sharing the other coordinates.
  std::vector<Link*> route(int src, int dst) {
    const auto a = address(src);
    const auto b = address(dst);
    std::size_t d = 0;
    while (d < m_dims.size() && a[d] == b[d]) ++d;
    auto line_address = a;
    line_address[d] = 0;
    const int line = from_address(line_address);
    const int dim = static_cast<int>(d);
    const NetworkDim& nd = m_config.dims[d];
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
    arrive.time = m_queue.now() + static_cast<Tick>(l->latency_ns + size / l->bw_bpns);
    arrive.kind = Event::Kind::chunk_hop;
    arrive.ptr = c;
    m_queue.push(arrive);
    Event free;
    free.time = m_queue.now() + static_cast<Tick>(size / l->bw_bpns);
    free.kind = Event::Kind::link_free;
    free.ptr = l;
    m_queue.push(free);
  }

  const NetworkConfig& m_config;
  std::vector<int> m_dims;
  EventQueue& m_queue;
  Network& m_front;
  std::map<std::tuple<int, int, int, int>, std::unique_ptr<Link>> m_links;  // (dim, line, from, to)
  std::unordered_map<std::uint64_t, std::vector<Link*>> m_routes;           // src * total + dst
  std::vector<Chunk*> m_spare;                                               // delivered, for reuse
  int m_total = 0;
};

}  // namespace

std::unique_ptr<NetworkBackend> make_congestion_aware(const NetworkConfig& config, EventQueue& queue,
                                                      Network& front) {
  return std::make_unique<CongestionAware>(config, queue, front);
}

}  // namespace claimcheck::astrasim::sim
