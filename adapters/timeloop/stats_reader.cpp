#include "adapters/timeloop/stats_reader.hpp"

#include <algorithm>
#include <cstdlib>
#include <regex>
#include <sstream>

#include "core/diagnostics.hpp"

namespace claimcheck::timeloop {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// "Key   : value" -> (Key, value) when the line has that shape.
bool key_value(const std::string& line, std::string& key, std::string& value) {
  const auto colon = line.find(':');
  if (colon == std::string::npos) return false;
  key = trim(line.substr(0, colon));
  value = trim(line.substr(colon + 1));
  return !key.empty();
}

std::uint64_t to_u64(const std::string& path, int line, const std::string& v) {
  char* end = nullptr;
  const unsigned long long x = std::strtoull(v.c_str(), &end, 10);
  if (v.empty() || end == v.c_str()) throw InputError(path, line, 0, "expected an integer, got \"" + v + "\"");
  return x;
}

double to_double(const std::string& path, int line, const std::string& v) {
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || end == v.c_str()) throw InputError(path, line, 0, "expected a number, got \"" + v + "\"");
  return x;
}

}  // namespace

double ReportedStats::energy() const {
  double e = 0;
  for (const auto& l : levels) e += l.energy;
  return e;
}

double ReportedStats::leakage_energy() const {
  double e = 0;
  for (const auto& l : levels) e += l.leakage_energy;
  return e;
}

double ReportedStats::utilization() const {
  for (const auto& l : levels) {
    if (l.arithmetic && l.instances > 0 && cycles > 0) {
      return static_cast<double>(computes) / static_cast<double>(l.instances) / static_cast<double>(cycles);
    }
  }
  return printed_utilization;
}

double ReportedStats::gflops() const {
  if (total_ops && cycles > 0) return static_cast<double>(*total_ops) / static_cast<double>(cycles);
  return printed_gflops;
}

