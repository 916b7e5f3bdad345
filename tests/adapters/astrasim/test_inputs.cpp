// Parsers of ASTRA-sim's own input files: typed values, and clear errors (exact text) for bad input.

#include <gtest/gtest.h>

#include "adapters/astrasim/chakra_reader.hpp"
#include "adapters/astrasim/comm_group.hpp"
#include "adapters/astrasim/json_collective.hpp"
#include "adapters/astrasim/network_config.hpp"
#include "adapters/astrasim/remote_memory.hpp"
#include "adapters/astrasim/simulator.hpp"
#include "adapters/astrasim/system_config.hpp"
#include "adapters/astrasim/text_workload.hpp"
#include "astrasim_test_util.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::astrasim {
namespace {

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

const std::string k_system =
    R"({"scheduling-policy": "LIFO", "endpoint-delay": 10, "active-chunks-per-dimension": 1,
 "preferred-dataset-splits": 4, "all-reduce-implementation": ["ring"], "collective-optimization": "localBWAware",
 "local-mem-bw": 1600})";

TEST(NetworkConfig, ParsesTheRefcaseFile) {
  const auto dir = test::refcase_dir("ar_r4s8_64MiB");
  const NetworkConfig n = parse_network_config("network.yml", test::read_text(dir / "network.yml"));
  ASSERT_EQ(n.dims.size(), 2u);
  EXPECT_EQ(n.dims[0], (NetworkDim{Topology::ring, 4, 250.0, 100.0}));
  EXPECT_EQ(n.dims[1], (NetworkDim{Topology::switch_, 8, 25.0, 700.0}));
  EXPECT_EQ(n.total_npus(), 32);
}

TEST(NetworkConfig, ListsOfDifferentLengthsAreAnError) {
  EXPECT_EQ(error_of([] {
              parse_network_config("net.yml",
                                   "topology: [ Ring, Switch ]\nnpus_count: [ 4 ]\nbandwidth: [ 50, 50 ]\n"
                                   "latency: [ 500, 500 ]\n");
            }),
            "net.yml:2:13: \"npus_count\" has 1 entries but \"topology\" has 2; give one value per dimension");
}

TEST(NetworkConfig, DimensionOfSizeOneIsAnError) {
  EXPECT_EQ(error_of([] {
              parse_network_config("net.yml",
                                   "topology: [ Ring ]\nnpus_count: [ 1 ]\nbandwidth: [ 50 ]\nlatency: [ 500 ]\n");
            }),
            "net.yml:2:15: dimension 0 has npus_count 1; every dimension needs at least 2 NPUs; remove the "
            "dimension or give it 2 or more NPUs");
}

TEST(NetworkConfig, UnknownKeyAndTopologyGetSuggestions) {
  EXPECT_EQ(error_of([] {
              parse_network_config("net.yml",
                                   "topology: [ Ring ]\nnpus_count: [ 8 ]\nbandwith: [ 50 ]\nlatency: [ 500 ]\n");
            }),
            "net.yml:3:1: unknown key \"bandwith\"; did you mean \"bandwidth\"?");
  EXPECT_EQ(error_of([] {
              parse_network_config("net.yml",
                                   "topology: [ Swich ]\nnpus_count: [ 8 ]\nbandwidth: [ 50 ]\nlatency: [ 500 ]\n");
            }),
            "net.yml:1:13: unknown topology \"Swich\"; did you mean \"Switch\"?");
}

TEST(SystemConfig, ParsesTheRefcaseFile) {
  const auto dir = test::refcase_dir("ar_r4f4s4_64MiB");
  const SystemConfig s = parse_system_config("system.json", test::read_text(dir / "system.json"));
  EXPECT_EQ(s.scheduling_policy, SchedulingPolicy::lifo);
  EXPECT_EQ(s.collective_optimization, CollectiveOptimization::local_bw_aware);
  EXPECT_EQ(s.endpoint_delay_ns, 10);
  EXPECT_EQ(s.preferred_dataset_splits, 4);
  EXPECT_EQ(s.local_mem_bw_gbps, 1600.0);
  ASSERT_EQ(s.all_reduce.size(), 3u);
  EXPECT_EQ(s.all_reduce[1].kind, ImplKind::direct);
  EXPECT_EQ(s.warnings.size(), 1u);  // boost-mode
}

