#pragma once
// The simulator's clock and its global event queue: events run in time order, and events of one
// tick in the order they were scheduled (ASTRA-sim's per-tick FIFO).

#include <cstdint>
#include <map>
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

// Kept small (32 bytes): the queue moves events around on every push and pop.
struct Event {
  enum class Kind : std::uint8_t { call_events, arrival, recv_now, chunk_hop, link_free };
  Tick time = 0;            // ns
  std::uint64_t seq = 0;    // order among events of one tick
  void* ptr = nullptr;      // call_events: Npu; arrival: Channel; chunk_hop: Chunk; link_free: Link
  std::uint32_t chunk = 0;  // arrival: the message's sequence number in its channel; recv_now: its handler
  Kind kind = Kind::call_events;
  bool operator>(const Event& o) const { return time != o.time ? time > o.time : seq > o.seq; }
};

// Events bucketed by tick: within a tick they run in the order they were pushed, which is the
// (time, sequence) order of a priority queue without its cost per event.
class EventQueue {
 public:
  Tick now() const { return m_now; }
  bool empty() const { return m_ticks.empty(); }
  void push(Event e) {
    e.seq = m_seq++;
    auto it = m_ticks.find(e.time);
    if (it == m_ticks.end()) {
      Bucket b;
      if (!m_spare.empty()) {
        b.events = std::move(m_spare.back());
        m_spare.pop_back();
      }
      it = m_ticks.emplace(e.time, std::move(b)).first;
    }
    it->second.events.push_back(e);
  }
  // Removes the next event and advances the clock to it.
  Event pop() {
    auto it = m_ticks.begin();
    Bucket& b = it->second;
    const Event e = b.events[b.next++];
    m_now = e.time;
    if (b.next == b.events.size()) {
      b.events.clear();
      m_spare.push_back(std::move(b.events));
      m_ticks.erase(it);
    }
    return e;
  }

 private:
  struct Bucket {
    std::vector<Event> events;
    std::size_t next = 0;  // the first event not yet popped
  };
  std::map<Tick, Bucket> m_ticks;
  std::vector<std::vector<Event>> m_spare;  // emptied buckets' storage, for reuse
  std::uint64_t m_seq = 0;
  Tick m_now = 0;
};

}  // namespace claimcheck::astrasim::sim