const ReportedLevel* ReportedStats::level(const std::string& name) const {
  for (const auto& l : levels) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

ReportedStats parse_stats_text(const std::string& path, const std::string& text) {
  ReportedStats r;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  enum class Section { none, levels, networks, intensity, summary, per_compute } section = Section::none;
  ReportedLevel* level = nullptr;
  ReportedDataSpace* ds = nullptr;
  bool in_stats = false;
  bool saw_levels = false, saw_summary = false;
  static const std::regex k_level_name(R"(^=== (.+) ===$)");
  static const std::regex k_ds_header(R"(^    ([A-Za-z_][A-Za-z0-9_\-]*):$)");
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string t = trim(line);
    if (t == "Buffer and Arithmetic Levels") { section = Section::levels; saw_levels = true; continue; }
    if (t == "Networks") { section = Section::networks; level = nullptr; continue; }
    if (t == "Operational Intensity Stats") { section = Section::intensity; level = nullptr; continue; }
    if (t == "Summary Stats") { section = Section::summary; saw_summary = true; continue; }
    if (t == "fJ/Compute" && section == Section::summary) { section = Section::per_compute; continue; }
    std::smatch m;
    std::string key, value;
    switch (section) {
      case Section::levels:
        if (std::regex_match(t, m, k_level_name)) {
          r.levels.push_back({});
          level = &r.levels.back();
          level->name = m[1].str();
          level->arithmetic = r.levels.size() == 1;
          ds = nullptr;
          in_stats = false;
          continue;
        }
        if (!level) continue;
        if (t == "STATS") { in_stats = true; continue; }
        if (t == "SPECS" || t == "MAPPING") { in_stats = false; continue; }
        if (!in_stats) {
          if (key_value(t, key, value)) {
            if (key == "Instances") level->instances = to_u64(path, n, value);
            if (key == "Leakage energy (total)") {
              // Timeloop v4; the level's energy is its data spaces' plus this.
              level->leakage_energy = to_double(path, n, value);
              level->energy += level->leakage_energy;
              r.v4 = true;
            }
          }
          continue;
        }
        if (!level->arithmetic && std::regex_match(line, m, k_ds_header)) {
          level->data_spaces.push_back({});
          ds = &level->data_spaces.back();
          ds->name = m[1].str();
          continue;
        }
        if (!key_value(t, key, value)) continue;
        if (level->arithmetic) {
          if (key == "Computes (total)") level->computes = to_u64(path, n, value);
          if (key == "Cycles") level->cycles = to_u64(path, n, value);
          if (key == "Energy (total)") level->energy = to_double(path, n, value);
          continue;
        }
        if (key == "Cycles") { level->cycles = to_u64(path, n, value); continue; }
        if (!ds) continue;
        if (key == "Utilized instances (max)") {
          ds->utilized_instances = to_u64(path, n, value);
          level->max_utilized_instances = std::max(level->max_utilized_instances, ds->utilized_instances);
        }
        if (key == "Scalar reads (per-instance)") ds->reads = to_u64(path, n, value);
        if (key == "Scalar updates (per-instance)") ds->updates = to_u64(path, n, value);
        if (key == "Scalar fills (per-instance)") ds->fills = to_u64(path, n, value);
        if (key == "Energy (total)") {
          ds->energy = to_double(path, n, value);
          level->energy += ds->energy;
        }
        break;
      case Section::intensity:
        if (key_value(t, key, value) && key == "Total ops") r.total_ops = to_u64(path, n, value);
        break;
      case Section::summary:
        if (key_value(t, key, value)) {
          if (key == "GFLOPs (@1GHz)") r.printed_gflops = to_double(path, n, value);
          if (key == "Utilization") {
            r.printed_utilization = to_double(path, n, value);
            if (!value.empty() && value.back() == '%') {
              r.utilization_in_percent = true;
              r.printed_utilization /= 100.0;
            }
          }
          if (key == "Cycles") r.cycles = to_u64(path, n, value);
          if (key == "Energy") r.printed_energy_uj = to_double(path, n, value);
        }
        if (t.rfind("Computes = ", 0) == 0) r.computes = to_u64(path, n, t.substr(11));
        break;
      case Section::per_compute: {
        // "    MACC             = 845.00" (one row per level, then "Total").
        const auto eq = t.find(" = ");
        if (eq == std::string::npos) break;
        const std::string name = trim(t.substr(0, eq));
        const double v = to_double(path, n, trim(t.substr(eq + 3)));
        if (name == "Total") {
          r.printed_fj_per_compute = v;
        } else {
          for (auto& l : r.levels) {
            if (l.name == name) l.printed_fj_per_compute = v;
          }
        }
        break;
      }
      default:
        break;
    }
  }
  if (!saw_levels || !saw_summary || r.levels.empty()) {
    throw InputError(path, 0, 0, "not a Timeloop stats file (no \"Buffer and Arithmetic Levels\" / \"Summary Stats\")");
  }
  if (r.cycles == 0) throw InputError(path, 0, 0, "the Summary Stats section has no Cycles");
  return r;
}

// ----------------------------------------------------------------------------- XML

namespace {

struct XmlElement {
  std::string name;
  std::string text;
  std::vector<XmlElement> children;
  const XmlElement* child(const std::string& n) const {
    for (const auto& c : children) {
      if (c.name == n) return &c;
    }
    return nullptr;
  }
};

// A small reader for Boost.Serialization XML archives (elements, attributes ignored, text).
class XmlReader {
 public:
  XmlReader(const std::string& path, const std::string& text) : m_path(path), m_text(text) {}

  XmlElement parse() {
    XmlElement root;
    root.name = "#root";
    parse_children(root);
    return root;
  }

 private:
  const std::string& m_path;
  const std::string& m_text;
  std::size_t m_pos = 0;

