// The tree-format architecture (Timeloop v3.0.3, versions 0.2-0.4) -> Architecture.

#include <cmath>
#include <regex>

#include "adapters/timeloop/input_parsers.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::timeloop {
namespace {

const std::vector<std::string> k_storage_classes = {"DRAM", "SRAM", "regfile", "smartbuffer", "storage"};
const std::vector<std::string> k_compute_classes = {"mac", "intmac", "fpmac", "compute"};
const std::vector<std::string> k_network_classes = {"XY_NoC", "Legacy", "ReductionTree", "SimpleMulticast"};

// Attributes Accelergy's estimators read; Timeloop itself ignores them.
const std::vector<std::string> k_accelergy_attributes = {
    "technology", "latency", "n_rd_ports", "n_wr_ports", "n_rdwr_ports", "global_cycle_seconds",
    "cycle_seconds", "action_latency_cycles", "area", "num_pipeline_stages", "multiplier_width",
    "adder_width", "resolution", "voltage", "type", "n_btwn_ports"};

const std::vector<std::string> k_storage_attributes = {
    "word-bits", "word_width", "datawidth", "block-size", "block_size", "n_words", "cluster-size",
    "width", "memory_width", "data_storage_width", "entries", "depth", "memory_depth",
    "data_storage_depth", "sizeKB", "num-ports", "n_ports", "num-banks", "n_banks", "n_banks",
    "bandwidth", "shared_bandwidth", "read_bandwidth", "write_bandwidth", "multiple-buffering",
    "min-utilization", "instances", "meshX", "meshY", "network_read", "network_fill",
    "network_drain", "network_update", "network-type", "allow_overbooking", "vector-access-energy",
    "addr-gen-energy", "cluster-area", "network_fill_latency", "network_drain_latency",
    "reduction_supported", "multicast-factor", "metadata_storage_width", "metadata_storage_depth",
    "metadata_datawidth", "metadata_block_size", "decompression_supported",
    "compression_supported", "tile_partition_supported", "concordant_compressed_tile_traversal"};

const std::vector<std::string> k_arithmetic_attributes = {
    "instances", "word-bits", "datawidth", "meshX", "meshY", "energy", "area", "network_operand",
    "network_result"};

bool class_has(const std::string& cls, const std::vector<std::string>& list) {
  for (const auto& s : list) {
    if (cls.find(s) != std::string::npos) return true;
  }
  return false;
}

std::vector<std::string> concat(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// The attributes map of a component (empty when absent), checked against `allowed`.
std::optional<YNode> attributes_of(const YNode& component, const std::vector<std::string>& allowed,
                                   const std::string& what) {
  auto attrs = get(component, "attributes");
  if (!attrs || attrs->node.IsNull()) return std::nullopt;
  check_keys(*attrs, concat(allowed, k_accelergy_attributes), what);
  return attrs;
}

void resolve_mesh(const YNode& at, const std::string& name, std::uint64_t instances,
                  std::optional<std::uint64_t> mesh_x, std::optional<std::uint64_t> mesh_y,
                  std::uint64_t& out_x, std::uint64_t& out_y) {
  if (mesh_x && *mesh_x == 0) fail_at(at, name + ": meshX must be positive");
  if (mesh_y && *mesh_y == 0) fail_at(at, name + ": meshY must be positive");
  if (mesh_x && mesh_y) {
    if (*mesh_x * *mesh_y != instances) {
      fail_at(at, name + ": meshX x meshY = " + std::to_string(*mesh_x * *mesh_y) +
                      " does not equal the instances " + std::to_string(instances));
    }
    out_x = *mesh_x;
    out_y = *mesh_y;
  } else if (mesh_x) {
    if (instances % *mesh_x != 0) {
      fail_at(at, name + ": instances " + std::to_string(instances) + " are not a multiple of meshX " +
                      std::to_string(*mesh_x));
    }
    out_x = *mesh_x;
    out_y = instances / *mesh_x;
  } else if (mesh_y) {
    if (instances % *mesh_y != 0) {
      fail_at(at, name + ": instances " + std::to_string(instances) + " are not a multiple of meshY " +
                      std::to_string(*mesh_y));
    }
    out_y = *mesh_y;
    out_x = instances / *mesh_y;
  } else {
    out_x = instances;
    out_y = 1;
  }
}

std::optional<std::uint64_t> opt_uint(const std::optional<YNode>& attrs, const std::vector<std::string>& keys) {
  if (!attrs) return std::nullopt;
  if (auto v = get_any(*attrs, keys)) return as_uint(*v);
  return std::nullopt;
}

std::optional<double> opt_double(const std::optional<YNode>& attrs, const std::vector<std::string>& keys) {
  if (!attrs) return std::nullopt;
  // Every numeric attribute read this way (energies, bandwidths, buffering, utilization) is a
  // quantity that cannot be negative.
  if (auto v = get_any(*attrs, keys)) return as_non_negative(*v, keys.front() + " must be a finite number >= 0");
  return std::nullopt;
}

StorageLevel parse_storage(const YNode& component, const std::string& name, const std::string& cls,
                           std::uint64_t n_elements, std::vector<std::string>& warnings) {
  StorageLevel s;
  s.name = name;
  s.class_name = cls;
  s.where = position(component);
  const auto attrs = attributes_of(component, k_storage_attributes, "attributes of storage \"" + name + "\"");
  auto unsupported = [&](const std::string& key, const std::string& why) {
    if (!attrs) return;
    if (auto v = get(*attrs, key)) fail_at(*v, "unsupported: " + why);
  };
  for (const char* key : {"metadata_storage_width", "metadata_storage_depth", "metadata_datawidth",
                          "metadata_block_size", "decompression_supported", "compression_supported",
                          "concordant_compressed_tile_traversal"}) {
    unsupported(key, std::string("\"") + key + "\" (sparse storage) is not modelled by claimcheck");
  }
  if (attrs) {
    if (auto v = get(*attrs, "tile_partition_supported"); v && as_bool(*v)) {
      fail_at(*v, "unsupported: tile_partition_supported (the real tool rejects it as well)");
    }
    if (auto v = get(*attrs, "allow_overbooking"); v && as_bool(*v)) {
      fail_at(*v, "unsupported: allow_overbooking (needs sparse density models)");
    }
    if (auto v = get(*attrs, "network-type")) {
      const std::string t = as_string(*v);
      if (t == "M:N") fail_at(*v, "unsupported: network-type M:N (distributed multicast)");
      if (t != "1:1" && t != "1:N") fail_at(*v, "unknown network-type \"" + t + "\"", "expected 1:1, 1:N or M:N");
    }
    for (const char* key : {"network_fill_latency", "network_drain_latency"}) {
      if (auto v = get(*attrs, key); v && as_uint(*v) != 0) {
        fail_at(*v, std::string("unsupported: non-zero ") + key);
      }
    }
  }

  s.word_bits = opt_uint(attrs, {"word-bits", "word_width", "datawidth"}).value_or(16);
  if (s.word_bits == 0) fail_at(component, name + ": word bits must be positive");
  const auto block = opt_uint(attrs, {"block-size", "block_size", "n_words"});
  if (block && *block == 0) fail_at(component, name + ": block-size must be positive");
  s.block_size = block.value_or(1);
  const auto cluster = opt_uint(attrs, {"cluster-size"});
  if (cluster && *cluster == 0) fail_at(component, name + ": cluster-size must be positive");
  s.cluster_size = cluster.value_or(1);
  if (auto width = opt_uint(attrs, {"width", "memory_width", "data_storage_width"})) {
    const auto w_node = *get_any(*attrs, {"width", "memory_width", "data_storage_width"});
    if (*width % (s.word_bits * s.block_size) != 0) {
      fail_at(w_node, name + ": width " + std::to_string(*width) + " is not a multiple of word bits x block size (" +
                          std::to_string(s.word_bits * s.block_size) + ")");
    }
    if (block && cluster) {
      if (*block * s.word_bits * *cluster != *width) {
        fail_at(w_node, name + ": block-size x word-bits x cluster-size does not equal width " + std::to_string(*width));
      }
    } else if (cluster) {
      s.block_size = *width / *cluster / s.word_bits;
    } else if (block) {
      s.cluster_size = *width / (s.word_bits * s.block_size);
    } else {
      s.block_size = *width / s.word_bits;
      s.cluster_size = 1;
      warnings.push_back(name + ": neither block size nor cluster size given; block size set to width / word bits = " +
                         std::to_string(s.block_size));
    }
  }
  if (auto entries = opt_uint(attrs, {"entries"})) {
    s.size = *entries;
  } else if (auto depth = opt_uint(attrs, {"depth", "memory_depth", "data_storage_depth"})) {
    s.size = *depth * s.block_size;
  } else if (auto kb = opt_uint(attrs, {"sizeKB"})) {
    s.size = *kb * 1024 * 8 / s.word_bits;
  }
  s.technology = cls.find("DRAM") != std::string::npos ? Technology::dram : Technology::sram;
  if (attrs) {
    if (auto t = get(*attrs, "technology"); t && t->node.IsScalar() && t->node.Scalar() == "DRAM") {
      s.technology = Technology::dram;
    }
  }
  s.num_ports = opt_uint(attrs, {"num-ports", "n_ports"}).value_or(2);
  s.num_banks = opt_uint(attrs, {"num-banks", "n_banks"}).value_or(2);
  if (auto bw = opt_double(attrs, {"bandwidth"})) {
    s.read_bandwidth = *bw / 2;
    s.write_bandwidth = *bw / 2;
    warnings.push_back(name + ": \"bandwidth\" is deprecated; read and write bandwidth set to half of it each");
  }
  if (auto v = opt_double(attrs, {"shared_bandwidth"})) s.shared_bandwidth = *v;
  if (auto v = opt_double(attrs, {"read_bandwidth"})) s.read_bandwidth = *v;
  if (auto v = opt_double(attrs, {"write_bandwidth"})) s.write_bandwidth = *v;
  s.multiple_buffering = opt_double(attrs, {"multiple-buffering"}).value_or(1.0);
  if (s.multiple_buffering <= 0) fail_at(component, name + ": multiple-buffering must be positive");
  if (s.size) {
    s.effective_size = static_cast<std::uint64_t>(std::floor(static_cast<double>(*s.size) / s.multiple_buffering));
  }
  s.min_utilization = opt_double(attrs, {"min-utilization"}).value_or(0.0);
  if (s.min_utilization != 0.0 && !s.size) {
    fail_at(component, name + ": min-utilization needs a size (entries, depth or sizeKB)");
  }
  s.instances = opt_uint(attrs, {"instances"}).value_or(n_elements);
  if (s.instances == 0) fail_at(component, name + ": instances must be positive");
  resolve_mesh(component, name, s.instances, opt_uint(attrs, {"meshX"}), opt_uint(attrs, {"meshY"}), s.mesh_x, s.mesh_y);
  if (s.instances % s.cluster_size != 0) {
    fail_at(component, name + ": instances " + std::to_string(s.instances) + " are not a multiple of cluster-size " +
                           std::to_string(s.cluster_size));
  }
  if (s.technology == Technology::dram && s.cluster_size != 1) {
    fail_at(component, name + ": a DRAM level must have cluster-size 1");
  }
  s.user_vector_access_energy = opt_double(attrs, {"vector-access-energy"});
  s.user_addr_gen_energy = opt_double(attrs, {"addr-gen-energy"});
  return s;
}

ArithmeticLevel parse_arithmetic(const YNode& component, const std::string& name, const std::string& cls,
                                 std::uint64_t n_elements) {
  ArithmeticLevel a;
  a.name = name;
  a.class_name = cls;
  a.where = position(component);
  const auto attrs = attributes_of(component, k_arithmetic_attributes, "attributes of arithmetic \"" + name + "\"");
  a.instances = opt_uint(attrs, {"instances"}).value_or(n_elements);
  if (a.instances == 0) fail_at(component, name + ": instances must be positive");
  a.word_bits = opt_uint(attrs, {"word-bits", "datawidth"}).value_or(16);
  a.user_energy = opt_double(attrs, {"energy"});
  resolve_mesh(component, name, a.instances, opt_uint(attrs, {"meshX"}), opt_uint(attrs, {"meshY"}), a.mesh_x, a.mesh_y);
  return a;
}

}  // namespace

std::optional<NameRange> parse_name_range(const std::string& text) {
  static const std::regex k_range(R"(^([^\[\]]+)\[(\d+)\.\.(\d+)\]$)");
  std::smatch m;
  if (std::regex_match(text, m, k_range)) {
    // Bounds too large for 64 bits are not a range this parser accepts (the caller reports it).
    if (m[2].length() > 18 || m[3].length() > 18) return std::nullopt;
    const auto lo = std::stoull(m[2].str());
    const auto hi = std::stoull(m[3].str());
    if (hi < lo) return std::nullopt;
    return NameRange{m[1].str(), hi - lo + 1};
  }
  if (text.find('[') != std::string::npos || text.find(']') != std::string::npos) return std::nullopt;
  return NameRange{text, 1};
}

Architecture parse_architecture(const YNode& node, std::vector<std::string>& warnings) {
  require_map(node, "architecture");
  if (get(node, "arithmetic") || get(node, "storage")) {
    fail_at(node, "unsupported: the legacy (ISPASS) architecture format",
            "use the tree format with `version: 0.3` and `subtree:`");
  }
  check_keys(node, {"version", "subtree", "local", "name", "attributes", "constraints"}, "architecture");
  Architecture arch;
  const YNode version = require(node, "version", "architecture");
  arch.version = as_string(version);
  if (arch.version != "0.2" && arch.version != "0.3" && arch.version != "0.4") {
    fail_at(version, "unsupported architecture version \"" + arch.version + "\"", "expected 0.2, 0.3 or 0.4");
  }
  if (auto local = get(node, "local"); local && local->node.IsSequence() && local->node.size() > 0) {
    warnings.push_back("architecture: the root's own `local` list is not read by Timeloop v3.0.3; ignored");
  }

  std::vector<StorageLevel> storages;  // built innermost first
  std::optional<ArithmeticLevel> arithmetic;
  std::uint64_t multiplication = 1;
  YNode cur = node;
  while (auto subtree = get(cur, "subtree")) {
    require_sequence(*subtree, "subtree");
    if (subtree->node.size() != 1) {
      fail_at(*subtree, "subtree must hold exactly one entry (Timeloop supports one subtree per level), got " +
                            std::to_string(subtree->node.size()));
    }
    cur = element(*subtree, 0);
    check_keys(cur, {"name", "local", "subtree", "attributes", "description"}, "subtree");
    const YNode name_node = require(cur, "name", "subtree");
    const auto range = parse_name_range(as_string(name_node));
    if (!range) fail_at(name_node, "malformed name \"" + as_string(name_node) + "\"", "expected NAME or NAME[a..b]");
    multiplication *= range->count;
    auto local = get(cur, "local");
    if (!local || local->node.IsNull()) continue;
    require_sequence(*local, "local");
    std::vector<StorageLevel> local_storages;
    for (std::size_t c = 0; c < local->node.size(); ++c) {
      const YNode comp = element(*local, c);
      check_keys(comp, {"name", "class", "subclass", "attributes", "actions", "required_actions", "description"},
                 "component");
      const YNode cname_node = require(comp, "name", "component");
      const auto crange = parse_name_range(as_string(cname_node));
      if (!crange) fail_at(cname_node, "malformed name \"" + as_string(cname_node) + "\"", "expected NAME or NAME[a..b]");
      const std::string cls = as_string(require(comp, "class", "component \"" + crange->name + "\""));
      const std::uint64_t n_elements = multiplication * crange->count;
      if (class_has(cls, k_storage_classes)) {
        local_storages.push_back(parse_storage(comp, crange->name, cls, n_elements, warnings));
      } else if (class_has(cls, k_compute_classes)) {
        if (arithmetic) fail_at(cname_node, "a second arithmetic component \"" + crange->name + "\"",
                                "Timeloop v3.0.3 models one arithmetic level");
        arithmetic = parse_arithmetic(comp, crange->name, cls, n_elements);
      } else if (class_has(cls, k_network_classes)) {
        fail_at(comp, "unsupported: explicit network component \"" + crange->name + "\" (class " + cls + ")",
                "claimcheck models the inferred (legacy) networks only");
      } else {
        warnings.push_back("component \"" + crange->name + "\" of class \"" + cls +
                           "\" is neither storage nor arithmetic; ignored (as Timeloop does)");
      }
    }
    // Within one `local` list the first entry is the outermost.
    storages.insert(storages.begin(), local_storages.rbegin(), local_storages.rend());
  }
  if (!arithmetic) fail_at(node, "the architecture has no arithmetic component (class mac, intmac, fpmac or compute)");
  if (storages.empty()) fail_at(node, "the architecture has no storage level");
  arch.arithmetic = *arithmetic;
  arch.storage = std::move(storages);
  for (std::size_t i = 0; i < arch.storage.size(); ++i) {
    for (std::size_t j = i + 1; j < arch.storage.size(); ++j) {
      if (arch.storage[i].name == arch.storage[j].name) {
        throw InputError(arch.storage[j].where.file, arch.storage[j].where.line, arch.storage[j].where.column,
                         "two storage levels are named \"" + arch.storage[i].name + "\"");
      }
    }
  }
  // Fanouts are derived from the meshes; each inner mesh must be a multiple of the outer one.
  for (std::size_t i = 0; i < arch.storage.size(); ++i) {
    const std::uint64_t in_x = i == 0 ? arch.arithmetic.mesh_x : arch.storage[i - 1].mesh_x;
    const std::uint64_t in_y = i == 0 ? arch.arithmetic.mesh_y : arch.storage[i - 1].mesh_y;
    const auto& s = arch.storage[i];
    if (in_x % s.mesh_x != 0 || in_y % s.mesh_y != 0) {
      const std::string inner = i == 0 ? arch.arithmetic.name : arch.storage[i - 1].name;
      throw InputError(s.where.file, s.where.line, s.where.column,
                       "mesh of \"" + inner + "\" (" + std::to_string(in_x) + "x" + std::to_string(in_y) +
                           ") is not a multiple of the mesh of \"" + s.name + "\" (" + std::to_string(s.mesh_x) +
                           "x" + std::to_string(s.mesh_y) + ")",
                       "set meshX on both so that the inner meshX is a multiple of the outer one");
    }
  }
  return arch;
}

}  // namespace claimcheck::timeloop
