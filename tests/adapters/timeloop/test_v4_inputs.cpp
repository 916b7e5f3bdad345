// Timeloop v4 inputs: the front end's own format lowered as the front end does it, its
// parsed-processed-input.yaml, leakage energy computed by hand, the v3.0.3 / v4 switch, notes on
// what is ignored, and every refusal located and named.

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "adapters/timeloop/inputs.hpp"
#include "adapters/timeloop/model.hpp"
#include "adapters/timeloop/v4_expression.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::timeloop {
namespace {

Diagnostic error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.diagnostics().items().at(0);
  }
  ADD_FAILURE() << "no InputError";
  return {};
}

Spec load(const std::vector<std::pair<std::string, std::string>>& files, const LoadOptions& options = {}) {
  std::vector<InputText> texts;
  for (const auto& [path, text] : files) texts.push_back({path, text});
  return load_spec(texts, options);
}

Result run(const Spec& spec) {
  const Evaluation ev = evaluate(spec);
  if (!ev.result) throw std::runtime_error(ev.error ? ev.error->message() : ev.unsupported);
  return *ev.result;
}

const StorageStats& level(const Result& r, const std::string& name) {
  for (const auto& s : r.storage) {
    if (s.name == name) return s;
  }
  throw std::runtime_error("no level " + name);
}

const DataSpaceStats& ds(const Result& r, const std::string& lvl, const std::string& name) {
  for (const auto& d : level(r, lvl).data_spaces) {
    if (d.name == name) return d;
  }
  throw std::runtime_error("no " + lvl + "." + name);
}

// ------------------------------------------------------------------ a 1-level conv1d, by hand

// Conv1D R=3 P=16 on one 64-word register file and one MAC, in the v4 front end's format, with a
// variable, expressions, an inherited container attribute and energy-estimator attributes.
const std::string k_arch_1level =
    "variables:\n"
    "  version: 0.4\n"
    "  WORD: 8\n"
    "  ENTRIES: 4 * 16\n"
    "architecture:\n"
    "  version: 0.4\n"
    "  nodes:\n"
    "  - !Container\n"
    "    name: accelerator\n"
    "    attributes: {technology: \"40nm\", global_cycle_seconds: 1e-9}\n"
    "  - !Component\n"
    "    name: Buffer\n"
    "    class: regfile\n"
    "    attributes:\n"
    "      depth: ENTRIES\n"
    "      width: WORD\n"
    "      datawidth: width\n"
    "      update_fifo_depth: 2\n"
    "  - !Component\n"
    "    name: MACC\n"
    "    class: intmac\n"
    "    attributes: {width: WORD}\n";

const std::string k_problem_conv1d =
    "problem:\n"
    "  version: 0.4\n"
    "  shape:\n"
    "    name: Conv1D\n"
    "    dimensions: [R, P]\n"
    "    data_spaces:\n"
    "    - {name: Weights, projection: [[[R]]]}\n"
    "    - {name: Inputs, projection: [[[R], [P]]]}\n"
    "    - {name: Outputs, projection: [[[P]]], read_write: True}\n"
    "  instance: {R: 3, P: 16, densities: {}}\n";

const std::string k_map_1level =
    "mapping:\n"
    "  - {target: Buffer, type: temporal, factors: R=3 P=16, permutation: RP}\n";

// Per access 0.5 pJ, leakage 0.25 pJ per cycle; 1 pJ per compute.
const std::string k_ert_1level =
    "ERT:\n"
    "  version: '0.4'\n"
    "  tables:\n"
    "    - name: accelerator_top_level.Buffer[1..1]\n"
    "      actions:\n"
    "        - {name: read, arguments: {}, energy: 0.5}\n"
    "        - {name: write, arguments: {}, energy: 0.5}\n"
    "        - {name: update, arguments: {}, energy: 0.5}\n"
    "        - {name: leak, arguments: {}, energy: 0.25}\n"
    "    - name: accelerator_top_level.MACC[1..1]\n"
    "      actions: [{name: compute, arguments: {}, energy: 1.0}]\n";

