#include "adapters/astrasim/text_workload.hpp"

#include <algorithm>
#include <sstream>

#include "core/diagnostics.hpp"

namespace claimcheck::astrasim {
namespace {

struct Layer {
  std::string name;
  std::uint64_t fwd_time = 0, ig_time = 0, wg_time = 0;  // µs as the converter reads them
  std::string fwd_type, ig_type, wg_type;
  std::uint64_t fwd_size = 0, ig_size = 0, wg_size = 0;  // bytes
  int line = 0;
  // node ids created for this layer in the current pass (-1 = none)
  std::int64_t fwd_comp = -1, fwd_comm = -1, ig_comp = -1, ig_comm = -1, wg_comp = -1, wg_comm = -1;
};

const std::vector<std::string> k_modes = {"MICRO", "DATA", "MODEL", "HYBRID_DATA_MODEL", "HYBRID_MODEL_DATA",
                                          "HYBRID_DLRM", "HYBRID_DLRM_ENHANCED"};
// ASTRA-sim 1.x forms that Chakra's text converter refuses ("Unsupported parallelism type"), so
// that ASTRA-sim 2.x cannot run them.
const std::vector<std::string> k_one_x_only = {"HYBRID_TRANSFORMER", "HYBRID_TRANSFORMER_FWD_IN_BCKWD",
                                               "HYBRID_CUSTOMIZED"};

CommType to_comm_type(const std::string& type) {
  if (type == "ALLTOALL") return CommType::all_to_all;
  if (type == "ALLGATHER") return CommType::all_gather;
  if (type == "REDUCESCATTER") return CommType::reduce_scatter;
  return CommType::all_reduce;
}

std::uint64_t parse_count(const std::filesystem::path& file, int line, const std::string& field, const std::string& v) {
  try {
    std::size_t used = 0;
    const long long n = std::stoll(v, &used);
    if (used != v.size() || n < 0) throw std::invalid_argument(v);
    return static_cast<std::uint64_t>(n);
  } catch (const std::exception&) {
    throw InputError(file, line, 0, field + " \"" + v + "\" is not a non-negative integer");
  }
}

class Builder {
 public:
  explicit Builder(TextWorkload& out) : m_out(out) {}
  std::int64_t comp(const Layer& l, const std::string& phase, std::uint64_t micros) {
    WorkloadNode n;
    n.id = m_next++;
    n.name = "COMP_NODE_" + l.name + "_" + phase;
    n.type = NodeType::comp;
    n.duration_micros = micros;
    m_out.graph.nodes.push_back(n);
    return static_cast<std::int64_t>(n.id);
  }
  std::int64_t comm(const std::string& name, const std::string& type, std::uint64_t size) {
    WorkloadNode n;
    n.id = m_next++;
    n.name = "COMM_COLL_NODE_" + name + "_" + type;
    n.type = NodeType::coll;
    n.comm_type = to_comm_type(type);
    n.comm_size = size;
    if (type != "ALLREDUCE" && type != "ALLTOALL" && type != "ALLGATHER" && type != "REDUCESCATTER") {
      m_out.warnings.push_back("layer \"" + name + "\": communication type \"" + type +
                               "\" becomes an ALL_REDUCE of " + std::to_string(size) +
                               " B, as Chakra's text converter writes it");
    }
    m_out.graph.nodes.push_back(n);
    return static_cast<std::int64_t>(n.id);
  }
  void parent(std::int64_t child, std::int64_t parent) {
    if (child < 0 || parent < 0) return;
    m_out.graph.nodes[static_cast<std::size_t>(child)].parents.push_back(static_cast<std::uint64_t>(parent));
  }

