// The "astra-sim" adapter: validation, run, reread, and the real-tool path when it cannot run.

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include <nlohmann/json.hpp>

#include "adapter/registry.hpp"
#include "adapters/astrasim/model_main.hpp"
#include "astrasim_test_util.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

using astrasim::test::data_dir;

Claim claim_for(const std::string& refcase, const std::string& metric) {
  Claim c;
  c.id = "astra-" + refcase;
  c.tool = "astra-sim";
  c.mode = Mode::run;
  c.metric = metric;
  c.workload.path = "refcases/" + refcase + "/workload/wl";
  c.hardware.inline_spec = {{"network", "refcases/" + refcase + "/network.yml"},
                            {"system", "refcases/" + refcase + "/system.json"},
                            {"remote_memory", "refcases/" + refcase + "/remote_memory.json"}};
  c.expected.unit = *parse_unit("ns");
  return c;
}

const Adapter& adapter() {
  const Adapter* a = find_adapter("astra-sim");
  EXPECT_NE(a, nullptr);
  return *a;
}

Outcome measure(const Claim& c, bool allow_commands = false) {
  const Sandbox sandbox(data_dir());
  Job job{c, sandbox, data_dir(), RunPolicy{}};
  job.policy.allow_commands = allow_commands;
  return measure_safely(adapter(), job);
}

TEST(AstraSimAdapter, IsRegisteredWithItsModelCommand) {
  EXPECT_EQ(adapter().name(), "astra-sim");
  EXPECT_NE(find_model("astra-sim"), nullptr);
  EXPECT_EQ(adapter().metrics().size(), 8u);
}

TEST(AstraSimAdapter, ValidateRejectsUnknownMetricsAndOptions) {
  Claim c = claim_for("ar_ring8_64MiB", "finish_tme");
  c.options = {{"backnd", "congestion-aware"}, {"npu", -1}};
  Diagnostics d;
  adapter().validate(c, d);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d.items()[0].pointer, "/metric");
  EXPECT_EQ(d.items()[0].message, "unknown astra-sim metric \"finish_tme\"");
  EXPECT_EQ(d.items()[0].hint, "did you mean \"finish_time\"?");
  EXPECT_EQ(d.items()[1].pointer, "/options/backnd");
  EXPECT_EQ(d.items()[1].hint, "did you mean \"backend\"?");
  EXPECT_EQ(d.items()[2].pointer, "/options/npu");
}

TEST(AstraSimAdapter, ValidateAcceptsAWellFormedClaim) {
  Claim c = claim_for("ar_ring8_64MiB", "finish_time");
  c.options = {{"backend", "congestion-unaware"}, {"npu", 3}};
  Diagnostics d;
  adapter().validate(c, d);
  EXPECT_TRUE(d.empty());
}

TEST(AstraSimAdapter, RunMeasuresTheRefcaseExactly) {
  const Outcome o = measure(claim_for("ar_ring8_64MiB", "finish_time"));
  ASSERT_TRUE(std::holds_alternative<Measurement>(o)) << std::get<Blocked>(o).reason;
  const auto& m = std::get<Measurement>(o);
  EXPECT_EQ(m.value, 2326112.0);
  EXPECT_EQ(m.unit.symbol, "ns");
  EXPECT_EQ(m.files.size(), 3u + 8u);
}

TEST(AstraSimAdapter, NpuOptionPicksOneNpu) {
  Claim c = claim_for("ar_sw16_64MiB_dbt", "finish_time");
  EXPECT_EQ(std::get<Measurement>(measure(c)).value, 9972570.0);  // the maximum
  c.options = {{"npu", 8}};
  EXPECT_EQ(std::get<Measurement>(measure(c)).value, 8969130.0);
  c.options = {{"npu", 99}};
  const Outcome o = measure(c);
  ASSERT_TRUE(std::holds_alternative<Blocked>(o));
  EXPECT_EQ(std::get<Blocked>(o).kind, BlockKind::invalid_input);
}

