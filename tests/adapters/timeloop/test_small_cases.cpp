// Small cases computed by hand, the input errors, and the format variants (JSON, merging).

#include <gtest/gtest.h>

#include <string>

#include "adapters/timeloop/inputs.hpp"
#include "adapters/timeloop/model.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::timeloop {
namespace {

// 1 MAC, a 16-word buffer, DRAM. C=4 M=2 P=3 (a 2x4 by 4x3 matrix product).
std::string arch_yaml(int depth = 16, int dram_block = 1) {
  return "architecture:\n"
         "  version: 0.3\n"
         "  subtree:\n"
         "    - name: system\n"
         "      local:\n"
         "        - name: DRAM\n"
         "          class: DRAM\n"
         "          attributes: {width: " + std::to_string(16 * dram_block) + ", block-size: " +
         std::to_string(dram_block) + ", word-bits: 16}\n"
         "        - name: buffer\n"
         "          class: regfile\n"
         "          attributes: {depth: " + std::to_string(depth) + ", width: 16, block-size: 1, word-bits: 16}\n"
         "        - name: mac\n"
         "          class: intmac\n"
         "          attributes: {datawidth: 16}\n";
}

const std::string k_problem =
    "problem:\n"
    "  instance: {C: 4, K: 2, R: 1, S: 1, N: 1, P: 3, Q: 1}\n";  // built-in CNN-Layer shape (K = outputs)

std::string mapping_yaml(const std::string& buffer_factors = "C=4 K=2", const std::string& perm = "CK",
                         const std::string& keep = "[Weights, Inputs, Outputs]") {
  return "mapping:\n"
         "  - {target: buffer, type: datatype, keep: " + keep + "}\n"
         "  - {target: buffer, type: temporal, factors: " + buffer_factors + ", permutation: " + perm + "}\n"
         "  - {target: DRAM, type: temporal, factors: P=3, permutation: P}\n";
}

std::string ert_yaml(bool with_write = true) {
  return std::string("ERT:\n"
                     "  version: 0.3\n"
                     "  tables:\n"
                     "    - name: system.DRAM\n"
                     "      actions: [{name: read, energy: 10}, {name: write, energy: 10}]\n"
                     "    - name: system.buffer\n"
                     "      actions: [{name: read, energy: 1}") +
         (with_write ? ", {name: write, energy: 2}" : "") +
         "]\n"
         "    - name: system.mac\n"
         "      actions: [{name: compute, energy: 0.5}]\n";
}

Spec load(const std::string& arch, const std::string& problem, const std::string& mapping, const std::string& ert) {
  std::vector<InputText> files{{"arch.yaml", arch}, {"problem.yaml", problem}, {"mapping.yaml", mapping}};
  if (!ert.empty()) files.push_back({"ERT.yaml", ert});
  return load_spec(files);
}

const DataSpaceStats& ds(const Result& r, const std::string& level, const std::string& name) {
  for (const auto& s : r.storage) {
    if (s.name != level) continue;
    for (const auto& d : s.data_spaces) {
      if (d.name == name) return d;
    }
  }
  throw std::runtime_error("no " + level + "." + name);
}

Diagnostic error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.diagnostics().items().at(0);
  }
  ADD_FAILURE() << "no InputError";
  return {};
}

TEST(TimeloopHandCase, OutputStationaryTileCountedByHand) {
  const Evaluation ev = evaluate(load(arch_yaml(), k_problem, mapping_yaml(), ert_yaml()));
  ASSERT_TRUE(ev.result);
  const Result& r = *ev.result;
  EXPECT_EQ(r.computes, 24u);
  EXPECT_EQ(r.cycles, 24u);
  EXPECT_DOUBLE_EQ(r.utilization, 1.0);
  // DRAM: weights fetched once (the P loop does not touch them), inputs once per P, outputs drained once.
  EXPECT_EQ(ds(r, "DRAM", "Weights").reads, 8u);
  EXPECT_EQ(ds(r, "DRAM", "Inputs").reads, 12u);
  EXPECT_EQ(ds(r, "DRAM", "Outputs").updates, 6u);
  EXPECT_EQ(ds(r, "DRAM", "Outputs").reads, 0u);
  // Buffer: one operand read and one partial-sum update per MAC; the first write of each output needs no read.
  EXPECT_EQ(ds(r, "buffer", "Weights").reads, 24u);
  EXPECT_EQ(ds(r, "buffer", "Weights").fills, 8u);
  EXPECT_EQ(ds(r, "buffer", "Inputs").reads, 24u);
  EXPECT_EQ(ds(r, "buffer", "Inputs").fills, 12u);
  EXPECT_EQ(ds(r, "buffer", "Outputs").updates, 24u);
  EXPECT_EQ(ds(r, "buffer", "Outputs").reads, 24u - 6u);
  EXPECT_EQ(ds(r, "buffer", "Outputs").fills, 0u);
  EXPECT_EQ(ds(r, "buffer", "Weights").utilized_capacity, 8u);
  EXPECT_EQ(ds(r, "buffer", "Inputs").utilized_capacity, 4u);
  EXPECT_EQ(ds(r, "buffer", "Outputs").utilized_capacity, 2u);
  // Energy: DRAM (8 + 12 + 6) x 10; buffer reads 66 x 1 + fills 20 x 2 + updates 24 x 2; MAC 24 x 0.5.
  EXPECT_DOUBLE_EQ(r.storage[1].energy, 260.0);
  EXPECT_DOUBLE_EQ(r.storage[0].energy, 66.0 + 40.0 + 48.0);
  EXPECT_DOUBLE_EQ(r.arithmetic.energy, 12.0);
  EXPECT_DOUBLE_EQ(r.energy, 426.0);
  // Total ops = computes + (computes - outputs) = 24 + 18.
  EXPECT_EQ(r.total_ops, 42u);
  EXPECT_DOUBLE_EQ(r.gflops, 42.0 / 24.0);
}

