// Searches against the real timeloop-mapper v3.0.3 runs of tests/data/timeloop-mapper: the
// exhaustive pair's true optimum, linear-pruned's walk reproduced step for step, results that do
// not depend on the thread count, and best-first at least as good as the real mapper's best.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "adapters/timeloop/inputs.hpp"
#include "adapters/timeloop/mapper/mapper_inputs.hpp"
#include "adapters/timeloop/mapper/mapper_main.hpp"
#include "adapters/timeloop/mapper/mapping_writer.hpp"
#include "adapters/timeloop/mapper/search.hpp"
#include "mapper_pairs.hpp"
#include "support/support.hpp"

namespace claimcheck::timeloop::mapper {
namespace {

namespace fs = std::filesystem;

using test_pairs::expected;
using test_pairs::k_cases;
using test_pairs::k_pairs;
using test_pairs::pair_files;
using test_pairs::read;


nlohmann::json run_of(const std::string& pair, const std::string& run) {
  const auto all = expected(pair);
  for (const auto& r : all["runs"]) {
    if (r["run"] == run) return r;
  }
  return {};
}


struct Searched {
  MapperInputs in;
  SearchResult result;
};

Searched search(const std::string& pair, const std::string& run, unsigned threads = 1,
                const std::function<void(MapperSettings&)>& adjust = {}) {
  Searched s{load_mapper_input_files(pair_files(pair, run)), {}};
  s.in.settings.num_threads = threads;
  if (adjust) adjust(s.in.settings);
  const Mapspace space(s.in.base.arch, s.in.base.problem, s.in.constraints);
  s.result = run_search(s.in.base, space, s.in.settings);
  return s;
}

TEST(MapperSearch, ExhaustiveFindsTheToyOptimumAndProvesIt) {
  const auto s = search("exhaustive_toy_1pe_gemm_64x64x64", "exhaustive_edp_t1_r1");
  ASSERT_TRUE(s.result.best);
  const auto exp = run_of("exhaustive_toy_1pe_gemm_64x64x64", "exhaustive_edp_t1_r1")["best_model"];
  EXPECT_EQ(s.result.best->result.cycles, exp["cycles"].get<std::uint64_t>());
  EXPECT_DOUBLE_EQ(s.result.best->result.energy, exp["energy_pJ"].get<double>());
  EXPECT_NEAR(edp_j_cycles(s.result.best->result), 1.2084964229119999, 1e-12);
  EXPECT_TRUE(s.result.stats.proved_optimal);
  // The bound: 262144 computes at the MAC energy plus each tensor read (updated) once from DRAM.
  EXPECT_GT(s.result.lower_bound, 0.0);
  EXPECT_LE(s.result.lower_bound, metric_value(Metric::edp, s.result.best->result));
}

TEST(MapperSearch, LinearPrunedRetracesTheRealMappersWalk) {
  // One thread: the real mapper's counts (valid, tried) and best mapping, exactly.
  const auto exp = run_of("simple_ws_resnet50_res3_1x1", "linear-pruned_edp_t1_r1");
  const auto s = search("simple_ws_resnet50_res3_1x1", "linear-pruned_edp_t1_r1");
  ASSERT_TRUE(s.result.best);
  EXPECT_EQ(s.result.stats.valid, exp["valid_total"].get<std::uint64_t>());
  EXPECT_EQ(s.result.stats.tried, exp["tried_total"].get<std::uint64_t>());
  EXPECT_EQ(s.result.stats.improvements.size(), exp["threads"]["0"]["improvements"].get<std::size_t>());
  EXPECT_EQ(s.result.best->result.cycles, exp["best_model"]["cycles"].get<std::uint64_t>());
  EXPECT_NEAR(s.result.best->result.energy, exp["best_model"]["energy_pJ"].get<double>(), 1e-6);
  EXPECT_EQ(s.result.stats.termination, exp["threads"]["0"]["termination"].get<std::string>());
}

TEST(MapperSearch, LinearPrunedRetracesTheRealMapperOnOtherCases) {
  // tests/data/timeloop-mapper/walks: real linear-pruned runs on other architectures and problems,
  // one ending in the space, one at the victory condition, one (a 32x32 systolic array) at the
  // timeout before any valid mapping. Same counts, termination and best mapping, to the byte.
  const auto all = nlohmann::json::parse(read(k_pairs / "walks" / "expected.json"));
  ASSERT_GE(all.size(), 3u);
  for (const auto& [name, exp] : all.items()) {
    const fs::path dir = k_pairs / "walks" / name;
    const fs::path inputs = k_cases / exp["inputs_case"].get<std::string>();
    std::vector<std::string> files = {(inputs / "arch.yaml").string(), (inputs / "problem.yaml").string(),
                                      (dir / "constraints.yaml").string(), (dir / "mapper.yaml").string()};
    if (fs::exists(inputs / "ERT.yaml")) files.push_back((inputs / "ERT.yaml").string());
    MapperInputs in = load_mapper_input_files(files);
    const Mapspace space(in.base.arch, in.base.problem, in.constraints);
    const SearchResult r = run_search(in.base, space, in.settings);
    EXPECT_EQ(r.stats.termination, exp["termination"].get<std::string>()) << name;
    EXPECT_EQ(r.stats.valid, exp["valid"].get<std::uint64_t>()) << name;
    if (exp.contains("tried")) {
      EXPECT_EQ(r.stats.tried, exp["tried"].get<std::uint64_t>()) << name;
    }
    const std::string real = read(dir / "timeloop-mapper.map.yaml");
    if (exp["valid"].get<std::uint64_t>() == 0) {
      EXPECT_FALSE(r.best) << name;
      continue;
    }
    ASSERT_TRUE(r.best) << name;
    EXPECT_EQ(mapping_yaml(in.base.arch, in.base.problem, r.best->mapping), real + "\n") << name;
  }
}

TEST(MapperSearch, SameBestMappingWithAnyThreadCount) {
  for (const char* run : {"linear-pruned_edp_t2_r1", "random-pruned_edp_t2_r1"}) {
    auto limit = [](MapperSettings& m) { m.search_size = 3000; };
    const auto one = search("simple_ws_resnet50_res3_1x1", run, 1, limit);
    ASSERT_TRUE(one.result.best) << run;
    const std::string yaml = mapping_yaml(one.in.base.arch, one.in.base.problem, one.result.best->mapping);
    for (unsigned threads : {2U, 8U, 2U}) {
      const auto many = search("simple_ws_resnet50_res3_1x1", run, threads, limit);
      ASSERT_TRUE(many.result.best) << run;
      EXPECT_EQ(mapping_yaml(many.in.base.arch, many.in.base.problem, many.result.best->mapping), yaml) << run << " " << threads;
      EXPECT_EQ(many.result.stats.tried, one.result.stats.tried) << run << " " << threads;
      EXPECT_EQ(many.result.stats.valid, one.result.stats.valid) << run << " " << threads;
      EXPECT_EQ(many.result.best->result, one.result.best->result) << run << " " << threads;
    }
  }
}

TEST(MapperSearch, BestFirstBeatsOrMatchesTheRealMapper) {
  // The real mapper's best EDP on simple_ws over all its runs is 34.1835 J*cycles (linear-pruned).
  const auto s = search("simple_ws_resnet50_res3_1x1", "random-pruned_edp_t1_r1", 1,
                        [](MapperSettings& m) { m.algorithm = Algorithm::best_first; });
  ASSERT_TRUE(s.result.best);
  EXPECT_LE(edp_j_cycles(s.result.best->result), 34.1835);
  EXPECT_LE(s.result.lower_bound, metric_value(Metric::edp, s.result.best->result));
}

TEST(MapperSearch, CommandFindsAMappingTheModelReevaluatesAlike) {
  // `claimcheck model timeloop-mapper` with the pair's linear-pruned settings, then the best mapping
  // it writes evaluated by `claimcheck model timeloop`: the same cycles and energy.
  const std::string pair = "simple_ws_resnet50_res3_1x1";
  auto files = pair_files(pair, "linear-pruned_edp_t1_r1");
  const fs::path out = fs::temp_directory_path() / ("claimcheck-mapper-test-" + std::to_string(::getpid()) + ".yaml");
  std::vector<std::string> args = {"model", "timeloop-mapper"};
  args.insert(args.end(), files.begin(), files.end());
  for (const char* a : {"--format", "json", "--threads", "2", "--mapping-out"}) args.push_back(a);
  args.push_back(out.string());
  const test::CliResult r = test::run(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["mapspace"]["IndexFactorization"], 641520);
  EXPECT_EQ(j["mapspace"]["LoopPermutation"], 25401600);
  EXPECT_EQ(j["mapspace"]["product"], 130365075456000ULL);
  EXPECT_EQ(j["search"]["valid"], 15725);
  EXPECT_EQ(j["search"]["tried"], 19578);
  EXPECT_NEAR(j["best"]["edp_j_cycles"].get<double>(), 34.1835, 5e-5);
  EXPECT_GT(j["lower_bound"]["gap"].get<double>(), 0.0);
  const fs::path inputs = k_cases / pair;
  const test::CliResult m = test::run({"model", "timeloop", (inputs / "arch.yaml").string(), (inputs / "problem.yaml").string(),
                                       out.string(), (inputs / "ERT.yaml").string(), "--format", "json"});
  fs::remove(out);
  ASSERT_EQ(m.exit_code, 0) << m.err;
  const auto mj = nlohmann::json::parse(m.out);
  EXPECT_EQ(mj["cycles"], j["best"]["cycles"]);
  EXPECT_DOUBLE_EQ(mj["energy_pJ"].get<double>(), j["best"]["energy_pJ"].get<double>());
}

TEST(MapperSearch, CommandErrors) {
  EXPECT_EQ(test::run({"model", "timeloop-mapper"}).exit_code, 2);
  const test::CliResult bad = test::run({"model", "timeloop-mapper", "--format", "jsn", "x.yaml"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "claimcheck: error: unknown format \"jsn\", did you mean \"json\"?\n");
  EXPECT_EQ(test::run({"model", "timeloop-mapper", "--threads", "0", "x.yaml"}).err,
            "claimcheck: error: --threads expects a number from 1 to 256, not \"0\"\n");
}

}  // namespace
}  // namespace claimcheck::timeloop::mapper
