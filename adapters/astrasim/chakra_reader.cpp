#include "adapters/astrasim/chakra_reader.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message_lite.h>

#include "chakra_et.pb.h"
#include "core/diagnostics.hpp"

namespace claimcheck::astrasim {
namespace {

namespace et = claimcheck::astrasim::et;

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& message, const std::string& hint = {}) {
  throw InputError(file, 0, 0, message, hint);
}

std::string where(const et::Node& node) {
  return "node " + std::to_string(node.id()) + " (\"" + node.name() + "\")";
}

bool integer_value(const et::Attribute& a, std::int64_t& out) {
  switch (a.value_case()) {
    case et::Attribute::kInt32Val: out = a.int32_val(); return true;
    case et::Attribute::kInt64Val: out = a.int64_val(); return true;
    case et::Attribute::kUint32Val: out = a.uint32_val(); return true;
    case et::Attribute::kUint64Val: out = static_cast<std::int64_t>(a.uint64_val()); return true;
    case et::Attribute::kSint32Val: out = a.sint32_val(); return true;
    case et::Attribute::kSint64Val: out = a.sint64_val(); return true;
    case et::Attribute::kFixed32Val: out = a.fixed32_val(); return true;
    case et::Attribute::kFixed64Val: out = static_cast<std::int64_t>(a.fixed64_val()); return true;
    case et::Attribute::kSfixed32Val: out = a.sfixed32_val(); return true;
    case et::Attribute::kSfixed64Val: out = a.sfixed64_val(); return true;
    case et::Attribute::kBoolVal: out = a.bool_val() ? 1 : 0; return true;
    default: return false;
  }
}

std::int64_t integer_attr(const std::filesystem::path& file, const et::Node& node, const et::Attribute& a) {
  std::int64_t v = 0;
  if (!integer_value(a, v)) fail(file, where(node) + ": attribute \"" + a.name() + "\" must hold an integer");
  return v;
}

WorkloadNode convert(const std::filesystem::path& file, const et::Node& n) {
  WorkloadNode out;
  out.id = n.id();
  out.name = n.name();
  const int type = static_cast<int>(n.type());
  if (type < 0 || type > 7) fail(file, where(n) + ": unknown node type " + std::to_string(type));
  out.type = static_cast<NodeType>(type);
  for (auto d : n.data_deps()) out.parents.push_back(d);
  for (auto d : n.ctrl_deps()) out.parents.push_back(d);
  out.duration_micros = n.duration_micros();
  if (out.type == NodeType::metadata && !n.inputs().values().empty()) {
    fail(file, where(n) + ": a metadata node carrying process-group definitions (PyTorch pg metadata) is unsupported",
         "give the groups with a comm-group file instead");
  }
  bool has_comm_type = false;
  for (const auto& a : n.attr()) {
    const std::string& name = a.name();
    if (name == "is_cpu_op") {
      out.is_cpu_op = integer_attr(file, n, a) != 0;
    } else if (name == "comm_type") {
      const std::int64_t t = integer_attr(file, n, a);
      if (t != 0 && t != 2 && t != 5 && t != 6 && t != 7) {
        static const char* names[] = {"ALL_REDUCE", "REDUCE", "ALL_GATHER", "GATHER", "SCATTER",
                                      "BROADCAST", "ALL_TO_ALL", "REDUCE_SCATTER", "REDUCE_SCATTER_BLOCK", "BARRIER"};
        const std::string label = t >= 0 && t <= 9 ? std::string(" (") + names[t] + ")" : std::string();
        fail(file,
             where(n) + ": collective type " + std::to_string(t) + label +
                 " is unsupported: the real tool stops with \"Unsupported collective comm type\"",
             t == 9 ? "ASTRA-sim has no barrier: express it as dependencies (data_deps/ctrl_deps) between nodes"
                    : "ASTRA-sim runs ALL_REDUCE (0), ALL_GATHER (2), BROADCAST (5), ALL_TO_ALL (6), REDUCE_SCATTER (7)");
      }
      out.comm_type = static_cast<CommType>(t);
      has_comm_type = true;
    } else if (name == "comm_size") {
      const std::int64_t v = integer_attr(file, n, a);
      if (v < 0) fail(file, where(n) + ": comm_size is negative");
      out.comm_size = static_cast<std::uint64_t>(v);
    } else if (name == "comm_priority") {
      out.comm_priority = integer_attr(file, n, a);
    } else if (name == "pg_name") {
      if (a.value_case() != et::Attribute::kStringVal) fail(file, where(n) + ": pg_name must be a string");
      out.pg_name = a.string_val();
    } else if (name == "involved_dim") {
      if (a.value_case() != et::Attribute::kBoolList) fail(file, where(n) + ": involved_dim must be a bool_list");
      for (bool b : a.bool_list().values()) out.involved_dim.push_back(b);
    } else if (name == "comm_src") {
      out.comm_src = integer_attr(file, n, a);
    } else if (name == "comm_dst") {
      out.comm_dst = integer_attr(file, n, a);
    } else if (name == "comm_tag") {
      out.comm_tag = integer_attr(file, n, a);
    } else if (name == "num_ops") {
      out.num_ops = static_cast<std::uint64_t>(integer_attr(file, n, a));
    } else if (name == "tensor_size") {
      out.tensor_size = static_cast<std::uint64_t>(integer_attr(file, n, a));
    }
  }
  if (out.type == NodeType::coll && !has_comm_type) {
    fail(file, where(n) + ": collective node without a comm_type attribute");
  }
  return out;
}

}  // namespace

