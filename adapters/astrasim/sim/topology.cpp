#include "adapters/astrasim/sim/topology.hpp"

#include <algorithm>

namespace claimcheck::astrasim::sim {

int RingTopo::index_of(int node) const {
  if (ids.empty()) return (node - base) / offset;
  return static_cast<int>(std::find(ids.begin(), ids.end(), node) - ids.begin());
}

int RingTopo::receiver(int node, Direction d) const {
  int i = index_of(node);
  i = d == Direction::clockwise ? (i + 1 == nodes ? 0 : i + 1) : (i == 0 ? nodes - 1 : i - 1);
  return id_at(i);
}

BinaryTree build_tree(int total, int start, int stride, bool root_max) {
  struct S {
    int parent = -1, left = -1, right = -1, id = -1;
  };
  std::vector<S> s(1);
  int depth = 1;
  for (int tmp = total; tmp > 1; tmp /= 2) ++depth;
  auto make = [&s](auto&& self, int levels, int parent) -> int {
    const int me = static_cast<int>(s.size());
    s.push_back(S{parent, -1, -1, -1});
    if (levels > 1) {
      const int l = self(self, levels - 1, me);
      s[static_cast<std::size_t>(me)].left = l;
      const int r = self(self, levels - 1, me);
      s[static_cast<std::size_t>(me)].right = r;
    }
    return me;
  };
  const int sub = make(make, depth - 1, 0);
  if (root_max) {
    s[0].left = sub;
  } else {
    s[0].right = sub;
  }
  int next = start;
  auto number = [&s, &next, stride](auto&& self, int n) -> void {
    if (s[static_cast<std::size_t>(n)].left >= 0) self(self, s[static_cast<std::size_t>(n)].left);
    s[static_cast<std::size_t>(n)].id = next;
    next += stride;
    if (s[static_cast<std::size_t>(n)].right >= 0) self(self, s[static_cast<std::size_t>(n)].right);
  };
  number(number, 0);
  BinaryTree tree;
  for (const auto& n : s) {
    BinaryTree::Info info;
    info.parent = n.parent >= 0 ? s[static_cast<std::size_t>(n.parent)].id : -1;
    info.left = n.left >= 0 ? s[static_cast<std::size_t>(n.left)].id : -1;
    info.right = n.right >= 0 ? s[static_cast<std::size_t>(n.right)].id : -1;
    info.role = n.parent < 0 ? TreeRole::root
                             : (n.left < 0 && n.right < 0 ? TreeRole::leaf : TreeRole::intermediate);
    tree.nodes[n.id] = info;
  }
  return tree;
}

TopologyBuilder::TopologyBuilder(std::vector<int> dims) : m_dims(std::move(dims)) {
  for (int n : m_dims) m_total *= n;
}

LogicalTopology TopologyBuilder::make(int id, const std::vector<CollectiveImpl>& impls) {
  LogicalTopology t;
  int offset = 1;
  for (std::size_t d = 0; d < impls.size(); ++d) {
    const int n = m_dims[d];
    const ImplKind k = impls[d].kind;
    DimTopo dt;
    if (k == ImplKind::ring || k == ImplKind::direct || k == ImplKind::halving_doubling) {
      dt.ring.nodes = n;
      dt.ring.offset = offset;
      dt.ring.index_in_ring = (id % (offset * n)) / offset;
      dt.ring.base = id - dt.ring.index_in_ring * offset;
      t.dims.push_back(dt);
      t.impls.push_back(impls[d]);
    } else if (k == ImplKind::one_ring || k == ImplKind::one_direct || k == ImplKind::one_halving_doubling) {
      dt.ring.nodes = m_total;
      dt.ring.offset = 1;
      dt.ring.index_in_ring = id % m_total;
      dt.ring.base = 0;
      t.dims.push_back(dt);
      t.impls.push_back(impls[d]);
      return t;
    } else {
      dt.is_tree = true;
      dt.dbt = std::make_shared<DbtTopo>();
      const int start = d + 1 == impls.size() ? id % offset : (id - id % (offset * n)) + id % offset;
      dt.dbt->max_tree = tree(n, start, offset, true);
      dt.dbt->min_tree = tree(n, start, offset, false);
      dt.dbt->nodes = n;
      t.dims.push_back(dt);
      t.impls.push_back(impls[d]);
    }
    offset *= n;
  }
  return t;
}

std::shared_ptr<const BinaryTree> TopologyBuilder::tree(int n, int start, int stride, bool root_max) {
  auto& slot = m_trees[{n, start, stride, root_max}];
  if (!slot) slot = std::make_shared<const BinaryTree>(build_tree(n, start, stride, root_max));
  return slot;
}

}  // namespace claimcheck::astrasim::sim
