#pragma once
// Logical topologies of the system layer (ASTRA-sim's RingTopology, BinaryTree,
// DoubleBinaryTreeTopology and GeneralComplexTopology): which NPUs a collective phase talks to.

#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "adapters/astrasim/system_config.hpp"

namespace claimcheck::astrasim::sim {

enum class Direction { clockwise, anticlockwise };

struct RingTopo {
  int nodes = 0;          // NPUs in the ring
  int index_in_ring = 0;  // this NPU's position
  int offset = 1;         // id distance between neighbours (regular rings)
  int base = 0;           // id at index 0 (regular rings)
  bool local = false;     // comm-group ring: MemBus "Fast" transmission (10 ns)
  std::vector<int> ids;   // comm-group rings: ids in list order (empty for regular rings)

  int index_of(int node) const;
  int id_at(int index) const { return ids.empty() ? base + index * offset : ids[static_cast<std::size_t>(index)]; }
  int receiver(int node, Direction d) const;
  int sender(int node, Direction d) const {
    return receiver(node, d == Direction::clockwise ? Direction::anticlockwise : Direction::clockwise);
  }
};

enum class TreeRole { root, intermediate, leaf };

struct BinaryTree {
  struct Info {
    int parent = -1, left = -1, right = -1;  // NPU ids, -1 = none
    TreeRole role = TreeRole::leaf;
  };
  std::map<int, Info> nodes;  // NPU id -> position in the tree
};

// ASTRA-sim's BinaryTree: a perfect tree of depth-1 levels under one extra top node, ids given in
// in-order with `start` and `stride`; RootMax hangs the tree left of the top (top gets the last
// id), RootMin right (top gets the first id).
BinaryTree build_tree(int total, int start, int stride, bool root_max);

struct DbtTopo {
  std::shared_ptr<const BinaryTree> max_tree;  // used by even-numbered requests
  std::shared_ptr<const BinaryTree> min_tree;
  int counter = 0;                             // requests so far (alternates the trees)
  int nodes = 0;
};

struct DimTopo {
  bool is_tree = false;
  RingTopo ring;
  std::shared_ptr<DbtTopo> dbt;  // per NPU and collective type (its counter alternates trees)
  int nodes() const { return is_tree ? dbt->nodes : ring.nodes; }
};

struct LogicalTopology {
  std::vector<DimTopo> dims;
  std::vector<CollectiveImpl> impls;  // per logical dimension
};

// Builds NPU topologies for one network; binary trees are shared by every NPU of a dimension group.
class TopologyBuilder {
 public:
  explicit TopologyBuilder(std::vector<int> dims);
  // GeneralComplexTopology: one logical dimension per implementation entry; a flat "one*"
  // implementation makes one ring over all NPUs and ends the list.
  LogicalTopology make(int id, const std::vector<CollectiveImpl>& impls);

 private:
  std::shared_ptr<const BinaryTree> tree(int n, int start, int stride, bool root_max);
  std::vector<int> m_dims;
  int m_total = 1;
  std::map<std::tuple<int, int, int, bool>, std::shared_ptr<const BinaryTree>> m_trees;
};

}  // namespace claimcheck::astrasim::sim
