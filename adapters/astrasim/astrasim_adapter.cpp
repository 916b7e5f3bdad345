#include "adapters/astrasim/astrasim_adapter.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include <unistd.h>

#include "adapters/astrasim/chakra_reader.hpp"
#include "adapters/astrasim/metrics.hpp"
#include "adapters/astrasim/model_inputs.hpp"
#include "adapters/astrasim/network_config.hpp"
#include "adapters/astrasim/run_log.hpp"
#include "adapters/astrasim/run_options.hpp"
#include "adapters/astrasim/simulator.hpp"

namespace claimcheck {
namespace {

using astrasim::Backend;
using astrasim::NpuResult;

const std::vector<std::string> k_options = {"backend",         "npu",        "node",          "comm_group",
                                            "real_tool",       "injection_scale", "comm_scale", "compute_scale",
                                            "num_queues_per_dim", "rendezvous_protocol"};
const std::vector<std::string> k_hardware_keys = {"network", "system", "remote_memory"};

Backend backend_of(const Claim& claim) {
  if (claim.options.is_object() && claim.options.contains("backend") &&
      claim.options["backend"] == "congestion-aware") {
    return Backend::congestion_aware;
  }
  return Backend::congestion_unaware;
}

// The claim's run options (validated: numbers and booleans of the right kind).
astrasim::RunOptions run_options_of(const Claim& claim) {
  astrasim::RunOptions o;
  if (!claim.options.is_object()) return o;
  for (const auto& name : astrasim::run_option_names()) {
    std::string key = name;
    std::replace(key.begin(), key.end(), '-', '_');
    if (!claim.options.contains(key)) continue;
    const auto& v = claim.options[key];
    astrasim::set_run_option(o, name, v.is_boolean() ? (v.get<bool>() ? "true" : "false") : v.dump());
  }
  return o;
}

std::optional<astrasim::NodeRef> node_of(const Claim& claim) {
  if (!claim.options.is_object() || !claim.options.contains("node")) return std::nullopt;
  const auto& v = claim.options["node"];
  if (v.is_number_integer()) return astrasim::NodeRef{v.get<std::uint64_t>()};
  return astrasim::NodeRef{v.get<std::string>()};
}

std::optional<int> npu_of(const Claim& claim) {
  if (claim.options.is_object() && claim.options.contains("npu") && claim.options["npu"].is_number_integer()) {
    return claim.options["npu"].get<int>();
  }
  return std::nullopt;
}

bool npu_all(const Claim& claim) {
  return claim.options.is_object() && claim.options.contains("npu") && claim.options["npu"] == "all";
}

bool inside(const std::filesystem::path& root, const std::filesystem::path& p) {
  const auto canon = std::filesystem::weakly_canonical(p);
  const auto rel = canon.lexically_relative(root);
  return !rel.empty() && *rel.begin() != "..";
}

std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return {};
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    const std::filesystem::path candidate = std::filesystem::path(dir) / name;
    if (std::filesystem::is_regular_file(candidate)) return candidate.string();
  }
  return {};
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

class AstraSimAdapter final : public Adapter {
 public:
  std::string name() const override { return "astra-sim"; }
  std::string version() const override { return "1"; }
  std::vector<MetricInfo> metrics() const override {
    return {{"finish_time", "ns", "tick at which the NPU's workload finished (max over NPUs, or options.npu)"},
            {"exposed_comm", "ns", "finish time minus compute time, ASTRA-sim's exposed communication"},
            {"comm_time", "ns", "union of the intervals of communication nodes"},
            {"compute_time", "ns", "sum of the durations of GPU compute nodes"},
            {"<finish_time|exposed_comm|comm_time|compute_time>.<max|min|mean>", "ns", "over every NPU"},
            {"collective_time", "ns", "from the first collective's start to the last collective's end"},
            {"collective.<start|end|duration>", "ns",
             "the collective options.node (ET id or name): one NPU, or earliest start / latest end / longest"},
            {"send_time", "ns", "issue to completion of the send or recv options.node: its network time"}};
  }
  bool may_expand(const Claim& claim) const override { return npu_all(claim); }
  // options.npu "all": one claim per NPU of the network, ids "<id>.npu<k>".
  std::vector<Claim> expand(Claim claim, const Sandbox& sandbox, const std::filesystem::path& claim_dir) const override {
    if (!npu_all(claim) || claim.mode != Mode::run || !claim.hardware.inline_spec.is_object() ||
        !claim.hardware.inline_spec.contains("network") || !claim.hardware.inline_spec["network"].is_string()) {
      return Adapter::expand(std::move(claim), sandbox, claim_dir);
    }
    int total = 0;
    try {
      const auto path = sandbox.resolve(claim_dir, claim.hardware.inline_spec["network"].get<std::string>());
      total = astrasim::parse_network_config(path, sandbox.read(path)).total_npus();
    } catch (const std::exception&) {
      return Adapter::expand(std::move(claim), sandbox, claim_dir);  // measure() reports the problem
    }
    std::vector<Claim> out;
    for (int k = 0; k < total; ++k) {
      Claim c = claim;
      c.id = claim.id + ".npu" + std::to_string(k);
      c.title = claim.title.empty() ? c.title : claim.title + " (NPU " + std::to_string(k) + ")";
      c.options["npu"] = k;
      out.push_back(std::move(c));
    }
    return out;
  }
  std::vector<Mode> modes() const override { return {Mode::run, Mode::reread}; }

