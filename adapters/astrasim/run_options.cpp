#include "adapters/astrasim/run_options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

namespace claimcheck::astrasim {
namespace {

bool to_double(const std::string& s, double& out) {
  const char* end = s.data() + s.size();
  const auto r = std::from_chars(s.data(), end, out);
  return r.ec == std::errc() && r.ptr == end && std::isfinite(out);
}

std::string format(double v) {
  std::ostringstream ss;
  ss << v;
  return ss.str();
}

}  // namespace

const std::vector<std::string>& run_option_names() {
  static const std::vector<std::string> names = {"injection-scale", "comm-scale", "compute-scale",
                                                 "num-queues-per-dim", "rendezvous-protocol"};
  return names;
}

std::string set_run_option(RunOptions& options, const std::string& raw_name, const std::string& value) {
  std::string name = raw_name;
  std::replace(name.begin(), name.end(), '_', '-');
  if (name == "rendezvous-protocol") {
    if (value == "true" || value == "1") {
      options.rendezvous = true;
    } else if (value == "false" || value == "0") {
      options.rendezvous = false;
    } else {
      return "rendezvous-protocol must be true or false, not \"" + value + "\"";
    }
    return {};
  }
  if (name == "num-queues-per-dim") {
    int n = 0;
    const auto r = std::from_chars(value.data(), value.data() + value.size(), n);
    if (r.ec != std::errc() || r.ptr != value.data() + value.size() || n < 1 || n > 1024) {
      return "num-queues-per-dim must be a whole number from 1 to 1024, not \"" + value + "\"";
    }
    options.queues_per_dim = n;
    return {};
  }
  double v = 0;
  if (!to_double(value, v) || v < 0) return name + " must be a number of 0 or more, not \"" + value + "\"";
  if (name == "injection-scale") {
    options.injection_scale = v;
  } else if (name == "comm-scale") {
    options.comm_scale = v;
  } else if (name == "compute-scale") {
    options.compute_scale = v;
  } else {
    return "unknown run option \"" + raw_name + "\"";
  }
  return {};
}

std::vector<std::string> run_option_warnings(const RunOptions& options) {
  std::vector<std::string> out;
  if (options.comm_scale != 1.0) {
    out.push_back("comm-scale " + format(options.comm_scale) +
                  " has no effect: ASTRA-sim 2.x (518bd51) stores it but never uses it, and neither does this model");
  }
  if (options.compute_scale != 1.0) {
    out.push_back("compute-scale " + format(options.compute_scale) +
                  " has no effect: ASTRA-sim 2.x (518bd51) accepts it but never reads it, and neither does this model");
  }
  return out;
}

std::string run_option_arguments(const RunOptions& o) {
  std::string out;
  if (o.injection_scale != 1.0) out += " --injection-scale=" + format(o.injection_scale);
  if (o.comm_scale != 1.0) out += " --comm-scale=" + format(o.comm_scale);
  if (o.compute_scale != 1.0) out += " --compute-scale=" + format(o.compute_scale);
  if (o.queues_per_dim != 1) out += " --num-queues-per-dim=" + std::to_string(o.queues_per_dim);
  if (o.rendezvous) out += " --rendezvous-protocol=true";
  return out;
}

}  // namespace claimcheck::astrasim
