// ASTRA-sim's Ring (and, with `direct`, its AllToAll variant): one packet per step; a packet is
// injected at stream start and on every receive; each injected packet waits the endpoint delay
// (plus the local reduction when it carries data to reduce) before it is sent.

#include <list>
#include <stdexcept>

#include "adapters/astrasim/sim/collective.hpp"

namespace claimcheck::astrasim::sim {
namespace {

struct RingAlgorithm : Algorithm {
  AlgorithmHost* host = nullptr;
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
      process_max_count();
      --zero_latency;
      return;
    }
    if (non_zero_latency > 0) {
      packets.emplace_back(sender, receiver);
      processed = type == CommType::reduce_scatter || (type == CommType::all_reduce && toggle);
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
      host->send_bundle(stream, processed, msg_size, fast);
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
    host->send(stream, dst, msg_size);
    host->recv(stream, src, msg_size);
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
      host->proceed(stream);
    }
  }
};

}  // namespace

std::unique_ptr<Algorithm> make_ring_algorithm(AlgorithmHost& host, const AlgorithmRequest& r) {
  const RingTopo& ring = r.topo->ring;
  const CommType type = r.type;
  auto a = std::make_unique<RingAlgorithm>();
  a->host = &host;
  a->topo = &ring;
  a->direction = r.direction;
  a->type = type;
  a->id = r.npu;
  a->nodes = ring.nodes;
  a->receiver = ring.receiver(r.npu, r.direction);
  a->sender = ring.sender(r.npu, r.direction);
  a->fast = ring.local;
  a->data_size = r.size;
  const int nodes = ring.nodes;
  switch (type) {
    case CommType::all_reduce: a->stream_count = 2 * (nodes - 1); break;
    case CommType::all_to_all: a->stream_count = ((nodes - 1) * nodes) / 2; break;
    default: a->stream_count = nodes - 1; break;
  }
  a->max_count = (type == CommType::all_to_all || type == CommType::all_gather) ? 0 : nodes - 1;
  switch (type) {
    case CommType::all_gather:
      a->final_size = r.size * static_cast<std::uint64_t>(nodes);
      a->msg_size = r.size;
      break;
    case CommType::reduce_scatter:
      a->final_size = r.size / static_cast<std::uint64_t>(nodes);
      a->msg_size = r.size / static_cast<std::uint64_t>(nodes);
      break;
    default:
      a->final_size = r.size;
      a->msg_size = r.size / static_cast<std::uint64_t>(nodes);
      break;
  }
  if (r.impl.kind == ImplKind::direct || r.impl.kind == ImplKind::one_direct) {
    a->direct = true;
    a->middle_point = nodes - 1;
    a->parallel_reduce = r.impl.window == -1 ? nodes - 1 : std::min(r.impl.window, nodes - 1);
    if (type == CommType::all_to_all) a->stream_count = nodes - 1;
  }
  return a;
}

}  // namespace claimcheck::astrasim::sim
