// ASTRA-sim's CustomAlgorithm: a collective given as a Chakra ET per rank (send, recv and compute
// nodes). The nodes run as the workload layer runs its own (a node is issued when its parents
// finished), except that every free node is issued at once, in the order of Chakra feeder v3's
// dependency resolver. That resolver keeps its nodes in unordered containers, so its order is the
// container's iteration order; the tracker below performs the same container operations in the
// same sequence so that simultaneous sends and receives go out in the real tool's order. A
// compute node takes duration_micros (1 ns when 0); the collective ends when no node is left.

#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "adapters/astrasim/sim/collective.hpp"

namespace claimcheck::astrasim::sim {
namespace {

constexpr int k_native_tag_range = 500000000;  // workload (NATIVE) send/recv tags wrap within this

class DependencyTracker {
 public:
  explicit DependencyTracker(const NpuGraph& graph) {
    for (const auto& n : graph.nodes) {
      std::unordered_set<std::uint64_t> parents;
      for (auto p : n.parents) parents.insert(p);
      allocate(n.id);
      for (auto p : parents) {
        allocate(p);
        m_parents_of[n.id].insert(p);
        m_children_of[p].insert(n.id);
      }
    }
    for (auto& [node, parents] : m_parents_of) {
      if (parents.empty()) m_free.insert(node);
    }
  }

  std::vector<std::uint64_t> free_nodes() const { return {m_free.begin(), m_free.end()}; }
  bool is_free(std::uint64_t id) const { return m_free.count(id) != 0; }
  void take(std::uint64_t id) {
    m_ongoing.insert(id);
    m_free.erase(id);
  }
  void finish(std::uint64_t id) {
    m_ongoing.erase(id);
    for (auto child : m_children_of[id]) {
      auto& parents = m_parents_of[child];
      parents.erase(id);
      if (parents.empty()) m_free.insert(child);
    }
    m_parents_of.erase(id);
    m_children_of.erase(id);
  }
  bool idle() const { return m_ongoing.empty() && m_free.empty(); }

 private:
  void allocate(std::uint64_t id) {
    if (m_parents_of.find(id) == m_parents_of.end()) m_parents_of[id] = {};
    if (m_children_of.find(id) == m_children_of.end()) m_children_of[id] = {};
  }
  std::unordered_map<std::uint64_t, std::unordered_set<std::uint64_t>> m_parents_of;
  std::unordered_map<std::uint64_t, std::unordered_set<std::uint64_t>> m_children_of;
  std::unordered_set<std::uint64_t> m_free;
  std::unordered_set<std::uint64_t> m_ongoing;
};

struct CustomAlgorithm : Algorithm {
  AlgorithmHost* host = nullptr;
  const NpuGraph* graph = nullptr;
  std::unordered_map<std::uint64_t, std::size_t> index;  // node id -> position in graph
  std::vector<int> group;                                 // rank -> NPU (empty: the same)
  std::unique_ptr<DependencyTracker> tracker;

  int real(std::int64_t rank) const {
    return group.empty() ? static_cast<int>(rank) : group[static_cast<std::size_t>(rank)];
  }

  void run(AlgoEvent) override { issue_free(); }

  void issue_free() {
    for (auto id : tracker->free_nodes()) {
      if (tracker->is_free(id)) issue(graph->nodes[index.at(id)]);
    }
  }

  void issue(const WorkloadNode& n) {
    tracker->take(n.id);
    const int tag = static_cast<int>(static_cast<std::uint32_t>(n.comm_tag) % k_native_tag_range);
    if (n.type == NodeType::send) {
      host->send_node(stream, real(n.comm_dst), n.comm_size, tag, n.id);
    } else if (n.type == NodeType::recv) {
      host->recv_node(stream, real(n.comm_src), n.comm_size, tag, n.id);
    } else {
      host->delay_node(stream, n.duration_micros != 0 ? n.duration_micros * 1000 : 1, n.id);
    }
  }

  void node_done(std::uint64_t id) override {
    tracker->finish(id);
    issue_free();
    if (tracker->idle()) host->proceed(stream);
  }
};

}  // namespace

std::unique_ptr<Algorithm> make_custom_algorithm(AlgorithmHost& host, const AlgorithmRequest& r) {
  auto a = std::make_unique<CustomAlgorithm>();
  a->host = &host;
  a->graph = r.custom->ranks.at(static_cast<std::size_t>(r.rank)).get();
  for (std::size_t i = 0; i < a->graph->nodes.size(); ++i) a->index[a->graph->nodes[i].id] = i;
  a->group = r.group;
  a->tracker = std::make_unique<DependencyTracker>(*a->graph);
  a->type = r.type;
  a->data_size = r.size;
  a->final_size = r.size;
  return a;
}

}  // namespace claimcheck::astrasim::sim