TEST(AstraSimAdapter, TrainingMetrics) {
  EXPECT_EQ(std::get<Measurement>(measure(claim_for("train_resnet50_dp_ring8", "exposed_comm"))).value, 29776.0);
  EXPECT_EQ(std::get<Measurement>(measure(claim_for("train_resnet50_dp_ring8", "compute_time"))).value, 11100000.0);
}

TEST(AstraSimAdapter, CollectiveTimeSpansTheCollectives) {
  // One collective starting at 0: its duration is the finish time.
  EXPECT_EQ(std::get<Measurement>(measure(claim_for("ar_r4s8_64MiB", "collective_time"))).value, 1318223.0);
}

TEST(AstraSimAdapter, CommGroupOption) {
  Claim c = claim_for("commgroup_r4s8_ar_e100", "finish_time");
  c.options = {{"comm_group", "refcases/commgroup_r4s8_ar_e100/comm_groups.json"}};
  EXPECT_EQ(std::get<Measurement>(measure(c)).value, 568363.0);
}

TEST(AstraSimAdapter, CongestionAwareBackendOption) {
  Claim c = claim_for("ar_hgx8_64MiB_aware", "finish_time");
  c.options = {{"backend", "congestion-aware"}};
  EXPECT_EQ(std::get<Measurement>(measure(c)).value, 357338.0);
}

TEST(AstraSimAdapter, RereadParsesTheRealToolsStdout) {
  Claim c = claim_for("ar_sw16_64MiB_dbt", "finish_time");
  c.mode = Mode::reread;
  c.artifact = "refcases/ar_sw16_64MiB_dbt/stdout.log";
  EXPECT_EQ(std::get<Measurement>(measure(c)).value, 9972570.0);
  c.options = {{"npu", 4}};
  c.metric = "comm_time";
  EXPECT_EQ(std::get<Measurement>(measure(c)).value, 9314095.0);
}

TEST(AstraSimAdapter, RereadOfSomethingElseIsInvalidInput) {
  Claim c = claim_for("ar_ring8_64MiB", "finish_time");
  c.mode = Mode::reread;
  c.artifact = "refcases/ar_ring8_64MiB/network.yml";
  const Outcome o = measure(c);
  ASSERT_TRUE(std::holds_alternative<Blocked>(o));
  EXPECT_EQ(std::get<Blocked>(o).kind, BlockKind::invalid_input);
}

TEST(AstraSimAdapter, RealToolNeedsPermissionAndTheBinary) {
  Claim c = claim_for("ar_ring8_64MiB", "finish_time");
  c.options = {{"real_tool", true}};
  const Outcome denied = measure(c, false);
  ASSERT_TRUE(std::holds_alternative<Blocked>(denied));
  EXPECT_EQ(std::get<Blocked>(denied).kind, BlockKind::command_not_allowed);
  const char* old = std::getenv("PATH");
  const std::string saved = old ? old : "";
  setenv("PATH", "/nonexistent", 1);
  const Outcome missing = measure(c, true);
  setenv("PATH", saved.c_str(), 1);
  ASSERT_TRUE(std::holds_alternative<Blocked>(missing));
  EXPECT_EQ(std::get<Blocked>(missing).kind, BlockKind::tool_missing);
  EXPECT_EQ(std::get<Blocked>(missing).reason, "AstraSim_Analytical_Congestion_Unaware is not on PATH");
}

TEST(AstraSimAdapter, MissingWorkloadIsInputMissing) {
  Claim c = claim_for("ar_ring8_64MiB", "finish_time");
  c.workload.path = "refcases/ar_ring8_64MiB/workload/nothing";
  const Outcome o = measure(c);
  ASSERT_TRUE(std::holds_alternative<Blocked>(o));
  EXPECT_EQ(std::get<Blocked>(o).kind, BlockKind::input_missing);
}

