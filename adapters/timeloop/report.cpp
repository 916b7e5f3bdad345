#include "adapters/timeloop/report.hpp"

#include <cstdio>
#include <iomanip>
#include <sstream>

#include "adapters/timeloop/nest_analysis.hpp"

namespace claimcheck::timeloop {
namespace {

std::string fixed(double v, int decimals = 2) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(decimals) << v;
  return s.str();
}

std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

const char* source_name(EnergySource s) {
  switch (s) {
    case EnergySource::ert: return "ERT";
    case EnergySource::pat: return "PAT";
    case EnergySource::user: return "user";
  }
  return "?";
}

std::string opt_bw(const std::optional<double>& v) { return v ? fixed(*v) : std::string("-"); }

// The loops each storage level owns, outermost first, as "for X in [0:n)" lines.
std::vector<std::vector<std::string>> level_loops(const Spec& spec) {
  const LoopNest nest = build_loop_nest(spec.arch, spec.problem, spec.mapping);
  std::vector<std::vector<std::string>> out(spec.arch.storage.size());
  std::size_t first = 0;
  for (std::size_t s = 0; s < nest.storage_boundaries.size(); ++s) {
    const std::size_t last = nest.storage_boundaries[s];
    for (std::size_t l = last + 1; l-- > first;) {
      const Loop& lp = nest.loops[l];
      std::string line = "for " + spec.problem.shape.dimensions[static_cast<std::size_t>(lp.dim)] + " in [0:" +
                         std::to_string(lp.end);
      if (lp.residual_end != lp.end) line += "," + std::to_string(lp.residual_end);
      line += ")";
      if (lp.space == LoopSpace::x) line += " (Spatial-X)";
      if (lp.space == LoopSpace::y) line += " (Spatial-Y)";
      out[s].push_back(line);
    }
    first = last + 1;
  }
  return out;
}

double fj_per_compute(double energy_pj, const Result& r) {
  return r.computes == 0 ? 0.0 : energy_pj / static_cast<double>(r.computes) * 1000.0;
}

}  // namespace

std::string format_summary(const Spec& spec, const Result& r) {
  std::ostringstream o;
  o << "cycles        " << r.cycles << "\n";
  o << "computes      " << r.computes << "\n";
  o << "energy        " << fixed(r.energy, 2) << " pJ (" << fixed(r.energy / 1e6, 2) << " uJ)\n";
  if (spec.semantics == Semantics::v4) o << "leakage       " << fixed(r.leakage_energy, 2) << " pJ (included above)\n";
  o << "pJ/compute    " << fixed(r.computes ? r.energy / static_cast<double>(r.computes) : 0.0, 3) << "\n";
  o << "utilization   " << fixed(r.utilization, 4) << "\n";
  o << "GFLOPs @1GHz  " << fixed(r.gflops, 2) << "\n";
  if (r.imperfect) o << "note          residual factors: cycles are counted as if every loop were padded\n";
  std::size_t width = std::max<std::size_t>(16, r.arithmetic.name.size() + 2);
  for (const auto& st : r.storage) width = std::max(width, st.name.size() + 2);
  o << "\n" << pad("level", width) << pad("energy (pJ)", 18) << "data space: reads / fills / updates per instance\n";
  o << pad(r.arithmetic.name, width) << pad(fixed(r.arithmetic.energy), 18) << "computes " << r.arithmetic.computes
    << " on " << r.arithmetic.utilized_instances << "/" << r.arithmetic.instances << " instances\n";
  for (const auto& st : r.storage) {
    o << pad(st.name, width) << pad(fixed(st.energy), 18);
    bool any = false;
    for (const auto& d : st.data_spaces) {
      if (!d.keep) continue;
      o << (any ? "; " : "") << d.name << ": " << d.reads << " / " << d.fills << " / " << d.updates;
      any = true;
    }
    if (!any) o << "(all bypassed)";
    o << "\n";
  }
  o << "semantics     " << (spec.semantics == Semantics::v4 ? "Timeloop v4" : "Timeloop v3.0.3") << "\n";
  for (const auto& w : spec.warnings) o << "warning: " << w << "\n";
  for (const auto& n : spec.notes) o << "note: " << n << "\n";
  return o.str();
}

