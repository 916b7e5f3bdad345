#include "adapters/timeloop/model.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "adapters/timeloop/nest_analysis.hpp"

namespace claimcheck::timeloop {
namespace {

// One data space's movement at one storage level after collapsing the loop levels it owns.
struct LevelTile {
  std::uint64_t size = 0;
  std::uint64_t partition_size = 0;
  MulticastAccesses accesses;
  double content_accesses = 0;
  std::uint64_t link_transfers = 0;
  std::uint64_t replication_factor = 1;
  std::uint64_t fanout = 1;
  std::uint64_t partition_fraction_denominator = 0;
  double parent_access_share = 0;
  double peer_accesses = 0;
  double peer_fills = 0;
  double reads = 0, updates = 0, fills = 0, temporal_reductions = 0;
};

double total_of(const MulticastAccesses& m) {
  double t = 0;
  for (const auto& [k, v] : m) t += v;
  return t;
}

double weighted_of(const MulticastAccesses& m) {
  double t = 0;
  for (const auto& [k, v] : m) t += v * static_cast<double>(k);
  return t;
}

std::uint64_t to_count(double v) { return v <= 0 ? 0 : static_cast<std::uint64_t>(v); }

// Collapses data space p's loop tiles into one tile per storage level, written to `out` (one per
// level, default-initialised).
void collapse(const std::vector<LoopTile>& tiles, const std::vector<LevelMapping>& levels, std::size_t p,
              bool read_write, LevelTile* out) {
  const std::size_t num_levels = levels.size();
  auto keep = [&](std::size_t s) { return static_cast<bool>(levels[s].keep[p]); };
  std::size_t processed = 0, made = 0;
  const std::size_t total = tiles.size();
  while (processed < total && made < num_levels) {
    std::size_t boundary = processed;
    while (!tiles[boundary].is_boundary && boundary < total - 1) ++boundary;
    const LoopTile& inner = tiles[processed];
    const LoopTile& outer = tiles[boundary];
    LevelTile& c = out[made];
    c.size = outer.size;
    c.accesses = inner.accesses;
    c.content_accesses = total_of(inner.accesses);
    c.link_transfers = inner.link_transfers;
    c.replication_factor = outer.replication_factor;
    c.fanout = inner.fanout;
    if (made > 0) {
      out[made - 1].partition_fraction_denominator = inner.is_master_spatial ? inner.size : out[made - 1].size;
    }
    ++made;
    processed = boundary + 1;
  }
  const int n = static_cast<int>(num_levels);
  auto u = [](int i) { return static_cast<std::size_t>(i); };
  auto next_outer = [&](int cur) {
    int o = cur + 1;
    while (o < n && out[u(o)].size == 0) ++o;
    return o;
  };
  // Partition sizes.
  std::uint64_t ps = out[u(n - 1)].size;
  out[u(n - 1)].partition_size = ps;
  for (int cur = n - 2; cur >= 0; --cur) {
    if (out[u(cur)].partition_fraction_denominator != 0) {
      ps = (ps * out[u(cur)].size) / out[u(cur)].partition_fraction_denominator;
    }
    out[u(cur)].partition_size = ps;
  }
  // Parent access share: what the parent sends to each instance of this level.
  for (int cur = 0; cur < n; ++cur) {
    if (out[u(cur)].size == 0) continue;
    out[u(cur)].parent_access_share = 0;
    const int o = next_outer(cur);
    if (o == n) continue;
    for (const auto& [mc, acc] : out[u(o)].accesses) {
      out[u(cur)].parent_access_share += (acc * static_cast<double>(mc)) / static_cast<double>(out[u(o)].fanout);
    }
  }
  // Bypassed levels: their children's traffic goes to the next kept level above.
  for (int cur = 0; cur < n; ++cur) {
    auto& t = out[u(cur)];
    if (t.size == 0 || keep(u(cur))) continue;
    const int o = next_outer(cur);
    if (o == n) {
      t.size = 0;
      t.partition_size = 0;
      t.content_accesses = 0;
      t.parent_access_share = 0;
      break;
    }
    auto& parent = out[u(o)];
    const double all_children = t.content_accesses * static_cast<double>(parent.fanout);
    const double factor = all_children / weighted_of(parent.accesses);
    for (auto& [mc, acc] : parent.accesses) {
      if (acc == 0) continue;
      acc *= factor;
      parent.link_transfers = 0;
    }
    parent.content_accesses = total_of(parent.accesses);
    t.size = 0;
    t.partition_size = 0;
    t.content_accesses = 0;
    t.parent_access_share = 0;
  }
  for (int cur = n - 1; cur >= 0; --cur) {
    auto& t = out[u(cur)];
    if (!keep(u(cur))) {
      t.size = 0;
      t.accesses.clear();
      t.link_transfers = 0;
      t.fanout = 0;
    } else {
      t.parent_access_share = 0;
      break;
    }
  }
  for (int cur = n - 1; cur > 0; --cur) {
    if (out[u(cur)].link_transfers != 0) {
      const auto spatial_size = out[u(cur - 1)].replication_factor;
      const auto per = static_cast<double>(out[u(cur)].link_transfers / spatial_size);
      out[u(cur - 1)].peer_accesses += per;
      out[u(cur - 1)].peer_fills += per;
    }
  }
  // Reads, fills, updates (first-read elision on, as in Timeloop v3.0.3's default).
  for (int cur = 0; cur < n; ++cur) {
    auto& t = out[u(cur)];
    if (t.size == 0) {
      t.reads = t.updates = t.fills = t.temporal_reductions = 0;
      continue;
    }
    if (read_write) {
      t.updates = std::round(t.content_accesses);
      t.reads = std::round(t.content_accesses + t.peer_accesses - static_cast<double>(t.partition_size));
      t.temporal_reductions = t.reads;
      const bool outermost = next_outer(cur) == n;
      t.fills = outermost ? std::round(t.parent_access_share + t.peer_fills)
                          : std::round(t.parent_access_share + t.peer_fills - static_cast<double>(t.partition_size));
    } else {
      t.reads = std::round(t.content_accesses + t.peer_accesses);
      t.updates = 0;
      t.fills = t.parent_access_share + t.peer_fills;
      t.temporal_reductions = 0;
    }
  }
}

std::string fmt_double(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

// Timeloop v4's leakage: each storage level leaks its ERT `leak` energy per cycle on every
// instance that is powered. An instance is powered when it is utilized; a level that shares the
// power gates of another (`power_gated_at`) with fewer gates than instances powers whole groups:
// (instances / gates) x the gating level's utilized instances. At least one instance always leaks.
// The level's energy is then summed per data space with an equal share of the leakage, as the
// real tool's Energy() does.
void add_leakage(const Spec& spec, Result& r) {
  const auto& arch = spec.arch;
  const std::size_t num_ds = spec.problem.shape.data_spaces.size();
  auto max_utilized = [&](const StorageStats& st) {
    double m = 1;
    for (const auto& d : st.data_spaces) m = std::max(m, static_cast<double>(d.utilized_instances));
    return m;
  };
  for (std::size_t s = 0; s < r.storage.size(); ++s) {
    auto& st = r.storage[s];
    std::size_t gater = s;
    if (!arch.storage[s].power_gated_at.empty()) {
      for (std::size_t t = 0; t < arch.storage.size(); ++t) {
        if (arch.storage[t].name == arch.storage[s].power_gated_at) gater = t;
      }
    }
    const double my_instances = static_cast<double>(arch.storage[s].instances);
    double from_instances = static_cast<double>(arch.storage[gater].instances);
    if (from_instances <= 0) from_instances = 1;
    st.instances_sharing_power_gating = my_instances / from_instances;
    if (st.instances_sharing_power_gating > 1) {
      st.leaks_per_cycle = st.instances_sharing_power_gating * max_utilized(r.storage[gater]);
      st.non_power_gated_utilization = st.leaks_per_cycle > 0 ? max_utilized(st) / st.leaks_per_cycle : 0.0;
    } else {
      st.instances_sharing_power_gating = 1;
      st.leaks_per_cycle = max_utilized(st);
    }
    st.leakage_energy = spec.energy.storage[s].leak * static_cast<double>(r.cycles) * st.leaks_per_cycle;
    st.energy = 0;
    const double share = num_ds > 0 ? st.leakage_energy / static_cast<double>(num_ds) : 0.0;
    for (const auto& d : st.data_spaces) st.energy += d.energy + share;
    r.leakage_energy += st.leakage_energy;
  }
}

}  // namespace

NestResult analyze_mapping(const Spec& spec) {
  NestResult r;
  r.nest = build_loop_nest(spec.arch, spec.problem, spec.mapping);
  r.analysis = analyze_nest(r.nest, spec.problem);
  return r;
}

Evaluation evaluate(const Spec& spec) { return evaluate(spec, analyze_mapping(spec)); }

Evaluation evaluate(const Spec& spec, const NestResult& analysed) {
  const auto& arch = spec.arch;
  const auto& shape = spec.problem.shape;
  const std::size_t num_levels = arch.storage.size();
  const std::size_t num_ds = shape.data_spaces.size();

  if (spec.semantics == Semantics::v4) {
    for (const auto& l : spec.mapping.levels) {
      for (const auto* factors : {&l.temporal, &l.spatial}) {
        for (const auto& f : *factors) {
          if (f.residual_end == f.end) continue;
          Evaluation ev;
          ev.unsupported = "residual (imperfect) factors under Timeloop v4 semantics: v4 walks the last iterations "
                           "of an imperfectly factorized dimension differently from v3.0.3 (its fills of residual "
                           "tiles and utilized instances differ), which the native model does not implement; "
                           "evaluate with v3.0.3 semantics for v3.0.3's figures, or run the real tool";
          return ev;
        }
      }
    }
  }

  const LoopNest& nest = analysed.nest;
  const NestAnalysis& na = analysed.analysis;

  // Spatial expansion above each storage level (and the arithmetic level).
  std::vector<std::uint64_t> x_exp(num_levels, 1), y_exp(num_levels, 1);
  std::uint64_t ax = 1, ay = 1;
  {
    int level = static_cast<int>(num_levels) - 1;
    for (int l = static_cast<int>(nest.loops.size()) - 1; l >= 0; --l) {
      if (level >= 0 && static_cast<std::size_t>(l) == nest.storage_boundaries[static_cast<std::size_t>(level)]) {
        x_exp[static_cast<std::size_t>(level)] = ax;
        y_exp[static_cast<std::size_t>(level)] = ay;
        --level;
      }
      const auto& lp = nest.loops[static_cast<std::size_t>(l)];
      if (lp.space == LoopSpace::x) ax *= static_cast<std::uint64_t>(lp.end);
      if (lp.space == LoopSpace::y) ay *= static_cast<std::uint64_t>(lp.end);
    }
  }

  Evaluation ev;
  Result r;
  r.imperfect = na.imperfect;

  // Arithmetic.
  auto& a = r.arithmetic;
  a.name = arch.arithmetic.name;
  a.instances = arch.arithmetic.instances;
  a.utilized_instances = ax * ay;
  if (a.utilized_instances > arch.arithmetic.instances) {
    ev.error = MappingError{a.name, "mapped max Arithmetic instances " + std::to_string(a.utilized_instances) +
                                        " exceeds hardware instances " + std::to_string(arch.arithmetic.instances)};
    return ev;
  }
  if (ax > arch.arithmetic.mesh_x) {
    ev.error = MappingError{a.name, "mapped max Arithmetic X expansion " + std::to_string(ax) +
                                        " exceeds hardware instances " + std::to_string(arch.arithmetic.mesh_x)};
    return ev;
  }
  if (ay > arch.arithmetic.mesh_y) {
    ev.error = MappingError{a.name, "mapped max Arithmetic Y expansion " + std::to_string(ay) +
                                        " exceeds hardware instances " + std::to_string(arch.arithmetic.mesh_y)};
    return ev;
  }
  // After the arithmetic checks, which need only the nest: a mapping far wider than the hardware
  // gets the real tool's answer, not the analysis limit it also hits.
  if (!na.unsupported.empty()) {
    ev.unsupported = na.unsupported;
    return ev;
  }
  a.computes = to_count(na.compute_accesses * static_cast<double>(na.compute_replication));
  a.energy = static_cast<double>(a.computes) * spec.energy.compute;
  a.cycles = na.imperfect ? na.max_temporal_iterations
                          : static_cast<std::uint64_t>(std::ceil(static_cast<double>(a.computes) /
                                                                 static_cast<double>(na.compute_replication)));
  const std::uint64_t compute_cycles = a.cycles;

  // Per data space tiles per level: tiles[p * num_levels + s].
  std::vector<LevelTile> tiles(num_ds * num_levels);
  for (std::size_t p = 0; p < num_ds; ++p) {
    collapse(na.tiles[p], spec.mapping.levels, p, shape.data_spaces[p].read_write, &tiles[p * num_levels]);
  }

  // Storage levels.
  r.storage.reserve(num_levels);
  std::vector<double> read_bw(num_ds), write_bw(num_ds);
  for (std::size_t s = 0; s < num_levels; ++s) {
    const auto& spec_s = arch.storage[s];
    const auto& en = spec.energy.storage[s];
    StorageStats st;
    st.name = spec_s.name;
    st.data_spaces.reserve(num_ds);
    std::uint64_t total_capacity = 0;
    std::uint64_t max_instances = 0;
    for (std::size_t p = 0; p < num_ds; ++p) {
      const LevelTile& t = tiles[p * num_levels + s];
      DataSpaceStats d;
      d.name = shape.data_spaces[p].name;
      d.keep = spec.mapping.levels[s].keep[p];
      d.partition_size = t.partition_size;
      d.utilized_capacity = t.size;
      d.utilized_instances = t.replication_factor;
      d.reads = to_count(t.reads);
      d.fills = to_count(t.fills);
      d.updates = to_count(t.updates);
      d.temporal_reductions = to_count(t.temporal_reductions);
      d.address_generations = shape.data_spaces[p].read_write ? d.updates + d.fills : d.reads + d.fills;
      total_capacity += d.utilized_capacity;
      max_instances = std::max(max_instances, d.utilized_instances);
      st.data_spaces.push_back(std::move(d));
    }
    if (spec_s.size) {
      const std::uint64_t eff = spec_s.effective_size.value_or(*spec_s.size);
      if (total_capacity > eff) {
        ev.error = MappingError{spec_s.name, "mapped tile size " + std::to_string(total_capacity) +
                                                 " exceeds buffer capacity " + std::to_string(eff)};
        return ev;
      }
      if (static_cast<double>(total_capacity) < static_cast<double>(eff) * spec_s.min_utilization) {
        ev.error = MappingError{spec_s.name, "mapped tile size " + std::to_string(total_capacity) +
                                                 " is less than constrained minimum utilization " +
                                                 fmt_double(static_cast<double>(eff) * spec_s.min_utilization)};
        return ev;
      }
    }
    if (max_instances > spec_s.instances) {
      ev.error = MappingError{spec_s.name, "mapped instances " + std::to_string(max_instances) +
                                               " exceeds available hardware instances " + std::to_string(spec_s.instances)};
      return ev;
    }
    if (x_exp[s] > spec_s.mesh_x) {
      ev.error = MappingError{spec_s.name, "mapped X expansion " + std::to_string(x_exp[s]) +
                                               " exceeds available hardware instances " + std::to_string(spec_s.mesh_x)};
      return ev;
    }
    if (y_exp[s] > spec_s.mesh_y) {
      ev.error = MappingError{spec_s.name, "mapped Y expansion " + std::to_string(y_exp[s]) +
                                               " exceeds available hardware instances " + std::to_string(spec_s.mesh_y)};
      return ev;
    }
    const std::uint64_t xy = x_exp[s] * y_exp[s];
    const std::uint64_t clusters = std::min(xy, spec_s.instances / spec_s.cluster_size);
    double total_read = 0, total_write = 0;
    for (std::size_t p = 0; p < num_ds; ++p) {
      auto& d = st.data_spaces[p];
      d.utilized_clusters = clusters;
      auto vec = [&](std::uint64_t scalar) {
        return d.utilized_capacity != 0 && scalar != 0 ? ceil_div(scalar, spec_s.block_size) : scalar;
      };
      const double cluster_energy = static_cast<double>(vec(d.reads)) * en.read +
                                    static_cast<double>(vec(d.fills)) * en.fill +
                                    static_cast<double>(vec(d.updates)) * en.update;
      const double cluster_utilization = static_cast<double>(xy) / static_cast<double>(clusters);
      d.energy_per_instance = d.utilized_instances > 0 ? cluster_energy / cluster_utilization : 0.0;
      const double addr_gen = spec_s.user_addr_gen_energy
                                  ? static_cast<double>(d.address_generations) * *spec_s.user_addr_gen_energy
                                  : 0.0;
      d.energy = d.energy_per_instance * static_cast<double>(d.utilized_instances) +
                 addr_gen * static_cast<double>(clusters);
      st.energy += d.energy;
      const double scaling = static_cast<double>(xy) / static_cast<double>(d.utilized_instances);
      const double reads = std::ceil(static_cast<double>(d.reads) / scaling);
      const double writes = std::ceil(static_cast<double>(d.fills + d.updates) / scaling);
      read_bw[p] = reads / static_cast<double>(compute_cycles);
      write_bw[p] = writes / static_cast<double>(compute_cycles);
      total_read += read_bw[p];
      total_write += write_bw[p];
    }
    st.slowdown = 1.0;
    if (spec_s.read_bandwidth && *spec_s.read_bandwidth < total_read) {
      st.slowdown = std::min(st.slowdown, *spec_s.read_bandwidth / total_read);
    }
    if (spec_s.write_bandwidth && *spec_s.write_bandwidth < total_write) {
      st.slowdown = std::min(st.slowdown, *spec_s.write_bandwidth / total_write);
    }
    if (spec_s.shared_bandwidth && *spec_s.shared_bandwidth < total_read + total_write) {
      st.slowdown = std::min(st.slowdown, *spec_s.shared_bandwidth / (total_read + total_write));
    }
    for (std::size_t p = 0; p < num_ds; ++p) {
      st.data_spaces[p].read_bandwidth = st.slowdown * read_bw[p];
      st.data_spaces[p].write_bandwidth = st.slowdown * write_bw[p];
    }
    st.cycles = static_cast<std::uint64_t>(std::ceil(static_cast<double>(compute_cycles) / st.slowdown));
    r.storage.push_back(std::move(st));
  }

  // Totals.
  r.cycles = a.cycles;
  for (const auto& st : r.storage) r.cycles = std::max(r.cycles, st.cycles);
  if (spec.semantics == Semantics::v4) add_leakage(spec, r);
  r.energy = a.energy;
  for (const auto& st : r.storage) r.energy += st.energy;
  r.computes = a.computes;
  r.utilization = (static_cast<double>(a.computes) / static_cast<double>(a.instances)) / static_cast<double>(r.cycles);
  for (std::size_t p = 0; p < num_ds; ++p) {
    std::uint64_t cap = 0;
    for (std::size_t s = num_levels; s-- > 0;) {
      cap = r.storage[s].data_spaces[p].utilized_capacity;
      if (cap > 0) break;
    }
    r.total_min_traffic += cap;
    if (shape.data_spaces[p].read_write) r.total_output_size += cap;
  }
  r.reduction_ops = r.computes - r.total_output_size;
  r.total_ops = r.computes + r.reduction_ops;
  r.gflops = static_cast<double>(r.total_ops) / static_cast<double>(r.cycles);
  ev.result = std::move(r);
  return ev;
}

}  // namespace claimcheck::timeloop
