#include "adapters/timeloop/timeloop_adapter.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "adapters/timeloop/inputs.hpp"
#include "adapters/timeloop/mapper/search_claim.hpp"
#include "adapters/timeloop/model.hpp"

namespace claimcheck {
namespace timeloop {
namespace {

const std::vector<std::string> k_fixed_metrics = {"cycles",     "energy",         "energy_per_compute",
                                                  "utilization", "computes",     "gflops",
                                                  "leakage_energy", "dynamic_energy"};
// Metrics with one level: <name>.<level>.
const std::vector<std::string> k_level_metrics = {"energy", "leakage_energy", "dynamic_energy", "energy_per_compute"};
const std::vector<std::string> k_access_kinds = {"reads", "fills", "updates"};
const std::vector<std::string> k_options = {"engine", "semantics"};
const std::vector<std::string> k_engines = {"native", "real"};
const std::vector<std::string> k_semantics = {"v3.0.3", "v4"};
constexpr const char* k_native_version = "claimcheck native Timeloop-style model 2";

std::string semantics_name(Semantics s) { return s == Semantics::v4 ? "Timeloop v4" : "Timeloop v3.0.3"; }

std::vector<std::string> split_dots(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == '.') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string best = closest_match(word, candidates);
  return best.empty() ? std::string() : "did you mean \"" + best + "\"?";
}

// A problem with the metric's name, or "" when well-formed.
std::string check_metric_name(const std::string& metric, std::string& hint) {
  if (mapper::is_search_metric(metric)) return mapper::check_search_metric(metric, hint);
  for (const auto& m : k_fixed_metrics) {
    if (metric == m) return {};
  }
  const auto parts = split_dots(metric);
  if ((parts[0] == "accesses" || parts[0] == "accesses_total") && parts.size() == 4) {
    for (const auto& k : k_access_kinds) {
      if (parts[3] == k) return {};
    }
    hint = did_you_mean(parts[3], k_access_kinds);
    return "unknown access kind \"" + parts[3] + "\" in metric \"" + metric + "\" (expected reads, fills or updates)";
  }
  for (const auto& m : k_level_metrics) {
    if (parts[0] == m && parts.size() == 2 && !parts[1].empty()) return {};
  }
  std::vector<std::string> all = k_fixed_metrics;
  all.push_back("accesses.<level>.<dataspace>.<reads|fills|updates>");
  all.push_back("accesses_total.<level>.<dataspace>.<reads|fills|updates>");
  for (const auto& m : k_level_metrics) all.push_back(m + ".<level>");
  hint = did_you_mean(metric, all);
  if (hint.empty()) hint = "metrics: cycles, energy, dynamic_energy, leakage_energy, energy_per_compute, utilization, "
                           "computes, gflops, accesses.<level>.<dataspace>.<reads|fills|updates>, "
                           "accesses_total.<level>.<dataspace>.<reads|fills|updates>, energy.<level>, "
                           "dynamic_energy.<level>, leakage_energy.<level>, energy_per_compute.<level>";
  return "unknown timeloop metric \"" + metric + "\"";
}

ReportedStats to_reported(const Result& r, const Architecture& arch, Semantics semantics) {
  ReportedStats s;
  s.v4 = semantics == Semantics::v4;
  ReportedLevel a;
  a.name = r.arithmetic.name;
  a.arithmetic = true;
  a.instances = r.arithmetic.instances;
  a.cycles = r.arithmetic.cycles;
  a.energy = r.arithmetic.energy;
  a.computes = r.arithmetic.computes;
  s.levels.push_back(a);
  for (std::size_t i = 0; i < r.storage.size(); ++i) {
    const auto& st = r.storage[i];
    ReportedLevel l;
    l.name = st.name;
    l.instances = arch.storage[i].instances;
    l.cycles = st.cycles;
    l.energy = st.energy;
    l.leakage_energy = st.leakage_energy;
    for (const auto& d : st.data_spaces) {
      l.max_utilized_instances = std::max(l.max_utilized_instances, d.utilized_instances);
      if (!d.keep) continue;
      l.data_spaces.push_back({d.name, d.utilized_instances, d.reads, d.fills, d.updates, d.energy});
    }
    s.levels.push_back(std::move(l));
  }
  s.cycles = r.cycles;
  s.computes = r.computes;
  s.total_ops = r.total_ops;
  s.printed_gflops = r.gflops;
  s.printed_utilization = r.utilization;
  s.printed_energy_uj = r.energy / 1e6;
  s.energy_decimals = 17;
  return s;
}

std::vector<std::string> level_names(const ReportedStats& s) {
  std::vector<std::string> out;
  for (const auto& l : s.levels) out.push_back(l.name);
  return out;
}

}  // namespace

std::optional<MetricValue> metric_value(const ReportedStats& s, const std::string& metric, std::string& why_not) {
  const auto parts = split_dots(metric);
  const std::string& kind = parts[0];
  const bool energy_kind = kind == "energy" || kind == "leakage_energy" || kind == "energy_per_compute";
  if (energy_kind && !s.leakage_recorded && (parts.size() <= 2)) {
    why_not = "a Timeloop v4 map+stats.xml records no leakage energy, so its energies with leakage are unknown; "
              "claim dynamic_energy (what the XML records), or re-read the stats.txt, which prints leakage";
    return std::nullopt;
  }
  if (metric == "cycles") return MetricValue{static_cast<double>(s.cycles), "cycles"};
  if (metric == "computes") return MetricValue{static_cast<double>(s.computes), "count"};
  if (metric == "energy") return MetricValue{s.energy(), "pJ"};
  if (metric == "leakage_energy") return MetricValue{s.leakage_energy(), "pJ"};
  if (metric == "dynamic_energy") return MetricValue{s.energy() - s.leakage_energy(), "pJ"};
  if (metric == "energy_per_compute") {
    // Timeloop v4 prints the total per compute in fJ (two decimals): the most precise total its
    // stats.txt has.
    if (s.printed_fj_per_compute) return MetricValue{*s.printed_fj_per_compute, "fJ/compute"};
    if (s.computes == 0) {
      why_not = "no computes";
      return std::nullopt;
    }
    return MetricValue{s.energy() / static_cast<double>(s.computes), "pJ/compute"};
  }
  if (metric == "utilization") return MetricValue{s.utilization(), "ratio"};
  if (metric == "gflops") return MetricValue{s.gflops(), "GFLOP/s"};
  if (parts.size() == 2 && std::find(k_level_metrics.begin(), k_level_metrics.end(), kind) != k_level_metrics.end()) {
    const ReportedLevel* l = s.level(parts[1]);
    if (!l) {
      why_not = "no level \"" + parts[1] + "\"";
      if (auto h = did_you_mean(parts[1], level_names(s)); !h.empty()) why_not += "; " + h;
      return std::nullopt;
    }
    if (kind == "energy") return MetricValue{l->energy, "pJ"};
    if (kind == "leakage_energy") return MetricValue{l->leakage_energy, "pJ"};
    if (kind == "dynamic_energy") return MetricValue{l->energy - l->leakage_energy, "pJ"};
    if (l->printed_fj_per_compute) return MetricValue{*l->printed_fj_per_compute, "fJ/compute"};
    if (s.computes == 0) {
      why_not = "no computes";
      return std::nullopt;
    }
    return MetricValue{l->energy / static_cast<double>(s.computes), "pJ/compute"};
  }
  if (parts.size() == 4 && (parts[0] == "accesses" || parts[0] == "accesses_total")) {
    const ReportedLevel* l = s.level(parts[1]);
    if (!l) {
      why_not = "no level \"" + parts[1] + "\"";
      if (auto h = did_you_mean(parts[1], level_names(s)); !h.empty()) why_not += "; " + h;
      return std::nullopt;
    }
    std::vector<std::string> kept;
    for (const auto& d : l->data_spaces) {
      kept.push_back(d.name);
      if (d.name != parts[2]) continue;
      const std::uint64_t scale = parts[0] == "accesses_total" ? d.utilized_instances : 1;
      if (parts[3] == "reads") return MetricValue{static_cast<double>(d.reads * scale), "count"};
      if (parts[3] == "fills") return MetricValue{static_cast<double>(d.fills * scale), "count"};
      if (parts[3] == "updates") return MetricValue{static_cast<double>(d.updates * scale), "count"};
    }
    why_not = "level \"" + parts[1] + "\" keeps no data space \"" + parts[2] + "\"";
    if (auto h = did_you_mean(parts[2], kept); !h.empty()) why_not += "; " + h;
    return std::nullopt;
  }
  why_not = "unknown metric \"" + metric + "\"";
  return std::nullopt;
}

}  // namespace timeloop