nlohmann::json result_to_json(const Spec& spec, const Result& r) {
  nlohmann::json j;
  j["cycles"] = r.cycles;
  j["computes"] = r.computes;
  j["semantics"] = spec.semantics == Semantics::v4 ? "Timeloop v4" : "Timeloop v3.0.3";
  j["energy_pJ"] = r.energy;
  j["leakage_energy_pJ"] = r.leakage_energy;
  j["pJ_per_compute"] = r.computes ? r.energy / static_cast<double>(r.computes) : 0.0;
  j["utilization"] = r.utilization;
  j["gflops"] = r.gflops;
  j["total_ops"] = r.total_ops;
  j["reduction_ops"] = r.reduction_ops;
  j["imperfect_factorization"] = r.imperfect;
  nlohmann::json levels = nlohmann::json::array();
  levels.push_back({{"name", r.arithmetic.name},
                    {"type", "arithmetic"},
                    {"instances", r.arithmetic.instances},
                    {"utilized_instances", r.arithmetic.utilized_instances},
                    {"computes", r.arithmetic.computes},
                    {"cycles", r.arithmetic.cycles},
                    {"energy_pJ", r.arithmetic.energy}});
  for (std::size_t s = 0; s < r.storage.size(); ++s) {
    const auto& st = r.storage[s];
    const auto& sp = spec.arch.storage[s];
    nlohmann::json l{{"name", st.name},
                     {"type", "storage"},
                     {"instances", sp.instances},
                     {"cycles", st.cycles},
                     {"bandwidth_throttling", st.slowdown},
                     {"energy_pJ", st.energy},
                     {"leakage_energy_pJ", st.leakage_energy}};
    l["size_words"] = sp.size ? nlohmann::json(*sp.size) : nlohmann::json(nullptr);
    nlohmann::json dss = nlohmann::json::object();
    for (const auto& d : st.data_spaces) {
      if (!d.keep) continue;
      dss[d.name] = {{"partition_size", d.partition_size},
                     {"utilized_capacity", d.utilized_capacity},
                     {"utilized_instances", d.utilized_instances},
                     {"reads_per_instance", d.reads},
                     {"fills_per_instance", d.fills},
                     {"updates_per_instance", d.updates},
                     {"reads_total", d.reads * d.utilized_instances},
                     {"fills_total", d.fills * d.utilized_instances},
                     {"updates_total", d.updates * d.utilized_instances},
                     {"temporal_reductions_per_instance", d.temporal_reductions},
                     {"address_generations_per_cluster", d.address_generations},
                     {"energy_pJ", d.energy}};
    }
    l["dataspaces"] = std::move(dss);
    levels.push_back(std::move(l));
  }
  j["levels"] = std::move(levels);
  j["warnings"] = spec.warnings;
  j["notes"] = spec.notes;
  return j;
}

