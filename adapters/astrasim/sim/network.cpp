#include "adapters/astrasim/sim/network.hpp"

#include <stdexcept>

#include "adapters/astrasim/simulator.hpp"

namespace claimcheck::astrasim::sim {
namespace {

std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

std::size_t MsgKeyHash::operator()(const MsgKey& k) const {
  std::uint64_t h = mix(static_cast<std::uint64_t>(static_cast<std::uint32_t>(k.tag)));
  h = mix(h ^ (static_cast<std::uint64_t>(static_cast<std::uint32_t>(k.src)) << 32 |
               static_cast<std::uint32_t>(k.dst)));
  h = mix(h ^ k.count);
  return static_cast<std::size_t>(h);
}

TrackerEntry* Channel::find(int chunk) {
  for (auto& [c, e] : open) {
    if (c == chunk) return &e;
  }
  return nullptr;
}

void Channel::erase(int chunk) {
  for (std::size_t i = 0; i < open.size(); ++i) {
    if (open[i].first == chunk) {
      open[i] = open.back();
      open.pop_back();
      return;
    }
  }
}

Network::Network(const NetworkConfig& config, Backend backend, EventQueue& queue, Delivery& delivery)
    : m_dims(config.npus_per_dim()), m_queue(queue), m_delivery(delivery) {
  m_backend = backend == Backend::congestion_aware ? make_congestion_aware(config, queue, *this)
                                                   : make_congestion_unaware(config, queue, *this);
}

int Network::mirror_of(int dst) const {
  int id = 0;
  int stride = 1;
  for (int n : m_dims) {
    const int a = dst % n;
    dst /= n;
    id += ((n - a) % n) * stride;
    stride *= n;
  }
  return id;
}

void Network::send(int src, int dst, int tag, std::uint64_t count, const Handler& handler, bool exchange) {
  int key_src = src;
  int key_dst = dst;
  if (m_mirror) {
    key_src = exchange ? dst : mirror_of(dst);
    key_dst = 0;
  }
  Channel& channel = m_channels[MsgKey{tag, key_src, key_dst, count}];
  const int chunk = ++channel.send;
  TrackerEntry* entry = channel.find(chunk);
  if (entry == nullptr) {
    channel.open.emplace_back(chunk, TrackerEntry{});
    entry = &channel.open.back().second;
  }
  entry->has_send = true;
  entry->send = handler;
  m_backend->send(src, dst, count, &channel, chunk);
}

void Network::recv(int dst, int src, int tag, std::uint64_t count, const Handler& handler) {
  Channel& channel = m_channels[MsgKey{tag, src, dst, count}];
  const int chunk = ++channel.recv;
  TrackerEntry* entry = channel.find(chunk);
  if (entry != nullptr) {
    if (entry->finished) {
      channel.erase(chunk);
      Event e;
      e.time = m_queue.now();
      e.kind = Event::Kind::recv_now;
      e.chunk = park(handler);
      m_queue.push(e);
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

std::uint32_t Network::park(const Handler& h) {
  if (m_free_parked.empty()) {
    m_parked.push_back(h);
    return static_cast<std::uint32_t>(m_parked.size() - 1);
  }
  const std::uint32_t slot = m_free_parked.back();
  m_free_parked.pop_back();
  m_parked[slot] = h;
  return slot;
}

void Network::arrived(Channel* channel, int chunk) {
  TrackerEntry* entry = channel->find(chunk);
  if (entry == nullptr) throw std::logic_error("message arrived without a tracker entry");
  if (entry->has_send && entry->has_recv) {
    const Handler s = entry->send;
    const Handler r = entry->recv;
    channel->erase(chunk);
    m_delivery.deliver(s);
    m_delivery.deliver(r);
  } else {
    const Handler s = entry->send;
    entry->finished = true;
    m_delivery.deliver(s);
  }
}

void Network::handle(const Event& e) {
  if (e.kind == Event::Kind::recv_now) {
    const Handler h = m_parked[e.chunk];
    m_free_parked.push_back(e.chunk);
    m_delivery.deliver(h);
  } else {
    m_backend->handle(e);
  }
}

}  // namespace claimcheck::astrasim::sim
