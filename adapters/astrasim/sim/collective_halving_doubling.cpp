// ASTRA-sim's HalvingDoubling: log2(n) exchange steps whose distance doubles (halves for
// all-gather), direction set by the NPU's index, message size halved (doubled) each step.

#include <cmath>
#include <list>
#include <stdexcept>

#include "adapters/astrasim/sim/collective.hpp"

namespace claimcheck::astrasim::sim {
namespace {

struct HalvingDoublingAlgorithm : Algorithm {
  AlgorithmHost* host = nullptr;
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
      host->send_bundle(stream, processed, msg_size, fast);
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
    host->send(stream, p.dst, p.size, true);
    host->recv(stream, p.src, p.size);
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
      host->proceed(stream);
    }
  }
};

}  // namespace

std::unique_ptr<Algorithm> make_halving_doubling_algorithm(AlgorithmHost& host, const AlgorithmRequest& r) {
  const RingTopo& ring = r.topo->ring;
  const CommType type = r.type;
  auto a = std::make_unique<HalvingDoublingAlgorithm>();
  a->host = &host;
  a->topo = &ring;
  a->type = type;
  a->id = r.npu;
  a->nodes = ring.nodes;
  a->fast = ring.local;
  a->data_size = r.size;
  const int steps = static_cast<int>(std::log2(ring.nodes));
  a->stream_count = type == CommType::all_reduce ? 2 * steps : steps;
  a->max_count = type == CommType::all_gather ? 0 : steps;
  if (type == CommType::all_reduce) {
    a->final_size = r.size;
    a->msg_size = r.size / 2;
    a->rank_offset = 1;
    a->offset_multiplier = 2;
  } else if (type == CommType::all_gather) {
    a->final_size = r.size * static_cast<std::uint64_t>(ring.nodes);
    a->msg_size = r.size;
    a->rank_offset = ring.nodes / 2;
    a->offset_multiplier = 0.5;
  } else {
    a->final_size = r.size / static_cast<std::uint64_t>(ring.nodes);
    a->msg_size = r.size / 2;
    a->rank_offset = 1;
    a->offset_multiplier = 2;
  }
  a->aim();
  return a;
}

}  // namespace claimcheck::astrasim::sim