  AdapterDoc doc() const override {
    return {"the native ASTRA-sim-style analytical simulator on ASTRA-sim's own network YAML, system JSON and "
            "workloads, or a re-read of the real tool's log",
            "mode run: \"hardware\": {\"spec\": {\"network\": YAML, \"system\": JSON, \"remote_memory\": JSON}} "
            "(paths relative to\nthe claim file; remote_memory optional) and \"workload\": {\"spec\": PATH}: a Chakra ET "
            "prefix (PATH.0.et,\nPATH.1.et, ...), a 1.x text workload (DATA/MODEL/HYBRID layer list) or a JSON collective "
            "file\n({\"collective\": \"all-reduce\", \"size\": \"64MiB\", ...}). mode reread: \"artifact\": the real "
            "tool's stdout or log.log.\nTimes are in ns.",
            R"({
  "id": "ring8-allreduce-64mib-finish",
  "title": "All-reduce of 64 MiB on an 8-NPU ring finishes at 2,326,112 ns",
  "source": {"paper": "Our paper", "where": "Table 2"},
  "tool": "astra-sim",
  "workload": {"name": "All-reduce 64 MiB", "spec": "ring8/workload/wl"},
  "hardware": {"name": "Ring of 8 NPUs", "spec": {"network": "ring8/network.yml", "system": "ring8/system.json"}},
  "metric": "finish_time",
  "options": {"npu": 0},
  "expected": {"value": 2326112, "unit": "ns"}
})"};
  }
  std::vector<OptionInfo> options() const override {
    return {
        {"backend", OptionType::choice, "the analytical network backend (default congestion-unaware)",
         R"("congestion-aware")", {"congestion-unaware", "congestion-aware"}, {}, {}},
        {"npu", OptionType::any,
         "the NPU whose number is claimed: an integer >= 0, or \"all\" for one result per NPU (default: the maximum "
         "over NPUs)",
         "3", {}, {}, {}},
        {"node", OptionType::any,
         "the ET node a collective.* or send_time metric names: its id (an integer >= 0) or its name", "12", {}, {},
         {}},
        {"comm_group", OptionType::path, "a communicator-group JSON, as --comm-group-configuration", R"("comm_group.json")",
         {}, {}, {}},
        {"real_tool", OptionType::boolean,
         "run the real ASTRA-sim binary on PATH (needs --allow-commands), cross-checked by the native model", "true", {},
         {}, {}},
        {"injection_scale", OptionType::number, "as --injection-scale: scales the system's endpoint-delay (default 1)",
         "2", {}, 0.0, {}},
        {"comm_scale", OptionType::number,
         "as --comm-scale: accepted with a warning (ASTRA-sim 518bd51 reads it and never uses it)", "1", {}, 0.0, {}},
        {"compute_scale", OptionType::number,
         "as --compute-scale: accepted with a warning (ASTRA-sim 518bd51 reads it and never uses it)", "1", {}, 0.0, {}},
        {"num_queues_per_dim", OptionType::integer, "as --num-queues-per-dim: queues per dimension (default 1)", "2",
         {}, 1.0, {}},
        {"rendezvous_protocol", OptionType::boolean, "as --rendezvous-protocol: adds the 8 KiB handshake", "true", {},
         {}, {}},
    };
  }
  std::vector<NewSlot> new_slots(Mode mode) const override {
    if (mode == Mode::reread) return {{"LOG", "/artifact", false, false, true}};
    return {{"NETWORK", "/hardware/spec/network", false, false, true},
            {"SYSTEM", "/hardware/spec/system", false, false, true},
            {"WORKLOAD", "/workload/spec", false, false, true},
            {"REMOTE_MEMORY", "/hardware/spec/remote_memory", false, true, true}};
  }
  std::vector<ClaimPath> paths(const Claim& claim) const override {
    std::vector<ClaimPath> out = Adapter::paths(claim);
    for (auto& p : out) {
      if (p.pointer == "/workload/spec") p.alternative = ".0.et";  // an ET prefix names PATH.0.et, PATH.1.et, ...
    }
    const auto& hw = claim.hardware.inline_spec;
    for (const auto& key : k_hardware_keys) {
      if (hw.is_object() && hw.contains(key) && hw.at(key).is_string()) {
        out.push_back({"/hardware/spec/" + key, hw.at(key).get<std::string>(), ClaimPath::Kind::file, {}});
      }
    }
    return out;
  }
  // options.npu against the NPUs the run has, read from its network (or its log), without simulating.
  void check_inputs(const Job& job, Diagnostics& out) const override {
    const auto npu = npu_of(job.claim);
    if (!npu) return;
    int npus = 0;
    if (job.claim.mode == Mode::reread) {
      const auto path = job.sandbox.resolve(job.claim_dir, *job.claim.artifact);
      npus = static_cast<int>(astrasim::parse_run_log(path, job.sandbox.read(path)).npus.size());
    } else {
      const auto path = job.sandbox.resolve(job.claim_dir, job.claim.hardware.inline_spec.at("network").get<std::string>());
      npus = astrasim::parse_network_config(path, job.sandbox.read(path)).total_npus();
    }
    if (*npu >= npus) {
      out.add({}, "/options/npu", "options.npu is " + std::to_string(*npu) + " but the run has " + std::to_string(npus) + " NPUs",
              "give an NPU id below " + std::to_string(npus));
    }
  }

