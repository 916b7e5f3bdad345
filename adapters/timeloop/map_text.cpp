#include "adapters/timeloop/map_text.hpp"

#include <regex>
#include <sstream>
#include <vector>

#include "core/diagnostics.hpp"

namespace claimcheck::timeloop {
namespace {

struct Loop {
  std::string dim;
  std::string end;       // iterations
  std::string residual;  // "" when the last pass is full
  char axis = 'T';       // T temporal, X or Y spatial
};

struct Level {
  std::string name;
  std::vector<std::string> keep;
  std::vector<Loop> loops;  // outermost first
  int line = 0;
};

[[noreturn]] void fail(const std::string& path, int line, const std::string& text, const std::string& message) {
  Diagnostic d;
  d.file = path;
  d.line = line;
  d.column = 1;
  d.message = message;
  d.source_line = text;
  d.hint = "expected a mapping as Timeloop prints it: `LEVEL [ DataSpace:size (size) ... ]` headers and "
           "`| for D in [0:N)` loops";
  Diagnostics ds;
  ds.add(std::move(d));
  throw InputError(std::move(ds));
}

std::string factor_text(const Loop& l) { return l.dim + "=" + l.end + (l.residual.empty() ? "" : "," + l.residual); }

}  // namespace

bool is_map_text(const std::string& path) {
  const std::string suffix = ".map.txt";
  return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string map_text_to_yaml(const std::string& path, const std::string& text) {
  static const std::regex k_header(R"(^([A-Za-z_][\w\-]*) \[(.*)\]\s*$)");
  static const std::regex k_keep(R"(([A-Za-z_][\w\-]*):\d+ \(\d+\))");
  static const std::regex k_loop(R"(^\|\s*for ([A-Za-z]+) in \[0:(\d+)(?:,(\d+))?\)(?: \(Spatial-([XY])\))?\s*$)");
  std::vector<Level> levels;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // Printed lines are short; a long one is not a printout (and would be slow to match).
    if (line.size() > 4096) fail(path, n, line.substr(0, 80) + "...", "a line of more than 4096 characters");
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    const std::string t = line.substr(first);
    std::smatch m;
    if (std::regex_match(t, m, k_header)) {
      Level l;
      l.name = m[1].str();
      l.line = n;
      const std::string inside = m[2].str();
      for (auto it = std::sregex_iterator(inside.begin(), inside.end(), k_keep); it != std::sregex_iterator(); ++it) {
        l.keep.push_back((*it)[1].str());
      }
      levels.push_back(std::move(l));
      continue;
    }
    if (t.find_first_not_of('-') == std::string::npos) continue;  // underline
    if (t.rfind("|", 0) == 0 && t.find("<< Compute >>") != std::string::npos) continue;  // Timeloop v4
    if (std::regex_match(t, m, k_loop)) {
      if (levels.empty()) fail(path, n, line, "a loop before the first level");
      Loop l;
      l.dim = m[1].str();
      l.end = m[2].str();
      if (m[3].matched) l.residual = m[3].str();
      if (m[4].matched) l.axis = m[4].str()[0];
      levels.back().loops.push_back(l);
      continue;
    }
    fail(path, n, line, "not part of a printed mapping: \"" + t + "\"");
  }
  if (levels.empty()) fail(path, n, "", "no storage level in the printed mapping");

  std::ostringstream y;
  y << "mapping:\n";
  for (const auto& l : levels) {
    y << "  - target: \"" << l.name << "\"\n    type: datatype\n    keep: [";
    for (std::size_t i = 0; i < l.keep.size(); ++i) y << (i ? ", " : "") << "\"" << l.keep[i] << "\"";
    y << "]\n";
    std::vector<Loop> temporal, x, yl;
    for (const auto& loop : l.loops) (loop.axis == 'T' ? temporal : loop.axis == 'X' ? x : yl).push_back(loop);
    // Temporal: printed outermost first; Timeloop's permutation lists the innermost first.
    std::string factors, perm;
    for (auto it = temporal.rbegin(); it != temporal.rend(); ++it) {
      factors += (factors.empty() ? "" : " ") + factor_text(*it);
      perm += it->dim;
    }
    y << "  - target: \"" << l.name << "\"\n    type: temporal\n    factors: \"" << factors << "\"\n    permutation: \""
      << perm << "\"\n";
    if (!x.empty() || !yl.empty()) {
      // Spatial: innermost first, the X loops first; `split` of them map to X.
      for (std::size_t i = 0, seen_x = 0; i < l.loops.size(); ++i) {
        if (l.loops[i].axis == 'X') ++seen_x;
        if (l.loops[i].axis == 'Y' && seen_x > 0) {
          fail(path, l.line, l.name, "level \"" + l.name + "\" prints a Spatial-Y loop inside a Spatial-X loop, "
                                     "which no spatial split gives");
        }
      }
      std::string sfactors, sperm;
      for (auto it = x.rbegin(); it != x.rend(); ++it) {
        sfactors += (sfactors.empty() ? "" : " ") + factor_text(*it);
        sperm += it->dim;
      }
      for (auto it = yl.rbegin(); it != yl.rend(); ++it) {
        sfactors += (sfactors.empty() ? "" : " ") + factor_text(*it);
        sperm += it->dim;
      }
      y << "  - target: \"" << l.name << "\"\n    type: spatial\n    factors: \"" << sfactors
        << "\"\n    permutation: \"" << sperm << "\"\n    split: " << x.size() << "\n";
    }
  }
  return y.str();
}

}  // namespace claimcheck::timeloop