TEST(ModelCommand, PrintsEveryNpuAsJson) {
  const auto dir = astrasim::test::refcase_dir("ar_sw16_64MiB_hd");
  std::ostringstream out, err;
  const int status = astrasim::model_main({"--network", (dir / "network.yml").string(), "--system",
                                           (dir / "system.json").string(), "--workload", (dir / "workload/wl").string(),
                                           "--remote-memory", (dir / "remote_memory.json").string(), "--format", "json"},
                                          out, err);
  ASSERT_EQ(status, 0) << err.str();
  const auto j = nlohmann::json::parse(out.str());
  ASSERT_EQ(j["npus"].size(), 16u);
  for (const auto& n : j["npus"]) EXPECT_EQ(n["finish_ns"], 2431136);
  EXPECT_EQ(err.str(), "claimcheck: warning: system.json: \"boost-mode\" is ignored by ASTRA-sim 2.x and by this model\n");
}

TEST(ModelCommand, UsageAndInputErrorsExitTwo) {
  std::ostringstream out, err;
  EXPECT_EQ(astrasim::model_main({"--network", "x.yml"}, out, err), 2);
  EXPECT_EQ(err.str().substr(0, 38), "claimcheck: error: missing --system\nus");
  std::ostringstream out2, err2;
  const auto dir = astrasim::test::refcase_dir("ar_ring8_64MiB");
  EXPECT_EQ(astrasim::model_main({"--network", (dir / "system.json").string(), "--system",
                                  (dir / "system.json").string(), "--workload", (dir / "workload/wl").string()},
                                 out2, err2),
            2);
  EXPECT_NE(err2.str().find("claimcheck: error: "), std::string::npos);
}

}  // namespace
}  // namespace claimcheck

namespace claimcheck {
namespace {

TEST(ModelCommand, RunsThroughTheClaimcheckCommandLine) {
  // The real tool's own `--key=value` spelling.
  const auto dir = astrasim::test::refcase_dir("ar_r4s8_64MiB");
  const test::CliResult r = test::run({"model", "astra-sim", "--network=network.yml", "--system=system.json",
                                       "--workload=workload/wl", "--remote-memory=remote_memory.json", "--format=json"},
                                      dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["npus"].size(), 32u);
  EXPECT_EQ(j["npus"][31]["finish_ns"], 1318223);
  EXPECT_EQ(j["collectives"][0]["end_ns"], 1318223);
}

}  // namespace
}  // namespace claimcheck

namespace claimcheck {
namespace {

// A stand-in for the real binary: records its arguments and how many ET files its workload prefix names, then
// prints the reference run's stdout.
std::filesystem::path fake_tool(const test::TempDir& dir, const std::string& refcase) {
  const auto log = astrasim::test::refcase_dir(refcase) / "stdout.log";
  const auto script = dir.write("bin/AstraSim_Analytical_Congestion_Unaware",
                                "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\" >> '" + (dir.path() / "args.txt").string() +
                                    "'; done\nfor a in \"$@\"; do case \"$a\" in --workload-configuration=*) w=\"${a#*=}\";; esac; done\n"
                                    "ls \"$w\".*.et 2>/dev/null | wc -l > '" + (dir.path() / "ets.txt").string() +
                                    "'\ncat '" + log.string() + "'\n");
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  return dir.path() / "bin";
}

Outcome measure_with_path(const Claim& c, const std::filesystem::path& bin) {
  const char* old = std::getenv("PATH");
  const std::string saved = old ? old : "";
  setenv("PATH", (bin.string() + ":" + saved).c_str(), 1);
  const Outcome o = measure(c, true);
  setenv("PATH", saved.c_str(), 1);
  return o;
}

TEST(AstraSimAdapter, RealToolRunsWithTheClaimsInputsAndIsCrossChecked) {
  const test::TempDir dir;
  const auto bin = fake_tool(dir, "ar_ring8_64MiB");
  Claim c = claim_for("ar_ring8_64MiB", "finish_time");
  c.options = {{"real_tool", true}};
  const Outcome o = measure_with_path(c, bin);
  ASSERT_TRUE(std::holds_alternative<Measurement>(o)) << std::get<Blocked>(o).reason;
  const auto& m = std::get<Measurement>(o);
  EXPECT_EQ(m.value, 2326112.0);
  EXPECT_EQ(m.tool_version, "AstraSim_Analytical_Congestion_Unaware (run)");
  ASSERT_EQ(m.details.size(), 2u);
  EXPECT_EQ(m.details[0].value, "2326112");
  EXPECT_EQ(m.details[1], (Detail{"native_minus_real_ns", "0"}));
  const std::string args = test::read_file(dir.path() / "args.txt");
  const auto ref = astrasim::test::refcase_dir("ar_ring8_64MiB");
  EXPECT_NE(args.find("--workload-configuration=" + (ref / "workload" / "wl").string() + "\n"), std::string::npos)
      << args;
  EXPECT_NE(args.find("--network-configuration=" + (ref / "network.yml").string() + "\n"), std::string::npos);
  EXPECT_NE(args.find("--remote-memory-configuration=" + (ref / "remote_memory.json").string() + "\n"),
            std::string::npos);
}

TEST(AstraSimAdapter, RealToolGetsTextWorkloadsAsEtFiles) {
  const test::TempDir dir;
  const auto bin = fake_tool(dir, "train_resnet50_dp_ring8");
  Claim c = claim_for("train_resnet50_dp_ring8", "exposed_comm");
  c.workload.path = "refcases/train_resnet50_dp_ring8/workload.txt";
  c.options = {{"real_tool", true}};
  const Outcome o = measure_with_path(c, bin);
  ASSERT_TRUE(std::holds_alternative<Measurement>(o)) << std::get<Blocked>(o).reason;
  EXPECT_EQ(std::get<Measurement>(o).value, 29776.0);
  EXPECT_EQ(test::read_file(dir.path() / "ets.txt"), "8\n");
}

}  // namespace
}  // namespace claimcheck