  [[noreturn]] void fail(const std::string& what) const {
    int line = 1;
    for (std::size_t i = 0; i < m_pos && i < m_text.size(); ++i) line += m_text[i] == '\n';
    throw InputError(m_path, line, 0, "malformed XML: " + what);
  }

  void parse_children(XmlElement& parent) {
    while (m_pos < m_text.size()) {
      const auto lt = m_text.find('<', m_pos);
      if (lt == std::string::npos) {
        parent.text += m_text.substr(m_pos);
        m_pos = m_text.size();
        return;
      }
      parent.text += m_text.substr(m_pos, lt - m_pos);
      m_pos = lt;
      if (m_text.compare(m_pos, 2, "</") == 0) {
        const auto gt = m_text.find('>', m_pos);
        if (gt == std::string::npos) fail("unterminated closing tag");
        const std::string name = trim(m_text.substr(m_pos + 2, gt - m_pos - 2));
        if (name != parent.name) fail("</" + name + "> closes <" + parent.name + ">");
        m_pos = gt + 1;
        return;
      }
      if (m_text.compare(m_pos, 2, "<?") == 0 || m_text.compare(m_pos, 2, "<!") == 0) {
        const auto gt = m_text.find('>', m_pos);
        if (gt == std::string::npos) fail("unterminated declaration");
        m_pos = gt + 1;
        continue;
      }
      const auto gt = m_text.find('>', m_pos);
      if (gt == std::string::npos) fail("unterminated tag");
      std::string inside = m_text.substr(m_pos + 1, gt - m_pos - 1);
      const bool self_closing = !inside.empty() && inside.back() == '/';
      if (self_closing) inside.pop_back();
      const auto space = inside.find_first_of(" \t\r\n");
      XmlElement e;
      e.name = inside.substr(0, space);
      m_pos = gt + 1;
      if (!self_closing) parse_children(e);
      parent.children.push_back(std::move(e));
    }
    if (parent.name != "#root") fail("<" + parent.name + "> is never closed");
  }
};

std::vector<std::string> items_of(const XmlElement* e) {
  std::vector<std::string> out;
  if (!e) return out;
  // PerDataSpace arrays are serialized as <name><elems><item>..</item>...</elems></name> or directly.
  const XmlElement* holder = e;
  for (const char* wrapper : {"PerDataSpace", "elems"}) {
    if (const XmlElement* w = e->child(wrapper)) holder = w;
  }
  for (const auto& c : holder->children) {
    if (c.name == "item") out.push_back(trim(c.text));
  }
  return out;
}

const XmlElement* find_path(const XmlElement* e, const std::vector<std::string>& path) {
  for (const auto& p : path) {
    if (!e) return nullptr;
    e = e->child(p);
  }
  return e;
}

}  // namespace

