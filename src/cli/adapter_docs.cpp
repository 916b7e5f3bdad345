#include "cli/adapter_docs.hpp"

#include <algorithm>

#include "adapter/adapter_tables.hpp"

namespace claimcheck {
namespace {

std::string mode_name(Mode mode) { return mode == Mode::run ? "run" : "reread"; }

std::string modes_text(const Adapter& a) {
  std::string out;
  for (Mode m : a.modes()) out += (out.empty() ? "" : ", ") + mode_name(m);
  return out;
}

// `text` with every line indented by `pad`.
std::string indented(const std::string& text, const std::string& pad) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    out += (line.empty() ? "" : pad) + line + "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

std::string padded(const std::string& text, std::size_t width) {
  return text.size() >= width ? text + "  " : text + std::string(width - text.size(), ' ');
}

}  // namespace

std::string list_adapters() {
  std::string out;
  for (const auto& entry : registry()) {
    const Adapter& a = *entry.adapter;
    out += a.name() + " " + a.version() + "  (modes: " + modes_text(a) + (entry.model_main ? "; model command" : "") +
           ")\n";
    for (const auto& metric : a.metrics()) {
      out += "  " + metric.name + " [" + metric.unit + "]  " + metric.description + "\n";
    }
  }
  out += "\n`claimcheck adapters TOOL` documents one adapter: its claim fields, metrics, options and an example.\n";
  return out;
}

std::string new_usage(const Adapter& adapter, Mode mode) {
  std::string out = "claimcheck new " + adapter.name();
  if (mode != adapter.modes().front()) out += " --mode " + mode_name(mode);
  for (const auto& slot : adapter.new_slots(mode)) {
    std::string word = slot.name + (slot.many ? "..." : "");
    if (!slot.path && slot.many) word = "-- " + word;
    out += " " + (slot.optional ? "[" + word + "]" : word);
  }
  return out + " --metric M --id ID [-o FILE]";
}

std::string describe_adapter(const RegistryEntry& entry) {
  const Adapter& a = *entry.adapter;
  const AdapterDoc doc = a.doc();
  std::string out = a.name() + " (adapter version " + a.version() + "): " + doc.summary + "\n";
  out += "Modes: " + modes_text(a) + ".";
  if (entry.model_main) out += " Native model: claimcheck model " + a.name() + " --help";
  out += "\n\nClaim fields\n" + indented(doc.claim_fields, "  ");

  out += "\nMetrics (the unit each is measured in; the claim's expected unit must be of its dimension)\n";
  // Names up to this wide share a line with their description; longer ones have it below.
  constexpr std::size_t k_column = 32;
  std::size_t width = 0;
  for (const auto& m : a.metrics()) {
    const std::size_t w = m.name.size() + m.unit.size() + 3;
    if (w <= k_column) width = std::max(width, w);
  }
  for (const auto& m : a.metrics()) {
    const std::string name = m.name + " [" + m.unit + "]";
    out += name.size() <= k_column ? "  " + padded(name, width + 2) + m.description + "\n"
                                   : "  " + name + "\n" + std::string(width + 4, ' ') + m.description + "\n";
  }

  const auto options = a.options();
  out += "\nOptions (\"options\": {...})";
  if (options.empty()) {
    out += ": none\n";
  } else {
    out += "\n";
    for (const auto& o : options) {
      out += "  " + o.name + ": " + option_type_text(o) + "\n";
      out += "      " + o.description + "\n";
      out += "      e.g. \"" + o.name + "\": " + o.example + "\n";
    }
  }

  out += "\nScaffold a claim from one run (measures it, writes the claim with TODO markers for the paper's fields)\n";
  for (Mode m : a.modes()) out += "  " + new_usage(a, m) + "\n";

  out += "\nExample claim\n" + indented(doc.example, "  ");
  return out;
}

std::string adapter_hint(const std::string& tool) {
  const auto names = adapter_names();
  if (auto close = closest_match(tool, names); !close.empty()) return "did you mean \"" + close + "\"?";
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return "adapters: " + list;
}

std::string model_usage() {
  std::string out = "usage: claimcheck model TOOL ARGS...\n"
                    "Runs a tool's native model directly on the tool's own input files. Tools:\n";
  for (const auto& entry : registry()) {
    if (entry.model_main) out += "  " + entry.adapter->name() + "  (claimcheck model " + entry.adapter->name() + " --help)\n";
  }
  return out;
}

}  // namespace claimcheck
