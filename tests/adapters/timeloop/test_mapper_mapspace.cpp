// The mapspace against the real timeloop-mapper v3.0.3: the sizes it prints for each reference
// pair (tests/data/timeloop-mapper, from ../shared/refcases/timeloop-mapper), constraint parsing in
// the v3 and v4 spellings, and errors.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "adapters/timeloop/mapper/constraints_parser.hpp"
#include "adapters/timeloop/mapper/mapper_inputs.hpp"
#include "adapters/timeloop/mapper/mapspace.hpp"
#include "core/diagnostics.hpp"
#include "mapper_pairs.hpp"

namespace claimcheck::timeloop::mapper {
namespace {

namespace fs = std::filesystem;

using test_pairs::expected;
using test_pairs::k_cases;
using test_pairs::k_pairs;
using test_pairs::pair_files;
using test_pairs::read;



TEST(MapperMapspace, SizesEqualTheRealMapperOnEveryPair) {
  int pairs = 0;
  for (const auto& e : fs::directory_iterator(k_pairs)) {
    if (!e.is_directory() || !fs::exists(e.path() / "constraints.yaml")) continue;  // sizes/, walks/: other runs
    const std::string pair = e.path().filename().string();
    const auto exp = expected(pair);
    const std::string run = exp["runs"][0]["run"].get<std::string>();
    const MapperInputs in = load_mapper_input_files(pair_files(pair, run));
    const Mapspace space(in.base.arch, in.base.problem, in.constraints);
    const auto& sizes = exp["mapspace"]["sizes"];
    EXPECT_EQ(to_string(space.sizes().index_factorization), std::to_string(sizes["IndexFactorization"].get<std::uint64_t>())) << pair;
    EXPECT_EQ(to_string(space.sizes().loop_permutation), std::to_string(sizes["LoopPermutation"].get<std::uint64_t>())) << pair;
    EXPECT_EQ(to_string(space.sizes().spatial), std::to_string(sizes["Spatial"].get<std::uint64_t>())) << pair;
    EXPECT_EQ(to_string(space.sizes().datatype_bypass), std::to_string(sizes["DatatypeBypass"].get<std::uint64_t>())) << pair;
    const auto& options = exp["mapspace"]["factorization_options"];
    for (std::size_t d = 0; d < in.base.problem.shape.dimensions.size(); ++d) {
      EXPECT_EQ(space.factor_options()[d], options[in.base.problem.shape.dimensions[d]].get<std::uint64_t>()) << pair;
    }
    ++pairs;
  }
  EXPECT_GE(pairs, 2);
}

TEST(MapperMapspace, SizesEqualTheRealMapperOnEveryReferenceCase) {
  // 30 runs of the real mapper (tests/data/timeloop-mapper/sizes): every architecture and problem of
  // the model reference cases, without constraints and with constraints that fix, bound (<=, >=)
  // and order factors and keep/bypass data spaces.
  const auto all = nlohmann::json::parse(read(k_pairs / "sizes" / "expected.json"));
  ASSERT_GE(all.size(), 30u);
  for (const auto& [key, exp] : all.items()) {
    const fs::path inputs = k_cases / exp["inputs_case"].get<std::string>();
    std::vector<std::string> files = {(inputs / "arch.yaml").string(), (inputs / "problem.yaml").string(),
                                      (k_pairs / "sizes" / key / "constraints.yaml").string(),
                                      (k_pairs / "sizes" / key / "mapper.yaml").string()};
    if (fs::exists(inputs / "ERT.yaml")) files.push_back((inputs / "ERT.yaml").string());
    const MapperInputs in = load_mapper_input_files(files);
    const Mapspace space(in.base.arch, in.base.problem, in.constraints);
    const auto& z = exp["sizes"];
    EXPECT_EQ(to_string(space.sizes().index_factorization), std::to_string(z["IndexFactorization"].get<std::uint64_t>())) << key;
    EXPECT_EQ(to_string(space.sizes().loop_permutation), std::to_string(z["LoopPermutation"].get<std::uint64_t>())) << key;
    EXPECT_EQ(to_string(space.sizes().spatial), std::to_string(z["Spatial"].get<std::uint64_t>())) << key;
    EXPECT_EQ(to_string(space.sizes().datatype_bypass), std::to_string(z["DatatypeBypass"].get<std::uint64_t>())) << key;
    for (std::size_t d = 0; d < in.base.problem.shape.dimensions.size(); ++d) {
      EXPECT_EQ(space.factor_options()[d], exp["factorization_options"][in.base.problem.shape.dimensions[d]].get<std::uint64_t>())
          << key;
    }
  }
}

MapperInputs from_texts(const std::string& arch, const std::string& problem, const std::string& constraints) {
  return load_mapper_inputs({{"arch.yaml", arch}, {"problem.yaml", problem}, {"constraints.yaml", constraints}});
}

const std::string k_arch = read(k_cases / "simple_ws_resnet50_res3_1x1" / "arch.yaml");
const std::string k_problem = read(k_cases / "simple_ws_resnet50_res3_1x1" / "problem.yaml");

TEST(MapperMapspace, HandCountedSizes) {
  // No constraints: 4 tiling levels (weight_reg temporal, global_buffer spatial and temporal, DRAM
  // temporal). C=512=2^9 over 4 levels: C(12,3) = 220; M=128=2^7: C(10,3) = 120; P=Q=28=2^2*7:
  // C(5,3)*C(4,3) = 40; R=S=N=1: 1. Permutations: weight_reg canonical (innermost), the 2-D spatial
  // level and the two other temporal levels 7! each. Splits: 8 at the spatial level. Bypass: 2^3
  // at each of the two inner levels.
  const MapperInputs in = from_texts(k_arch, k_problem, "mapper: {algorithm: linear-pruned}\n");
  const Mapspace space(in.base.arch, in.base.problem, in.constraints);
  EXPECT_EQ(to_string(space.sizes().index_factorization), std::to_string(220ULL * 120 * 40 * 40));
  EXPECT_EQ(to_string(space.sizes().loop_permutation), std::to_string(5040ULL * 5040 * 5040));
  EXPECT_EQ(to_string(space.sizes().spatial), "8");
  EXPECT_EQ(to_string(space.sizes().datatype_bypass), "64");
  // Max and min factors prune factorizations: M<=16 at the spatial level keeps the splits of 2^7
  // whose spatial exponent is at most 4.
  const MapperInputs limited = from_texts(k_arch, k_problem,
                                          "mapspace_constraints:\n  - target: global_buffer\n    type: spatial\n"
                                          "    factors: M<=16 C>=2\n");
  const Mapspace s2(limited.base.arch, limited.base.problem, limited.constraints);
  // M: splits of 7 over 4 slots with the spatial slot <= 4: 120 - (slot >= 5: 10+6+3+1... ) counted directly.
  std::uint64_t m = 0;
  for (int e = 0; e <= 4; ++e) m += static_cast<std::uint64_t>((7 - e + 2) * (7 - e + 1) / 2);
  std::uint64_t c = 0;
  for (int e = 1; e <= 9; ++e) c += static_cast<std::uint64_t>((9 - e + 2) * (9 - e + 1) / 2);
  EXPECT_EQ(s2.factor_options()[1], m);
  EXPECT_EQ(s2.factor_options()[0], c);
}

TEST(MapperMapspace, V4SpellingsGiveTheSameSpace) {
  // The exhaustive toy pair (DRAM -> 4096-word buffer -> 1 MAC) written in the v4 front end's
  // format, its constraints on the nodes (lists, `_`-separated permutation suffix as a list, keys
  // with underscores): the same constraints and mapspace as the v3 files, whose sizes the real
  // mapper printed (343 x 6 x 1 x 8).
  const std::string pair = "exhaustive_toy_1pe_gemm_64x64x64";
  const fs::path inputs = k_cases / "toy_1pe_gemm_64x64x64_tiled";
  const MapperInputs v3 = load_mapper_input_files(
      {(inputs / "arch.yaml").string(), (inputs / "problem.yaml").string(), (k_pairs / pair / "constraints.yaml").string(),
       (k_pairs / pair / "runs" / "exhaustive_edp_t1_r1" / "mapper.yaml").string(), (inputs / "ERT.yaml").string()});
  const std::string v4 =
      "architecture:\n"
      "  version: 0.4\n"
      "  nodes:\n"
      "  - !Container\n"
      "    name: system\n"
      "  - !Component\n"
      "    name: DRAM\n"
      "    class: DRAM\n"
      "    attributes: {width: 16, block_size: 1, datawidth: 16}\n"
      "    constraints:\n"
      "      dataspace: {keep: [Weights, Inputs, Outputs], bypass: []}\n"
      "      temporal: {factors: [R=1, S=1, N=1, Q=1], permutation: [R, S, N, Q]}\n"
      "  - !Component\n"
      "    name: buffer\n"
      "    class: regfile\n"
      "    attributes: {depth: 4096, width: 16, block_size: 1, datawidth: 16}\n"
      "    constraints:\n"
      "      temporal: {factors: [R=1, S=1, N=1, Q=1], permutation: [R, S, N, Q]}\n"
      "  - !Component\n"
      "    name: mac\n"
      "    class: intmac\n"
      "    attributes: {datawidth: 16}\n"
      "mapper: {algorithm: exhaustive, optimization_metrics: [edp], search_size: 0, victory_condition: 0, timeout: 0}\n";
  const MapperInputs four = load_mapper_inputs({{"arch4.yaml", v4},
                                                {"problem.yaml", read(inputs / "problem.yaml")},
                                                {"ERT.yaml", read(inputs / "ERT.yaml")}});
  EXPECT_EQ(four.constraints, v3.constraints);
  EXPECT_EQ(four.settings, v3.settings);
  const Mapspace space(four.base.arch, four.base.problem, four.constraints);
  EXPECT_EQ(to_string(space.sizes().product()), "16464");
  EXPECT_EQ(to_string(space.sizes().loop_permutation), "6");
}

std::string error_of(const std::string& constraints) {
  try {
    from_texts(k_arch, k_problem, constraints);
  } catch (const InputError& e) {
    return e.diagnostics().items().front().message + " | " + e.diagnostics().items().front().hint;
  }
  return "no error";
}

TEST(MapperMapspace, ConstraintErrorsNameWhatIsWrong) {
  EXPECT_EQ(error_of("mapspace_constraints:\n  - target: global_bufer\n    type: temporal\n    factors: C=1\n"),
            "target storage level \"global_bufer\" not found | did you mean \"global_buffer\"?");
  EXPECT_EQ(error_of("mapspace_constraints:\n  - target: DRAM\n    type: temporal\n    factors: X=1\n"),
            "dimension \"X\" not found in the problem shape | did you mean \"C\"?");
  EXPECT_EQ(error_of("mapspace_constraints:\n  - target: DRAM\n    type: temporral\n"),
            "unknown constraint type \"temporral\" | did you mean \"temporal\"?");
  EXPECT_EQ(error_of("mapspace_constraints:\n  - target: DRAM\n    type: temporal\n    factorz: C=1\n"),
            "unknown key \"factorz\" in constraint | did you mean \"factors\"?");
  EXPECT_EQ(error_of("mapspace_constraints:\n  - target: DRAM\n    type: spatial\n    factors: C=1\n"),
            "no spatial fanout below storage level \"DRAM\" to constrain | the next inner level has as many instances as this one");
  EXPECT_EQ(error_of("architecture_constraints:\n  targets:\n  - target: DRAM\n    type: temporal\n    factors: C=4\n"
                     "mapspace_constraints:\n  - target: DRAM\n    type: temporal\n    factors: C=8\n"),
            "re-specification of factor for dimension C | architecture and mapspace constraints may conflict");
  EXPECT_EQ(error_of("mapper: {algorithm: hybrid}\n"),
            "unsupported algorithm \"hybrid\" | use best-first (claimcheck's default), linear-pruned or random-pruned");
  EXPECT_EQ(error_of("mapper: {search-sise: 3}\n"), "unknown mapper setting \"search-sise\" | did you mean \"search_size\"?");
}

}  // namespace
}  // namespace claimcheck::timeloop::mapper