ReportedStats parse_stats_xml(const std::string& path, const std::string& text,
                              const std::vector<std::string>& data_space_names) {
  XmlReader reader(path, text);
  const XmlElement root = reader.parse();
  const XmlElement* levels = nullptr;
  // Search for engine/topology_/levels_ wherever the archive root puts it.
  std::vector<const XmlElement*> stack{&root};
  while (!stack.empty() && !levels) {
    const XmlElement* e = stack.back();
    stack.pop_back();
    if (e->name == "levels_" ) {
      levels = e;
      break;
    }
    for (const auto& c : e->children) stack.push_back(&c);
  }
  if (!levels) throw InputError(path, 0, 0, "not a Timeloop map+stats.xml (no topology levels_)");
  ReportedStats r;
  auto num = [&](const XmlElement* e, const char* what) {
    if (!e) throw InputError(path, 0, 0, std::string("map+stats.xml: missing ") + what);
    return std::strtod(trim(e->text).c_str(), nullptr);
  };
  for (const auto& item : levels->children) {
    if (item.name != "item") continue;
    const XmlElement* px = item.child("px");
    if (!px) continue;
    ReportedLevel lv;
    if (px->child("random_computes_")) {
      lv.arithmetic = true;
      if (const XmlElement* ln = find_path(px, {"specs_", "LevelSpecs", "level_name"})) lv.name = trim(ln->text);
      lv.energy = num(px->child("energy_"), "energy_");
      lv.cycles = static_cast<std::uint64_t>(num(px->child("cycles_"), "cycles_"));
      lv.computes = static_cast<std::uint64_t>(num(px->child("random_computes_"), "random_computes_"));
      lv.instances = static_cast<std::uint64_t>(num(find_path(px, {"specs_", "instances", "t_"}), "instances"));
      r.computes = lv.computes;
    } else {
      const XmlElement* specs = px->child("specs_");
      const XmlElement* stats = px->child("stats_");
      if (!specs || !stats) continue;
      const XmlElement* ln = find_path(specs, {"LevelSpecs", "level_name"});
      lv.name = ln ? trim(ln->text) : "";
      lv.instances = static_cast<std::uint64_t>(num(find_path(specs, {"instances", "t_"}), "instances"));
      lv.cycles = static_cast<std::uint64_t>(num(stats->child("cycles"), "cycles"));
      const auto keep = items_of(stats->child("keep"));
      const auto inst = items_of(stats->child("utilized_instances"));
      const auto reads = items_of(stats->child("reads"));
      const auto fills = items_of(stats->child("fills"));
      const auto updates = items_of(stats->child("updates"));
      const auto energy = items_of(stats->child("energy"));
      const auto clusters = items_of(stats->child("utilized_clusters"));
      const auto red = items_of(stats->child("temporal_reduction_energy"));
      const auto addr = items_of(stats->child("addr_gen_energy"));
      // Timeloop v4 archives a power-gating name per level (and no leakage energy).
      if (const XmlElement* pg = find_path(specs, {"power_gated_at_name"})) {
        r.v4 = true;
        r.leakage_recorded = false;
        const XmlElement* t = pg->child("t_");
        lv.power_gated_at = trim(t ? t->text : pg->text);
      }
      for (std::size_t p = 0; p < keep.size(); ++p) {
        const double ui = p < inst.size() ? std::strtod(inst[p].c_str(), nullptr) : 0.0;
        lv.max_utilized_instances = std::max(lv.max_utilized_instances, static_cast<std::uint64_t>(ui));
        const double uc = p < clusters.size() ? std::strtod(clusters[p].c_str(), nullptr) : 0.0;
        const double e = (p < energy.size() ? std::strtod(energy[p].c_str(), nullptr) : 0.0) * ui +
                         (p < red.size() ? std::strtod(red[p].c_str(), nullptr) : 0.0) * ui +
                         (p < addr.size() ? std::strtod(addr[p].c_str(), nullptr) : 0.0) * uc;
        lv.energy += e;
        if (keep[p] != "1") continue;
        ReportedDataSpace d;
        d.name = p < data_space_names.size() ? data_space_names[p] : "dataspace" + std::to_string(p);
        d.utilized_instances = static_cast<std::uint64_t>(ui);
        d.reads = p < reads.size() ? std::strtoull(reads[p].c_str(), nullptr, 10) : 0;
        d.fills = p < fills.size() ? std::strtoull(fills[p].c_str(), nullptr, 10) : 0;
        d.updates = p < updates.size() ? std::strtoull(updates[p].c_str(), nullptr, 10) : 0;
        d.energy = e;
        lv.data_spaces.push_back(std::move(d));
      }
    }
    r.levels.push_back(std::move(lv));
  }
  if (r.levels.empty() || !r.levels.front().arithmetic) {
    throw InputError(path, 0, 0, "map+stats.xml: no arithmetic level found");
  }
  for (const auto& l : r.levels) r.cycles = std::max(r.cycles, l.cycles);
  r.energy_decimals = 17;
  return r;
}

}  // namespace claimcheck::timeloop