TEST(SystemConfig, UnknownImplementationIsAnError) {
  std::string text = k_system;
  text.replace(text.find("[\"ring\"]"), 8, "[\"rnig\"]");
  EXPECT_EQ(error_of([&] { parse_system_config("system.json", text); }),
            "system.json:2: unknown collective implementation \"rnig\" in \"all-reduce-implementation\"; did you "
            "mean \"ring\"?");
}

TEST(SystemConfig, DirectWindowIsParsed) {
  std::string text = k_system;
  text.replace(text.find("[\"ring\"]"), 8, "[\"direct4\"]");
  EXPECT_EQ(parse_system_config("system.json", text).all_reduce[0], (CollectiveImpl{ImplKind::direct, 4}));
}

TEST(SystemConfig, UnknownKeyIsAnError) {
  std::string text = k_system;
  text.replace(text.find("endpoint-delay"), 14, "endpoint-dealy");
  EXPECT_EQ(error_of([&] { parse_system_config("system.json", text); }),
            "system.json:1: unknown key \"endpoint-dealy\"; did you mean \"endpoint-delay\"?");
}

TEST(SystemConfig, MissingSplitsIsAnError) {
  std::string text = k_system;
  text.replace(text.find("\"preferred-dataset-splits\": 4, "), 31, "");
  EXPECT_EQ(error_of([&] { parse_system_config("system.json", text); }),
            "system.json:1:1: missing key \"preferred-dataset-splits\"; the tool divides by it (default 0); add "
            "\"preferred-dataset-splits\": 4 (chunks per collective)");
}

TEST(SystemConfig, ZeroLocalMemoryBandwidthIsAnError) {
  std::string text = k_system;
  text.replace(text.find("1600"), 4, "0");
  EXPECT_EQ(error_of([&] { parse_system_config("system.json", text); }),
            "system.json:3: \"local-mem-bw\" must be larger than 0 (GB/s); the tool divides by it");
}

NpuGraph two_nodes(std::vector<std::uint64_t> deps0, std::vector<std::uint64_t> deps1) {
  NpuGraph g;
  WorkloadNode a;
  a.id = 0;
  a.name = "a";
  a.type = NodeType::comp;
  a.duration_micros = 5;
  a.parents = std::move(deps0);
  WorkloadNode b = a;
  b.id = 1;
  b.name = "b";
  b.parents = std::move(deps1);
  g.nodes = {a, b};
  return g;
}

TEST(ChakraEt, RoundTripsThroughTheWireFormat) {
  NpuGraph g = two_nodes({}, {0});
  g.nodes[1].type = NodeType::coll;
  g.nodes[1].comm_type = CommType::all_gather;
  g.nodes[1].comm_size = 1048576;
  g.nodes[1].pg_name = "2";
  EXPECT_EQ(parse_chakra_et("wl.0.et", encode_chakra_et(g)), g);
}

TEST(ChakraEt, ReadsTheRefcaseEt) {
  const auto dir = test::refcase_dir("sendrecv_exchange_r4s8");
  const NpuGraph g = parse_chakra_et("wl.0.et", test::read_text(dir / "workload" / "wl.0.et"));
  ASSERT_EQ(g.nodes.size(), 5u);
  EXPECT_EQ(g.nodes[0].type, NodeType::recv);
  EXPECT_EQ(g.nodes[0].comm_src, 28);
  EXPECT_EQ(g.nodes[0].comm_size, 4194304u);
  EXPECT_EQ(g.nodes[0].comm_tag, 3);
  EXPECT_EQ(g.nodes[4].parents, (std::vector<std::uint64_t>{0, 1, 2, 3}));
  EXPECT_EQ(g.nodes[4].duration_micros, 10u);
}