  void validate(const Claim& claim, Diagnostics& out) const override {
    const auto& file = claim.location.file;
    if (!astrasim::is_metric(claim.metric)) {
      const std::string near = closest_match(claim.metric, astrasim::metric_names());
      out.add(file, "/metric", "unknown astra-sim metric \"" + claim.metric + "\"",
              near.empty() ? "use finish_time, exposed_comm, comm_time, compute_time (or .max/.min/.mean of them), "
                             "collective_time, collective.start/end/duration or send_time"
                           : "did you mean \"" + near + "\"?");
    }
    if (!claim.options.is_null() && !claim.options.is_object()) {
      out.add(file, "/options", "options must be an object");
    } else if (claim.options.is_object()) {
      for (const auto& item : claim.options.items()) {
        if (std::find(k_options.begin(), k_options.end(), item.key()) == k_options.end()) {
          const std::string near = closest_match(item.key(), k_options);
          out.add(file, "/options/" + item.key(), "unknown astra-sim option \"" + item.key() + "\"",
                  near.empty() ? "known options: backend, npu, node, comm_group, real_tool, injection_scale, "
                                 "comm_scale, compute_scale, num_queues_per_dim, rendezvous_protocol"
                               : "did you mean \"" + near + "\"?");
        }
      }
      const auto& o = claim.options;
      if (o.contains("backend") &&
          (!o["backend"].is_string() || (o["backend"] != "congestion-unaware" && o["backend"] != "congestion-aware"))) {
        out.add(file, "/options/backend", "backend must be \"congestion-unaware\" or \"congestion-aware\"");
      }
      if (o.contains("npu") && !(o["npu"].is_number_integer() && o["npu"].get<long long>() >= 0) && o["npu"] != "all") {
        out.add(file, "/options/npu", "npu must be a non-negative integer (an NPU id) or \"all\" (one result per NPU)");
      }
      if (o.contains("node") && !(o["node"].is_number_integer() && o["node"].get<long long>() >= 0) &&
          !(o["node"].is_string() && !o["node"].empty())) {
        out.add(file, "/options/node", "node must be an ET node id (a non-negative integer) or a node name");
      }
      if (astrasim::metric_needs_node(claim.metric) && !o.contains("node")) {
        out.add(file, "/options/node", "metric " + claim.metric + " needs options.node (an ET node id or name)");
      }
      if (o.contains("comm_group") && !o["comm_group"].is_string()) {
        out.add(file, "/options/comm_group", "comm_group must be a path (string)");
      }
      if (o.contains("real_tool") && !o["real_tool"].is_boolean()) {
        out.add(file, "/options/real_tool", "real_tool must be true or false");
      }
      for (const auto& name : astrasim::run_option_names()) {
        std::string key = name;
        std::replace(key.begin(), key.end(), '-', '_');
        if (!o.contains(key)) continue;
        const auto& v = o[key];
        const bool flag = key == "rendezvous_protocol";
        astrasim::RunOptions scratch;
        const std::string problem =
            (flag ? v.is_boolean() : v.is_number())
                ? astrasim::set_run_option(scratch, name, flag ? (v.get<bool>() ? "true" : "false") : v.dump())
                : std::string(flag ? "must be true or false" : "must be a number");
        if (!problem.empty()) out.add(file, "/options/" + key, key + ": " + problem);
      }
    } else if (astrasim::metric_needs_node(claim.metric)) {
      out.add(file, "/options/node", "metric " + claim.metric + " needs options.node (an ET node id or name)");
    }
    if (claim.mode == Mode::reread) {
      if (!claim.artifact) out.add(file, "/artifact", "mode \"reread\" needs \"artifact\": the real tool's stdout or log.log");
      if (astrasim::is_metric(claim.metric) && !astrasim::metric_in_log(claim.metric)) {
        out.add(file, "/metric", claim.metric + " is not in the real tool's output", "use mode \"run\"");
      }
      return;
    }
    const auto& hw = claim.hardware.inline_spec;
    if (!hw.is_object()) {
      out.add(file, "/hardware/spec",
              "astra-sim needs \"hardware\": {\"spec\": {\"network\": ..., \"system\": ..., \"remote_memory\": ...}}");
    } else {
      for (const auto& item : hw.items()) {
        if (std::find(k_hardware_keys.begin(), k_hardware_keys.end(), item.key()) == k_hardware_keys.end()) {
          const std::string near = closest_match(item.key(), k_hardware_keys);
          out.add(file, "/hardware/spec/" + item.key(), "unknown key \"" + item.key() + "\"",
                  near.empty() ? "use network, system, remote_memory" : "did you mean \"" + near + "\"?");
        } else if (!item.value().is_string()) {
          out.add(file, "/hardware/spec/" + item.key(), "\"" + item.key() + "\" must be a path (string)");
        }
      }
      for (const char* key : {"network", "system"}) {
        if (!hw.contains(key)) out.add(file, std::string("/hardware/spec/") + key, std::string("missing \"") + key + "\"");
      }
    }
    if (!claim.workload.path) {
      out.add(file, "/workload/spec", "astra-sim needs \"workload\": {\"spec\": PATH} (ET prefix, text workload or JSON collective)");
    }
  }