TEST(TimeloopV4, OneLevelConv1dByHand) {
  const Spec spec = load({{"arch.yaml", k_arch_1level}, {"prob.yaml", k_problem_conv1d},
                          {"map.yaml", k_map_1level}, {"ERT.yaml", k_ert_1level}});
  EXPECT_EQ(spec.semantics, Semantics::v4);
  ASSERT_EQ(spec.arch.storage.size(), 1u);
  EXPECT_EQ(spec.arch.storage[0].size, 64u);          // ENTRIES = 4 * 16
  EXPECT_EQ(spec.arch.storage[0].word_bits, 8u);      // datawidth: width -> WORD -> 8
  EXPECT_EQ(spec.arch.storage[0].block_size, 1u);     // width / (datawidth x cluster_size 1)
  const Result r = run(spec);
  // 48 MACs, one per cycle; every weight and input read once per MAC; the 16 outputs read back
  // 32 times (the first of the 3 updates of each needs no read) and updated 48 times.
  EXPECT_EQ(r.computes, 48u);
  EXPECT_EQ(r.cycles, 48u);
  EXPECT_EQ(ds(r, "Buffer", "Weights").reads, 48u);
  EXPECT_EQ(ds(r, "Buffer", "Inputs").reads, 48u);
  EXPECT_EQ(ds(r, "Buffer", "Outputs").reads, 32u);
  EXPECT_EQ(ds(r, "Buffer", "Outputs").updates, 48u);
  // Dynamic: 176 accesses x 0.5 pJ = 88 pJ; leakage: 0.25 pJ x 48 cycles x 1 instance = 12 pJ;
  // MAC: 48 x 1 pJ.
  EXPECT_DOUBLE_EQ(level(r, "Buffer").leakage_energy, 12.0);
  EXPECT_DOUBLE_EQ(level(r, "Buffer").energy, 100.0);
  EXPECT_DOUBLE_EQ(r.leakage_energy, 12.0);
  EXPECT_DOUBLE_EQ(r.energy, 148.0);
}

TEST(TimeloopV4, SemanticsV303LeavesLeakageOut) {
  LoadOptions v3;
  v3.semantics = Semantics::v3_0_3;
  const Spec spec = load({{"arch.yaml", k_arch_1level}, {"prob.yaml", k_problem_conv1d},
                          {"map.yaml", k_map_1level}, {"ERT.yaml", k_ert_1level}},
                         v3);
  const Result r = run(spec);
  EXPECT_DOUBLE_EQ(r.leakage_energy, 0.0);
  EXPECT_DOUBLE_EQ(r.energy, 136.0);
}

TEST(TimeloopV4, IgnoredAttributesAndKeysAreNotedOnce) {
  const Spec spec = load({{"arch.yaml", k_arch_1level}, {"prob.yaml", k_problem_conv1d},
                          {"map.yaml", k_map_1level}, {"ERT.yaml", k_ert_1level}});
  ASSERT_EQ(spec.notes.size(), 2u);
  EXPECT_EQ(spec.notes[0], "top-level keys not read by the model (mapper, energy-estimator or front-end input): variables");
  EXPECT_EQ(spec.notes[1],
            "not read by Timeloop (energy-estimator or front-end attributes, ignored): global_cycle_seconds (Buffer, "
            "MACC), update_fifo_depth (Buffer), width (MACC)");
  EXPECT_TRUE(spec.warnings.empty()) << spec.warnings.front();
}

// The same run in the front end's output format (tree, version 0.4, underscored keys, its
// bookkeeping) gives the same architecture and the same figures.
const std::string k_parsed_processed_1level =
    "dumped_by_timeloop_front_end: true\n"
    "architecture:\n"
    "    version: '0.4'\n"
    "    subtree:\n"
    "      - name: accelerator_top_level\n"
    "        attributes: {version: '0.4', technology: \"40nm\", global_cycle_seconds: 1e-9, has_power_gating: false,\n"
    "                     power_gated_at: null}\n"
    "        local:\n"
    "          - name: Buffer[1..1]\n"
    "            class: regfile\n"
    "            attributes: {depth: 64, width: 8, datawidth: 8, update_fifo_depth: 2, has_power_gating: false,\n"
    "                         n_banks: 2, cluster_size: 1, reduction_supported: true, multiple_buffering: 1,\n"
    "                         min_utilization: 0, allow_overbooking: false, meshX: 1, meshY: 1,\n"
    "                         technology: \"40nm\", global_cycle_seconds: 1e-9, power_gated_at: null}\n"
    "            required_actions: [update, read, write, leak]\n"
    "            enabled: true\n"
    "          - name: MACC[1..1]\n"
    "            class: intmac\n"
    "            attributes: {width: 8, has_power_gating: false, meshX: 1, meshY: 1, technology: \"40nm\",\n"
    "                         global_cycle_seconds: 1e-9, power_gated_at: null}\n"
    "            required_actions: [compute]\n"
    "            enabled: true\n"
    "architecture_constraints: {targets: []}\n"
    "compound_components: {version: '0.4', classes: []}\n"
    "mapspace: {version: '0.4', template: uber}\n"
    "globals: {version: '0.4', environment_variables: {}, expression_custom_functions: [], accelergy_plug_ins: []}\n";

