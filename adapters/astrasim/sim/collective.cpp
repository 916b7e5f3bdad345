#include "adapters/astrasim/sim/collective.hpp"

#include <stdexcept>

#include "core/diagnostics.hpp"

namespace claimcheck::astrasim::sim {

void Algorithm::node_done(std::uint64_t) { throw std::logic_error("node_done on a native collective algorithm"); }

std::unique_ptr<Algorithm> make_algorithm(AlgorithmHost& host, const AlgorithmRequest& r) {
  if (r.custom != nullptr) return make_custom_algorithm(host, r);
  switch (r.impl.kind) {
    case ImplKind::double_binary_tree: return make_double_binary_tree_algorithm(host, r);
    case ImplKind::halving_doubling:
    case ImplKind::one_halving_doubling:
      if (r.type != CommType::all_reduce && r.type != CommType::all_gather && r.type != CommType::reduce_scatter) {
        throw InputError(std::filesystem::path("system configuration"), 0, 0,
                         "halvingDoubling supports all-reduce, all-gather and reduce-scatter only (the real tool "
                         "exits)");
      }
      return make_halving_doubling_algorithm(host, r);
    case ImplKind::ring:
    case ImplKind::one_ring:
    case ImplKind::direct:
    case ImplKind::one_direct: return make_ring_algorithm(host, r);
  }
  return make_ring_algorithm(host, r);
}

}  // namespace claimcheck::astrasim::sim