  Outcome measure(const Job& job) const override {
    const Claim& claim = job.claim;
    if (claim.mode == Mode::reread) return reread(job);
    if (npu_all(claim)) {
      return Blocked{BlockKind::invalid_input, "options.npu \"all\" could not be expanded: the network file is unreadable",
                     "check hardware.spec.network", {}};
    }
    const astrasim::ModelPaths paths = model_paths(job);
    const std::string key = run_key(claim, paths);
    const bool real = claim.options.is_object() && claim.options.value("real_tool", false);
    if (real) return run_real_tool(job, paths, key);
    const auto run = share_run<NativeRun>(job, "astra-sim/native" + key, [&] {
      NativeRun r;
      r.loaded = load(job, paths);
      try {
        r.result = astrasim::simulate(r.loaded.input);
      } catch (const astrasim::SimulationLimitExceeded& e) {
        r.limit = e.what();
      }
      return r;
    });
    if (!run->result) {
      return Blocked{BlockKind::unsupported, "unsupported by the native ASTRA-sim model: " + run->limit,
                     "use a smaller or symmetric configuration, or run the real tool (options.real_tool) or reread its "
                     "log",
                     {}};
    }
    return from_result(job, *run->result, run->loaded);
  }

  std::vector<std::string> metric_options() const override { return {"npu", "node"}; }
  bool runs_commands(const Claim& claim) const override {
    return claim.mode == Mode::run && claim.options.is_object() && claim.options.value("real_tool", false);
  }

