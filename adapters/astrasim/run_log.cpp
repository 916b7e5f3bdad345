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
  int line_number = 0;
  // The log's numbers are matched as digits; one too large for its type is a malformed log.
  auto number = [&](auto convert, const std::string& digits) {
    try {
      return convert(digits);
    } catch (const std::out_of_range&) {
      throw InputError(file, line_number, 0, "number " + digits + " is too large");
    }
  };
  auto to_index = [](const std::string& d) { return std::stoi(d); };
  auto to_u64 = [](const std::string& d) { return std::stoull(d); };
  while (std::getline(in, raw)) {
    ++line_number;
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    const std::string line = strip_prefixes(raw);
    std::smatch m;
    if (std::regex_search(line, m, finished)) {
      NpuResult& r = log.npus[number(to_index, m[1].str())];
      r.finish_ns = number(to_u64, m[2].str());
      r.exposed_comm_ns = number(to_u64, m[3].str());
      r.compute_ns = r.finish_ns - r.exposed_comm_ns;
    } else if (std::regex_search(line, m, stat)) {
      NpuResult& r = log.npus[number(to_index, m[1].str())];
      const std::uint64_t v = number(to_u64, m[3].str());
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