std::string format_stats(const Spec& spec, const Result& r) {
  std::ostringstream o;
  const auto loops = level_loops(spec);
  const auto& a = spec.arch.arithmetic;
  o << "Buffer and Arithmetic Levels\n----------------------------\n";
  o << "Level 0\n-------\n=== " << a.name << " ===\n\n";
  o << "    SPECS\n    -----\n";
  o << "    Word bits             : " << a.word_bits << "\n";
  o << "    Instances             : " << a.instances << " (" << a.mesh_x << "*" << a.mesh_y << ")\n";
  o << "    Compute energy        : " << fixed(spec.energy.compute) << " pJ\n\n";
  o << "    STATS\n    -----\n";
  o << "    Utilized instances      : " << r.arithmetic.utilized_instances << "\n";
  o << "    Computes (total)        : " << r.arithmetic.computes << "\n";
  o << "    Cycles                  : " << r.arithmetic.cycles << "\n";
  o << "    Energy (total)          : " << fixed(r.arithmetic.energy) << " pJ\n";
  o << "    Area (total)            : 0.00 um^2\n\n";
  for (std::size_t s = 0; s < r.storage.size(); ++s) {
    const auto& sp = spec.arch.storage[s];
    const auto& st = r.storage[s];
    const auto& en = spec.energy.storage[s];
    o << "Level " << s + 1 << "\n-------\n=== " << sp.name << " ===\n\n";
    o << "    SPECS\n    -----\n";
    o << "        Technology                  : " << (sp.technology == Technology::dram ? "DRAM" : "SRAM") << "\n";
    o << "        Size                        : " << (sp.size ? std::to_string(*sp.size) : std::string("-")) << "\n";
    o << "        Word bits                   : " << sp.word_bits << "\n";
    o << "        Block size                  : " << sp.block_size << "\n";
    o << "        Cluster size                : " << sp.cluster_size << "\n";
    o << "        Instances                   : " << sp.instances << " (" << sp.mesh_x << "*" << sp.mesh_y << ")\n";
    o << "        Shared bandwidth            : " << opt_bw(sp.shared_bandwidth) << "\n";
    o << "        Read bandwidth              : " << opt_bw(sp.read_bandwidth) << "\n";
    o << "        Write bandwidth             : " << opt_bw(sp.write_bandwidth) << "\n";
    o << "        Multiple buffering          : " << fixed(sp.multiple_buffering) << "\n";
    o << "        Effective size              : "
      << (sp.effective_size ? std::to_string(*sp.effective_size) : std::string("-")) << "\n";
    o << "        Min utilization             : " << fixed(sp.min_utilization) << "\n";
    o << "        Vector access energy        : " << fixed(en.vector_access_energy) << " pJ\n";
    o << "        Vector access energy source : " << source_name(en.source) << "\n";
    if (spec.semantics == Semantics::v4) {
      o << "        Per-instance-cycle leakage      : " << fixed(en.leak) << " pJ\n";
      o << "        Instances sharing power gating  : " << fixed(st.instances_sharing_power_gating) << "\n";
      o << "        Non-power-gated utilization     : " << fixed(100.0 * st.non_power_gated_utilization) << "%\n";
      o << "        Leakage energy (total)          : " << fixed(st.leakage_energy) << " pJ\n";
    }
    o << "        Area                        : 0.00 um^2\n\n";
    o << "    MAPPING\n    -------\n    Loop nest:\n";
    std::string indent = "      ";
    for (const auto& line : loops[s]) {
      o << indent << line << "\n";
      indent += "  ";
    }
    o << "\n    STATS\n    -----\n";
    o << "    Cycles               : " << st.cycles << "\n";
    o << "    Bandwidth throttling : " << fixed(st.slowdown) << "\n";
    for (const auto& d : st.data_spaces) {
      if (!d.keep) continue;
      const double accesses = static_cast<double>(d.reads + d.fills + d.updates);
      const double inst = static_cast<double>(d.utilized_instances);
      auto row = [&](const std::string& k, const std::string& v) { o << "        " << pad(k, 41) << ": " << v << "\n"; };
      o << "    " << d.name << ":\n";
      row("Partition size", std::to_string(d.partition_size));
      row("Utilized capacity", std::to_string(d.utilized_capacity));
      row("Utilized instances (max)", std::to_string(d.utilized_instances));
      row("Utilized clusters (max)", std::to_string(d.utilized_clusters));
      row("Scalar reads (per-instance)", std::to_string(d.reads));
      row("Scalar updates (per-instance)", std::to_string(d.updates));
      row("Scalar fills (per-instance)", std::to_string(d.fills));
      row("Temporal reductions (per-instance)", std::to_string(d.temporal_reductions));
      row("Address generations (per-cluster)", std::to_string(d.address_generations));
      row("Energy (per-scalar-access)", fixed(accesses > 0 ? d.energy_per_instance / accesses : 0.0) + " pJ");
      row("Energy (per-instance)", fixed(d.energy_per_instance) + " pJ");
      row("Energy (total)", fixed(d.energy) + " pJ");
      row("Temporal Reduction Energy (per-instance)", "0.00 pJ");
      row("Temporal Reduction Energy (total)", "0.00 pJ");
      row("Address Generation Energy (per-cluster)", "0.00 pJ");
      row("Address Generation Energy (total)", "0.00 pJ");
      const double shared = d.read_bandwidth + d.write_bandwidth;
      row("Shared Bandwidth (per-instance)", fixed(shared) + " words/cycle");
      row("Shared Bandwidth (total)", fixed(shared * inst) + " words/cycle");
      row("Read Bandwidth (per-instance)", fixed(d.read_bandwidth) + " words/cycle");
      row("Read Bandwidth (total)", fixed(d.read_bandwidth * inst) + " words/cycle");
      row("Write Bandwidth (per-instance)", fixed(d.write_bandwidth) + " words/cycle");
      row("Write Bandwidth (total)", fixed(d.write_bandwidth * inst) + " words/cycle");
    }
    o << "\n";
  }
  o << "Networks\n--------\n(not modelled: network energies are 0 in Timeloop without an ERT for them)\n\n";
  o << "Operational Intensity Stats\n---------------------------\n";
  const auto outer_bits = spec.arch.storage.back().word_bits;
  auto row = [&](const std::string& k, const std::string& v) { o << "    " << pad(k, 40) << ": " << v << "\n"; };
  row("Total elementwise ops", std::to_string(r.computes));
  row("Total reduction ops", std::to_string(r.reduction_ops));
  row("Total ops", std::to_string(r.total_ops));
  row("Total memory accesses required", std::to_string(r.total_min_traffic));
  row("Optimal Op per Byte",
      fixed(static_cast<double>(r.total_ops) / (static_cast<double>(outer_bits * r.total_min_traffic) / 8)));
  o << "\n";
  for (std::size_t s = 0; s < r.storage.size(); ++s) {
    std::uint64_t total = 0;
    for (const auto& d : r.storage[s].data_spaces) total += (d.reads + d.fills + d.updates) * d.utilized_instances;
    o << "=== " << r.storage[s].name << " ===\n";
    if (total > 0) {
      row("Total scalar accesses", std::to_string(total));
      row("Op per Byte", fixed(static_cast<double>(r.total_ops) /
                               (static_cast<double>(spec.arch.storage[s].word_bits * total) / 8)));
    }
  }
  o << "\n\nSummary Stats\n-------------\n";
  o << "GFLOPs (@1GHz): " << fixed(r.gflops) << "\n";
  if (spec.semantics == Semantics::v4) {
    o << "Utilization: " << fixed(100.0 * r.utilization) << "%\n";
  } else {
    o << "Utilization: " << fixed(r.utilization) << "\n";
  }
  o << "Cycles: " << r.cycles << "\n";
  o << "Energy: " << fixed(r.energy / 1e6) << " uJ\n";
  char edp[64];
  std::snprintf(edp, sizeof edp, "%.2e", static_cast<double>(r.cycles) * r.energy / 1e12);
  o << "EDP(J*cycle): " << edp << "\n";
  o << "Area: 0.00 mm^2\n\n";
  o << "Computes = " << r.computes << "\nfJ/Compute\n";
  std::size_t width = r.arithmetic.name.size();
  for (const auto& st : r.storage) width = std::max(width, st.name.size());
  width = std::max<std::size_t>(width, 5);
  o << "    " << pad(r.arithmetic.name, width) << " = " << fixed(fj_per_compute(r.arithmetic.energy, r)) << "\n";
  for (const auto& st : r.storage) {
    // Timeloop v4 leaves levels without energy (its fan-out levels, say) out of this table.
    if (spec.semantics == Semantics::v4 && st.energy == 0) continue;
    o << "    " << pad(st.name, width) << " = " << fixed(fj_per_compute(st.energy, r)) << "\n";
  }
  o << "    " << pad("Total", width) << " = " << fixed(fj_per_compute(r.energy, r)) << "\n";
  return o.str();
}

}  // namespace claimcheck::timeloop