 private:
  // One simulation of the native model, which every claim on the run reads its metric from.
  struct NativeRun {
    astrasim::LoadedInputs loaded;
    std::optional<astrasim::SimulationResult> result;  // unset when it went beyond the model's limits
    std::string limit;                                 // then: which limit
  };

  // One run of the real tool, and the native model's run of the same inputs that cross-checks it.
  struct RealRun {
    std::optional<Blocked> blocked;  // the tool did not run through: every claim on it is blocked
    astrasim::LoadedInputs loaded;
    astrasim::RunLog log;
    std::optional<astrasim::SimulationResult> native;  // unset when beyond the native model's limits
    std::string native_limit;
  };

  // The input files of a run, resolved inside the repository.
  static astrasim::ModelPaths model_paths(const Job& job) {
    const Claim& claim = job.claim;
    astrasim::ModelPaths paths;
    const auto& hw = claim.hardware.inline_spec;
    paths.network = job.sandbox.resolve(job.claim_dir, hw.at("network").get<std::string>());
    paths.system = job.sandbox.resolve(job.claim_dir, hw.at("system").get<std::string>());
    if (hw.contains("remote_memory")) {
      paths.remote_memory = job.sandbox.resolve(job.claim_dir, hw.at("remote_memory").get<std::string>());
    }
    const std::string spec = *claim.workload.path;
    try {
      paths.workload = job.sandbox.resolve(job.claim_dir, spec);
    } catch (const PathError& e) {
      if (e.kind() != PathError::Kind::missing) throw;
      // An ET prefix names no file itself; its NPU 0 file must exist.
      const auto first = job.sandbox.resolve(job.claim_dir, spec + ".0.et");
      const std::string name = first.filename().string();
      paths.workload = first.parent_path() / name.substr(0, name.size() - 5);
    }
    if (claim.options.is_object() && claim.options.contains("comm_group")) {
      paths.comm_group = job.sandbox.resolve(job.claim_dir, claim.options["comm_group"].get<std::string>());
    }
    // The real tool reads relative custom-collective paths from its working directory: here the
    // repository root, then the system file's folder and each folder above it (so a checkout of
    // astra-sim inside the repository works from its own root).
    paths.search_dirs = {job.sandbox.root()};
    for (auto dir = paths.system.parent_path(); inside(job.sandbox.root(), dir) || dir == job.sandbox.root();
         dir = dir.parent_path()) {
      paths.search_dirs.push_back(dir);
      if (dir == dir.parent_path()) break;
    }
    return paths;
  }

  // What decides a run: its files, and the options other than those that pick a number from it.
  std::string run_key(const Claim& claim, const astrasim::ModelPaths& paths) const {
    nlohmann::json options = claim.options.is_object() ? claim.options : nlohmann::json::object();
    for (const auto& name : metric_options()) options.erase(name);
    std::string key = " " + options.dump() + "\n" + paths.network.string() + "\n" + paths.system.string() + "\n" +
                      paths.workload.string();
    if (paths.remote_memory) key += "\nremote " + paths.remote_memory->string();
    if (paths.comm_group) key += "\ncomm " + paths.comm_group->string();
    return key;
  }

  // Every input of the run, parsed, with the claim's run options.
  static astrasim::LoadedInputs load(const Job& job, const astrasim::ModelPaths& paths) {
    astrasim::FileAccess access;
    const Sandbox& sandbox = job.sandbox;
    access.read = [&job](const std::filesystem::path& p) { return *read_input(job, p); };
    access.exists = [&sandbox](const std::filesystem::path& p) {
      return std::filesystem::is_regular_file(p) && inside(sandbox.root(), p);
    };
    astrasim::LoadedInputs loaded = astrasim::load_inputs(paths, backend_of(job.claim), access);
    loaded.input.options = run_options_of(job.claim);
    for (const auto& w : astrasim::run_option_warnings(loaded.input.options)) loaded.warnings.push_back(w);
    return loaded;
  }