TEST(TimeloopV4, ParsedProcessedInputEqualsTheFrontEndFormat) {
  const Spec v4 = load({{"arch.yaml", k_arch_1level}, {"prob.yaml", k_problem_conv1d},
                        {"map.yaml", k_map_1level}, {"ERT.yaml", k_ert_1level}});
  const Spec ppi = load({{"parsed-processed-input.yaml", k_parsed_processed_1level + k_problem_conv1d + k_map_1level},
                         {"ERT.yaml", k_ert_1level}});
  ASSERT_EQ(ppi.arch.storage.size(), v4.arch.storage.size());
  auto same = [](StorageLevel a, StorageLevel b) {
    a.where = b.where = {};
    a.power_gated_at_where = b.power_gated_at_where = {};
    return a == b;
  };
  EXPECT_TRUE(same(ppi.arch.storage[0], v4.arch.storage[0]));
  EXPECT_EQ(ppi.arch.arithmetic.instances, v4.arch.arithmetic.instances);
  EXPECT_EQ(ppi.energy, v4.energy);
  EXPECT_EQ(run(ppi), run(v4));
}

// ------------------------------------------------------------------ fanout, parallel, gating

// DRAM -> 4 x {GB} -> 16 x {RF} -> 16 x MAC, with the 4-way and 4-way fanouts written as
// containers (the second inside a !Hierarchical branch), two scratchpads in a !Parallel.
std::string arch_fanout(const std::string& rf_extra = "") {
  return "variables: {version: 0.4, NGB: 4}\n"
         "architecture:\n"
         "  version: 0.4\n"
         "  nodes:\n"
         "  - !Container {name: system}\n"
         "  - !Component {name: DRAM, class: DRAM, attributes: {width: 64, datawidth: 8}}\n"
         "  - !Container {name: cluster, spatial: {meshX: NGB}}\n"
         "  - !Component {name: GB, class: SRAM, attributes: {depth: 1024, width: 64, datawidth: 8}}\n"
         "  - !Hierarchical\n"
         "    nodes:\n"
         "    - !Container {name: PE, spatial: {meshX: NGB}}\n"
         "    - !Parallel\n"
         "      nodes:\n"
         "      - !Component {name: AB, class: regfile, attributes: {depth: 16, width: 8, datawidth: 8" + rf_extra +
         "}}\n"
         "      - !Component {name: ZB, class: regfile, attributes: {depth: 16, width: 8, datawidth: 8}}\n"
         "  - !Component {name: MAC, class: intmac, attributes: {width: 8}}\n";
}

// Z[m] = sum_k A[m,k] * B[k], M = 8, K = 4.
const std::string k_problem_mv =
    "problem:\n"
    "  version: 0.4\n"
    "  shape:\n"
    "    name: MV\n"
    "    dimensions: [M, K]\n"
    "    data_spaces:\n"
    "    - {name: A, projection: [[[M]], [[K]]]}\n"
    "    - {name: B, projection: [[[K]]]}\n"
    "    - {name: Z, projection: [[[M]]], read_write: true}\n"
    "  instance: {M: 8, K: 4}\n";

