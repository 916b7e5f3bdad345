#include "adapters/astrasim/custom_collective.hpp"

#include <yaml-cpp/yaml.h>

#include "adapters/astrasim/chakra_reader.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::astrasim {
namespace {

std::string node_label(const WorkloadNode& n) { return "node " + std::to_string(n.id) + " (\"" + n.name + "\")"; }

std::filesystem::path locate(const std::string& prefix, const CustomSearch& search, const FileAccess& files) {
  const std::filesystem::path p(prefix);
  if (p.is_absolute()) return p;
  for (const auto& dir : search.dirs) {
    if (files.exists(dir / (prefix + ".0.et"))) return dir / p;
  }
  return search.dirs.empty() ? p : search.dirs.front() / p;
}

std::shared_ptr<const CustomCollective> load_one(const std::filesystem::path& system_file, const std::string& prefix,
                                                 int total_npus, const CustomSearch& search, const FileAccess& files,
                                                 std::vector<std::filesystem::path>& read) {
  auto out = std::make_shared<CustomCollective>();
  out->prefix = prefix;
  const std::filesystem::path base = locate(prefix, search, files);
  for (int r = 0; r < total_npus; ++r) {
    const std::filesystem::path file = base.string() + "." + std::to_string(r) + ".et";
    if (!files.exists(file)) {
      if (r == 0) {
        throw InputError(system_file, 0, 0,
                         "custom collective \"" + prefix + "\": " + file.string() + " does not exist",
                         "the real tool reads PREFIX.<rank>.et relative to its working directory; give a path that "
                         "exists from there");
      }
      break;
    }
    read.push_back(file);
    NpuGraph g = parse_chakra_et(file, files.read(file));
    for (const auto& n : g.nodes) {
      if (n.type != NodeType::send && n.type != NodeType::recv && n.type != NodeType::comp) {
        throw InputError(file, 0, 0,
                         node_label(n) + " is not a send, recv or compute node; the real tool's custom collective "
                                         "takes such a node and never finishes it",
                         "a custom collective ET holds COMM_SEND, COMM_RECV and COMP nodes only");
      }
    }
    out->ranks.push_back(std::make_shared<const NpuGraph>(std::move(g)));
  }
  const int ranks = static_cast<int>(out->ranks.size());
  for (int r = 0; r < ranks; ++r) {
    for (const auto& n : out->ranks[static_cast<std::size_t>(r)]->nodes) {
      const std::int64_t peer = n.type == NodeType::send ? n.comm_dst : n.type == NodeType::recv ? n.comm_src : 0;
      if (peer < 0 || peer >= ranks) {
        throw InputError(base.string() + "." + std::to_string(r) + ".et", 0, 0,
                         node_label(n) + " names rank " + std::to_string(peer) + ", but the custom collective has " +
                             std::to_string(ranks) + " rank files",
                         n.type == NodeType::send ? "set comm_dst to a rank of the collective"
                                                  : "set comm_src to a rank of the collective");
      }
    }
  }
  return out;
}

}  // namespace

const CustomCollective* CustomCollectives::find(std::uint64_t node_id, CommType type) const {
  if (const auto it = by_node.find(node_id); it != by_node.end()) return it->second.get();
  if (const auto it = by_type.find(type); it != by_type.end()) return it->second.get();
  return nullptr;
}

CustomCollectives load_custom_collectives(const std::filesystem::path& system_file,
                                          const std::map<CommType, std::string>& by_type,
                                          const std::string& per_node_file, int total_npus,
                                          const CustomSearch& search, const FileAccess& files,
                                          std::vector<std::filesystem::path>& read) {
  CustomCollectives out;
  std::map<std::string, std::shared_ptr<const CustomCollective>> loaded;
  auto get = [&](const std::filesystem::path& named_in, const std::string& prefix) {
    auto& slot = loaded[prefix];
    if (!slot) slot = load_one(named_in, prefix, total_npus, search, files, read);
    return slot;
  };
  for (const auto& [type, prefix] : by_type) out.by_type[type] = get(system_file, prefix);
  if (per_node_file.empty()) return out;
  std::filesystem::path path(per_node_file);
  if (!path.is_absolute()) {
    path = search.dirs.empty() ? path : search.dirs.front() / path;
    for (const auto& dir : search.dirs) {
      if (files.exists(dir / per_node_file)) {
        path = dir / per_node_file;
        break;
      }
    }
  }
  if (!files.exists(path)) {
    throw InputError(system_file, 0, 0, "per-node-custom-implementation: " + path.string() + " does not exist",
                     "the real tool reads it relative to its working directory");
  }
  read.push_back(path);
  YAML::Node root;
  try {
    root = YAML::Load(files.read(path));
  } catch (const YAML::ParserException& e) {
    throw InputError(path, e.mark.line + 1, e.mark.column + 1, "not valid YAML: " + e.msg);
  }
  if (!root.IsMap()) {
    throw InputError(path, 1, 1, "must be a YAML mapping of workload node id to custom collective prefix",
                     "e.g. 12: path/to/custom_allreduce");
  }
  for (const auto& kv : root) {
    const int line = kv.first.Mark().line + 1;
    if (!kv.first.IsScalar() || !kv.second.IsScalar()) {
      throw InputError(path, line, 0, "keys and values must be scalars (node id: prefix)");
    }
    std::uint64_t id = 0;
    try {
      const long long v = kv.first.as<long long>();
      if (v < 0) throw YAML::Exception(kv.first.Mark(), "negative");
      id = static_cast<std::uint64_t>(v);
    } catch (const YAML::Exception&) {
      throw InputError(path, line, 0, "key \"" + kv.first.Scalar() + "\" is not a workload node id (an integer)");
    }
    out.by_node[id] = get(path, kv.second.Scalar());
  }
  return out;
}

}  // namespace claimcheck::astrasim