namespace claimcheck {
namespace {

double value_of(const Claim& c) {
  const Outcome o = measure(c);
  EXPECT_TRUE(std::holds_alternative<Measurement>(o)) << std::get<Blocked>(o).reason;
  return std::holds_alternative<Measurement>(o) ? std::get<Measurement>(o).value : -1;
}

TEST(AstraSimMetrics, WholeRunAggregatesOverNpus) {
  const auto expected = nlohmann::json::parse(
      test::read_file(astrasim::test::refcase_dir("ar_sw16_64MiB_dbt") / "expected.json"))["per_npu"];
  double sum = 0;
  for (const auto& [npu, v] : expected.items()) sum += v["finish_cycles"].get<double>();
  Claim c = claim_for("ar_sw16_64MiB_dbt", "finish_time.max");
  EXPECT_EQ(value_of(c), 9972570.0);
  c.metric = "finish_time.min";
  EXPECT_EQ(value_of(c), 8624165.0);
  c.metric = "finish_time.mean";
  EXPECT_DOUBLE_EQ(value_of(c), sum / 16);
  c.metric = "compute_time.max";
  EXPECT_EQ(value_of(c), 0.0);
}

TEST(AstraSimMetrics, CollectiveByIdOrName) {
  // chain_comp_ar_sw16: COMP 100 us, AR 16 MiB, COMP 50 us, AR 4 MiB, COMP 20 us on Switch 16
  // (50 GB/s, 500 ns), ring, 4 splits: per chunk 30 steps x (hops*latency + msg/bw + E) + E + 15
  // reductions of 3*floor(msg/1.6 B/ns): AR 16 MiB 4 x 184,105; AR 4 MiB 4 x 68,710.
  Claim c = claim_for("chain_comp_ar_sw16", "collective.duration");
  c.options = {{"node", "AR_16MiB"}};
  EXPECT_EQ(value_of(c), 736420.0);
  c.metric = "collective.start";
  c.options = {{"node", 3}};
  EXPECT_EQ(value_of(c), 100000.0 + 736420.0 + 50000.0);
  c.metric = "collective.end";
  c.options = {{"node", "AR_4MiB"}, {"npu", 7}};
  EXPECT_EQ(value_of(c), 886420.0 + 274840.0);
  c.options = {{"node", "AR_1MiB"}};
  const Outcome missing = measure(c);
  ASSERT_TRUE(std::holds_alternative<Blocked>(missing));
  EXPECT_EQ(std::get<Blocked>(missing).reason, "no collective node \"AR_1MiB\" on any NPU");
}

TEST(AstraSimMetrics, SendTimeIsTheMessagesNetworkTime) {
  // NPU 0 to NPU 4 of Ring 4 x Switch 8 goes through the switch: 2 x 700 + 4 MiB / 26.84 B/ns.
  Claim c = claim_for("sendrecv_exchange_r4s8", "send_time");
  c.options = {{"node", "SEND_4MiB_to_4"}, {"npu", 0}};
  EXPECT_EQ(value_of(c), 157650.0);
}

TEST(AstraSimMetrics, NodeMetricsNeedANodeAndLogsHaveNoNodes) {
  Claim c = claim_for("chain_comp_ar_sw16", "collective.start");
  Diagnostics d;
  adapter().validate(c, d);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d.items()[0].message, "metric collective.start needs options.node (an ET node id or name)");
  c.options = {{"node", "AR_4MiB"}};
  c.mode = Mode::reread;
  c.artifact = "refcases/chain_comp_ar_sw16/stdout.log";
  Diagnostics r;
  adapter().validate(c, r);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.items()[0].message, "collective.start is not in the real tool's output");
}