TEST(ChakraEt, DependencyCycleIsAnError) {
  EXPECT_EQ(error_of([] { parse_chakra_et("wl.0.et", encode_chakra_et(two_nodes({1}, {0}))); }),
            "wl.0.et: the dependencies form a cycle through node 0 (\"a\"); the real tool would never issue these "
            "nodes");
}

TEST(ChakraEt, MissingParentIsAnError) {
  EXPECT_EQ(error_of([] { parse_chakra_et("wl.0.et", encode_chakra_et(two_nodes({}, {7}))); }),
            "wl.0.et: node 1 (\"b\") depends on node 7, which does not exist; the real tool would wait for it "
            "forever");
}

TEST(ChakraEt, TruncatedProtobufIsAnError) {
  const NpuGraph g = two_nodes({}, {0});
  NpuGraph first = g;
  first.nodes.pop_back();
  std::string bytes = encode_chakra_et(g);
  const std::size_t last = encode_chakra_et(first).size();  // offset of the last node's length
  const std::size_t declared = bytes.size() - last - 1;      // its one-byte varint length
  bytes.pop_back();
  EXPECT_EQ(error_of([&] { parse_chakra_et("wl.0.et", bytes); }),
            "wl.0.et: truncated protobuf: the message at byte " + std::to_string(last) + " declares " +
                std::to_string(declared) + " bytes but only " + std::to_string(declared - 1) +
                " remain; the file is incomplete; write it again");
  EXPECT_EQ(error_of([] { parse_chakra_et("wl.0.et", std::string("\x05\x0a", 2)); }),
            "wl.0.et: truncated protobuf: the message at byte 0 declares 5 bytes but only 1 remain; the file is "
            "incomplete; write it again");
}

TEST(ChakraEt, UnsupportedCollectiveTypeIsAnError) {
  NpuGraph g = two_nodes({}, {0});
  g.nodes[1].type = NodeType::coll;
  g.nodes[1].comm_type = static_cast<CommType>(3);  // GATHER
  EXPECT_EQ(error_of([&] { parse_chakra_et("wl.0.et", encode_chakra_et(g)); }),
            "wl.0.et: node 1 (\"b\"): collective type 3 (GATHER) is unsupported: the real tool stops with "
            "\"Unsupported collective comm type\"; ASTRA-sim runs ALL_REDUCE (0), ALL_GATHER (2), BROADCAST (5), "
            "ALL_TO_ALL (6), REDUCE_SCATTER (7)");
  // tests/data/astrasim/realruns/barrier_r4: the real tool's "Unsupported collective comm type".
  g.nodes[1].comm_type = static_cast<CommType>(9);
  EXPECT_EQ(error_of([&] { parse_chakra_et("wl.0.et", encode_chakra_et(g)); }),
            "wl.0.et: node 1 (\"b\"): collective type 9 (BARRIER) is unsupported: the real tool stops with "
            "\"Unsupported collective comm type\"; ASTRA-sim has no barrier: express it as dependencies "
            "(data_deps/ctrl_deps) between nodes");
}

TEST(TextWorkload, OneXFormsChakraCannotConvertAreNamed) {
  for (const std::string form : {"HYBRID_TRANSFORMER", "HYBRID_TRANSFORMER_FWD_IN_BCKWD", "HYBRID_CUSTOMIZED"}) {
    const std::string text = form + " model_parallel_NPU_group: 8\n1\nl -1 1 NONE 0 1 NONE 0 1 NONE 0 1\n";
    EXPECT_TRUE(looks_like_text_workload(text));
    EXPECT_EQ(error_of([&] { parse_text_workload("w.txt", text); }),
              "w.txt:1:1: parallelism \"" + form +
                  "\" is an ASTRA-sim 1.x workload form that Chakra's text converter does not convert "
                  "(\"Unsupported parallelism type\"), so ASTRA-sim 2.x cannot run it, and neither does this model; "
                  "rewrite the layers as DATA, MODEL, HYBRID_DATA_MODEL or HYBRID_MODEL_DATA, or give Chakra ETs of "
                  "the workload");
  }
}