  Outcome pick(const Job& job, const std::map<int, NpuResult>& npus, const std::vector<astrasim::NodeTiming>& nodes,
               std::vector<Detail> details, std::vector<std::filesystem::path> files,
               std::vector<std::string> warnings, const std::string& version) const {
    const Claim& claim = job.claim;
    const astrasim::MetricValue v = astrasim::evaluate_metric(claim.metric, npus, nodes, npu_of(claim), node_of(claim));
    if (!v.error.empty()) {
      const bool bad_npu = v.error.starts_with("options.npu");
      return Blocked{bad_npu ? BlockKind::invalid_input : BlockKind::unsupported, v.error,
                     bad_npu ? "give an NPU id below " + std::to_string(npus.size())
                             : "name a node of the workload (options.node) or use another metric",
                     files};
    }
    Measurement m;
    m.value = v.value;
    m.unit = *parse_unit("ns");
    m.details = std::move(details);
    m.files = std::move(files);
    m.tool_version = version;
    m.warnings = std::move(warnings);
    return m;
  }

  // Node timings for the claim: a symmetric run simulated NPU 0 only, whose timings every NPU shares.
  static std::vector<astrasim::NodeTiming> node_timings(const astrasim::SimulationResult& r, const Claim& claim) {
    std::vector<astrasim::NodeTiming> nodes = r.collectives;
    nodes.insert(nodes.end(), r.messages.begin(), r.messages.end());
    const auto npu = npu_of(claim);
    if (r.used_symmetry && npu) {
      for (auto& t : nodes) t.npu = *npu;
    }
    return nodes;
  }

  static std::map<int, NpuResult> by_npu(const std::vector<NpuResult>& list) {
    std::map<int, NpuResult> npus;
    for (std::size_t i = 0; i < list.size(); ++i) npus[static_cast<int>(i)] = list[i];
    return npus;
  }

  Outcome from_result(const Job& job, const astrasim::SimulationResult& r, const astrasim::LoadedInputs& loaded) const {
    std::uint64_t min_finish = UINT64_MAX, max_finish = 0;
    for (const auto& n : r.npus) {
      min_finish = std::min(min_finish, n.finish_ns);
      max_finish = std::max(max_finish, n.finish_ns);
    }
    std::vector<Detail> details = {
        {"npus", std::to_string(r.npus.size())},
        {"finish_time.min_ns", std::to_string(min_finish)},
        {"finish_time.max_ns", std::to_string(max_finish)},
        {"backend", std::string(astrasim::backend_name(loaded.input.backend))},
        {"symmetry", r.used_symmetry ? "one NPU simulated for all" : "every NPU simulated"},
        {"events", std::to_string(r.events)}};
    std::vector<std::string> warnings = loaded.warnings;
    warnings.insert(warnings.end(), r.warnings.begin(), r.warnings.end());
    return pick(job, by_npu(r.npus), node_timings(r, job.claim), details, loaded.files, warnings,
                "native astra-sim-style model 1");
  }

  Outcome reread(const Job& job) const {
    const auto path = job.sandbox.resolve(job.claim_dir, *job.claim.artifact);
    const auto log = share_run<astrasim::RunLog>(job, "astra-sim/reread " + path.string(),
                                                 [&] { return astrasim::parse_run_log(path, *read_input(job, path)); });
    std::vector<std::string> warnings;
    if (!log->exited) warnings.push_back("the log has no \"Exiting\" line: the run may not have completed");
    return pick(job, log->npus, {}, {{"npus_reported", std::to_string(log->npus.size())}}, {path}, warnings,
                "ASTRA-sim 2.x output (reread)");
  }

  static std::string binary_of(Backend backend) {
    return backend == Backend::congestion_aware ? "AstraSim_Analytical_Congestion_Aware"
                                                : "AstraSim_Analytical_Congestion_Unaware";
  }

  // The real tool's number for the claim, cross-checked by the native model.
  Outcome run_real_tool(const Job& job, const astrasim::ModelPaths& paths, const std::string& key) const {
    const auto run = share_run<RealRun>(job, "astra-sim/real" + key, [&] { return real_run(job, paths, key); });
    if (run->blocked) return *run->blocked;
    const Outcome theirs =
        pick(job, run->log.npus, {}, {}, run->loaded.files, {}, binary_of(run->loaded.input.backend) + " (run)");
    if (!run->native) {
      // The real tool's number stands; only the cross-check is beyond the native model.
      if (!std::holds_alternative<Measurement>(theirs)) return theirs;
      Measurement m = std::get<Measurement>(theirs);
      m.warnings.push_back("no native cross-check: " + run->native_limit);
      return m;
    }
    const Outcome mine = pick(job, by_npu(run->native->npus), node_timings(*run->native, job.claim), {}, {}, {}, "");
    if (std::holds_alternative<Measurement>(mine) && std::holds_alternative<Measurement>(theirs)) {
      const double a = std::get<Measurement>(mine).value;
      const double b = std::get<Measurement>(theirs).value;
      Measurement m = std::get<Measurement>(theirs);
      m.details.push_back({"native_model." + job.claim.metric + "_ns", std::to_string(static_cast<std::uint64_t>(a))});
      m.details.push_back({"native_minus_real_ns", std::to_string(static_cast<long long>(a) - static_cast<long long>(b))});
      if (a != b) m.warnings.push_back("the native model and the real tool disagree by " +
                                       std::to_string(static_cast<long long>(a) - static_cast<long long>(b)) + " ns");
      return m;
    }
    return theirs;
  }

