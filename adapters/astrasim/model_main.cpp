#include "adapters/astrasim/model_main.hpp"

#include <map>
#include <ostream>

#include <nlohmann/json.hpp>

#include "adapters/astrasim/model_inputs.hpp"
#include "adapters/astrasim/run_options.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::astrasim {
namespace {

constexpr const char* k_usage =
    "usage: claimcheck model astra-sim --network FILE --system FILE --workload PREFIX|FILE\n"
    "         [--remote-memory FILE] [--comm-group FILE]\n"
    "         [--backend congestion-unaware|congestion-aware] [--format text|json] [--no-symmetry]\n"
    "         [--injection-scale X] [--num-queues-per-dim N] [--rendezvous-protocol[=true|false]]\n"
    "         [--comm-scale X] [--compute-scale X] [--logging-configuration F] [--logging-folder D]\n"
    "  The real binary's spellings are accepted too: --network-configuration, --system-configuration,\n"
    "  --workload-configuration, --remote-memory-configuration, --comm-group-configuration.\n"
    "  Relative custom-collective paths in the system file are read from the working directory\n"
    "  (as the real tool does), then from the system file's folder and the folders above it.\n";

// The real binary's option names for the files, and ours.
const std::map<std::string, std::string> k_aliases = {
    {"--network-configuration", "--network"},   {"--system-configuration", "--system"},
    {"--workload-configuration", "--workload"}, {"--remote-memory-configuration", "--remote-memory"},
    {"--comm-group-configuration", "--comm-group"}};

int usage_error(std::ostream& err, const std::string& message) {
  err << "claimcheck: error: " << message << "\n" << k_usage;
  return 2;
}

void print_text(const SimulationResult& r, Backend backend, std::ostream& out) {
  out << "backend: " << backend_name(backend) << (r.used_symmetry ? " (symmetric: one NPU simulated)" : "")
      << "\n";
  out << "npu  finish_ns  exposed_comm_ns  compute_ns  comm_ns\n";
  for (std::size_t i = 0; i < r.npus.size(); ++i) {
    const auto& n = r.npus[i];
    out << i << "  " << n.finish_ns << "  " << n.exposed_comm_ns << "  " << n.compute_ns << "  " << n.comm_ns << "\n";
  }
  for (const auto& c : r.collectives) {
    out << "collective npu " << c.npu << " node " << c.node_id << " " << comm_type_name(c.type) << " "
        << c.size_bytes << " B: start " << c.start_ns << " ns, end " << c.end_ns << " ns\n";
  }
}

void print_json(const SimulationResult& r, Backend backend, const std::vector<std::string>& warnings,
                std::ostream& out) {
  nlohmann::json j;
  j["backend"] = std::string(backend_name(backend));
  j["unit"] = "ns";
  j["used_symmetry"] = r.used_symmetry;
  j["events"] = r.events;
  j["npus"] = nlohmann::json::array();
  for (std::size_t i = 0; i < r.npus.size(); ++i) {
    const auto& n = r.npus[i];
    j["npus"].push_back({{"npu", i},
                         {"finish_ns", n.finish_ns},
                         {"exposed_comm_ns", n.exposed_comm_ns},
                         {"compute_ns", n.compute_ns},
                         {"comm_ns", n.comm_ns}});
  }
  j["collectives"] = nlohmann::json::array();
  for (const auto& c : r.collectives) {
    j["collectives"].push_back({{"npu", c.npu},
                                {"node", c.node_id},
                                {"name", c.name},
                                {"type", std::string(comm_type_name(c.type))},
                                {"size_bytes", c.size_bytes},
                                {"start_ns", c.start_ns},
                                {"end_ns", c.end_ns}});
  }
  j["warnings"] = warnings;
  out << j.dump(2) << "\n";
}

}  // namespace

int model_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> values;
  bool no_symmetry = false;
  RunOptions options;
  std::vector<std::string> flags = {"--network", "--system", "--workload", "--remote-memory", "--comm-group",
                                    "--backend", "--format", "--logging-configuration", "--logging-folder"};
  for (const auto& [alias, name] : k_aliases) flags.push_back(alias);
  for (const auto& name : run_option_names()) flags.push_back("--" + name);
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a == "--no-symmetry") {
      no_symmetry = true;
      continue;
    }
    if (a == "--rendezvous-protocol") {  // a bare boolean flag, as the real binary takes it
      options.rendezvous = true;
      continue;
    }
    if (a == "-h" || a == "--help") {
      out << k_usage;
      return 0;
    }
    std::string value;
    const auto eq = a.find('=');
    if (eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return usage_error(err, "option " + a + " needs a value");
    }
    if (std::find(flags.begin(), flags.end(), a) == flags.end()) {
      const std::string near = closest_match(a, flags);
      return usage_error(err, "unknown option " + a + (near.empty() ? "" : "; did you mean " + near + "?"));
    }
    if (const auto alias = k_aliases.find(a); alias != k_aliases.end()) a = alias->second;
    if (a.size() > 2 && std::find(run_option_names().begin(), run_option_names().end(), a.substr(2)) !=
                            run_option_names().end()) {
      const std::string problem = set_run_option(options, a.substr(2), value);
      if (!problem.empty()) return usage_error(err, problem);
      continue;
    }
    values[a] = value;  // --logging-* are accepted and do not change results
  }
  for (const char* required : {"--network", "--system", "--workload"}) {
    if (!values.count(required)) return usage_error(err, std::string("missing ") + required);
  }
  Backend backend = Backend::congestion_unaware;
  if (values.count("--backend")) {
    if (values["--backend"] == "congestion-aware") {
      backend = Backend::congestion_aware;
    } else if (values["--backend"] != "congestion-unaware") {
      return usage_error(err, "unknown backend \"" + values["--backend"] +
                                  "\"; use congestion-unaware or congestion-aware");
    }
  }
  const std::string format = values.count("--format") ? values["--format"] : "text";
  if (format != "text" && format != "json") return usage_error(err, "unknown format \"" + format + "\"; use text or json");
  ModelPaths paths;
  paths.network = values["--network"];
  paths.system = values["--system"];
  paths.workload = values["--workload"];
  if (values.count("--remote-memory")) paths.remote_memory = values["--remote-memory"];
  if (values.count("--comm-group") && values["--comm-group"] != "empty") paths.comm_group = values["--comm-group"];
  paths.search_dirs = {std::filesystem::current_path()};
  for (auto dir = std::filesystem::absolute(paths.system).parent_path();; dir = dir.parent_path()) {
    paths.search_dirs.push_back(dir);
    if (dir == dir.parent_path()) break;
  }
  try {
    LoadedInputs loaded = load_inputs(paths, backend, local_files());
    loaded.input.options = options;
    for (const auto& w : run_option_warnings(options)) loaded.warnings.push_back(w);
    const SimulationResult r =
        simulate(loaded.input, no_symmetry ? SymmetryUse::never : SymmetryUse::when_valid);
    std::vector<std::string> warnings = loaded.warnings;
    warnings.insert(warnings.end(), r.warnings.begin(), r.warnings.end());
    for (const auto& w : warnings) err << "claimcheck: warning: " << w << "\n";
    if (format == "json") {
      print_json(r, backend, warnings, out);
    } else {
      print_text(r, backend, out);
    }
    return 0;
  } catch (const InputError& e) {
    err << "claimcheck: error: " << e.what() << "\n";
    return 2;
  } catch (const SimulationLimitExceeded& e) {
    err << "claimcheck: error: unsupported: " << e.what() << "\n";
    return 2;
  } catch (const std::runtime_error& e) {
    err << "claimcheck: error: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace claimcheck::astrasim
