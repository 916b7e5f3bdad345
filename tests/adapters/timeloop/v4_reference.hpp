#pragma once
// Checks a native evaluation against what the real Timeloop v4 wrote for the same run: its
// map+stats.xml (counts exact, each level's dynamic energy within 1e-9 relative; the XML records
// no leakage), its ERT (leakage = the per-cycle `leak` energy x cycles x utilized instances) and
// its stats.txt (leakage lines, the fJ/Compute table and the utilization, within their rounding).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "adapters/timeloop/model.hpp"
#include "adapters/timeloop/stats_reader.hpp"

namespace claimcheck::timeloop {

inline std::string v4ref_read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The ERT's per-cycle leak energy of each table's level (the level name is the last dotted
// element without its [1..n] range), read directly from the YAML.
inline std::map<std::string, double> leak_per_cycle(const std::filesystem::path& ert) {
  std::map<std::string, double> out;
  if (!std::filesystem::exists(ert)) return out;  // the built-in energy model leaks nothing
  const YAML::Node root = YAML::LoadFile(ert.string());
  for (const auto& t : root["ERT"]["tables"]) {
    std::string name = t["name"].as<std::string>();
    name = name.substr(name.rfind('.', name.rfind("..") - 1) + 1);
    name = name.substr(0, name.find('['));
    for (const auto& a : t["actions"]) {
      if (a["name"].as<std::string>() == "leak") out[name] = std::max(out[name], a["energy"].as<double>());
    }
  }
  return out;
}

// `dir` holds PREFIX.map+stats.xml and PREFIX.stats.txt; `ert` is the ERT of the run.
inline void check_against_timeloop_v4(const Spec& spec, const std::filesystem::path& dir, const std::string& prefix,
                                      const std::filesystem::path& ert, const std::string& label) {
  namespace fs = std::filesystem;
  SCOPED_TRACE(label);
  const Evaluation ev = evaluate(spec);
  ASSERT_TRUE(ev.result) << (ev.error ? ev.error->message() : ev.unsupported);
  const Result& r = *ev.result;
  EXPECT_EQ(spec.semantics, Semantics::v4);

  std::vector<std::string> names;
  for (const auto& d : spec.problem.shape.data_spaces) names.push_back(d.name);
  const ReportedStats xml = parse_stats_xml("xml", v4ref_read(dir / (prefix + ".map+stats.xml")), names);
  const ReportedStats txt = parse_stats_text("txt", v4ref_read(dir / (prefix + ".stats.txt")));
  const auto leaks = leak_per_cycle(ert);

  EXPECT_EQ(r.cycles, xml.cycles);
  EXPECT_EQ(r.computes, xml.computes);
  ASSERT_EQ(r.storage.size() + 1, xml.levels.size());
  EXPECT_NEAR(r.arithmetic.energy, xml.levels[0].energy, 1e-9 * xml.levels[0].energy);
  double total = r.arithmetic.energy;
  for (std::size_t s = 0; s < r.storage.size(); ++s) {
    const StorageStats& st = r.storage[s];
    const ReportedLevel& pub = xml.levels[s + 1];
    SCOPED_TRACE(st.name);
    ASSERT_EQ(st.name, pub.name);
    std::size_t kept = 0;
    for (const auto& d : st.data_spaces) {
      if (!d.keep) continue;
      ASSERT_LT(kept, pub.data_spaces.size());
      const ReportedDataSpace& pd = pub.data_spaces[kept++];
      EXPECT_EQ(d.name, pd.name);
      EXPECT_EQ(d.reads, pd.reads) << d.name;
      EXPECT_EQ(d.fills, pd.fills) << d.name;
      EXPECT_EQ(d.updates, pd.updates) << d.name;
      EXPECT_EQ(d.utilized_instances, pd.utilized_instances) << d.name;
    }
    EXPECT_EQ(kept, pub.data_spaces.size());
    // Dynamic energy: the XML's per-data-space energies (leakage is not in the XML).
    const double dynamic = st.energy - st.leakage_energy;
    EXPECT_NEAR(dynamic, pub.energy, 1e-9 * std::max(1.0, pub.energy));
    // Leakage: the ERT's leak per cycle x cycles x powered instances: the utilized ones (at least
    // one), or, for a level sharing the power gates of a level with fewer instances, whole groups
    // of instances / gates for each utilized instance of the gating level.
    const double leak = leaks.count(st.name) ? leaks.at(st.name) : 0.0;
    double powered = static_cast<double>(std::max<std::uint64_t>(1, pub.max_utilized_instances));
    if (const ReportedLevel* gate = xml.level(pub.power_gated_at); gate && gate != &pub) {
      const double per_gate = static_cast<double>(pub.instances) / static_cast<double>(gate->instances);
      if (per_gate > 1) powered = per_gate * static_cast<double>(std::max<std::uint64_t>(1, gate->max_utilized_instances));
    }
    const double expected_leak = leak * static_cast<double>(xml.cycles) * powered;
    EXPECT_NEAR(st.leakage_energy, expected_leak, 1e-9 * std::max(1.0, expected_leak));
    total += pub.energy + expected_leak;
    // The printed stats: leakage line and the level's fJ/Compute row.
    if (const ReportedLevel* t = txt.level(st.name)) {
      EXPECT_NEAR(st.leakage_energy, t->leakage_energy, 0.005 + 1e-9);
      if (t->printed_fj_per_compute) {
        EXPECT_NEAR(1000 * st.energy / static_cast<double>(r.computes), *t->printed_fj_per_compute, 0.005 + 1e-9);
      }
    }
  }
  EXPECT_NEAR(r.energy, total, 1e-9 * total);
  ASSERT_TRUE(txt.printed_fj_per_compute);
  EXPECT_NEAR(1000 * r.energy / static_cast<double>(r.computes), *txt.printed_fj_per_compute, 0.005 + 1e-9);
  EXPECT_NEAR(100 * r.utilization, 100 * txt.printed_utilization, 0.005 + 1e-9);
}


}  // namespace claimcheck::timeloop
