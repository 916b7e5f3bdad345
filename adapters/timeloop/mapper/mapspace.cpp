#include "adapters/timeloop/mapper/mapspace.hpp"

#include <algorithm>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>

namespace claimcheck::timeloop::mapper {
namespace {

std::uint64_t factorial(std::size_t n) {
  std::uint64_t f = 1;
  for (std::size_t i = 2; i <= n; ++i) f *= i;
  return f;
}

// Divisors of n in Timeloop's order: i, n/i for i = 1 .. isqrt(n).
std::vector<std::int64_t> divisors_in_order(std::int64_t n) {
  std::vector<std::int64_t> out;
  for (std::int64_t i = 1; i * i <= n; ++i) {
    if (n % i == 0) {
      out.push_back(i);
      if (i * i != n) out.push_back(n / i);
    }
  }
  return out;
}

// Every ordered split of n into `order` cofactors, the last cofactor varying slowest (the real
// mapper's recursive order).
void split_recursive(std::int64_t n, int order, const std::vector<std::int64_t>& divisors,
                     std::vector<std::vector<int>>& out) {
  if (order == 0) {
    if (n == 1) out.emplace_back();
    return;
  }
  if (order == 1) {
    out.push_back({static_cast<int>(n)});
    return;
  }
  for (const std::int64_t f : divisors) {
    if (n % f != 0) continue;
    std::vector<std::vector<int>> sub;
    split_recursive(n / f, order - 1, divisors, sub);
    for (auto& v : sub) {
      v.push_back(static_cast<int>(f));
      out.push_back(std::move(v));
    }
  }
}

// Applies the factoradic permutation `index` to `items` (Timeloop's Factoradic::Permute).
void permute(std::vector<int>& items, std::uint64_t index) {
  const std::size_t n = items.size();
  if (n < 2) return;
  std::uint64_t scale = factorial(n);
  for (std::size_t i = 0; i + 1 < n; ++i) {
    scale /= static_cast<std::uint64_t>(n - i);
    const auto d = static_cast<std::size_t>(index / scale);
    index %= scale;
    if (d > 0) std::rotate(items.begin() + static_cast<std::ptrdiff_t>(i),
                           items.begin() + static_cast<std::ptrdiff_t>(i + d),
                           items.begin() + static_cast<std::ptrdiff_t>(i + d + 1));
  }
}

}  // namespace

std::string to_string(Uint128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v > 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  std::reverse(s.begin(), s.end());
  return s;
}

TilingLayout make_layout(const Architecture& arch) {
  TilingLayout t;
  const std::size_t n = arch.storage.size();
  for (std::size_t s = 0; s < n; ++s) {
    const std::uint64_t in_x = s == 0 ? arch.arithmetic.mesh_x : arch.storage[s - 1].mesh_x;
    const std::uint64_t in_y = s == 0 ? arch.arithmetic.mesh_y : arch.storage[s - 1].mesh_y;
    const std::uint64_t fx = std::max<std::uint64_t>(1, in_x / std::max<std::uint64_t>(1, arch.storage[s].mesh_x));
    const std::uint64_t fy = std::max<std::uint64_t>(1, in_y / std::max<std::uint64_t>(1, arch.storage[s].mesh_y));
    t.fanout_x.push_back(fx);
    t.fanout_y.push_back(fy);
    if (fx * fy > 1) {
      t.spatial_level.push_back(static_cast<int>(t.storage_of.size()));
      t.storage_of.push_back(static_cast<int>(s));
      t.is_spatial.push_back(true);
      t.is_spatial_2d.push_back(fx > 1 && fy > 1);
    } else {
      t.spatial_level.push_back(-1);
    }
    t.temporal_level.push_back(static_cast<int>(t.storage_of.size()));
    t.storage_of.push_back(static_cast<int>(s));
    t.is_spatial.push_back(false);
    t.is_spatial_2d.push_back(false);
  }
  return t;
}

Mapspace::Mapspace(const Architecture& arch, const Problem& problem, const Constraints& constraints)
    : m_arch(&arch), m_problem(&problem), m_constraints(constraints), m_layout(make_layout(arch)) {
  const std::size_t num_dims = problem.shape.dimensions.size();
  const std::size_t levels = m_layout.size();
  const auto& dims = problem.shape.dimensions;

  // Index factorization.
  m_sizes.index_factorization = 1;
  for (std::size_t d = 0; d < num_dims; ++d) {
    const std::int64_t bound = problem.bounds[d];
    std::map<unsigned, std::int64_t> given;
    std::map<unsigned, std::int64_t> maxf, minf;
    for (const auto& [level, c] : m_constraints.tiling) {
      if (auto it = c.factors.find(static_cast<int>(d)); it != c.factors.end()) given[level] = it->second;
      if (auto it = c.max_factors.find(static_cast<int>(d)); it != c.max_factors.end()) maxf[level] = it->second;
      if (auto it = c.min_factors.find(static_cast<int>(d)); it != c.min_factors.end()) minf[level] = it->second;
    }
    std::int64_t product = 1;
    for (const auto& [level, f] : given) product *= f;
    if (bound % product != 0) {
      throw std::invalid_argument("workload bound " + dims[d] + " = " + std::to_string(bound) +
                                  " is not divisible by the product of the constraint factors = " +
                                  std::to_string(product));
    }
    if (given.size() == levels && product != bound) {
      throw std::invalid_argument("the constraint factors of " + dims[d] + " fix every tiling level and multiply to " +
                                  std::to_string(product) + ", not the workload bound " + std::to_string(bound));
    }
    // A given factor that does not divide what is left becomes free (the real mapper warns).
    std::int64_t partial = 1;
    for (auto it = given.begin(); it != given.end();) {
      if (bound % (it->second * partial) == 0) {
        partial *= it->second;
        ++it;
      } else {
        it = given.erase(it);
      }
    }
    const auto divisors = divisors_in_order(bound);
    std::vector<std::vector<int>> options;
    split_recursive(bound / partial, static_cast<int>(levels - given.size()), divisors, options);
    for (auto& v : options) {
      for (const auto& [level, f] : given) v.insert(v.begin() + level, static_cast<int>(f));
    }
    std::erase_if(options, [&](const std::vector<int>& v) {
      for (const auto& [level, m] : maxf) {
        if (v[level] > m) return true;
      }
      for (const auto& [level, m] : minf) {
        if (v[level] < m) return true;
      }
      return false;
    });
    m_option_counts.push_back(options.size());
    m_sizes.index_factorization *= options.size();
    m_options.push_back(std::move(options));
  }

  // Loop permutations and spatial splits, unpruned.
  const PrunedSpace whole = make_space(0, false);
  m_sizes.loop_permutation = whole.permutation_size;
  m_sizes.spatial = whole.spatial_size;

  // Datatype bypass: each free ('X') choice doubles the space; earlier choices are lower bits.
  const std::size_t num_ds = problem.shape.data_spaces.size();
  std::vector<std::uint64_t> seed(num_ds, 0);
  for (std::size_t p = 0; p < num_ds; ++p) {
    for (std::size_t s = 0; s < arch.storage.size(); ++s) seed[p] |= std::uint64_t{1} << s;
  }
  m_bypass.push_back(seed);
  for (std::size_t p = 0; p < num_ds; ++p) {
    const std::string& str = m_constraints.bypass[p];
    for (std::size_t s = 0; s < str.size(); ++s) {
      const std::uint64_t bit = std::uint64_t{1} << s;
      if (str[s] == '0') {
        for (auto& m : m_bypass) m[p] &= ~bit;
      } else if (str[s] == '1') {
        for (auto& m : m_bypass) m[p] |= bit;
      } else {
        auto copy = m_bypass;
        for (auto& m : m_bypass) m[p] &= ~bit;
        for (auto& m : copy) m[p] |= bit;
        m_bypass.insert(m_bypass.end(), copy.begin(), copy.end());
      }
    }
  }
  m_sizes.datatype_bypass = m_bypass.size();
}

std::vector<std::vector<int>> Mapspace::factors_of(Uint128 factorization) const {
  const std::size_t num_dims = m_options.size();
  std::vector<std::vector<int>> f(m_layout.size(), std::vector<int>(num_dims, 1));
  for (std::size_t d = 0; d < num_dims; ++d) {
    const auto idx = static_cast<std::size_t>(factorization % m_options[d].size());
    factorization /= m_options[d].size();
    for (std::size_t l = 0; l < m_layout.size(); ++l) f[l][d] = m_options[d][idx][l];
  }
  return f;
}

PrunedSpace Mapspace::unpruned(Uint128 factorization) const { return make_space(factorization, false); }
PrunedSpace Mapspace::pruned(Uint128 factorization) const { return make_space(factorization, true); }

PrunedSpace Mapspace::make_space(Uint128 factorization, bool prune) const {
  const std::size_t num_dims = m_problem->shape.dimensions.size();
  const std::size_t levels = m_layout.size();
  PrunedSpace sp;
  sp.factorization = factorization;
  sp.factors = factors_of(factorization);
  sp.prefix.resize(levels);
  sp.infix.resize(levels);
  sp.suffix.resize(levels);
  sp.permutation_sizes.assign(levels, 1);
  sp.split_fixed.assign(levels, -1);
  sp.split_base.assign(levels, 0);
  sp.split_sizes.assign(levels, 1);
  for (std::size_t l = 0; l < levels; ++l) {
    const TilingConstraint* c = nullptr;
    if (auto it = m_constraints.tiling.find(static_cast<unsigned>(l)); it != m_constraints.tiling.end()) c = &it->second;
    const bool user_split = c != nullptr && c->split.has_value();
    std::vector<int> unit;
    if (prune && !user_split) {
      for (std::size_t d = 0; d < num_dims; ++d) {
        if (sp.factors[l][d] == 1) unit.push_back(static_cast<int>(d));
      }
    }
    const std::vector<int> user_prefix = c ? c->permutation_prefix : std::vector<int>{};
    const std::vector<int> user_suffix = c ? c->permutation_suffix : std::vector<int>{};
    bool canonical = false;
    if (m_layout.is_spatial[l]) {
      canonical = user_prefix.empty() && user_suffix.empty() && !m_layout.is_spatial_2d[l];
    } else {
      canonical = l == 0;
    }
    if (canonical) {
      for (std::size_t d = 0; d < num_dims; ++d) sp.prefix[l].push_back(static_cast<int>(d));
    } else {
      auto is_unit = [&](int d) { return std::find(unit.begin(), unit.end(), d) != unit.end(); };
      sp.prefix[l] = unit;
      for (int d : user_prefix) {
        if (!is_unit(d)) sp.prefix[l].push_back(d);
      }
      for (int d : user_suffix) {
        if (!is_unit(d)) sp.suffix[l].push_back(d);
      }
      std::set<int> rest;
      for (std::size_t d = 0; d < num_dims; ++d) rest.insert(static_cast<int>(d));
      for (int d : sp.prefix[l]) rest.erase(d);
      for (int d : sp.suffix[l]) rest.erase(d);
      sp.infix[l].assign(rest.begin(), rest.end());
      sp.permutation_sizes[l] = factorial(sp.infix[l].size());
    }
    sp.permutation_size *= sp.permutation_sizes[l];
    if (m_layout.is_spatial[l]) {
      if (user_split) {
        sp.split_fixed[l] = *c->split;
      } else {
        sp.split_base[l] = static_cast<std::uint32_t>(unit.size());
        sp.split_sizes[l] = num_dims + 1 - unit.size();
      }
      sp.spatial_size *= sp.split_sizes[l];
    }
  }
  return sp;
}

std::optional<Mapping> Mapspace::construct(const PrunedSpace& sp, const PointId& id, ConstructionFailure* why) const {
  Mapping m;
  if (!construct_into(sp, id, m, why)) return std::nullopt;
  return m;
}

bool Mapspace::construct_into(const PrunedSpace& sp, const PointId& id, Mapping& m, ConstructionFailure* why) const {
  const std::size_t num_dims = m_problem->shape.dimensions.size();
  const std::size_t num_ds = m_problem->shape.data_spaces.size();
  const std::size_t levels = m_layout.size();
  const auto& arch = *m_arch;

  // Per tiling level: loop order (innermost first) and, for spatial levels, the split. The
  // scratch lists are the thread's own, kept from call to call.
  thread_local std::vector<std::vector<int>> order;
  thread_local std::vector<std::uint32_t> split;
  thread_local std::vector<int> infix;
  order.resize(levels);
  split.assign(levels, 0);
  Uint128 perm = id.permutation;
  Uint128 spatial = id.spatial;
  for (std::size_t l = 0; l < levels; ++l) {
    order[l] = sp.prefix[l];
    if (!sp.infix[l].empty()) {
      infix = sp.infix[l];
      permute(infix, static_cast<std::uint64_t>(perm % sp.permutation_sizes[l]));
      perm /= sp.permutation_sizes[l];
      order[l].insert(order[l].end(), infix.begin(), infix.end());
    }
    order[l].insert(order[l].end(), sp.suffix[l].begin(), sp.suffix[l].end());
    if (m_layout.is_spatial[l]) {
      if (sp.split_fixed[l] >= 0) {
        split[l] = static_cast<std::uint32_t>(sp.split_fixed[l]);
      } else {
        split[l] = sp.split_base[l] + static_cast<std::uint32_t>(spatial % sp.split_sizes[l]);
        spatial /= sp.split_sizes[l];
      }
    }
  }

  // Fanout of every spatial level, then the parallelism constraint.
  double utilization = 1.0;
  for (std::size_t l = 0; l < levels; ++l) {
    if (!m_layout.is_spatial[l]) continue;
    const auto s = static_cast<std::size_t>(m_layout.storage_of[l]);
    std::uint64_t x = 1, y = 1;
    for (std::size_t i = 0; i < order[l].size(); ++i) {
      const auto f = static_cast<std::uint64_t>(sp.factors[l][static_cast<std::size_t>(order[l][i])]);
      (i < split[l] ? x : y) *= f;
    }
    std::string reason;
    if (x > m_layout.fanout_x[s]) {
      reason = "mapped fanoutX " + std::to_string(x) + " exceeds hardware fanoutX " + std::to_string(m_layout.fanout_x[s]);
    }
    if (y > m_layout.fanout_y[s]) {
      reason += "mapped fanoutY " + std::to_string(y) + " exceeds hardware fanoutY " + std::to_string(m_layout.fanout_y[s]);
    }
    if (!reason.empty()) {
      if (why) *why = {arch.storage[s].name, reason};
      return false;
    }
    utilization *= static_cast<double>(x) * static_cast<double>(y) /
                   static_cast<double>(m_layout.fanout_x[s] * m_layout.fanout_y[s]);
  }
  if (utilization < m_constraints.min_parallelism) {
    if (why) {
      std::ostringstream r;
      r << "parallelism " << utilization << " is less than constrained min-parallelism " << m_constraints.min_parallelism;
      *why = {arch.arithmetic.name, r.str()};
    }
    return false;
  }

  // Every field of every level is set: `m` may hold another mapping's values.
  m.levels.resize(arch.storage.size());
  for (std::size_t s = 0; s < arch.storage.size(); ++s) {
    LevelMapping& lm = m.levels[s];
    const auto t = static_cast<std::size_t>(m_layout.temporal_level[s]);
    lm.temporal.resize(num_dims);
    for (std::size_t d = 0; d < num_dims; ++d) lm.temporal[d] = {sp.factors[t][d], sp.factors[t][d]};
    lm.temporal_permutation = order[t];
    lm.spatial.assign(num_dims, Factor{});
    if (m_layout.spatial_level[s] >= 0) {
      const auto sl = static_cast<std::size_t>(m_layout.spatial_level[s]);
      for (std::size_t d = 0; d < num_dims; ++d) lm.spatial[d] = {sp.factors[sl][d], sp.factors[sl][d]};
      lm.spatial_permutation = order[sl];
      lm.split = split[sl];
    } else {
      lm.spatial_permutation.resize(num_dims);
      for (std::size_t d = 0; d < num_dims; ++d) lm.spatial_permutation[d] = static_cast<int>(d);
      lm.split = num_dims;
    }
    lm.keep.resize(num_ds);
    for (std::size_t p = 0; p < num_ds; ++p) lm.keep[p] = ((m_bypass[id.bypass][p] >> s) & 1U) != 0;
    auto set_flags = [&](std::vector<bool>& flags, const std::map<unsigned, std::vector<bool>>& table) {
      auto it = table.find(static_cast<unsigned>(s));
      if (it == table.end()) {
        flags.assign(num_ds, false);
      } else {
        flags = it->second;
      }
    };
    set_flags(lm.no_multicast, m_constraints.no_multicast);
    set_flags(lm.no_link_transfer, m_constraints.no_link_transfer);
    set_flags(lm.no_temporal_reuse, m_constraints.no_temporal_reuse);
  }
  return true;
}

}  // namespace claimcheck::timeloop::mapper