// M split 4 ways across the clusters (the container's name targets its fanout level) and 2 of the
// 4 PEs of each; AB keeps A and B, ZB keeps Z; K walked in AB.
const std::string k_map_mv =
    "mapping:\n"
    "  - {target: DRAM, type: temporal, factors: M=1 K=1, permutation: MK}\n"
    "  - {target: cluster, type: spatial, factors: M=4 K=1, permutation: MK}\n"
    "  - {target: GB, type: temporal, factors: M=1 K=1, permutation: MK}\n"
    "  - {target: PE, type: spatial, factors: M=2 K=1, permutation: MK}\n"
    "  - {target: AB, type: temporal, factors: M=1 K=4, permutation: KM}\n"
    "  - {target: AB, type: dataspace, keep: [A, B], bypass: [Z]}\n"
    "  - {target: ZB, type: temporal, factors: M=1 K=1, permutation: MK}\n"
    "  - {target: ZB, type: dataspace, keep: [Z], bypass: [A, B]}\n";

const std::string k_ert_mv =
    "ERT:\n"
    "  version: 0.4\n"
    "  tables:\n"
    "    - {name: \"system_top_level.DRAM[1..1]\", actions: [{name: read, energy: 8}, {name: write, energy: 8},\n"
    "       {name: update, energy: 8}, {name: leak, energy: 0}]}\n"
    "    - {name: \"system_top_level.GB[1..4]\", actions: [{name: read, energy: 2}, {name: write, energy: 2},\n"
    "       {name: update, energy: 2}, {name: leak, energy: 0.5}]}\n"
    "    - {name: \"system_top_level.AB[1..16]\", actions: [{name: read, energy: 0.25}, {name: write, energy: 0.25},\n"
    "       {name: update, energy: 0.25}, {name: leak, energy: 0.125}]}\n"
    "    - {name: \"system_top_level.ZB[1..16]\", actions: [{name: read, energy: 0.25}, {name: write, energy: 0.25},\n"
    "       {name: update, energy: 0.25}, {name: leak, energy: 0.0625}]}\n"
    "    - {name: \"system_top_level.MAC[1..16]\", actions: [{name: compute, energy: 1}]}\n";

TEST(TimeloopV4, ContainersWithFanoutGetALevelThatKeepsNothing) {
  const Spec spec = load({{"arch.yaml", arch_fanout()}, {"prob.yaml", k_problem_mv}, {"map.yaml", k_map_mv},
                          {"ERT.yaml", k_ert_mv}});
  // Innermost first: ZB, AB (a !Parallel keeps its order, the first outermost), the PE fanout
  // level, GB, the cluster fanout level, DRAM.
  std::vector<std::string> names;
  std::vector<std::uint64_t> instances;
  for (const auto& s : spec.arch.storage) {
    names.push_back(s.name);
    instances.push_back(s.instances);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"ZB", "AB", "inter_PE_spatial", "GB", "inter_cluster_spatial", "DRAM"}));
  EXPECT_EQ(instances, (std::vector<std::uint64_t>{16, 16, 4, 4, 1, 1}));
  EXPECT_EQ(spec.arch.arithmetic.instances, 16u);
  EXPECT_EQ(spec.arch.storage[2].class_name, "dummy_storage");
  EXPECT_EQ(spec.arch.storage[2].size, 1u);
  // The fanout levels keep nothing unless the mapping says so.
  for (std::size_t p = 0; p < 3; ++p) {
    EXPECT_FALSE(spec.mapping.levels[2].keep[p]);
    EXPECT_FALSE(spec.mapping.levels[4].keep[p]);
  }
  const Result r = run(spec);
  // 32 MACs on 8 of the 16 MACs: 4 cycles.
  EXPECT_EQ(r.computes, 32u);
  EXPECT_EQ(r.cycles, 4u);
  EXPECT_EQ(ds(r, "GB", "Z").utilized_instances, 4u);
  EXPECT_EQ(ds(r, "AB", "A").utilized_instances, 8u);
  // Leakage = leak x 4 cycles x utilized instances: GB 0.5 x 4 x 4, AB 0.125 x 4 x 8, ZB 0.0625 x 4 x 8.
  EXPECT_DOUBLE_EQ(level(r, "GB").leakage_energy, 8.0);
  EXPECT_DOUBLE_EQ(level(r, "AB").leakage_energy, 4.0);
  EXPECT_DOUBLE_EQ(level(r, "ZB").leakage_energy, 2.0);
  EXPECT_DOUBLE_EQ(r.leakage_energy, 14.0);
}

