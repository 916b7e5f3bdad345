// The tree-format architecture (Timeloop v3.0.3, versions 0.2-0.4) -> Architecture.

#include <cmath>
#include <regex>

#include "adapters/timeloop/attributes.hpp"
#include "adapters/timeloop/input_parsers.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::timeloop {
namespace {

const std::vector<std::string> k_storage_classes = {"DRAM", "SRAM", "regfile", "smartbuffer", "storage"};
const std::vector<std::string> k_compute_classes = {"mac", "intmac", "fpmac", "compute"};
const std::vector<std::string> k_network_classes = {"XY_NoC", "Legacy", "ReductionTree", "SimpleMulticast"};

// Attributes that energy estimators (Accelergy and its plug-ins) or the v4 front end add, which
// Timeloop's model never reads. Accepted and listed once per run as ignored.
const std::vector<std::string> k_ecosystem_attributes = {
    "global_cycle_seconds", "cycle_seconds", "action_latency_cycles", "latency", "type", "n_rd_ports",
    "n_wr_ports", "n_rdwr_ports", "n_rw_ports", "nports", "n_btwn_ports", "update_fifo_depth", "fifo_depth",
    "area", "area_scale", "energy_scale", "dynamic_energy_scale", "static_energy_scale", "depthscale",
    "widthscale", "real_depth", "tech_node", "voltage", "resolution", "num_pipeline_stages",
    "multiplier_width", "adder_width", "accum_datawidth", "n_instances", "n_buffets", "bank_depth",
    "has_power_gating", "version", "n_bits", "precision"};

// Storage attributes Timeloop reads (v3.0.3 hyphenated and v4 underscored spellings).
const std::vector<std::string> k_storage_attributes = {
    "word-bits", "word_bits", "word_width", "datawidth", "block-size", "block_size", "n_words", "cluster-size",
    "cluster_size", "width", "memory_width", "data_storage_width", "entries", "depth", "memory_depth",
    "data_storage_depth", "sizeKB", "num-ports", "num_ports", "n_ports", "num-banks", "num_banks", "n_banks",
    "bandwidth", "shared_bandwidth", "read_bandwidth", "write_bandwidth", "multiple-buffering",
    "multiple_buffering", "min-utilization", "min_utilization", "instances", "meshX", "meshY", "network_read",
    "network_fill", "network_drain", "network_update", "network-type", "allow_overbooking",
    "vector-access-energy", "vector_access_energy", "addr-gen-energy", "addr_gen_energy", "cluster-area",
    "cluster_area", "network_fill_latency", "network_drain_latency", "reduction_supported",
    "multicast-factor", "metadata_storage_width", "metadata_width", "metadata_storage_depth", "metadata_depth",
    "metadata_datawidth", "metadata_word_bits", "metadata_block_size", "decompression_supported",
    "compression_supported", "tile_partition_supported", "concordant_compressed_tile_traversal",
    "power_gated_at", "per_dataspace_bandwidth_consumption_scale", "technology"};

const std::vector<std::string> k_arithmetic_attributes = {
    "instances", "word-bits", "word_bits", "datawidth", "meshX", "meshY", "energy", "area", "network_operand",
    "network_result", "technology", "power_gated_at"};

bool class_has(const std::string& cls, const std::vector<std::string>& list) {
  for (const auto& s : list) {
    if (cls.find(s) != std::string::npos) return true;
  }
  return false;
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

std::optional<std::uint64_t> opt_uint(const AttributeSet& attrs, const std::vector<std::string>& keys) {
  if (const Attribute* a = attrs.find_any(keys)) return attribute_uint(*a);
  return std::nullopt;
}

std::optional<double> opt_double(const AttributeSet& attrs, const std::vector<std::string>& keys) {
  // Every numeric attribute read this way (energies, bandwidths, buffering, utilization) is a
  // quantity that cannot be negative.
  if (const Attribute* a = attrs.find_any(keys)) {
    return attribute_non_negative(*a, keys.front() + " must be a finite number >= 0");
  }
  return std::nullopt;
}

// The value of a boolean attribute, false when absent or null (the front end writes `null`).
bool opt_true(const AttributeSet& attrs, const std::vector<std::string>& keys) {
  const Attribute* a = attrs.find_any(keys);
  if (!a || (a->is_scalar && (a->text.empty() || a->text == "null" || a->text == "~"))) return false;
  return attribute_bool(*a);
}

// A set attribute (not absent, not null).
const Attribute* present(const AttributeSet& attrs, const std::vector<std::string>& keys) {
  const Attribute* a = attrs.find_any(keys);
  if (!a || (a->is_scalar && (a->text.empty() || a->text == "null" || a->text == "~"))) return nullptr;
  return a;
}

StorageLevel parse_storage(const ComponentInput& c, std::vector<std::string>& warnings, IgnoredAttributes& ignored) {
  const std::string& name = c.name;
  const YNode& component = c.where;
  const AttributeSet& attrs = c.attributes;
  StorageLevel s;
  s.name = name;
  s.class_name = c.class_name;
  s.where = position(component);
  check_attribute_keys(attrs, {k_storage_attributes, k_ecosystem_attributes}, "attributes of storage \"" + name + "\"",
                       name, ignored);
  const std::string sparse_hint = "sparse (Sparseloop) architectures are out of scope: claimcheck models dense "
                                  "Timeloop runs only; remove the sparse attributes or use the real tool";
  for (const char* key : {"metadata_storage_width", "metadata_width", "metadata_storage_depth", "metadata_depth",
                          "metadata_datawidth", "metadata_word_bits", "metadata_block_size"}) {
    if (const Attribute* a = present(attrs, {key})) {
      fail_attribute(*a, std::string("unsupported: \"") + key + "\" (sparse metadata storage)", sparse_hint);
    }
  }
  for (const char* key : {"decompression_supported", "compression_supported", "concordant_compressed_tile_traversal"}) {
    if (opt_true(attrs, {key})) {
      fail_attribute(*attrs.find(key), std::string("unsupported: \"") + key + "\" (sparse storage)", sparse_hint);
    }
  }
  if (opt_true(attrs, {"tile_partition_supported"})) {
    fail_attribute(*attrs.find("tile_partition_supported"),
                   "unsupported: tile_partition_supported (the real tool rejects it as well)");
  }
  if (opt_true(attrs, {"allow_overbooking"})) {
    fail_attribute(*attrs.find("allow_overbooking"), "unsupported: allow_overbooking (needs sparse density models)",
                   sparse_hint);
  }
  if (const Attribute* a = present(attrs, {"network-type"})) {
    const std::string t = attribute_string(*a);
    if (t == "M:N") fail_attribute(*a, "unsupported: network-type M:N (distributed multicast)");
    if (t != "1:1" && t != "1:N") fail_attribute(*a, "unknown network-type \"" + t + "\"", "expected 1:1, 1:N or M:N");
  }
  for (const char* key : {"network_fill_latency", "network_drain_latency"}) {
    if (const Attribute* a = present(attrs, {key}); a && attribute_uint(*a) != 0) {
      fail_attribute(*a, std::string("unsupported: non-zero ") + key);
    }
  }
  for (const char* key : {"network_read", "network_fill", "network_drain", "network_update"}) {
    if (const Attribute* a = present(attrs, {key})) {
      fail_attribute(*a, std::string("unsupported: explicit network \"") + key + "\"",
                     "claimcheck models the inferred (legacy) networks only");
    }
  }
  if (const Attribute* a = present(attrs, {"per_dataspace_bandwidth_consumption_scale"})) {
    if (!a->is_scalar && a->at.node.IsMap() && a->at.node.size() > 0) {
      fail_attribute(*a, "unsupported: per_dataspace_bandwidth_consumption_scale",
                     "remove it (an empty map is accepted) or use the real tool");
    }
  }

  s.word_bits = opt_uint(attrs, {"word_bits", "word-bits", "word_width", "datawidth"}).value_or(16);
  if (s.word_bits == 0) fail_at(component, name + ": word bits must be positive");
  const auto block = opt_uint(attrs, {"block_size", "block-size", "n_words"});
  if (block && *block == 0) fail_at(component, name + ": block-size must be positive");
  s.block_size = block.value_or(1);
  const auto cluster = opt_uint(attrs, {"cluster_size", "cluster-size"});
  if (cluster && *cluster == 0) fail_at(component, name + ": cluster-size must be positive");
  s.cluster_size = cluster.value_or(1);
  if (const Attribute* w_attr = attrs.find_any({"width", "memory_width", "data_storage_width"})) {
    const std::uint64_t width = attribute_uint(*w_attr);
    if (width % (s.word_bits * s.block_size) != 0) {
      fail_attribute(*w_attr, name + ": width " + std::to_string(width) +
                                  " is not a multiple of word bits x block size (" +
                                  std::to_string(s.word_bits * s.block_size) + ")");
    }
    if (block && cluster) {
      if (*block * s.word_bits * *cluster != width) {
        fail_attribute(*w_attr, name + ": block-size x word-bits x cluster-size does not equal width " +
                                    std::to_string(width));
      }
    } else if (cluster) {
      s.block_size = width / *cluster / s.word_bits;
    } else if (block) {
      s.cluster_size = width / (s.word_bits * s.block_size);
    } else {
      s.block_size = width / s.word_bits;
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
  s.technology = c.class_name.find("DRAM") != std::string::npos ? Technology::dram : Technology::sram;
  if (const Attribute* t = attrs.find("technology"); t && t->is_scalar && t->text == "DRAM") {
    s.technology = Technology::dram;
  }
  s.num_ports = opt_uint(attrs, {"num_ports", "num-ports", "n_ports"}).value_or(2);
  s.num_banks = opt_uint(attrs, {"num_banks", "num-banks", "n_banks"}).value_or(2);
  if (auto bw = opt_double(attrs, {"bandwidth"})) {
    s.read_bandwidth = *bw / 2;
    s.write_bandwidth = *bw / 2;
    warnings.push_back(name + ": \"bandwidth\" is deprecated; read and write bandwidth set to half of it each");
  }
  if (auto v = opt_double(attrs, {"shared_bandwidth"})) s.shared_bandwidth = *v;
  if (auto v = opt_double(attrs, {"read_bandwidth"})) s.read_bandwidth = *v;
  if (auto v = opt_double(attrs, {"write_bandwidth"})) s.write_bandwidth = *v;
  s.multiple_buffering = opt_double(attrs, {"multiple_buffering", "multiple-buffering"}).value_or(1.0);
  if (s.multiple_buffering <= 0) fail_at(component, name + ": multiple-buffering must be positive");
  if (s.size) {
    s.effective_size = static_cast<std::uint64_t>(std::floor(static_cast<double>(*s.size) / s.multiple_buffering));
  }
  s.min_utilization = opt_double(attrs, {"min_utilization", "min-utilization"}).value_or(0.0);
  if (s.min_utilization != 0.0 && !s.size) {
    fail_at(component, name + ": min-utilization needs a size (entries, depth or sizeKB)");
  }
  s.instances = opt_uint(attrs, {"instances"}).value_or(c.elements);
  if (s.instances == 0) fail_at(component, name + ": instances must be positive");
  resolve_mesh(component, name, s.instances, opt_uint(attrs, {"meshX"}), opt_uint(attrs, {"meshY"}), s.mesh_x, s.mesh_y);
  if (s.instances % s.cluster_size != 0) {
    fail_at(component, name + ": instances " + std::to_string(s.instances) + " are not a multiple of cluster-size " +
                           std::to_string(s.cluster_size));
  }
  if (s.technology == Technology::dram && s.cluster_size != 1) {
    fail_at(component, name + ": a DRAM level must have cluster-size 1");
  }
  s.user_vector_access_energy = opt_double(attrs, {"vector_access_energy", "vector-access-energy"});
  s.user_addr_gen_energy = opt_double(attrs, {"addr_gen_energy", "addr-gen-energy"});
  if (const Attribute* pg = present(attrs, {"power_gated_at"})) {
    s.power_gated_at = attribute_string(*pg);
    s.power_gated_at_where = position(pg->at);
  }
  return s;
}

ArithmeticLevel parse_arithmetic(const ComponentInput& c, IgnoredAttributes& ignored) {
  const std::string& name = c.name;
  const YNode& component = c.where;
  const AttributeSet& attrs = c.attributes;
  ArithmeticLevel a;
  a.name = name;
  a.class_name = c.class_name;
  a.where = position(component);
  // A MAC's `width` is an energy-estimator attribute (the operand width for Accelergy's
  // plug-ins); Timeloop reads `datawidth` / `word_bits`.
  std::vector<std::string> eco = k_ecosystem_attributes;
  eco.push_back("width");
  check_attribute_keys(attrs, {k_arithmetic_attributes, eco}, "attributes of arithmetic \"" + name + "\"", name,
                       ignored);
  a.instances = opt_uint(attrs, {"instances"}).value_or(c.elements);
  if (a.instances == 0) fail_at(component, name + ": instances must be positive");
  a.word_bits = opt_uint(attrs, {"word_bits", "word-bits", "datawidth"}).value_or(16);
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

bool timeloop_reads_attribute(const std::string& key) {
  for (const auto* list : {&k_storage_attributes, &k_arithmetic_attributes}) {
    for (const auto& k : *list) {
      if (k == key) return true;
    }
  }
  return false;
}

Architecture architecture_from_components(const std::vector<ComponentInput>& components, const std::string& version,
                                         const YNode& root, std::vector<std::string>& warnings,
                                         IgnoredAttributes& ignored) {
  Architecture arch;
  arch.version = version;
  std::vector<StorageLevel> outer_first;
  std::optional<ArithmeticLevel> arithmetic;
  for (const auto& c : components) {
    if (class_has(c.class_name, k_storage_classes)) {
      outer_first.push_back(parse_storage(c, warnings, ignored));
    } else if (class_has(c.class_name, k_compute_classes)) {
      if (arithmetic) fail_at(c.name_at, "a second arithmetic component \"" + c.name + "\"",
                              "Timeloop models one arithmetic level");
      arithmetic = parse_arithmetic(c, ignored);
    } else if (class_has(c.class_name, k_network_classes)) {
      fail_at(c.where, "unsupported: explicit network component \"" + c.name + "\" (class " + c.class_name + ")",
              "claimcheck models the inferred (legacy) networks only");
    } else {
      warnings.push_back("component \"" + c.name + "\" of class \"" + c.class_name +
                         "\" is neither storage nor arithmetic; ignored (as Timeloop does)");
    }
  }
  if (!arithmetic) fail_at(root, "the architecture has no arithmetic component (class mac, intmac, fpmac or compute)");
  if (outer_first.empty()) fail_at(root, "the architecture has no storage level");
  arch.arithmetic = *arithmetic;
  arch.storage.assign(outer_first.rbegin(), outer_first.rend());
  for (std::size_t i = 0; i < arch.storage.size(); ++i) {
    for (std::size_t j = i + 1; j < arch.storage.size(); ++j) {
      if (arch.storage[i].name == arch.storage[j].name) {
        throw InputError(arch.storage[j].where.file, arch.storage[j].where.line, arch.storage[j].where.column,
                         "two storage levels are named \"" + arch.storage[i].name + "\"");
      }
    }
  }
  for (auto& s : arch.storage) {
    if (s.power_gated_at.empty() || s.power_gated_at == s.name) continue;
    bool found = false;
    for (const auto& t : arch.storage) found = found || t.name == s.power_gated_at;
    if (!found) {
      std::vector<std::string> names;
      for (const auto& t : arch.storage) names.push_back(t.name);
      const std::string best = closest_match(s.power_gated_at, names);
      throw InputError(s.power_gated_at_where.file, s.power_gated_at_where.line, s.power_gated_at_where.column,
                       "power_gated_at names no storage level: \"" + s.power_gated_at + "\"",
                       best.empty() ? std::string() : "did you mean \"" + best + "\"?");
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

Architecture parse_architecture(const YNode& node, std::vector<std::string>& warnings, IgnoredAttributes& ignored) {
  require_map(node, "architecture");
  if (get(node, "arithmetic") || get(node, "storage")) {
    fail_at(node, "unsupported: the legacy (ISPASS) architecture format",
            "use the tree format with `version: 0.3` and `subtree:`");
  }
  if (auto nodes = get(node, "nodes")) {
    fail_at(*nodes, "the v4 front-end architecture format (`nodes:`) reached the tree-format parser",
            "this is a bug in claimcheck's v4 front end");
  }
  check_keys(node, {"version", "subtree", "local", "name", "attributes", "constraints"}, "architecture");
  const YNode version_node = require(node, "version", "architecture");
  const std::string version = as_string(version_node);
  if (version != "0.2" && version != "0.3" && version != "0.4") {
    fail_at(version_node, "unsupported architecture version \"" + version + "\"", "expected 0.2, 0.3 or 0.4");
  }
  if (auto local = get(node, "local"); local && local->node.IsSequence() && local->node.size() > 0) {
    warnings.push_back("architecture: the root's own `local` list is not read by Timeloop; ignored");
  }

  std::vector<ComponentInput> components;  // outermost first
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
    // Within one `local` list the first entry is the outermost.
    for (std::size_t c = 0; c < local->node.size(); ++c) {
      const YNode comp = element(*local, c);
      check_keys(comp, {"name", "class", "subclass", "attributes", "actions", "required_actions", "description",
                        "enabled", "area_scale", "energy_scale"},
                 "component");
      const YNode cname_node = require(comp, "name", "component");
      const auto crange = parse_name_range(as_string(cname_node));
      if (!crange) fail_at(cname_node, "malformed name \"" + as_string(cname_node) + "\"", "expected NAME or NAME[a..b]");
      ComponentInput ci;
      ci.name = crange->name;
      ci.class_name = as_string(require(comp, "class", "component \"" + crange->name + "\""));
      ci.elements = multiplication * crange->count;
      ci.where = comp;
      ci.name_at = cname_node;
      ci.attributes = attributes_from_map(comp);
      if (auto en = get(comp, "enabled"); en && !as_bool(*en)) {
        warnings.push_back("component \"" + ci.name + "\": `enabled: false` is read only by the v4 front end; "
                           "Timeloop models the component (as here)");
      }
      components.push_back(std::move(ci));
    }
  }
  return architecture_from_components(components, version, node, warnings, ignored);
}

}  // namespace claimcheck::timeloop