TEST(NetworkConfig, FilesOfOtherBackendsAreNamed) {
  EXPECT_EQ(error_of([] { parse_network_config("sample_8nodes_1D.json", "{\n    \"logical-dims\": [\"8\"]\n}\n"); }),
            "sample_8nodes_1D.json:2: this is an ns-3 network configuration (\"logical-dims\"), read by ASTRA-sim's "
            "ns-3 backend (AstraSim_NS3); the analytical backend, which this model follows, reads topology, "
            "npus_count, bandwidth and latency; give an analytical network YAML, e.g. "
            "examples/network/analytical/Ring_8npus.yml");
  EXPECT_EQ(error_of([] { parse_network_config("8nodes.topo", "Nodes 8\nTiers 3\nPodsize 4\n"); }),
            "8nodes.topo:1:1: this is an htsim topology (\"Nodes N\", tiers, pods), the network file of ASTRA-sim's "
            "htsim backend (AstraSim_HTSim); the analytical backend, which this model follows, reads a YAML file; give "
            "an analytical network YAML: topology, npus_count, bandwidth, latency (one entry per dimension)");
}

TEST(TextWorkload, DataParallelMatchesTheConvertedEt) {
  // The refcase ETs were written by Chakra's text converter from workload.txt.
  for (const std::string name : {"train_resnet50_dp_ring8", "train_gpt2_dp_r4s8", "train_mlp_model_ring8"}) {
    const auto dir = test::refcase_dir(name);
    const TextWorkload t = parse_text_workload("workload.txt", test::read_text(dir / "workload.txt"));
    const NpuGraph et = parse_chakra_et("wl.0.et", test::read_text(dir / "workload" / "wl.0.et"));
    ASSERT_EQ(t.graph.nodes.size(), et.nodes.size()) << name;
    const std::uint64_t base = et.nodes[0].id;
    for (std::size_t i = 0; i < et.nodes.size(); ++i) {
      const auto& a = t.graph.nodes[i];
      const auto& b = et.nodes[i];
      EXPECT_EQ(a.name, b.name) << name << " node " << i;
      EXPECT_EQ(a.type, b.type) << name << " node " << i;
      EXPECT_EQ(a.duration_micros, b.duration_micros) << name << " node " << i;
      EXPECT_EQ(a.comm_type, b.comm_type) << name << " node " << i;
      EXPECT_EQ(a.comm_size, b.comm_size) << name << " node " << i;
      std::vector<std::uint64_t> parents;
      for (auto p : b.parents) parents.push_back(p - base);
      EXPECT_EQ(a.parents, parents) << name << " node " << i;
    }
  }
}

TEST(TextWorkload, BadLinesAreErrors) {
  EXPECT_EQ(error_of([] { parse_text_workload("w.txt", "DATA\n2\nl0 -1 1 NONE 0 1 NONE 0 1 ALLREDUCE 8 1\n"); }),
            "w.txt:2:1: line 2 declares 2 layers but the file lists 1");
  EXPECT_EQ(error_of([] { parse_text_workload("w.txt", "DATA\n1\nl0 -1 1 NONE 0 1 NONE 0 1 ALLREDUCE\n"); }),
            "w.txt:3:1: a layer line needs 12 columns, this one has 10; name -1 fwd_t fwd_type fwd_sz ig_t ig_type "
            "ig_sz wg_t wg_type wg_sz update_t");
  EXPECT_EQ(error_of([] { parse_text_workload("w.txt", "DAta\n1\n"); }),
            "w.txt:1:1: unknown parallelism \"DAta\"; did you mean \"DATA\"?");
}

