#include "core/diagnostics.hpp"

#include <algorithm>
#include <cctype>

namespace claimcheck {
namespace {

std::string describe(const Diagnostic& d) {
  std::string out = d.file.string();
  if (d.line > 0) {
    out += ":" + std::to_string(d.line);
    if (d.column > 0) out += ":" + std::to_string(d.column);
  }
  if (!d.pointer.empty()) out += " (" + d.pointer + ")";
  out += ": " + d.message;
  if (!d.hint.empty()) out += "; " + d.hint;
  return out;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

InputError::InputError(Diagnostics diagnostics) : m_diagnostics(std::move(diagnostics)) {
  for (const auto& d : m_diagnostics.items()) {
    if (!m_what.empty()) m_what += "\n";
    m_what += describe(d);
  }
}

InputError::InputError(std::filesystem::path file, int line, int column, std::string message,
                       std::string hint)
    : InputError([&] {
        Diagnostics ds;
        ds.add(Diagnostic{std::move(file), line, column, {}, std::move(message), std::move(hint), {}});
        return ds;
      }()) {}

std::string format_diagnostic(const Diagnostic& d, Severity severity) {
  std::string out = std::string(severity == Severity::error ? "claimcheck: error: " : "claimcheck: warning: ") +
                    d.file.string();
  if (d.line > 0) {
    out += ":" + std::to_string(d.line);
    if (d.column > 0) out += ":" + std::to_string(d.column);
  }
  if (!d.pointer.empty()) out += " (" + d.pointer + ")";
  // A problem with no file (a command-line word) is the message alone.
  out += (d.file.empty() && d.pointer.empty() ? "" : ": ") + d.message + "\n";
  if (!d.source_line.empty() && d.column > 0) {
    out += "    " + d.source_line + "\n";
    std::string pad;
    for (int i = 1; i < d.column && i <= static_cast<int>(d.source_line.size()); ++i) {
      pad += d.source_line[static_cast<std::size_t>(i - 1)] == '\t' ? '\t' : ' ';
    }
    out += "    " + pad + "^\n";
  }
  if (!d.hint.empty()) out += "  hint: " + d.hint + "\n";
  return out;
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    // A word that is the start of a candidate ("finish" for "finish_ns") counts as one edit.
    const bool prefix = word.size() >= 3 && candidate.size() > word.size() && candidate.rfind(word, 0) == 0;
    const std::size_t d = prefix ? 1 : edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

}  // namespace claimcheck
