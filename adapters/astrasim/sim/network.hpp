#pragma once
// The network front end (ASTRA-sim's analytical frontend and its send/recv tracking map): sends
// and receives are matched per (tag, source, destination, size), the n-th send with the n-th
// receive; a backend moves each message and reports its arrival.

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "adapters/astrasim/network_config.hpp"
#include "adapters/astrasim/sim/event_queue.hpp"

namespace claimcheck::astrasim {
enum class Backend;
}

namespace claimcheck::astrasim::sim {

// Receives the handler of a send or receive that completed.
class Delivery {
 public:
  virtual void deliver(const Handler& handler) = 0;

 protected:
  ~Delivery() = default;
};

struct MsgKey {
  int tag, src, dst;
  std::uint64_t count;  // bytes
  bool operator==(const MsgKey&) const = default;
};

struct MsgKeyHash {
  std::size_t operator()(const MsgKey& k) const;
};

struct TrackerEntry {
  bool has_send = false, has_recv = false, finished = false;
  Handler send, recv;
};

// All messages with one (tag, source, destination, size): the n-th send matches the n-th receive.
struct Channel {
  int send = -1, recv = -1;                         // sequence numbers handed out so far
  std::vector<std::pair<int, TrackerEntry>> open;   // messages in flight or waiting, by sequence number

  TrackerEntry* find(int chunk);
  void erase(int chunk);
};

class Network;

// Moves one message and calls Network::arrived when it is at its destination.
class NetworkBackend {
 public:
  virtual ~NetworkBackend() = default;
  virtual void send(int src, int dst, std::uint64_t size, Channel* channel, int chunk) = 0;
  // The backend's own events (arrival, chunk_hop, link_free).
  virtual void handle(const Event& e) = 0;
  // A run is abandoned: frees what `e` owns, then (release) everything still queued inside.
  virtual void drop(const Event& e) = 0;
  virtual void release() = 0;
  // Network-only time of one message of `size` bytes from src to dst when nothing else is sent
  // (ns), as this backend computes it.
  virtual Tick quiet_delay(int src, int dst, std::uint64_t size) = 0;
};

// `hops*latency + size/bw` per message, in the first dimension in which the addresses differ.
std::unique_ptr<NetworkBackend> make_congestion_unaware(const NetworkConfig& config, EventQueue& queue,
                                                        Network& front);
// Per-link FIFO queues along each message's route.
std::unique_ptr<NetworkBackend> make_congestion_aware(const NetworkConfig& config, EventQueue& queue,
                                                      Network& front);

class Network {
 public:
  Network(const NetworkConfig& config, Backend backend, EventQueue& queue, Delivery& delivery);

  // Mirrored runs simulate NPU 0 only: messages to it are keyed by the peer that mirrors NPU 0's
  // own message (the negated address), or by the partner itself for exchanges.
  void set_mirror(bool on) { m_mirror = on; }
  void reserve(std::size_t channels) { m_channels.reserve(channels); }

  // `exchange`: the message goes to a partner that sends back in the same step (halving-doubling).
  void send(int src, int dst, int tag, std::uint64_t count, const Handler& handler, bool exchange = false);
  void recv(int dst, int src, int tag, std::uint64_t count, const Handler& handler);
  // Events of kinds arrival, recv_now, chunk_hop and link_free.
  void handle(const Event& e);
  // The backend's report that message `chunk` of `channel` arrived.
  void arrived(Channel* channel, int chunk);

  NetworkBackend& backend() { return *m_backend; }

 private:
  int mirror_of(int dst) const;
  // Holds the handler of a receive that completes in a recv_now event; returns its slot.
  std::uint32_t park(const Handler& h);

  std::vector<int> m_dims;
  EventQueue& m_queue;
  Delivery& m_delivery;
  std::unique_ptr<NetworkBackend> m_backend;
  bool m_mirror = false;
  std::unordered_map<MsgKey, Channel, MsgKeyHash> m_channels;  // nodes never move
  std::vector<Handler> m_parked;            // handlers of pending recv_now events, by slot
  std::vector<std::uint32_t> m_free_parked;  // slots free again
};

}  // namespace claimcheck::astrasim::sim