TEST(JsonCollective, ParsesAndRejectsUnknownKeys) {
  const NpuGraph g = parse_json_collective("c.json", R"({"collective": "all-gather", "size_bytes": 1024})");
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].comm_type, CommType::all_gather);
  EXPECT_EQ(g.nodes[0].comm_size, 1024u);
  EXPECT_EQ(error_of([] { parse_json_collective("c.json", R"({"collective": "all-reduce", "size_byte": 1})"); }),
            "c.json:1: unknown key \"size_byte\"; did you mean \"size_bytes\"?");
  EXPECT_EQ(error_of([] { parse_json_collective("c.json", R"({"collective": "allreduce", "size_bytes": 1})"); }),
            "c.json:1: unknown collective \"allreduce\"; did you mean \"all-reduce\"?");
}

TEST(CommGroups, ParsesAndChecksNpus) {
  const CommGroups g = parse_comm_groups("g.json", R"({"1": [3, 1, 2], "2": [0, 4]})", 8);
  EXPECT_EQ(g.groups.at(1), (std::vector<int>{3, 1, 2}));
  EXPECT_EQ(error_of([] { parse_comm_groups("g.json", R"({"1": [0, 9]})", 8); }),
            "g.json:1: comm group 1 lists 9, not an NPU id in [0, 8)");
  EXPECT_EQ(error_of([] { parse_comm_groups("g.json", R"({"0": [0, 1]})", 8); }),
            "g.json:1: comm group id 0 must be larger than 0 (0 means all NPUs)");
}

TEST(RemoteMemory, ParsesEveryTypeAndRefusesKeysOfAnother) {
  EXPECT_EQ(parse_remote_memory("m.json", R"({"memory-type": "NO_MEMORY_EXPANSION"})").type, MemoryType::no_expansion);
  const RemoteMemoryConfig pool = parse_remote_memory(
      "m.json", R"({"memory-type": "MEMORY_POOL", "remote-mem-latency": 500, "remote-mem-bw": 50})");
  EXPECT_EQ(pool, (RemoteMemoryConfig{MemoryType::pool, 500, 50, 0, 0}));
  const RemoteMemoryConfig node = parse_remote_memory(
      "m.json", R"({"memory-type": "PER_NODE_MEMORY_EXPANSION", "num-nodes": 2, "num-npus-per-node": 4,
                    "remote-mem-bw": 100})");
  EXPECT_EQ(node, (RemoteMemoryConfig{MemoryType::per_node, 0, 100, 2, 4}));
  EXPECT_EQ(error_of([] { parse_remote_memory("m.json", R"({"memory-type": "POOL"})"); }),
            "m.json:1: unknown memory-type \"POOL\" (the real tool exits); use NO_MEMORY_EXPANSION, "
            "PER_NODE_MEMORY_EXPANSION, PER_NPU_MEMORY_EXPANSION or MEMORY_POOL");
  EXPECT_EQ(error_of([] {
              parse_remote_memory("m.json", "{\"memory-type\": \"MEMORY_POOL\",\n \"num-nodes\": 2}");
            }),
            "m.json:2: \"num-nodes\" belongs to PER_NODE_MEMORY_EXPANSION; memory-type is MEMORY_POOL, which ignores it");
  EXPECT_EQ(error_of([] { parse_remote_memory("m.json", R"({"memory-type": "MEMORY_POOL", "remote-mem-bw": 2.5})"); }),
            "m.json:1: \"remote-mem-bw\" must be a whole number of GB/s, not 2.5; the real tool stores it as an "
            "unsigned integer");
  EXPECT_EQ(error_of([] { parse_remote_memory("m.json", R"({"remote-mem-bw": 5})"); }),
            "m.json:1:1: missing string \"memory-type\"; the tool leaves it uninitialised; use \"NO_MEMORY_EXPANSION\" "
            "when the workload has no memory nodes");
}

}  // namespace
}  // namespace claimcheck::astrasim