 private:
  TextWorkload& m_out;
  std::uint64_t m_next = 0;
};

void data_parallel(std::vector<Layer>& layers, Builder& b) {
  std::int64_t fwd = -1;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    auto& l = layers[i];
    fwd = b.comp(l, "FWD", l.fwd_time);
    if (i != 0) b.parent(fwd, layers[i - 1].fwd_comp);
    b.parent(fwd, l.wg_comm);
    l.fwd_comp = fwd;
  }
  for (std::size_t idx = 0; idx < layers.size(); ++idx) {
    auto& l = layers[layers.size() - 1 - idx];
    const std::int64_t wg = b.comp(l, "BWD_WG", l.wg_time);
    b.parent(wg, idx == 0 ? fwd : layers[layers.size() - idx].ig_comp);
    const std::int64_t wg_comm = b.comm(l.name, l.wg_type, l.wg_size);
    b.parent(wg_comm, wg);
    l.wg_comm = wg_comm;
    if (idx != layers.size() - 1) {
      const std::int64_t ig = b.comp(l, "BWD_IG", l.ig_time);
      b.parent(ig, wg);
      l.ig_comp = ig;
    }
  }
}

void model_parallel(std::vector<Layer>& layers, Builder& b) {
  std::int64_t fwd_comm = -1;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    auto& l = layers[i];
    const std::int64_t fwd = b.comp(l, "FWD", l.fwd_time);
    if (i != 0) b.parent(fwd, layers[i - 1].fwd_comm);
    b.parent(fwd, l.wg_comp);
    l.fwd_comp = fwd;
    fwd_comm = b.comm(l.name, l.fwd_type, l.fwd_size);
    l.fwd_comm = fwd_comm;
    b.parent(fwd_comm, fwd);
  }
  for (std::size_t idx = 0; idx < layers.size(); ++idx) {
    auto& l = layers[layers.size() - 1 - idx];
    const std::int64_t ig = b.comp(l, "BWD_IG", l.ig_time);
    if (idx == 0) {
      b.parent(ig, fwd_comm);
    } else {
      b.parent(ig, layers[layers.size() - idx].wg_comp);
      b.parent(ig, layers[layers.size() - idx].ig_comm);
    }
    if (idx != layers.size() - 1) {
      const std::int64_t ig_comm = b.comm(l.name, l.ig_type, l.ig_size);
      b.parent(ig_comm, ig);
      l.ig_comm = ig_comm;
    }
    const std::int64_t wg = b.comp(l, "BWD_WG", l.wg_time);
    b.parent(wg, ig);
    l.wg_comp = wg;
  }
}

void hybrid(std::vector<Layer>& layers, Builder& b, bool data_model) {
  std::int64_t fwd_comm = -1;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    auto& l = layers[i];
    const std::int64_t fwd = b.comp(l, "FWD", l.fwd_time);
    b.parent(fwd, l.wg_comm);
    if (i != 0) b.parent(fwd, layers[i - 1].fwd_comm);
    fwd_comm = b.comm(l.name, l.fwd_type, l.fwd_size);
    b.parent(fwd_comm, fwd);
    l.fwd_comm = fwd_comm;
  }
  for (std::size_t idx = 0; idx < layers.size(); ++idx) {
    auto& l = layers[layers.size() - 1 - idx];
    const std::int64_t ig = b.comp(l, "BWD_IG", l.ig_time);
    if (idx == 0) {
      b.parent(ig, fwd_comm);
    } else {
      b.parent(ig, layers[layers.size() - idx].wg_comp);
      b.parent(ig, layers[layers.size() - idx].ig_comm);
    }
    if (idx != layers.size() - 1) {
      const std::int64_t ig_comm = b.comm(data_model ? l.name + "_IG_COMM_" : l.name, l.ig_type, l.ig_size);
      b.parent(ig_comm, ig);
      l.ig_comm = ig_comm;
    }
    const std::int64_t wg = b.comp(l, "BWD_WG", l.wg_time);
    b.parent(wg, ig);
    l.wg_comp = wg;
    const std::int64_t wg_comm = b.comm(l.name, l.wg_type, l.wg_size);
    b.parent(wg_comm, wg);
    l.wg_comm = wg_comm;
  }
}

}  // namespace

bool looks_like_text_workload(const std::string& text) {
  std::istringstream in(text);
  std::string first;
  in >> first;
  for (const auto& m : k_modes) {
    if (first == m) return true;
  }
  return std::find(k_one_x_only.begin(), k_one_x_only.end(), first) != k_one_x_only.end();
}