namespace {

using timeloop::ReportedStats;

std::optional<std::filesystem::path> find_on_path(const std::string& program) {
  if (const char* configured = std::getenv("CLAIMCHECK_TIMELOOP_MODEL"); configured && *configured) {
    std::filesystem::path p(configured);
    if (std::filesystem::is_regular_file(p) && ::access(p.c_str(), X_OK) == 0) return p;
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  if (!path) return std::nullopt;
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) continue;
    std::filesystem::path p = std::filesystem::path(dir) / program;
    if (std::filesystem::is_regular_file(p) && ::access(p.c_str(), X_OK) == 0) return p;
  }
  return std::nullopt;
}

// Runs `program args...` in `dir` with stdout/stderr to files there; returns the exit status,
// or nullopt on timeout (the child is killed).
std::optional<int> run_in(const std::filesystem::path& dir, const std::filesystem::path& program,
                          const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) ::_exit(127);
    const int out = ::open("stdout.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open("stderr.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out >= 0) ::dup2(out, 1);
    if (err >= 0) ::dup2(err, 2);
    std::vector<char*> argv;
    std::string prog = program.string();
    argv.push_back(prog.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(prog.c_str(), argv.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class TimeloopAdapter final : public Adapter {
 public:
  std::string name() const override { return "timeloop"; }
  std::string version() const override { return "2"; }

  std::vector<MetricInfo> metrics() const override {
    std::vector<MetricInfo> out = {
        {"cycles", "cycles", "total cycles (max over levels, after bandwidth throttling)"},
        {"energy", "pJ", "total energy of all levels"},
        {"energy_per_compute", "pJ/compute", "total energy over computes (the tool's pJ/Compute)"},
        {"utilization", "ratio", "computes / (arithmetic instances x cycles)"},
        {"computes", "count", "MACs performed"},
        {"gflops", "GFLOP/s", "(computes + reduction ops) / cycles, at 1 GHz as the tool prints"},
        {"accesses.<level>.<dataspace>.<reads|fills|updates>", "count", "scalar accesses per instance"},
        {"accesses_total.<level>.<dataspace>.<reads|fills|updates>", "count",
         "scalar accesses over all utilized instances"},
        {"energy.<level>", "pJ", "energy of one level (all instances; leakage included under Timeloop v4)"},
        {"leakage_energy", "pJ", "leakage energy of all levels (Timeloop v4; 0 under v3.0.3)"},
        {"leakage_energy.<level>", "pJ", "leakage energy of one level"},
        {"dynamic_energy", "pJ", "energy of all levels without leakage"},
        {"dynamic_energy.<level>", "pJ", "energy of one level without leakage"},
        {"energy_per_compute.<level>", "pJ/compute", "one level's energy over computes (a row of fJ/Compute)"},
    };
    for (auto& m : timeloop::mapper::search_metric_infos()) out.push_back(std::move(m));
    return out;
  }

  std::vector<Mode> modes() const override { return {Mode::run, Mode::reread}; }

  AdapterDoc doc() const override {
    return {"the native Timeloop-style model (Timeloop v3.0.3 or v4 semantics) on Timeloop's own YAML/JSON inputs, "
            "or a re-read of its stats output",
            "mode run: \"inputs\": the Timeloop files (architecture, problem, mapping, ERT), merged in order like\n"
            "timeloop-model's command line. mode reread: \"artifact\": timeloop-model.stats.txt, "
            "timeloop-mapper.stats.txt\nor timeloop-model.map+stats.xml (\"inputs\" name the data spaces of an XML, and "
            "make a changed input\nmark the artifact stale).",
            R"({
  "id": "toy-gemm-cycles",
  "title": "The 32x32x32 GEMM takes 32768 cycles on one PE",
  "source": {"paper": "Our paper", "where": "Table 1"},
  "tool": "timeloop",
  "inputs": ["toy/arch.yaml", "toy/problem.yaml", "toy/map.yaml", "toy/ERT.yaml"],
  "metric": "cycles",
  "expected": {"value": 32768, "unit": "cycles"}
})"};
  }
  std::vector<OptionInfo> options() const override {
    return {{"engine", OptionType::choice,
             "native (default): claimcheck's model; real: the real timeloop-model on PATH (needs --allow-commands)",
             R"("real")", {"native", "real"}, {}, {}},
            {"semantics", OptionType::choice,
             "which Timeloop's definitions apply (default: v4 for version 0.4 inputs, else v3.0.3)", R"("v4")",
             {"v3.0.3", "v4"}, {}, {}}};
  }
  std::vector<NewSlot> new_slots(Mode mode) const override {
    if (mode == Mode::reread) return {{"STATS", "/artifact", false, false, true}, {"INPUT", "/inputs", true, true, true}};
    return {{"INPUT", "/inputs", true, false, true}};
  }

  void validate(const Claim& claim, Diagnostics& out) const override {
    const auto& file = claim.location.file;
    std::string hint;
    const std::string problem = timeloop::check_metric_name(claim.metric, hint);
    if (!problem.empty()) out.add(file, "/metric", problem, hint);
    if (!claim.options.is_null()) {
      if (!claim.options.is_object()) {
        out.add(file, "/options", "options must be an object");
      } else {
        for (const auto& [key, value] : claim.options.items()) {
          if (key == "semantics") {
            const std::string v = value.is_string() ? value.get<std::string>() : value.dump();
            if (v != "v3.0.3" && v != "v4") {
              out.add(file, "/options/semantics", "unknown semantics \"" + v + "\" (expected \"v3.0.3\" or \"v4\")",
                      timeloop::did_you_mean(v, timeloop::k_semantics));
            }
            continue;
          }
          if (key != "engine") {
            out.add(file, "/options/" + key, "unknown timeloop option \"" + key + "\"",
                    timeloop::did_you_mean(key, timeloop::k_options));
            continue;
          }
          const std::string v = value.is_string() ? value.get<std::string>() : value.dump();
          if (v != "native" && v != "real") {
            out.add(file, "/options/engine", "unknown engine \"" + v + "\" (expected \"native\" or \"real\")",
                    timeloop::did_you_mean(v, timeloop::k_engines));
          }
        }
      }
    }
    if (claim.mode == Mode::run && claim.inputs.empty()) {
      out.add(file, "/inputs", "a timeloop run needs \"inputs\": the Timeloop files (architecture, problem, "
                               "mapping, ERT), merged in order like timeloop-model's command line");
    }
    if (claim.mode == Mode::reread && !claim.artifact) {
      out.add(file, "/artifact", "a timeloop reread needs \"artifact\": timeloop-model.stats.txt, "
                                 "timeloop-mapper.stats.txt or timeloop-model.map+stats.xml");
    }
  }

  Outcome measure(const Job& job) const override {
    const Claim& claim = job.claim;
    std::vector<std::filesystem::path> files;
    for (const auto& in : claim.inputs) files.push_back(job.sandbox.resolve(job.claim_dir, in));
    std::string inputs_key;
    for (const auto& f : files) inputs_key += "\n" + f.string();
    if (claim.mode == Mode::reread) return reread(job, files, inputs_key);
    std::string engine = "native";
    if (claim.options.is_object() && claim.options.contains("engine") && claim.options["engine"].is_string()) {
      engine = claim.options["engine"].get<std::string>();
    }
    timeloop::LoadOptions load;
    std::string semantics_key = "default";
    if (claim.options.is_object() && claim.options.contains("semantics") && claim.options["semantics"].is_string()) {
      semantics_key = claim.options["semantics"].get<std::string>();
      load.semantics = semantics_key == "v4" ? timeloop::Semantics::v4 : timeloop::Semantics::v3_0_3;
    }
    if (timeloop::mapper::is_search_metric(claim.metric)) {
      return *share_run<Outcome>(job, "timeloop/search " + claim.metric + " " + semantics_key + inputs_key, [&] {
        return timeloop::mapper::measure_search(claim.metric, texts_of(job, files), files, load.semantics);
      });
    }
    if (engine == "real") return read_metric(*run_real(job, files, inputs_key), job);
    const auto run = share_run<StatsRun>(job, "timeloop/native " + semantics_key + inputs_key,
                                         [&] { return native_run(texts_of(job, files), load, files); });
    return read_metric(*run, job);
  }

  bool runs_commands(const Claim& claim) const override {
    return claim.mode == Mode::run && claim.options.is_object() && claim.options.value("engine", "") == "real";
  }
  // A search evaluates thousands of mappings.
  double expected_cost(const Claim& claim) const override {
    return timeloop::mapper::is_search_metric(claim.metric) ? 200.0 : 1.0;
  }

 private:
  // One run's statistics, which every claim on the run reads its metric from: an evaluation of
  // the native model, a re-read stats file, or a run of the real tool.
  struct StatsRun {
    std::optional<Blocked> blocked;  // the run gave no statistics: every claim on it is blocked
    ReportedStats stats;
    Measurement base;                // details, files, tool version, warnings, notes; no value yet
  };

  static std::vector<timeloop::InputText> texts_of(const Job& job, const std::vector<std::filesystem::path>& files) {
    std::vector<timeloop::InputText> texts;
    for (const auto& f : files) texts.push_back({job.sandbox.relative(f), *read_input(job, f)});
    return texts;
  }

  static StatsRun native_run(const std::vector<timeloop::InputText>& texts, const timeloop::LoadOptions& load,
                             const std::vector<std::filesystem::path>& files) {
    const timeloop::Spec spec = timeloop::load_spec(texts, load);
    const timeloop::Evaluation ev = timeloop::evaluate(spec);
    StatsRun run;
    if (!ev.unsupported.empty()) {
      run.blocked = Blocked{BlockKind::unsupported, "unsupported by the native Timeloop model: " + ev.unsupported,
                            "use a smaller mapping, or run the real tool (options.engine \"real\") or reread its "
                            "output",
                            files};
      return run;
    }
    if (ev.error) {
      run.blocked = Blocked{BlockKind::invalid_input, "the mapping does not fit: " + ev.error->message(),
                            "fix the mapping (or the architecture) so that every level holds its tiles", files};
      return run;
    }
    run.stats = timeloop::to_reported(*ev.result, spec.arch, spec.semantics);
    run.base = described(run.stats, files,
                         std::string(timeloop::k_native_version) + " (" + timeloop::semantics_name(spec.semantics) +
                             " semantics)");
    run.base.warnings = spec.warnings;
    for (const auto& n : spec.notes) run.base.notes.push_back(n);
    if (ev.result->imperfect) {
      run.base.warnings.push_back("residual factors: cycles (and computes of residual spatial loops) are counted as "
                                  "if every loop were padded, as the real tool does");
    }
    return run;
  }

  // The claim's metric read from a run.
  static Outcome read_metric(const StatsRun& run, const Job& job) {
    if (run.blocked) return *run.blocked;
    std::string why;
    const auto v = timeloop::metric_value(run.stats, job.claim.metric, why);
    if (!v) {
      return Blocked{BlockKind::unsupported, "metric \"" + job.claim.metric + "\" not available: " + why,
                     "use a level and data space named in the Timeloop inputs (data spaces bypassed at a level have "
                     "no accesses there)",
                     run.base.files};
    }
    Measurement m = run.base;
    m.value = v->value;
    m.unit = parse_unit(v->unit).value_or(Unit{v->unit, Dimension::count, 1.0});
    return m;
  }

  // What every measurement of the run shows besides its value: the run's headline figures.
  static Measurement described(const ReportedStats& stats, const std::vector<std::filesystem::path>& files,
                               const std::string& tool_version) {
    Measurement m;
    m.files = files;
    m.tool_version = tool_version;
    auto fmt = [](double x) {
      std::ostringstream s;
      s.precision(12);
      s << x;
      return s.str();
    };
    m.details.push_back({"cycles", std::to_string(stats.cycles)});
    m.details.push_back({"computes", std::to_string(stats.computes)});
    m.details.push_back({"energy (pJ)", fmt(stats.energy())});
    if (stats.v4) m.details.push_back({"leakage energy (pJ)", fmt(stats.leakage_energy())});
    m.details.push_back({"utilization", fmt(stats.utilization())});
    for (const auto& l : stats.levels) {
      m.details.push_back({"energy." + l.name + " (pJ)", fmt(l.energy)});
      for (const auto& d : l.data_spaces) {
        m.details.push_back({l.name + "." + d.name + " reads/fills/updates per instance",
                             std::to_string(d.reads) + " / " + std::to_string(d.fills) + " / " +
                                 std::to_string(d.updates)});
      }
    }
    return m;
  }

  static Outcome reread(const Job& job, std::vector<std::filesystem::path> files, const std::string& inputs_key) {
    const auto path = job.sandbox.resolve(job.claim_dir, *job.claim.artifact);
    const auto run = share_run<StatsRun>(job, "timeloop/reread " + path.string() + inputs_key, [&] {
      const std::vector<timeloop::InputText> texts = texts_of(job, files);
      files.push_back(path);
      const std::string rel = job.sandbox.relative(path);
      const auto content = read_input(job, path);
      StatsRun parsed;
      if (path.extension() == ".xml") {
        std::vector<std::string> names = {"Weights", "Inputs", "Outputs"};
        if (!texts.empty()) {
          const timeloop::Spec spec = timeloop::load_spec(texts);
          names.clear();
          for (const auto& d : spec.problem.shape.data_spaces) names.push_back(d.name);
        }
        parsed.stats = timeloop::parse_stats_xml(rel, *content, names);
      } else {
        parsed.stats = timeloop::parse_stats_text(rel, *content);
      }
      parsed.base = described(parsed.stats, files,
                           std::string(parsed.stats.v4 ? "Timeloop v4" : "timeloop") + " (re-read of " +
                               path.filename().string() + ")");
      return parsed;
    });
    Outcome o = read_metric(*run, job);
    if (auto* m = std::get_if<Measurement>(&o); m && path.extension() != ".xml") {
      const auto& metric = job.claim.metric;
      const bool printed_per_compute =
          metric.rfind("energy_per_compute", 0) == 0 && m->unit.symbol == "fJ/compute";
      if (printed_per_compute) {
        m->notes.push_back("the stats text prints energy per compute in fJ to two decimals; this is that figure");
      } else if (metric.find("energy") != std::string::npos) {
        m->warnings.push_back("energies re-read from a stats text are rounded to 0.01 pJ per level and data space; "
                              "the map+stats.xml has full precision");
      }
    }
    return o;
  }

  static std::shared_ptr<const StatsRun> run_real(const Job& job, const std::vector<std::filesystem::path>& files,
                                                  const std::string& inputs_key) {
    auto blocked = [&](BlockKind kind, std::string reason, std::string unblock) {
      return std::make_shared<const StatsRun>(StatsRun{Blocked{kind, std::move(reason), std::move(unblock), files}, {}, {}});
    };
    if (!job.policy.allow_commands) {
      return blocked(BlockKind::command_not_allowed,
                     "options.engine = \"real\" runs timeloop-model, which needs --allow-commands",
                     "re-run the audit with --allow-commands, or use the native engine");
    }
    const auto program = find_on_path("timeloop-model");
    if (!program) {
      return blocked(BlockKind::tool_missing, "timeloop-model is not on PATH (nor named by CLAIMCHECK_TIMELOOP_MODEL)",
                     "install Timeloop v3.0.3 (NVlabs/timeloop) and put timeloop-model on PATH, or use the native "
                     "engine");
    }
    return share_run<StatsRun>(job, "timeloop/real " + program->string() + inputs_key, [&] {
      std::random_device rd;
      const auto dir = std::filesystem::temp_directory_path() /
                       ("claimcheck-timeloop-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
      std::filesystem::create_directories(dir);
      struct Cleanup {
        std::filesystem::path p;
        ~Cleanup() {
          std::error_code ec;
          std::filesystem::remove_all(p, ec);
        }
      } cleanup{dir};
      std::vector<std::string> args;
      for (const auto& f : files) args.push_back(f.string());
      StatsRun run;
      const auto status = run_in(dir, *program, args, job.policy.timeout);
      if (!status) {
        run.blocked = Blocked{BlockKind::timeout, "timeloop-model did not finish within the per-claim timeout",
                              "raise the timeout, or use the native engine", files};
        return run;
      }
      if (*status != 0) {
        std::string err = read_text(dir / "stderr.txt");
        if (err.size() > 2000) err = err.substr(0, 2000) + "...";
        run.blocked = Blocked{BlockKind::invalid_input,
                              "timeloop-model exited with status " + std::to_string(*status) + ": " + err,
                              "fix the inputs so that the real tool accepts them", files};
        return run;
      }
      const auto stats_path = dir / "timeloop-model.stats.txt";
      if (!std::filesystem::exists(stats_path)) {
        run.blocked = Blocked{BlockKind::adapter_error, "timeloop-model wrote no timeloop-model.stats.txt",
                              "check the Timeloop installation (v3.0.3 layout expected)", files};
        return run;
      }
      run.stats = timeloop::parse_stats_text("timeloop-model.stats.txt", read_text(stats_path));
      run.base = described(run.stats, files, "timeloop-model (" + program->string() + ")");
      return run;
    });
  }
};

}  // namespace

std::unique_ptr<Adapter> make_timeloop_adapter() { return std::make_unique<TimeloopAdapter>(); }

}  // namespace claimcheck