TEST(AstraSimMetrics, NpuAllExpandsToOneClaimPerNpu) {
  Claim c = claim_for("ar_sw16_64MiB_dbt", "finish_time");
  c.title = "DBT all-reduce";
  c.options = {{"npu", "all"}};
  Diagnostics d;
  adapter().validate(c, d);
  EXPECT_TRUE(d.empty());
  const Sandbox sandbox(data_dir());
  const std::vector<Claim> each = adapter().expand(c, sandbox, data_dir());
  ASSERT_EQ(each.size(), 16u);
  EXPECT_EQ(each[8].id, "astra-ar_sw16_64MiB_dbt.npu8");
  EXPECT_EQ(each[8].title, "DBT all-reduce (NPU 8)");
  EXPECT_EQ(value_of(each[8]), 8969130.0);
  EXPECT_EQ(value_of(each[1]), 9972570.0);
  // Other claims stand for themselves.
  c.options = {{"npu", 3}};
  EXPECT_EQ(adapter().expand(c, sandbox, data_dir()).size(), 1u);
}

TEST(AstraSimMetrics, RunOptionsAsClaimOptions) {
  Claim c = claim_for("ar_ring8_64MiB", "finish_time");
  c.options = {{"injection_scale", 10}};
  EXPECT_EQ(value_of(c), 2331512.0);  // realruns/ar_ring8_64MiB_inj10
  c.options = {{"comm_scale", 2}, {"compute_scale", 3}};
  const Outcome o = measure(c);
  ASSERT_TRUE(std::holds_alternative<Measurement>(o));
  EXPECT_EQ(std::get<Measurement>(o).value, 2326112.0);  // realruns/ar_ring8_64MiB_scales
  const auto& w = std::get<Measurement>(o).warnings;
  EXPECT_NE(std::find(w.begin(), w.end(),
                      "comm-scale 2 has no effect: ASTRA-sim 2.x (518bd51) stores it but never uses it, and neither "
                      "does this model"),
            w.end());
  c = claim_for("rs_ring8_64MiB", "finish_time");
  c.options = {{"num_queues_per_dim", 2}};
  EXPECT_EQ(value_of(c), 609048.0);  // realruns/rs_ring8_64MiB_q2
  c = claim_for("ar_ring8_1MiB", "finish_time");
  c.options = {{"rendezvous_protocol", true}};
  EXPECT_EQ(value_of(c), 100952.0);  // realruns/ar_ring8_1MiB_rendezvous
  c.options = {{"num_queues_per_dim", 0}, {"rendezvous_protocol", "yes"}};
  Diagnostics d;
  adapter().validate(c, d);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d.items()[0].message, "num_queues_per_dim: num-queues-per-dim must be a whole number from 1 to 1024, not \"0\"");
  EXPECT_EQ(d.items()[1].message, "rendezvous_protocol: must be true or false");
}

}  // namespace
}  // namespace claimcheck