TEST(TimeloopHandCase, VectorAccessesRoundUpPerBlock) {
  const Evaluation ev = evaluate(load(arch_yaml(16, 4), k_problem, mapping_yaml(), ert_yaml()));
  ASSERT_TRUE(ev.result);
  // DRAM block of 4 words: ceil(8/4) + ceil(12/4) reads, ceil(6/4) updates, 10 pJ each.
  EXPECT_DOUBLE_EQ(ev.result->storage[1].energy, (2 + 3 + 2) * 10.0);
}

TEST(TimeloopHandCase, BuiltInEnergyModelWithoutErt) {
  const Spec spec = load(arch_yaml(), k_problem, mapping_yaml(), "");
  // pat-public: DRAM 200 x 16 bits / 16; 16x16-bit regfile y = 1 + (5/99.5)(256/8192 - 0.5); MAC 1 pJ.
  EXPECT_DOUBLE_EQ(spec.energy.storage[1].read, 200.0);
  const double y = 1.0 + (5.0 / 99.5) * (256.0 / 8192.0 - 0.5);
  EXPECT_DOUBLE_EQ(spec.energy.storage[0].read, y * 16.0 / 16.0);
  EXPECT_DOUBLE_EQ(spec.energy.compute, 1.0);
  EXPECT_EQ(spec.energy.storage[0].source, EnergySource::pat);
  const Evaluation ev = evaluate(spec);
  ASSERT_TRUE(ev.result);
  EXPECT_DOUBLE_EQ(ev.result->storage[1].energy, 26 * 200.0);
}

TEST(TimeloopHandCase, JsonInputGivesTheSameResult) {
  const std::string json_mapping =
      R"({"mapping": [
           {"target": "buffer", "type": "datatype", "keep": ["Weights", "Inputs", "Outputs"]},
           {"target": "buffer", "type": "temporal", "factors": "C4 K2", "permutation": "CK"},
           {"target": "DRAM", "type": "temporal", "factors": "P3", "permutation": "P"}]})";
  const Evaluation a = evaluate(load(arch_yaml(), k_problem, mapping_yaml(), ert_yaml()));
  const Evaluation b = evaluate(load(arch_yaml(), k_problem, json_mapping, ert_yaml()));
  ASSERT_TRUE(a.result && b.result);
  EXPECT_EQ(*a.result, *b.result);
}

TEST(TimeloopHandCase, RootMapsOfSeveralFilesMergeLaterWins) {
  // A later file's `mapping:` replaces an earlier one, as on the real tool's command line.
  const std::vector<InputText> files{{"all.yaml", arch_yaml() + k_problem + mapping_yaml("C=2 K=2") + ert_yaml()},
                                     {"fix.yaml", mapping_yaml()}};
  const Evaluation ev = evaluate(load_spec(files));
  ASSERT_TRUE(ev.result);
  EXPECT_EQ(ev.result->computes, 24u);
}

TEST(TimeloopInputErrors, FactorProductNotMatchingBound) {
  const Diagnostic d = error_of([] { load(arch_yaml(), k_problem, mapping_yaml("C=2 K=2"), ert_yaml()); });
  EXPECT_EQ(d.message,
            "product of all factors of dimension C is 2, which is not equal to the dimension size of the workload 4");
  EXPECT_EQ(d.file, "mapping.yaml");
  EXPECT_EQ(d.line, 2);
}

TEST(TimeloopInputErrors, OverflowingLevelNamesIt) {
  const Evaluation ev = evaluate(load(arch_yaml(8), k_problem, mapping_yaml(), ert_yaml()));
  ASSERT_TRUE(ev.error);
  EXPECT_FALSE(ev.result);
  EXPECT_EQ(ev.error->message(), "couldn't map level buffer: mapped tile size 14 exceeds buffer capacity 8");
}

TEST(TimeloopInputErrors, UnknownDataSpace) {
  const Diagnostic d =
      error_of([] { load(arch_yaml(), k_problem, mapping_yaml("C=4 K=2", "CK", "[Weight, Inputs]"), ert_yaml()); });
  EXPECT_EQ(d.message, "unknown data-space \"Weight\" in keep");
  EXPECT_EQ(d.hint, "did you mean \"Weights\"?");
  EXPECT_EQ(d.file, "mapping.yaml");
  EXPECT_EQ(d.line, 2);
}

