// The model on the inputs of runs of the real ASTRA-sim 2.x (518bd51) that tests/data/astrasim
// README describes: realruns/ (own inputs, or reference-case inputs with the binary's options) and
// examples/ (the astra-sim repository's examples and run scripts, unchanged; they run when the
// repository is checked out at third_party/astra-sim). Each folder holds cmd.txt, the exact
// command line and where it ran, and stdout.log, the real tool's output. `claimcheck model
// astra-sim` gets the same arguments, in the same folder, and must give every NPU's finish time,
// exposed communication, comm time and wall time exactly; runs the real tool did not complete are
// refused with exit code 2.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "adapters/astrasim/model_main.hpp"
#include "adapters/astrasim/run_log.hpp"
#include "astrasim_test_util.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::astrasim {
namespace {

namespace fs = std::filesystem;

struct RealRun {
  std::string name;  // e.g. "realruns/mem_pool_r4"
  fs::path folder;
};

std::vector<RealRun> real_runs() {
  std::vector<RealRun> out;
  for (const char* set : {"realruns", "examples"}) {
    for (const auto& e : fs::directory_iterator(test::data_dir() / set)) {
      if (e.is_directory()) out.push_back({std::string(set) + "/" + e.path().filename().string(), e.path()});
    }
  }
  std::sort(out.begin(), out.end(), [](const RealRun& a, const RealRun& b) { return a.name < b.name; });
  return out;
}

struct Command {
  fs::path inputs;                // where it ran
  std::string binary;             // AstraSim_Analytical_Congestion_{Unaware,Aware}
  std::vector<std::string> args;  // everything after the binary
};

Command read_command(const RealRun& run) {
  std::istringstream in(test::read_text(run.folder / "cmd.txt"));
  std::string where, line;
  std::getline(in, where);
  std::getline(in, line);
  Command c;
  const std::string place = where.substr(std::string("# inputs: ").size());
  if (place == "this folder") {
    c.inputs = run.folder;
  } else if (place.starts_with("the astra-sim repository")) {
    c.inputs = fs::path(CLAIMCHECK_SOURCE_DIR) / "third_party" / "astra-sim";
  } else {
    c.inputs = fs::weakly_canonical(run.folder / place);
  }
  std::istringstream words(line);
  words >> c.binary;
  for (std::string w; words >> w;) c.args.push_back(w);
  return c;
}

// Runs the model command in `dir`, as the real tool ran there.
int run_model(const fs::path& dir, std::vector<std::string> args, std::string& out, std::string& err) {
  const fs::path saved = fs::current_path();
  fs::current_path(dir);
  std::ostringstream o, e;
  const int code = model_main(args, o, e);
  fs::current_path(saved);
  out = o.str();
  err = e.str();
  return code;
}

class RealRunCase : public ::testing::TestWithParam<RealRun> {};

TEST_P(RealRunCase, ModelCommandGivesTheRealToolsNumbersOrRefusesItsFailures) {
  const RealRun& run = GetParam();
  const Command cmd = read_command(run);
  if (!fs::exists(cmd.inputs)) {
    GTEST_SKIP() << cmd.inputs << " is absent: check out astra-sim 518bd51 there to run this case";
  }
  std::vector<std::string> args = cmd.args;
  args.insert(args.end(), {"--backend",
                           cmd.binary.ends_with("Congestion_Aware") ? "congestion-aware" : "congestion-unaware",
                           "--format", "json"});
  std::string out, err;
  const int code = run_model(cmd.inputs, args, out, err);
  const std::string log = test::read_text(run.folder / "stdout.log");
  if (log.find("] finished, ") == std::string::npos) {
    EXPECT_EQ(code, 2) << run.name << ": the real tool did not finish, so the model must refuse\n" << out;
    EXPECT_TRUE(err.starts_with("claimcheck: error: ")) << err;
    return;
  }
  ASSERT_EQ(code, 0) << err;
  const RunLog real = parse_run_log(run.folder / "stdout.log", log);
  const auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j["npus"].size(), real.npus.size()) << run.name;
  for (const auto& [npu, want] : real.npus) {
    const auto& got = j["npus"][static_cast<std::size_t>(npu)];
    EXPECT_EQ(got["finish_ns"].get<std::uint64_t>(), want.finish_ns) << run.name << " NPU " << npu;
    EXPECT_EQ(got["exposed_comm_ns"].get<std::uint64_t>(), want.exposed_comm_ns) << run.name << " NPU " << npu;
    EXPECT_EQ(got["comm_ns"].get<std::uint64_t>(), want.comm_ns) << run.name << " NPU " << npu;
  }
}

INSTANTIATE_TEST_SUITE_P(AllRuns, RealRunCase, ::testing::ValuesIn(real_runs()),
                         [](const ::testing::TestParamInfo<RealRun>& p) {
                           std::string n = p.param.name;
                           std::replace(n.begin(), n.end(), '/', '_');
                           return n;
                         });

TEST(RealRuns, EveryExampleAndRunScriptIsRecorded) {
  // 24 microbenchmark/network pairs (4 collectives x 4/8/16 NPUs x both binaries), the four run
  // scripts (two of which are among the pairs' settings), and the custom collective example on
  // the congestion-unaware binary too.
  std::size_t examples = 0, own = 0;
  for (const auto& r : real_runs()) (r.name.starts_with("examples/") ? examples : own) += 1;
  EXPECT_EQ(examples, 29u);
  EXPECT_EQ(own, 20u);
}

}  // namespace
}  // namespace claimcheck::astrasim
