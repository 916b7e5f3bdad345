#include "adapters/astrasim/workload_loader.hpp"

#include <fstream>
#include <map>
#include <sstream>

#include "adapters/astrasim/chakra_reader.hpp"
#include "adapters/astrasim/json_collective.hpp"
#include "adapters/astrasim/text_workload.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::astrasim {

std::string_view comm_type_name(CommType type) {
  switch (type) {
    case CommType::all_reduce: return "ALL_REDUCE";
    case CommType::all_gather: return "ALL_GATHER";
    case CommType::broadcast: return "BROADCAST";
    case CommType::all_to_all: return "ALL_TO_ALL";
    case CommType::reduce_scatter: return "REDUCE_SCATTER";
  }
  return "?";
}

void check_graph(const std::string& file, const NpuGraph& graph) {
  std::map<std::uint64_t, std::size_t> index;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!index.emplace(graph.nodes[i].id, i).second) {
      throw InputError(file, 0, 0, "node id " + std::to_string(graph.nodes[i].id) + " appears twice");
    }
  }
  std::vector<std::vector<std::size_t>> children(graph.nodes.size());
  std::vector<std::size_t> pending(graph.nodes.size(), 0);
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    for (auto p : graph.nodes[i].parents) {
      const auto it = index.find(p);
      if (it == index.end()) {
        throw InputError(file, 0, 0,
                         "node " + std::to_string(graph.nodes[i].id) + " (\"" + graph.nodes[i].name +
                             "\") depends on node " + std::to_string(p) + ", which does not exist",
                         "the real tool would wait for it forever");
      }
      children[it->second].push_back(i);
      ++pending[i];
    }
  }
  std::vector<std::size_t> ready;
  for (std::size_t i = 0; i < pending.size(); ++i) {
    if (pending[i] == 0) ready.push_back(i);
  }
  std::size_t done = 0;
  while (!ready.empty()) {
    const std::size_t n = ready.back();
    ready.pop_back();
    ++done;
    for (auto c : children[n]) {
      if (--pending[c] == 0) ready.push_back(c);
    }
  }
  if (done != graph.nodes.size()) {
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (pending[i] != 0) {
        throw InputError(file, 0, 0,
                         "the dependencies form a cycle through node " + std::to_string(graph.nodes[i].id) + " (\"" +
                             graph.nodes[i].name + "\")",
                         "the real tool would never issue these nodes");
      }
    }
  }
}

FileAccess local_files() {
  FileAccess access;
  access.read = [](const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw InputError(p, 0, 0, "cannot read the file");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  access.exists = [](const std::filesystem::path& p) { return std::filesystem::is_regular_file(p); };
  return access;
}

LoadedWorkload load_workload(const std::filesystem::path& spec, int total_npus, const FileAccess& files) {
  LoadedWorkload out;
  if (files.exists(spec)) {
    const std::string text = files.read(spec);
    out.files.push_back(spec);
    std::shared_ptr<const NpuGraph> graph;
    if (spec.extension() == ".json") {
      graph = std::make_shared<NpuGraph>(parse_json_collective(spec, text));
      out.workload.description = "collective " + spec.filename().string();
    } else if (looks_like_text_workload(text)) {
      TextWorkload tw = parse_text_workload(spec, text);
      out.warnings = tw.warnings;
      graph = std::make_shared<NpuGraph>(std::move(tw.graph));
      out.workload.description = "text workload " + spec.filename().string();
    } else if (spec.extension() == ".et") {
      throw InputError(spec, 0, 0, "a single ET file was given",
                       "give the prefix: for workload/wl.0.et ... write workload/wl");
    } else {
      throw InputError(spec, 1, 1, "not a workload: neither a JSON collective nor a 1.x text layer list",
                       "give an ET prefix, a text workload starting with DATA/MODEL/..., or a .json collective");
    }
    out.workload.graphs.assign(static_cast<std::size_t>(total_npus), graph);
    return out;
  }
  std::map<std::string, std::shared_ptr<const NpuGraph>> by_content;
  for (int npu = 0; npu < total_npus; ++npu) {
    const std::filesystem::path file = spec.string() + "." + std::to_string(npu) + ".et";
    if (!files.exists(file)) {
      throw InputError(file, 0, 0,
                       "workload file for NPU " + std::to_string(npu) + " does not exist (the network has " +
                           std::to_string(total_npus) + " NPUs)",
                       "give one ET file per NPU: " + spec.string() + ".<npu>.et");
    }
    std::string bytes = files.read(file);
    out.files.push_back(file);
    auto it = by_content.find(bytes);
    if (it == by_content.end()) {
      auto graph = std::make_shared<const NpuGraph>(parse_chakra_et(file, bytes));
      it = by_content.emplace(std::move(bytes), graph).first;
    }
    out.workload.graphs.push_back(it->second);
  }
  out.workload.description = "Chakra ET " + spec.string() + ".{0.." + std::to_string(total_npus - 1) + "}.et";
  return out;
}

}  // namespace claimcheck::astrasim
