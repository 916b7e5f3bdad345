#include "adapters/astrasim/run_log.hpp"

#include <regex>
#include <sstream>

#include "core/diagnostics.hpp"

namespace claimcheck::astrasim {
namespace {

// Drops leading "[...] " groups (time stamp, logger, level).
std::string strip_prefixes(const std::string& line) {
  std::size_t at = 0;
  while (at < line.size() && line[at] == '[') {
    const std::size_t close = line.find(']', at);
    if (close == std::string::npos) break;
    at = close + 1;
    while (at < line.size() && line[at] == ' ') ++at;
  }
  return line.substr(at);
}

}  // namespace

RunLog parse_run_log(const std::filesystem::path& file, const std::string& text) {
  static const std::regex finished(R"(^sys\[(\d+)\] finished, (\d+) cycles, exposed communication (\d+) cycles\.)");
  static const std::regex stat(R"(^sys\[(\d+)\], (Wall time|Comm time|GPU time): (\d+))");
  RunLog log;
  std::istringstream in(text);
  std::string raw;
  while (std::getline(in, raw)) {
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    const std::string line = strip_prefixes(raw);
    std::smatch m;
    if (std::regex_search(line, m, finished)) {
      NpuResult& r = log.npus[std::stoi(m[1].str())];
      r.finish_ns = std::stoull(m[2].str());
      r.exposed_comm_ns = std::stoull(m[3].str());
      r.compute_ns = r.finish_ns - r.exposed_comm_ns;
    } else if (std::regex_search(line, m, stat)) {
      NpuResult& r = log.npus[std::stoi(m[1].str())];
      const std::uint64_t v = std::stoull(m[3].str());
      if (m[2].str() == "Wall time") {
        r.wall_ns = v;
      } else if (m[2].str() == "Comm time") {
        r.comm_ns = v;
      }
    } else if (line == "Exiting") {
      log.exited = true;
    }
  }
  bool any_finished = false;
  for (const auto& [npu, r] : log.npus) any_finished = any_finished || r.finish_ns > 0;
  if (!any_finished) {
    throw InputError(file, 0, 0, "no \"sys[N] finished, ... cycles\" line: not an ASTRA-sim 2.x output, or the run did not finish",
                     "point the claim at the stdout or log/log.log of a completed run");
  }
  return log;
}

}  // namespace claimcheck::astrasim