  // Runs the real binary on the run's inputs in a scratch folder, then the native model on them.
  // Workloads given as text or JSON are written out as Chakra ET files first, since the real tool
  // reads only those.
  static RealRun real_run(const Job& job, const astrasim::ModelPaths& paths, const std::string& key) {
    RealRun run;
    run.loaded = load(job, paths);
    const astrasim::LoadedInputs& loaded = run.loaded;
    const std::string binary = binary_of(loaded.input.backend);
    if (!job.policy.allow_commands) {
      run.blocked = Blocked{BlockKind::command_not_allowed, "options.real_tool runs " + binary + ", a command",
                            "run the audit with --allow-commands, or drop options.real_tool", loaded.files};
      return run;
    }
    const std::string path = find_on_path(binary);
    if (path.empty()) {
      run.blocked = Blocked{BlockKind::tool_missing, binary + " is not on PATH",
                            "build ASTRA-sim's analytical backend and put it on PATH, or drop options.real_tool",
                            loaded.files};
      return run;
    }
    const auto work = std::filesystem::temp_directory_path() /
                      ("claimcheck-astrasim-" + std::to_string(::getpid()) + "-" +
                       std::to_string(std::hash<std::string>{}(key)));
    std::filesystem::create_directories(work);
    std::string workload = paths.workload.string();
    if (std::filesystem::is_regular_file(paths.workload)) {
      workload = (work / "wl").string();
      for (std::size_t i = 0; i < loaded.input.workload.graphs.size(); ++i) {
        std::ofstream out(work / ("wl." + std::to_string(i) + ".et"), std::ios::binary);
        out << astrasim::encode_chakra_et(*loaded.input.workload.graphs[i]);
      }
    }
    std::string remote = (work / "remote_memory.json").string();
    if (paths.remote_memory) {
      remote = paths.remote_memory->string();
    } else {
      std::ofstream(remote) << "{\"memory-type\": \"NO_MEMORY_EXPANSION\"}\n";
    }
    // From the repository root, where the system file's relative custom-collective paths start;
    // the tool's log folder goes to the scratch folder.
    std::string cmd = "cd " + quote(job.sandbox.root().string()) + " && timeout " +
                      std::to_string(std::max<long long>(1, job.policy.timeout.count() / 1000)) + " " + quote(path) +
                      " --workload-configuration=" + quote(workload) +
                      " --system-configuration=" + quote(paths.system.string()) +
                      " --network-configuration=" + quote(paths.network.string()) +
                      " --remote-memory-configuration=" + quote(remote) +
                      " --logging-folder=" + quote((work / "log").string());
    if (paths.comm_group) cmd += " --comm-group-configuration=" + quote(paths.comm_group->string());
    cmd += astrasim::run_option_arguments(loaded.input.options);
    cmd += " > " + quote((work / "out.log").string()) + " 2>&1";
    const int status = std::system(cmd.c_str());
    std::ifstream in(work / "out.log");
    std::stringstream ss;
    ss << in.rdbuf();
    if (status != 0) {
      run.blocked = Blocked{BlockKind::adapter_error, binary + " exited with status " + std::to_string(status),
                            "run it by hand in " + work.string() + " and read out.log", loaded.files};
      return run;
    }
    run.log = astrasim::parse_run_log(work / "out.log", ss.str());
    std::filesystem::remove_all(work);
    try {
      run.native = astrasim::simulate(loaded.input);
    } catch (const astrasim::SimulationLimitExceeded& e) {
      run.native_limit = e.what();
    }
    return run;
  }
};

}  // namespace

std::unique_ptr<Adapter> make_astrasim_adapter() { return std::make_unique<AstraSimAdapter>(); }

}  // namespace claimcheck
