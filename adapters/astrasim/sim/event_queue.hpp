#pragma once
// The simulator's clock and its global event queue: events run in time order, and events of one
// tick in the order they were scheduled (ASTRA-sim's per-tick FIFO).

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

namespace claimcheck::astrasim::sim {

using Tick = std::uint64_t;  // ns (1 cycle = 1 ns)

struct Npu;
struct Stream;

// What to call back when a message has been sent or received.
struct Handler {
  enum class Kind : std::uint8_t { none, stream_recv, workload_send, workload_recv, algorithm_node, rendezvous };
  Kind kind = Kind::none;
  Stream* stream = nullptr;  // stream_recv, algorithm_node: the stream whose algorithm is told
  Npu* npu = nullptr;        // workload_*: the NPU whose node finishes
  std::size_t node = 0;      // workload_*: the node's index in its graph; algorithm_node: its ET node id;
                             // rendezvous: the waiting message (Engine::rendezvous)
};

struct Event {
  enum class Kind : std::uint8_t { call_events, arrival, recv_now, chunk_hop, link_free };
  Tick time = 0;            // ns
  std::uint64_t seq = 0;    // order among events of one tick
  Kind kind = Kind::call_events;
  void* ptr = nullptr;      // call_events: Npu; arrival: Channel; chunk_hop: Chunk; link_free: Link
  int chunk = 0;            // arrival: the message's sequence number in its channel
  Handler handler;          // recv_now
  bool operator>(const Event& o) const { return time != o.time ? time > o.time : seq > o.seq; }
};

class EventQueue {
 public:
  Tick now() const { return m_now; }
  bool empty() const { return m_queue.empty(); }
  void push(Event e) {
    e.seq = m_seq++;
    m_queue.push(e);
  }
  // Removes the next event and advances the clock to it.
  Event pop() {
    const Event e = m_queue.top();
    m_queue.pop();
    m_now = e.time;
    return e;
  }

 private:
  std::priority_queue<Event, std::vector<Event>, std::greater<>> m_queue;
  std::uint64_t m_seq = 0;
  Tick m_now = 0;
};

}  // namespace claimcheck::astrasim::sim
