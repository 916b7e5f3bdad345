#include "adapters/timeloop/mapper/mapping_writer.hpp"

#include <sstream>

#include "adapters/timeloop/mapper/mapspace.hpp"

namespace claimcheck::timeloop::mapper {
namespace {

struct Loops {
  std::string factors;      // "C1 M16 ..."
  std::string permutation;  // non-unit innermost first, then unit ones in dimension order
  std::size_t split = 0;    // non-unit X loops (they come first)
};

Loops loops_of(const Problem& problem, const std::vector<Factor>& f, const std::vector<int>& order, std::size_t split) {
  Loops l;
  const auto& dims = problem.shape.dimensions;
  for (std::size_t d = 0; d < dims.size(); ++d) {
    if (d > 0) l.factors += ' ';
    l.factors += dims[d] + std::to_string(f[d].end);
  }
  std::string unit;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const auto d = static_cast<std::size_t>(order[i]);
    if (f[d].end > 1) {
      l.permutation += dims[d];
      if (i < split) ++l.split;
    }
  }
  for (std::size_t d = 0; d < dims.size(); ++d) {
    if (f[d].end == 1) unit += dims[d];
  }
  l.permutation += unit;
  return l;
}

void list(std::ostringstream& o, const char* key, const std::vector<std::string>& items) {
  o << "    " << key << ":\n";
  if (items.empty()) {
    o << "      []\n";
    return;
  }
  for (const auto& i : items) o << "      - " << i << "\n";
}

}  // namespace

std::string mapping_yaml(const Architecture& arch, const Problem& problem, const Mapping& mapping) {
  std::ostringstream o;
  o << "mapping:\n";
  const auto layout = make_layout(arch);
  for (std::size_t s = 0; s < arch.storage.size(); ++s) {
    const auto& lm = mapping.levels[s];
    std::vector<std::string> keep, bypass;
    for (std::size_t p = 0; p < problem.shape.data_spaces.size(); ++p) {
      (lm.keep[p] ? keep : bypass).push_back(problem.shape.data_spaces[p].name);
    }
    o << "  - target: " << arch.storage[s].name << "\n    type: datatype\n";
    list(o, "keep", keep);
    list(o, "bypass", bypass);
  }
  for (std::size_t s = 0; s < arch.storage.size(); ++s) {
    const auto& lm = mapping.levels[s];
    if (layout.spatial_level[s] >= 0) {
      const Loops l = loops_of(problem, lm.spatial, lm.spatial_permutation, lm.split);
      o << "  - target: " << arch.storage[s].name << "\n    type: spatial\n    factors: " << l.factors
        << "\n    permutation: " << l.permutation << "\n    split: " << l.split << "\n";
    }
    const Loops l = loops_of(problem, lm.temporal, lm.temporal_permutation, 0);
    o << "  - target: " << arch.storage[s].name << "\n    type: temporal\n    factors: " << l.factors
      << "\n    permutation: " << l.permutation << "\n";
  }
  return o.str();
}

}  // namespace claimcheck::timeloop::mapper
