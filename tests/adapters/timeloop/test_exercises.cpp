// The published runs of the Timeloop/Accelergy exercises (Accelergy-Project/timeloop-accelergy-
// exercises at 2ffec693ced8, outputs written by Timeloop v4 through its Python front end), each
// evaluated twice by the native model: from the exercise's own input files, unchanged (the v4 front
// end's format), and from the front end's parsed-processed-input.yaml. Cycles, computes and every
// per-level access count must equal the published map+stats.xml; each level's dynamic energy (the
// XML's per-data-space energies) within 1e-9 relative; its leakage equal to the ERT's per-cycle
// `leak` x cycles x utilized instances; and the printed stats (fJ/Compute table, leakage lines,
// utilization) within their rounding.
//
// The exercises are not part of this repository: `claims/timeloop/published/fetch.sh` puts them
// in third_party/. Without them these tests are skipped and say so.

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

#include "adapters/timeloop/inputs.hpp"
#include "adapters/timeloop/model.hpp"
#include "adapters/timeloop/stats_reader.hpp"
#include "v4_reference.hpp"

namespace claimcheck::timeloop {
namespace {

namespace fs = std::filesystem;

fs::path exercises() { return fs::path(CLAIMCHECK_SOURCE_DIR) / "third_party" / "timeloop-accelergy-exercises"; }

struct PublishedRun {
  std::string name;
  std::string dir;                 // relative to the exercises' workspace/
  std::vector<std::string> files;  // the exercise's own inputs, relative to dir
  std::string ref;                 // output folder, relative to dir
  std::string prefix;              // "timeloop-model" or "timeloop-mapper"
};

const std::string k_tutorial = "tutorial_exercises/01_accelergy_timeloop_2020_ispass/timeloop/";
const std::string k_designs = "example_designs/example_designs/";

std::vector<PublishedRun> runs() {
  std::vector<PublishedRun> r = {
      {"ex00", k_tutorial + "00-model-conv1d-1level",
       {"arch/1level.arch.yaml", "map/conv1d-1level.map.yaml", "prob/conv1d.prob.yaml"}, "ref-output", "timeloop-model"},
      {"ex01_ws", k_tutorial + "01-model-conv1d-2level",
       {"arch/2level.arch.yaml", "map/conv1d-2level-ws.map.yaml", "prob/conv1d.prob.yaml"}, "ref-output/ws",
       "timeloop-model"},
      {"ex01_os", k_tutorial + "01-model-conv1d-2level",
       {"arch/2level.arch.yaml", "map/conv1d-2level-os.map.yaml", "prob/conv1d.prob.yaml"}, "ref-output/os",
       "timeloop-model"},
      {"ex02_untiled", k_tutorial + "02-model-conv1d+oc-2level",
       {"arch/2level.arch.yaml", "map/conv1d+oc-2level-os.map.yaml", "prob/conv1d+oc.prob.yaml"},
       "ref-output/no-tiling", "timeloop-model"},
      {"ex02_tiled", k_tutorial + "02-model-conv1d+oc-2level",
       {"arch/2level.arch.yaml", "map/conv1d+oc-2level-os-tiled.map.yaml", "prob/conv1d+oc.prob.yaml"},
       "ref-output/tiling", "timeloop-model"},
      {"ex03_no_bypass", k_tutorial + "03-model-conv1d+oc-3level",
       {"arch/3level.arch.yaml", "map/conv1d+oc-3level.map.yaml", "prob/conv1d+oc.prob.yaml"},
       "ref-output/no-bypass", "timeloop-model"},
      {"ex03_bypass", k_tutorial + "03-model-conv1d+oc-3level",
       {"arch/3level.arch.yaml", "map/conv1d+oc-3level-bypass.map.yaml", "prob/conv1d+oc.prob.yaml"},
       "ref-output/bypass", "timeloop-model"},
      {"ex04_cp", k_tutorial + "04-model-conv1d+oc-3levelspatial",
       {"arch/3levelspatial.arch.yaml", "map/conv1d+oc+ic-3levelspatial-cp-ws.map.yaml", "prob/conv1d+oc+ic.prob.yaml"},
       "ref-output/cp", "timeloop-model"},
      {"ex04_kp", k_tutorial + "04-model-conv1d+oc-3levelspatial",
       {"arch/3levelspatial.arch.yaml", "map/conv1d+oc+ic-3levelspatial-kp-ws.map.yaml", "prob/conv1d+oc+ic.prob.yaml"},
       "ref-output/kp", "timeloop-model"},
  };
  for (const auto& [variant, constraints] : std::vector<std::pair<std::string, std::string>>{
           {"baked", "conv1d+oc-3level-1mapping"}, {"freebypass", "conv1d+oc-3level-freebypass"}, {"null", "null"}}) {
    r.push_back({"ex05_" + variant, k_tutorial + "05-mapper-conv1d+oc-3level",
                 {"arch/3level.arch.yaml", "constraints/" + constraints + ".constraints.yaml", "prob/conv1d+oc.prob.yaml",
                  "mapper/exhaustive.mapper.yaml"},
                 "ref-output/" + variant, "timeloop-mapper"});
  }
  r.push_back({"ex06", k_tutorial + "06-mapper-convlayer-eyeriss",
               {"arch/eyeriss_like.yaml", "arch/components/intmac.yaml", "arch/components/regfile.yaml",
                "arch/components/smartbuffer_RF.yaml", "arch/components/smartbuffer_SRAM.yaml",
                "prob/VGG02_layer5.yaml", "mapper/mapper.yaml"},
               "ref-output", "timeloop-mapper"});
  for (const char* design : {"eyeriss_like", "simba_like", "simple_output_stationary", "simple_weight_stationary"}) {
    r.push_back({design, "example_designs/example_designs",
                 {std::string(design) + "/arch.yaml", "_include/default_problem.yaml", "_include/mapper.yaml"},
                 std::string(design) + "/ref_outputs/default_problem", "timeloop-mapper"});
  }
  return r;
}

class Exercise : public ::testing::TestWithParam<PublishedRun> {};

TEST_P(Exercise, OwnInputFilesReproduceThePublishedRun) {
  if (!fs::is_directory(exercises())) GTEST_SKIP() << "fetch the exercises: claims/timeloop/published/fetch.sh";
  const PublishedRun& run = GetParam();
  const fs::path base = exercises() / "workspace" / run.dir;
  std::vector<std::string> files;
  for (const auto& f : run.files) files.push_back((base / f).string());
  // Model runs take their mapping from the exercise; mapper runs are evaluated on the mapping
  // the mapper published.
  if (run.prefix == "timeloop-mapper") files.push_back((base / run.ref / "timeloop-mapper.map.yaml").string());
  files.push_back((base / run.ref / (run.prefix + ".ERT.yaml")).string());
  const fs::path ref = base / run.ref;
  check_against_timeloop_v4(load_spec_files(files), ref, run.prefix, ref / (run.prefix + ".ERT.yaml"),
                            run.name + " from its own input files");
}

TEST_P(Exercise, ParsedProcessedInputReproducesThePublishedRun) {
  if (!fs::is_directory(exercises())) GTEST_SKIP() << "fetch the exercises: claims/timeloop/published/fetch.sh";
  const PublishedRun& run = GetParam();
  const fs::path ref = exercises() / "workspace" / run.dir / run.ref;
  std::vector<std::string> files = {(ref / "parsed-processed-input.yaml").string()};
  if (run.prefix == "timeloop-mapper") files.push_back((ref / "timeloop-mapper.map.yaml").string());
  files.push_back((ref / (run.prefix + ".ERT.yaml")).string());
  check_against_timeloop_v4(load_spec_files(files), ref, run.prefix, ref / (run.prefix + ".ERT.yaml"),
                            run.name + " from parsed-processed-input.yaml");
}

TEST_P(Exercise, PrintedMappingReproducesThePublishedRun) {
  if (!fs::is_directory(exercises())) GTEST_SKIP() << "fetch the exercises: claims/timeloop/published/fetch.sh";
  const PublishedRun& run = GetParam();
  const fs::path base = exercises() / "workspace" / run.dir;
  std::vector<std::string> files;
  for (const auto& f : run.files) files.push_back((base / f).string());
  files.push_back((base / run.ref / (run.prefix + ".map.txt")).string());
  files.push_back((base / run.ref / (run.prefix + ".ERT.yaml")).string());
  check_against_timeloop_v4(load_spec_files(files), base / run.ref, run.prefix,
                            base / run.ref / (run.prefix + ".ERT.yaml"),
                            run.name + " from its own input files with the printed mapping");
}

INSTANTIATE_TEST_SUITE_P(Published, Exercise, ::testing::ValuesIn(runs()),
                         [](const ::testing::TestParamInfo<PublishedRun>& param) { return param.param.name; });

}  // namespace
}  // namespace claimcheck::timeloop