TEST(TimeloopInputErrors, PermutationWithUnknownDimension) {
  const Diagnostic d = error_of([] { load(arch_yaml(), k_problem, mapping_yaml("C=4 K=2", "CM"), ert_yaml()); });
  EXPECT_EQ(d.message, "permutation names unknown dimension \"M\"");
  EXPECT_EQ(d.line, 3);
}

TEST(TimeloopInputErrors, MissingErtAction) {
  const Diagnostic d = error_of([] { load(arch_yaml(), k_problem, mapping_yaml(), ert_yaml(false)); });
  EXPECT_EQ(d.message, "ERT table \"system.buffer\" has no action for fills (expected one of: random_fill, write)");
  EXPECT_EQ(d.hint, "actions present: read");
  EXPECT_EQ(d.file, "ERT.yaml");
  EXPECT_EQ(d.line, 6);
}

TEST(TimeloopInputErrors, MisspeltKeyWithDidYouMean) {
  const std::string mapping =
      "mapping:\n"
      "  - {target: buffer, type: temporal, factor: C=4 K=2, permutation: CK}\n";
  const Diagnostic d = error_of([&] { load(arch_yaml(), k_problem, mapping, ert_yaml()); });
  EXPECT_EQ(d.message, "unknown key \"factor\" in mapping directive");
  EXPECT_EQ(d.hint, "did you mean \"factors\"?");
  EXPECT_EQ(d.line, 2);
  EXPECT_EQ(d.column, 38);
}

TEST(TimeloopInputErrors, MisspeltAttribute) {
  std::string arch = arch_yaml();
  arch.replace(arch.find("depth: 16"), 9, "dpeth: 16");
  const Diagnostic d = error_of([&] { load(arch, k_problem, mapping_yaml(), ert_yaml()); });
  EXPECT_EQ(d.message, "unknown key \"dpeth\" in attributes of storage \"buffer\"");
  EXPECT_EQ(d.hint, "did you mean \"depth\"?");
  EXPECT_EQ(d.file, "arch.yaml");
  EXPECT_EQ(d.line, 11);
}

TEST(TimeloopInputErrors, UnknownTargetLevel) {
  const std::string mapping = "mapping:\n  - {target: bufer, type: temporal, factors: C=4 K=2, permutation: CK}\n";
  const Diagnostic d = error_of([&] { load(arch_yaml(), k_problem, mapping, ert_yaml()); });
  EXPECT_EQ(d.message, "target storage level not found: bufer");
  EXPECT_EQ(d.hint, "did you mean \"buffer\"?");
}

TEST(TimeloopInputErrors, ProjectionWithUnknownDimension) {
  const std::string problem =
      "problem:\n"
      "  shape:\n"
      "    name: GEMM\n"
      "    dimensions: [M, N, K]\n"
      "    data-spaces:\n"
      "      - {name: A, projection: [[[M]], [[K]]]}\n"
      "      - {name: B, projection: [[[K]], [[X]]]}\n"
      "      - {name: Z, projection: [[[M]], [[N]]], read-write: true}\n"
      "  instance: {M: 2, N: 2, K: 2}\n";
  const Diagnostic d = error_of([&] { load(arch_yaml(), problem, "", ""); });
  EXPECT_EQ(d.message, "projection of \"B\" names unknown dimension \"X\"");
  EXPECT_EQ(d.line, 7);
}

TEST(TimeloopInputErrors, BothSpellingsOfOneKeyAreRefused) {
  const std::string problem =
      "problem:\n"
      "  shape:\n"
      "    dimensions: [M]\n"
      "    data_spaces: []\n"
      "    data-spaces: []\n"
      "  instance: {M: 2}\n";
  const Diagnostic d = error_of([&] { load(arch_yaml(), problem, "", ""); });
  EXPECT_EQ(d.message, "both \"data-spaces\" and \"data_spaces\" are given");
  EXPECT_EQ(d.hint, "they are one key; keep one");
}

TEST(TimeloopInputErrors, SpatialDirectiveWithoutFanout) {
  const std::string mapping = "mapping:\n  - {target: buffer, type: spatial, factors: C=4}\n";
  const Diagnostic d = error_of([&] { load(arch_yaml(), k_problem, mapping, ert_yaml()); });
  EXPECT_EQ(d.message, "cannot find spatial tiling level associated with storage level buffer");
}

TEST(TimeloopInputErrors, MalformedYamlHasPosition) {
  const Diagnostic d = error_of([&] { load(arch_yaml(), k_problem, "mapping: [\n", ert_yaml()); });
  EXPECT_EQ(d.file, "mapping.yaml");
  EXPECT_GT(d.line, 0);
  EXPECT_NE(d.message.find("malformed YAML"), std::string::npos);
}

}  // namespace
}  // namespace claimcheck::timeloop
