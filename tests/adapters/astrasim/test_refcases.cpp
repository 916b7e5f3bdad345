// Every reference case run through the real ASTRA-sim 2.x: the model's per-NPU finish time,
// exposed communication and comm time equal the real tool's (difference 0).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/astrasim/simulator.hpp"
#include "astrasim_test_util.hpp"

namespace claimcheck::astrasim {
namespace {

using test::load_refcase;
using test::read_text;
using test::refcase_dir;

class RefCase : public ::testing::TestWithParam<std::string> {};

void expect_matches(const std::string& name, const SimulationResult& r) {
  const auto expected = nlohmann::json::parse(read_text(refcase_dir(name) / "expected.json"));
  const auto& per_npu = expected.at("per_npu");
  ASSERT_EQ(per_npu.size(), r.npus.size()) << name;
  for (const auto& [key, want] : per_npu.items()) {
    const NpuResult& got = r.npus.at(static_cast<std::size_t>(std::stoi(key)));
    EXPECT_EQ(got.finish_ns, want.at("finish_cycles").get<std::uint64_t>()) << name << " NPU " << key;
    EXPECT_EQ(got.exposed_comm_ns, want.at("exposed_comm_cycles").get<std::uint64_t>()) << name << " NPU " << key;
    EXPECT_EQ(got.comm_ns, want.at("comm_time").get<std::uint64_t>()) << name << " NPU " << key;
    EXPECT_EQ(got.wall_ns, want.at("wall_time").get<std::uint64_t>()) << name << " NPU " << key;
  }
}

TEST_P(RefCase, EveryNpuMatchesTheRealToolExactly) {
  const LoadedInputs in = load_refcase(GetParam());
  expect_matches(GetParam(), simulate(in.input));
}

TEST_P(RefCase, FullSimulationWithoutSymmetryMatchesToo) {
  const LoadedInputs in = load_refcase(GetParam());
  const SimulationResult r = simulate(in.input, SymmetryUse::never);
  EXPECT_FALSE(r.used_symmetry);
  expect_matches(GetParam(), r);
}

INSTANTIATE_TEST_SUITE_P(AllCases, RefCase, ::testing::ValuesIn(test::refcase_names()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

TEST(RefCases, AllTwentySixAreCopied) { EXPECT_EQ(test::refcase_names().size(), 26u); }

TEST(RefCases, DoubleBinaryTreeFinishesDifferPerNpu) {
  const SimulationResult r = simulate(load_refcase("ar_sw16_64MiB_dbt").input);
  EXPECT_EQ(r.npus[0].finish_ns, 8624165u);
  EXPECT_EQ(r.npus[1].finish_ns, 9972570u);
  EXPECT_EQ(r.npus[8].finish_ns, 8969130u);
  EXPECT_FALSE(r.used_symmetry);
}

TEST(RefCases, TrainingTextWorkloadGivesTheSameAnswerAsItsConvertedEt) {
  for (const std::string name : {"train_resnet50_dp_ring8", "train_gpt2_dp_r4s8", "train_mlp_model_ring8"}) {
    LoadedInputs et = load_refcase(name);
    ModelPaths paths;
    paths.network = refcase_dir(name) / "network.yml";
    paths.system = refcase_dir(name) / "system.json";
    paths.workload = refcase_dir(name) / "workload.txt";
    const LoadedInputs text = load_inputs(paths, Backend::congestion_unaware, local_files());
    const SimulationResult a = simulate(et.input);
    const SimulationResult b = simulate(text.input);
    EXPECT_EQ(a.npus, b.npus) << name;
    EXPECT_TRUE(b.used_symmetry) << name;
  }
}

TEST(RefCases, CollectiveStartAndEndAreReported) {
  const SimulationResult r = simulate(load_refcase("chain_comp_ar_sw16").input);
  std::vector<CollectiveTiming> npu0;
  for (const auto& c : r.collectives) {
    if (c.npu == 0) npu0.push_back(c);
  }
  ASSERT_EQ(npu0.size(), 2u);
  // The comm intervals' union is the reported comm time.
  const auto expected = nlohmann::json::parse(read_text(refcase_dir("chain_comp_ar_sw16") / "expected.json"));
  EXPECT_EQ((npu0[0].end_ns - npu0[0].start_ns) + (npu0[1].end_ns - npu0[1].start_ns),
            expected["per_npu"]["0"]["comm_time"].get<std::uint64_t>());
  EXPECT_LT(npu0[0].end_ns, npu0[1].start_ns);
}

}  // namespace
}  // namespace claimcheck::astrasim

namespace claimcheck::astrasim {
namespace {

TEST(RefCases, CommGroupSubsetsAreNamedInAWarning) {
  const SimulationResult r = simulate(test::load_refcase("commgroup_r4s8_ar_e100").input);
  ASSERT_EQ(r.warnings.size(), 4u);
  EXPECT_EQ(r.warnings[0],
            "comm group 1 (8 of 32 NPUs) runs as one flat ring in the order the comm-group file lists, with a fixed "
            "10 ns per step instead of endpoint-delay, as in the real tool");
}

}  // namespace
}  // namespace claimcheck::astrasim

namespace claimcheck::astrasim {
namespace {

// The January 2025 documentation shows 1,082,478,600 ns for the ResNet-50 data-parallel text
// example on 8 NPUs, where ASTRA-sim 518bd51 and this model give 1,082,479,776 (+1,176 ns, all in
// the final 37,632-byte all-reduce). 1,176 = 4 chunks x 14 steps x 21 ns, the serialisation time
// of one 1,176-byte step message (500 ns latency + floor(1176 / 53.687 B/ns)). The documented
// figure is what ASTRA-sim computes when every collective's comm_size reads as 0: determine_chunk_size
// raises the chunk to 8 bytes (one per NPU), so each step is latency only. Chakra's feeder of that
// time read comm_size with int64_val() alone, so ETs written as uint64_val (by Chakra's text
// converter before 2024-09-01, commit 796903a) read as 0 bytes; feeder v3 (518bd51) converts any
// integer type (realruns/ar_ring8_37632B_uint64: 29,776 ns with a uint64 comm_size). Every other
// all-reduce of the iteration is hidden behind compute, so only the last one shows. This
// reference case has the same final all-reduce (conv1's 37,632-byte weight gradient).
TEST(RefCases, ZeroByteCollectivesAccountForTheDocumented1176NsGap) {
  const LoadedInputs in = load_refcase("train_resnet50_dp_ring8");
  const SimulationResult as_read = simulate(in.input);
  SimulationInput zeroed = in.input;
  for (auto& graph : zeroed.workload.graphs) {
    auto g = std::make_shared<NpuGraph>(*graph);
    for (auto& n : g->nodes) {
      if (n.type == NodeType::coll) n.comm_size = 0;
    }
    graph = g;
  }
  const SimulationResult zero = simulate(zeroed);
  EXPECT_EQ(as_read.npus[0].finish_ns, 11129776u);  // the real tool's 518bd51 figure
  EXPECT_EQ(as_read.npus[0].finish_ns - zero.npus[0].finish_ns, 1176u);
  EXPECT_EQ(zero.npus[0].exposed_comm_ns, 4u * (14u * (500u + 10u) + 10u));  // 28,600
  // The documented run: 1,082,478,600 - 28,600 = 1,082,479,776 - 29,776, the same compute.
  EXPECT_EQ(1082478600u - zero.npus[0].exposed_comm_ns, 1082479776u - as_read.npus[0].exposed_comm_ns);
}

}  // namespace
}  // namespace claimcheck::astrasim
