#pragma once
// Collective algorithms of the system layer: one object per stream and phase, driven by the
// events of its stream (ASTRA-sim's Algorithm subclasses). Each algorithm lives in its own file
// collective_<name>.cpp and is chosen by make_algorithm().

#include <cstdint>
#include <memory>
#include <vector>

#include "adapters/astrasim/custom_collective.hpp"
#include "adapters/astrasim/sim/topology.hpp"
#include "adapters/astrasim/workload.hpp"

namespace claimcheck::astrasim::sim {

struct Stream;

enum class AlgoEvent { general, packet_received, stream_init };

// What an algorithm may ask of the system layer.
class AlgorithmHost {
 public:
  // A packet bundle: after the endpoint delay (fast: the 10 ns MemBus of comm-group rings), plus a
  // local reduction of `size` bytes when `processing`, the stream's algorithm gets a general event.
  virtual void send_bundle(Stream* stream, bool processing, std::uint64_t size, bool fast) = 0;
  virtual void send(Stream* stream, int dst, std::uint64_t size, bool exchange = false) = 0;
  // The stream's algorithm gets packet_received when it arrives.
  virtual void recv(Stream* stream, int src, std::uint64_t size) = 0;
  // The algorithm is done: the stream moves to its next phase.
  virtual void proceed(Stream* stream) = 0;
  // Custom collectives: messages in the workload's tag space, and compute delays; the stream's
  // algorithm gets node_done(node) when each completes.
  virtual void send_node(Stream* stream, int dst, std::uint64_t size, int tag, std::uint64_t node) = 0;
  virtual void recv_node(Stream* stream, int src, std::uint64_t size, int tag, std::uint64_t node) = 0;
  virtual void delay_node(Stream* stream, std::uint64_t delay_ns, std::uint64_t node) = 0;

 protected:
  ~AlgorithmHost() = default;
};

struct Algorithm {
  virtual ~Algorithm() = default;
  virtual void run(AlgoEvent event) = 0;
  // A node of a custom collective's ET finished (see AlgorithmHost::send_node).
  virtual void node_done(std::uint64_t node);
  Stream* stream = nullptr;
  CommType type = CommType::all_reduce;
  std::uint64_t data_size = 0;   // bytes in
  std::uint64_t final_size = 0;  // bytes out (the next phase's input)
};

struct AlgorithmRequest {
  const CustomCollective* custom = nullptr;  // a custom collective's ETs instead of impl
  std::vector<int> group;                    // custom: real NPU of each rank (empty = rank is the NPU)
  int rank = 0;                              // custom: this NPU's rank
  int npu = 0;
  CommType type = CommType::all_reduce;
  DimTopo* topo = nullptr;
  std::uint64_t size = 0;  // bytes
  Direction direction = Direction::clockwise;
  CollectiveImpl impl;
};

std::unique_ptr<Algorithm> make_ring_algorithm(AlgorithmHost& host, const AlgorithmRequest& r);
std::unique_ptr<Algorithm> make_halving_doubling_algorithm(AlgorithmHost& host, const AlgorithmRequest& r);
std::unique_ptr<Algorithm> make_double_binary_tree_algorithm(AlgorithmHost& host, const AlgorithmRequest& r);
std::unique_ptr<Algorithm> make_custom_algorithm(AlgorithmHost& host, const AlgorithmRequest& r);

// The algorithm of `r.impl`. Throws InputError for a pairing the real tool refuses.
std::unique_ptr<Algorithm> make_algorithm(AlgorithmHost& host, const AlgorithmRequest& r);

}  // namespace claimcheck::astrasim::sim