TEST(TimeloopV4, PowerGatingSharedWithAnotherLevelLeaksWholeGroups) {
  // AB's 16 instances share the 4 power gates of GB: 4 instances per gate, and a gate is on for
  // each of the 4 utilized GBs, so all 16 leak although only 8 are used.
  const Spec spec = load({{"arch.yaml", arch_fanout(", power_gated_at: GB")}, {"prob.yaml", k_problem_mv},
                          {"map.yaml", k_map_mv}, {"ERT.yaml", k_ert_mv}});
  const Result r = run(spec);
  EXPECT_DOUBLE_EQ(level(r, "AB").instances_sharing_power_gating, 4.0);
  EXPECT_DOUBLE_EQ(level(r, "AB").leaks_per_cycle, 16.0);
  EXPECT_DOUBLE_EQ(level(r, "AB").non_power_gated_utilization, 0.5);
  EXPECT_DOUBLE_EQ(level(r, "AB").leakage_energy, 0.125 * 4 * 16);
  EXPECT_DOUBLE_EQ(level(r, "ZB").leakage_energy, 2.0);  // its own gates
}

TEST(TimeloopV4, PowerGatedAtAnUnknownLevelIsAnError) {
  const Diagnostic d = error_of([] {
    load({{"arch.yaml", arch_fanout(", power_gated_at: GBB")}, {"prob.yaml", k_problem_mv}, {"map.yaml", k_map_mv}});
  });
  EXPECT_EQ(d.message, "power_gated_at names no storage level: \"GBB\"");
  EXPECT_EQ(d.hint, "did you mean \"GB\"?");
  EXPECT_EQ(d.file, "arch.yaml");
  EXPECT_EQ(d.line, 14);
}