TextWorkload parse_text_workload(const std::filesystem::path& file, const std::string& text) {
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  auto tokens = [](const std::string& s) {
    std::istringstream ss(s);
    std::vector<std::string> out;
    std::string t;
    while (ss >> t) out.push_back(t);
    return out;
  };
  if (lines.empty()) throw InputError(file, 1, 1, "empty text workload", "start with DATA, MODEL or HYBRID_...");
  const auto head = tokens(lines[0]);
  const std::string mode = head.empty() ? "" : head[0];
  if (std::find(k_one_x_only.begin(), k_one_x_only.end(), mode) != k_one_x_only.end()) {
    throw InputError(file, 1, 1,
                     "parallelism \"" + mode + "\" is an ASTRA-sim 1.x workload form that Chakra's text converter "
                     "does not convert (\"Unsupported parallelism type\"), so ASTRA-sim 2.x cannot run it, and "
                     "neither does this model",
                     "rewrite the layers as DATA, MODEL, HYBRID_DATA_MODEL or HYBRID_MODEL_DATA, or give Chakra ETs "
                     "of the workload");
  }
  if (mode == "HYBRID_DLRM" || mode == "HYBRID_DLRM_ENHANCED") {
    throw InputError(file, 1, 1, "parallelism \"" + mode + "\" is unsupported",
                     "convert it with Chakra's text converter and give the ET files instead");
  }
  if (mode != "MICRO" && mode != "DATA" && mode != "MODEL" && mode != "HYBRID_DATA_MODEL" &&
      mode != "HYBRID_MODEL_DATA") {
    const std::string near = closest_match(mode, k_modes);
    throw InputError(file, 1, 1, "unknown parallelism \"" + mode + "\"",
                     near.empty() ? "use DATA, MODEL, HYBRID_DATA_MODEL, HYBRID_MODEL_DATA or MICRO"
                                  : "did you mean \"" + near + "\"?");
  }
  if (lines.size() < 2) throw InputError(file, 2, 1, "missing the layer count on line 2");
  const auto count_tokens = tokens(lines[1]);
  if (count_tokens.size() != 1) throw InputError(file, 2, 1, "line 2 must hold the number of layers only");
  const std::uint64_t declared = parse_count(file, 2, "layer count", count_tokens[0]);
  std::vector<Layer> layers;
  for (std::size_t i = 2; i < lines.size(); ++i) {
    line_no = static_cast<int>(i) + 1;
    const auto t = tokens(lines[i]);
    if (t.empty()) continue;
    if (t.size() != 12) {
      throw InputError(file, line_no, 1,
                       "a layer line needs 12 columns, this one has " + std::to_string(t.size()),
                       "name -1 fwd_t fwd_type fwd_sz ig_t ig_type ig_sz wg_t wg_type wg_sz update_t");
    }
    Layer l;
    l.name = t[0];
    l.line = line_no;
    l.fwd_time = parse_count(file, line_no, "forward compute time", t[2]);
    l.fwd_type = t[3];
    l.fwd_size = parse_count(file, line_no, "forward communication size", t[4]);
    l.ig_time = parse_count(file, line_no, "input-gradient compute time", t[5]);
    l.ig_type = t[6];
    l.ig_size = parse_count(file, line_no, "input-gradient communication size", t[7]);
    l.wg_time = parse_count(file, line_no, "weight-gradient compute time", t[8]);
    l.wg_type = t[9];
    l.wg_size = parse_count(file, line_no, "weight-gradient communication size", t[10]);
    layers.push_back(l);
  }
  if (layers.size() != declared) {
    throw InputError(file, 2, 1,
                     "line 2 declares " + std::to_string(declared) + " layers but the file lists " +
                         std::to_string(layers.size()));
  }
  if (layers.empty()) throw InputError(file, 2, 1, "the workload has no layers");
  TextWorkload out;
  Builder b(out);
  if (mode == "MICRO") {
    for (auto& l : layers) b.comm(l.name, l.wg_type, l.wg_size);
  } else if (mode == "DATA") {
    data_parallel(layers, b);
  } else if (mode == "MODEL") {
    model_parallel(layers, b);
  } else {
    hybrid(layers, b, mode == "HYBRID_DATA_MODEL");
  }
  check_graph(file.string(), out.graph);
  return out;
}

}  // namespace claimcheck::astrasim
