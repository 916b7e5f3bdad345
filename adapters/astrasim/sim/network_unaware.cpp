// ASTRA-sim's congestion-unaware analytical network: a message goes in the first dimension in
// which the two addresses differ and takes `hops*latency + size/bw` there, truncated to whole ns.

#include <algorithm>
#include <stdexcept>

#include "adapters/astrasim/sim/network.hpp"

namespace claimcheck::astrasim::sim {
namespace {

class CongestionUnaware final : public NetworkBackend {
 public:
  CongestionUnaware(const NetworkConfig& config, EventQueue& queue, Network& front)
      : m_config(config), m_dims(config.npus_per_dim()), m_queue(queue), m_front(front) {}

  void send(int src, int dst, std::uint64_t size, Channel* channel, int chunk) override {
    Event e;
    e.time = m_queue.now() + quiet_delay(src, dst, size);
    e.kind = Event::Kind::arrival;
    e.ptr = channel;
    e.chunk = static_cast<std::uint32_t>(chunk);
    m_queue.push(e);
  }

  void handle(const Event& e) override {
    if (e.kind == Event::Kind::arrival) m_front.arrived(static_cast<Channel*>(e.ptr), static_cast<int>(e.chunk));
  }
  void drop(const Event&) override {}
  void release() override {}

  Tick quiet_delay(int src, int dst, std::uint64_t count) override {
    std::size_t d = 0;
    int a = 0, b = 0;
    first_difference(src, dst, d, a, b);
    const NetworkDim& nd = m_config.dims[d];
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


 private:
  // First dimension in which two NPU addresses differ, with both coordinates there.
  void first_difference(int src, int dst, std::size_t& dim, int& a, int& b) const {
    for (std::size_t d = 0; d < m_dims.size(); ++d) {
      a = src % m_dims[d];
      b = dst % m_dims[d];
      if (a != b) {
        dim = d;
        return;
      }
      src /= m_dims[d];
      dst /= m_dims[d];
    }
    throw std::logic_error("message from an NPU to itself");
  }

  const NetworkConfig& m_config;
  std::vector<int> m_dims;
  EventQueue& m_queue;
  Network& m_front;
};

}  // namespace

std::unique_ptr<NetworkBackend> make_congestion_unaware(const NetworkConfig& config, EventQueue& queue,
                                                        Network& front) {
  return std::make_unique<CongestionUnaware>(config, queue, front);
}

}  // namespace claimcheck::astrasim::sim