NpuGraph parse_chakra_et(const std::filesystem::path& file, const std::string& bytes) {
  google::protobuf::io::ArrayInputStream raw(bytes.data(), static_cast<int>(bytes.size()));
  google::protobuf::io::CodedInputStream in(&raw);
  NpuGraph graph;
  bool metadata_read = false;
  while (true) {
    const int offset = in.CurrentPosition();
    if (offset == static_cast<int>(bytes.size())) break;
    std::uint32_t length = 0;
    if (!in.ReadVarint32(&length)) {
      fail(file, "truncated protobuf: a message length at byte " + std::to_string(offset) + " is cut off",
           "the file is incomplete; write it again");
    }
    if (static_cast<std::size_t>(in.CurrentPosition()) + length > bytes.size()) {
      fail(file,
           "truncated protobuf: the message at byte " + std::to_string(offset) + " declares " +
               std::to_string(length) + " bytes but only " +
               std::to_string(bytes.size() - static_cast<std::size_t>(in.CurrentPosition())) + " remain",
           "the file is incomplete; write it again");
    }
    const auto limit = in.PushLimit(static_cast<int>(length));
    if (!metadata_read) {
      et::GlobalMetadata meta;
      if (!meta.ParseFromCodedStream(&in) || !in.ConsumedEntireMessage()) {
        fail(file, "malformed protobuf: the global metadata at byte " + std::to_string(offset) + " does not parse");
      }
      metadata_read = true;
    } else {
      et::Node node;
      if (!node.ParseFromCodedStream(&in) || !in.ConsumedEntireMessage()) {
        fail(file, "malformed protobuf: the node message at byte " + std::to_string(offset) + " does not parse");
      }
      graph.nodes.push_back(convert(file, node));
    }
    in.PopLimit(limit);
  }
  if (!metadata_read) fail(file, "empty Chakra ET file: no global metadata and no nodes");
  check_graph(file.string(), graph);
  return graph;
}

std::string encode_chakra_et(const NpuGraph& graph) {
  std::string out;
  auto put = [&out](const google::protobuf::MessageLite& message) {
    std::string body = message.SerializeAsString();
    std::uint32_t length = static_cast<std::uint32_t>(body.size());
    while (length >= 0x80) {
      out.push_back(static_cast<char>((length & 0x7f) | 0x80));
      length >>= 7;
    }
    out.push_back(static_cast<char>(length));
    out += body;
  };
  et::GlobalMetadata meta;
  meta.set_version("0.0.4");
  put(meta);
  for (const auto& n : graph.nodes) {
    et::Node node;
    node.set_id(n.id);
    node.set_name(n.name);
    node.set_type(static_cast<et::NodeType>(static_cast<int>(n.type)));
    for (auto p : n.parents) node.add_data_deps(p);
    node.set_duration_micros(n.duration_micros);
    auto* cpu = node.add_attr();
    cpu->set_name("is_cpu_op");
    cpu->set_bool_val(n.is_cpu_op);
    auto add_int = [&node](const char* name, std::int64_t v) {
      auto* a = node.add_attr();
      a->set_name(name);
      a->set_int64_val(v);
    };
    if (n.type == NodeType::coll) {
      add_int("comm_type", static_cast<int>(n.comm_type));
      add_int("comm_size", static_cast<std::int64_t>(n.comm_size));
      if (!n.pg_name.empty()) {
        auto* a = node.add_attr();
        a->set_name("pg_name");
        a->set_string_val(n.pg_name);
      }
    } else if (n.type == NodeType::send || n.type == NodeType::recv) {
      add_int("comm_src", n.comm_src);
      add_int("comm_dst", n.comm_dst);
      add_int("comm_size", static_cast<std::int64_t>(n.comm_size));
      add_int("comm_tag", n.comm_tag);
    }
    put(node);
  }
  return out;
}

}  // namespace claimcheck::astrasim