TEST(TimeloopV4, ArchitectureConstraintsFillInWhatTheMappingLeavesOut) {
  // A dataspace constraint on a node decides what the level keeps when the mapping does not.
  std::string arch = arch_fanout();
  const std::string ab = "- !Component {name: AB, class: regfile, attributes: {depth: 16, width: 8, datawidth: 8}}";
  arch.replace(arch.find(ab), ab.size(),
               "- !Component {name: AB, class: regfile, attributes: {depth: 16, width: 8, datawidth: 8},\n"
               "         constraints: {dataspace: {keep: [A, B], bypass: [Z]}, temporal: {factors: [M=1], maximize_dims: [[K]]}}}");
  std::string map = k_map_mv;
  map.erase(map.find("  - {target: AB, type: dataspace"), std::string("  - {target: AB, type: dataspace, keep: [A, B], bypass: [Z]}\n").size());
  const Spec spec = load({{"arch.yaml", arch}, {"prob.yaml", k_problem_mv}, {"map.yaml", map}, {"ERT.yaml", k_ert_mv}});
  EXPECT_TRUE(spec.mapping.levels[1].keep[0]);
  EXPECT_TRUE(spec.mapping.levels[1].keep[1]);
  EXPECT_FALSE(spec.mapping.levels[1].keep[2]);
  // The mapping's own temporal directive for AB wins over the constraint's.
  EXPECT_EQ(spec.mapping.levels[1].temporal[1].end, 4);
  bool noted = false;
  for (const auto& n : spec.notes) noted = noted || n.find("maximize_dims") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(TimeloopV4, MergeKeysOfTheFrontEndsYamlAreResolved) {
  // `<<` adds missing keys from an anchor, `<<<` merges recursively; the component's own keys win.
  const std::string arch =
      "variables:\n"
      "  version: 0.4\n"
      "  common: &regfile {class: regfile, attributes: {depth: 64, width: 8, datawidth: 8}}\n"
      "architecture:\n"
      "  version: 0.4\n"
      "  nodes:\n"
      "  - !Container {name: accelerator}\n"
      "  - !Component\n"
      "    name: Buffer\n"
      "    <<<: *regfile\n"
      "    attributes: {depth: 32}\n"
      "  - !Component\n"
      "    name: MACC\n"
      "    <<: {class: intmac}\n";
  const Spec spec = load({{"arch.yaml", arch}, {"prob.yaml", k_problem_conv1d}, {"map.yaml", k_map_1level}},
                         LoadOptions{});
  ASSERT_EQ(spec.arch.storage.size(), 1u);
  EXPECT_EQ(spec.arch.storage[0].class_name, "regfile");
  EXPECT_EQ(spec.arch.storage[0].size, 32u);        // its own depth wins
  EXPECT_EQ(spec.arch.storage[0].word_bits, 8u);    // merged from the anchor
  EXPECT_EQ(spec.arch.arithmetic.class_name, "intmac");
}

// ------------------------------------------------------------------ ERT reading, v3.0.3 vs v4

TEST(TimeloopV4, MissingErtActionsFallBackToTheBuiltInModelUnderV4Only) {
  std::string ert = k_ert_1level;
  ert.replace(ert.find("        - {name: write, arguments: {}, energy: 0.5}\n"),
              std::string("        - {name: write, arguments: {}, energy: 0.5}\n").size(), "");
  ert.replace(ert.find("        - {name: update, arguments: {}, energy: 0.5}\n"),
              std::string("        - {name: update, arguments: {}, energy: 0.5}\n").size(), "");
  const Spec v4 = load({{"arch.yaml", k_arch_1level}, {"prob.yaml", k_problem_conv1d}, {"map.yaml", k_map_1level},
                        {"ERT.yaml", ert}});
  EXPECT_EQ(v4.energy.storage[0].read, 0.5);
  // Built-in SRAM model for 64 words of 8 bits: (5/99.5 x (512/8192 - 0.5) + 1) x 8 / 16.
  const double pat = (5.0 / 99.5 * (512.0 / 8192.0 - 0.5) + 1.0) * 8.0 / 16.0;
  EXPECT_DOUBLE_EQ(v4.energy.storage[0].update, pat);
  EXPECT_DOUBLE_EQ(v4.energy.storage[0].fill, pat);
  LoadOptions v3;
  v3.semantics = Semantics::v3_0_3;
  const Diagnostic d = error_of([&] {
    load({{"arch.yaml", k_arch_1level}, {"prob.yaml", k_problem_conv1d}, {"map.yaml", k_map_1level}, {"ERT.yaml", ert}},
         v3);
  });
  EXPECT_EQ(d.message, "ERT table \"accelerator_top_level.Buffer[1..1]\" has no action for fills (expected one of: "
                       "random_fill, write)");
}

TEST(TimeloopV4, UpdatesUseTheUpdateActionUnderV4AndWriteUnderV303) {
  std::string ert = k_ert_1level;
  ert.replace(ert.find("{name: update, arguments: {}, energy: 0.5}"),
              std::string("{name: update, arguments: {}, energy: 0.5}").size(), "{name: update, arguments: {}, energy: 3}");
  const Spec v4 = load({{"arch.yaml", k_arch_1level}, {"prob.yaml", k_problem_conv1d}, {"map.yaml", k_map_1level},
                        {"ERT.yaml", ert}});
  EXPECT_EQ(v4.energy.storage[0].update, 3.0);
  LoadOptions v3;
  v3.semantics = Semantics::v3_0_3;
  const Spec old = load({{"arch.yaml", k_arch_1level}, {"prob.yaml", k_problem_conv1d}, {"map.yaml", k_map_1level},
                         {"ERT.yaml", ert}},
                        v3);
  EXPECT_EQ(old.energy.storage[0].update, 0.5);  // v3.0.3: random_update, random_fill, write
}

// ------------------------------------------------------------------ refusals, located

Diagnostic arch_error(const std::string& arch) {
  return error_of([&] { load({{"arch.yaml", arch}, {"prob.yaml", k_problem_conv1d}, {"map.yaml", k_map_1level}}); });
}

TEST(TimeloopV4Errors, JinjaTemplatesAreRefusedWithWhatToPassInstead) {
  const Diagnostic d = arch_error("architecture:\n  version: 0.4\n  nodes: {{include('arch.yaml')}}\n");
  EXPECT_EQ(d.line, 3);
  EXPECT_EQ(d.column, 10);
  EXPECT_EQ(d.message, "unsupported: a Jinja2 template (`{{ ... }}`); claimcheck reads YAML, it does not render templates");
  EXPECT_EQ(d.hint, "pass the rendered YAML files, or the front end's own output parsed-processed-input.yaml (written "
                    "beside timeloop-model.stats.txt)");
}

TEST(TimeloopV4Errors, UnsupportedExpressionsNameTheConstruct) {
  std::string arch = k_arch_1level;
  arch.replace(arch.find("depth: ENTRIES"), 14, "depth: MACC.attributes.width");
  const Diagnostic d = arch_error(arch);
  EXPECT_EQ(d.line, 15);
  EXPECT_EQ(d.message, "cannot evaluate `MACC.attributes.width`: unsupported: attribute access (`.`)");
  arch = k_arch_1level;
  arch.replace(arch.find("depth: ENTRIES"), 14, "depth: ENTRIESS");
  EXPECT_EQ(arch_error(arch).message, "cannot evaluate `ENTRIESS`: unknown name \"ENTRIESS\"");
  arch = k_arch_1level;
  arch.replace(arch.find("depth: ENTRIES"), 14, "depth: mystery(4)");
  EXPECT_EQ(arch_error(arch).message, "cannot evaluate `mystery(4)`: unsupported: the function mystery()");
}

TEST(TimeloopV4Errors, AMisspeltAttributeTimeloopReadsIsAnErrorWithTheKey) {
  std::string arch = k_arch_1level;
  arch.replace(arch.find("      depth: ENTRIES"), 20, "      dpeth: ENTRIES");
  const Diagnostic d = arch_error(arch);
  EXPECT_EQ(d.message, "unknown key \"dpeth\" in attributes of storage \"Buffer\"");
  EXPECT_EQ(d.hint, "did you mean \"depth\"?");
  EXPECT_EQ(d.line, 15);
  EXPECT_EQ(d.column, 7);
}

TEST(TimeloopV4Errors, NodeStructureErrors) {
  EXPECT_EQ(arch_error("architecture:\n  version: 0.4\n  nodes:\n  - {name: x, class: DRAM}\n").message,
            "an architecture node without a tag");
  EXPECT_EQ(arch_error("architecture:\n  version: 0.4\n  nodes:\n  - !Contaner {name: x}\n").message,
            "unknown architecture node tag \"!Contaner\"");
  EXPECT_EQ(arch_error("architecture:\n  version: 0.4\n  nodes:\n  - !Parallel\n    nodes:\n    - !Container {name: x}\n"
                       "  - !Component {name: m, class: intmac}\n")
                .message,
            "unsupported: a container inside a !Parallel branch");
  EXPECT_EQ(arch_error("architecture:\n  version: 0.4\n  nodes:\n  - !Component {name: m, class: intmac}\n"
                       "  - !Component {name: b, class: regfile, attributes: {depth: 4, width: 8, datawidth: 8}}\n")
                .message,
            "the last node of a v4 architecture must be the compute (MAC) component");
  EXPECT_EQ(arch_error("architecture:\n  version: 0.3\n  nodes: []\n").message,
            "unsupported architecture version \"0.3\" for the `nodes` format");
  EXPECT_EQ(arch_error("architecture:\n  version: 0.4\n  nodes:\n  - !Component {name: n, class: XY_NoC}\n").message,
            "unsupported: explicit network component \"n\" (class XY_NoC)");
}

TEST(TimeloopV4Errors, SparseInputsAreRefusedAsOutOfScope) {
  std::string problem = k_problem_conv1d;
  problem.replace(problem.find("densities: {}"), 13, "densities: {Weights: 0.5}");
  const Diagnostic d = error_of([&] {
    load({{"arch.yaml", k_arch_1level}, {"prob.yaml", problem}, {"map.yaml", k_map_1level}});
  });
  EXPECT_EQ(d.message, "unsupported: a sparse density for \"Weights\"");
  EXPECT_EQ(d.hint, "sparse (Sparseloop) workloads are out of scope: claimcheck models dense Timeloop runs only");
  std::string arch = k_arch_1level;
  arch.replace(arch.find("      update_fifo_depth: 2"), 26, "      metadata_storage_width: 8");
  EXPECT_EQ(arch_error(arch).message, "unsupported: \"metadata_storage_width\" (sparse metadata storage)");
  const Diagnostic s = error_of([&] {
    load({{"arch.yaml", k_arch_1level}, {"prob.yaml", k_problem_conv1d}, {"map.yaml", k_map_1level},
          {"sparse.yaml", "sparse_optimizations:\n  targets:\n  - {name: Buffer}\n"}});
  });
  EXPECT_EQ(s.message, "unsupported: sparse_optimizations (Sparseloop)");
}

TEST(TimeloopV4Errors, DenseDensitiesAreAccepted) {
  std::string problem = k_problem_conv1d;
  problem.replace(problem.find("densities: {}"), 13, "densities: {Weights: 1.0, Inputs: {density: 1}}");
  EXPECT_NO_THROW(load({{"arch.yaml", k_arch_1level}, {"prob.yaml", problem}, {"map.yaml", k_map_1level}}));
}

TEST(TimeloopV4Errors, NonDimensionInstanceKeysAreNotedAndMisspeltCoefficientsRefused) {
  std::string problem = k_problem_conv1d;
  problem.replace(problem.find("instance: {R: 3"), 15, "instance: {H: 18, Hpad: 0, R: 3");
  const Spec spec = load({{"arch.yaml", k_arch_1level}, {"prob.yaml", problem}, {"map.yaml", k_map_1level}});
  bool noted = false;
  for (const auto& n : spec.notes) {
    noted = noted || n == "problem instance: H, Hpad not read by Timeloop (not dimensions or coefficients of shape "
                          "\"Conv1D\"); ignored";
  }
  EXPECT_TRUE(noted);
}

// ------------------------------------------------------------------ the expression language

V4Value eval(const std::string& text) {
  return evaluate_v4_expression(text, [](const std::string& name) -> std::optional<V4Value> {
    if (name == "depth") return V4Value{16LL};
    if (name == "tech") return V4Value{std::string("40nm")};
    return std::nullopt;
  });
}

TEST(TimeloopV4Expressions, PythonArithmetic) {
  EXPECT_EQ(eval("2 + 3 * 4").text(), "14");
  EXPECT_EQ(eval("(2 + 3) * 4").text(), "20");
  EXPECT_EQ(eval("2 ** 3 ** 2").text(), "512");
  EXPECT_EQ(eval("-2 ** 2").text(), "-4");
  EXPECT_EQ(eval("64 / 8").text(), "8.0");
  EXPECT_EQ(eval("7 // 2").text(), "3");
  EXPECT_EQ(eval("-7 // 2").text(), "-4");
  EXPECT_EQ(eval("-7 % 3").text(), "2");
  EXPECT_EQ(eval("1e-9 * 2").text(), "2.0000000000000001e-09");
  EXPECT_EQ(eval("max(1, ceil(log2(depth))) if depth >= 1 else 1").text(), "4");
  EXPECT_EQ(eval("depth > 8 and depth < 32").text(), "True");
  EXPECT_EQ(eval("not depth").text(), "False");
  EXPECT_EQ(eval("min(3, 2.5)").text(), "2.5");
  EXPECT_EQ(eval("round(2.5)").text(), "2");
  EXPECT_EQ(eval("int(7.9)").text(), "7");
  EXPECT_EQ(eval("tech == '40nm'").text(), "True");
  EXPECT_EQ(eval("1 < 2 < 3").text(), "True");
  EXPECT_EQ(eval("3 > 2 > 2").text(), "False");
}

std::string eval_error(const std::string& text) {
  try {
    eval(text);
  } catch (const V4ExpressionError& e) {
    return e.message;
  }
  return "(no error)";
}

TEST(TimeloopV4Expressions, RefusalsNameTheConstruct) {
  EXPECT_EQ(eval_error("a.b"), "unsupported: attribute access (`.`)");
  EXPECT_EQ(eval_error("x[0]"), "unsupported: indexing (`[`)");
  EXPECT_EQ(eval_error("lambda x: x"), "unsupported: `lambda`");
  EXPECT_EQ(eval_error("(1, 2)"), "unsupported: tuples");
  EXPECT_EQ(eval_error("open('x')"), "unsupported: the function open()");
  EXPECT_EQ(eval_error("1 / 0"), "division by zero");
  EXPECT_EQ(eval_error("nope + 1"), "unknown name \"nope\"");
  EXPECT_EQ(eval_error("2 ** 100"), "integer overflow");
  EXPECT_EQ(eval_error(std::string(70, '(') + "1" + std::string(70, ')')), "the expression nests deeper than 64 levels");
}

}  // namespace
}  // namespace claimcheck::timeloop
