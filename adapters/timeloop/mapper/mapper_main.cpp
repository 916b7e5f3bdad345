#include "adapters/timeloop/mapper/mapper_main.hpp"

#include <cstdio>
#include <ostream>
#include <stdexcept>

#include "adapters/timeloop/mapper/mapping_writer.hpp"
#include "adapters/timeloop/report.hpp"
#include "core/diagnostics.hpp"
#include "io/atomic_file.hpp"

namespace claimcheck::timeloop::mapper {
namespace {

constexpr const char* k_usage =
    "usage: claimcheck model timeloop-mapper FILE... [--format summary|json] [--threads N] [--mapping-out FILE]\n"
    "  Searches the mapspace of Timeloop inputs (architecture, problem, constraints, mapper settings,\n"
    "  optional ERT; the files timeloop-mapper takes, root maps merged in order) with the native model.\n"
    "  The result does not depend on the thread count.\n"
    "  --format summary   mapspace sizes, counts, best mapping and its figures (default)\n"
    "  --format json      the same, machine-readable, with the best mapping as YAML text\n"
    "  --threads N        evaluation threads (default: the settings' num-threads)\n"
    "  --mapping-out FILE also write the best mapping as a mapping YAML file\n";

nlohmann::json big(Uint128 v) {
  if (v <= static_cast<Uint128>(UINT64_MAX)) return static_cast<std::uint64_t>(v);
  return to_string(v);
}

std::string sig(double v, int digits = 6) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

nlohmann::json figures(const Result& r) {
  return {{"cycles", r.cycles},
          {"energy_pJ", r.energy},
          {"edp_j_cycles", edp_j_cycles(r)},
          {"utilization", r.utilization}};
}

}  // namespace

double edp_j_cycles(const Result& r) { return r.energy * 1e-12 * static_cast<double>(r.cycles); }

nlohmann::json search_to_json(const MapperInputs& in, const Mapspace& space, const SearchResult& r) {
  nlohmann::json j;
  const auto& s = in.settings;
  nlohmann::json metrics = nlohmann::json::array();
  for (auto m : s.metrics) metrics.push_back(metric_name(m));
  j["settings"] = {{"algorithm", algorithm_name(s.algorithm)},
                   {"optimization_metrics", metrics},
                   {"search_size", s.search_size},
                   {"victory_condition", s.victory_condition},
                   {"timeout", s.timeout},
                   {"max_permutations_per_if_visit", s.max_permutations_per_if_visit},
                   {"seed", s.seed}};
  nlohmann::json options = nlohmann::json::object();
  for (std::size_t d = 0; d < space.factor_options().size(); ++d) {
    options[in.base.problem.shape.dimensions[d]] = space.factor_options()[d];
  }
  const auto& z = space.sizes();
  j["mapspace"] = {{"IndexFactorization", big(z.index_factorization)},
                   {"LoopPermutation", big(z.loop_permutation)},
                   {"Spatial", big(z.spatial)},
                   {"DatatypeBypass", big(z.datatype_bypass)},
                   {"product", big(z.product())},
                   {"factorization_options", options}};
  const auto& st = r.stats;
  j["search"] = {{"tried", st.tried},
                 {"valid", st.valid},
                 {"construction_failures", st.construction_failures},
                 {"capacity_failures", st.capacity_failures},
                 {"evaluations", st.evaluations},
                 {"analyses", st.analyses},
                 {"factorizations_visited", st.factorizations_visited},
                 {"factorizations_pruned", st.factorizations_pruned},
                 {"improvements", st.improvements.size()},
                 {"proved_optimal", st.proved_optimal},
                 {"termination", st.termination}};
  const Metric first = s.metrics.front();
  j["lower_bound"] = {{"metric", metric_name(first)},
                      {"value", first == Metric::edp ? r.lower_bound * 1e-12 : r.lower_bound},
                      {"unit", first == Metric::edp ? "J*cycles" : first == Metric::energy ? "pJ" : first == Metric::delay ? "cycles" : "words"},
                      {"energy_pJ", r.bounds.energy_pj},
                      {"cycles", r.bounds.min_cycles}};
  if (r.best) {
    nlohmann::json b = figures(r.best->result);
    b["mapping_yaml"] = mapping_yaml(in.base.arch, in.base.problem, r.best->mapping);
    b["found_at"] = {{"tried", st.improvements.back().tried}, {"valid", st.improvements.back().valid}};
    Spec spec = in.base;
    spec.mapping = r.best->mapping;
    b["model"] = result_to_json(spec, r.best->result);
    j["best"] = b;
    const double v = metric_value(first, r.best->result);
    j["lower_bound"]["gap"] = r.lower_bound > 0 ? nlohmann::json(v / r.lower_bound - 1.0) : nlohmann::json();
  } else {
    j["best"] = nullptr;
  }
  if (in.given) {
    Spec spec = in.base;
    spec.mapping = *in.given;
    const Evaluation ev = evaluate(spec);
    if (ev.result) {
      nlohmann::json g = figures(*ev.result);
      if (r.best) {
        const double best = metric_value(first, r.best->result);
        g["above_best"] = best > 0 ? metric_value(first, *ev.result) / best - 1.0 : 0.0;
      }
      j["given_mapping"] = g;
    } else {
      j["given_mapping"] = {{"error", ev.error ? ev.error->message() : ev.unsupported}};
    }
  }
  return j;
}

int mapper_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string format = "summary";
  std::vector<std::string> files;
  std::optional<unsigned> threads;
  std::string mapping_out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* what) -> std::optional<std::string> {
      if (i + 1 >= args.size()) {
        err << "claimcheck: error: " << a << " needs " << what << "\n";
        return std::nullopt;
      }
      return args[++i];
    };
    if (a == "-h" || a == "--help") {
      out << k_usage;
      return 0;
    }
    if (a == "--format") {
      auto v = value("a value (summary or json)");
      if (!v) return 2;
      format = *v;
      if (format != "summary" && format != "json") {
        err << "claimcheck: error: unknown format \"" << format << "\"";
        const std::string best = closest_match(format, {"summary", "json"});
        if (!best.empty()) err << ", did you mean \"" << best << "\"?";
        err << "\n";
        return 2;
      }
      continue;
    }
    if (a == "--threads") {
      auto v = value("a thread count");
      if (!v) return 2;
      try {
        const unsigned long n = std::stoul(*v);
        if (n < 1 || n > 256) throw std::out_of_range("threads");
        threads = static_cast<unsigned>(n);
      } catch (const std::exception&) {
        err << "claimcheck: error: --threads expects a number from 1 to 256, not \"" << *v << "\"\n";
        return 2;
      }
      continue;
    }
    if (a == "--mapping-out") {
      auto v = value("a file name");
      if (!v) return 2;
      mapping_out = *v;
      continue;
    }
    if (!a.empty() && a[0] == '-') {
      err << "claimcheck: error: unknown option \"" << a << "\"\n" << k_usage;
      return 2;
    }
    files.push_back(a);
  }
  if (files.empty()) {
    err << "claimcheck: error: no input files\n" << k_usage;
    return 2;
  }
  try {
    MapperInputs in = load_mapper_input_files(files);
    if (threads) in.settings.num_threads = *threads;
    std::optional<Mapspace> space;
    try {
      space.emplace(in.base.arch, in.base.problem, in.constraints);
    } catch (const std::invalid_argument& e) {
      err << "claimcheck: error: " << files.front() << ": constraints: " << e.what() << "\n";
      return 2;
    }
    const SearchResult r = run_search(in.base, *space, in.settings);
    for (const auto& w : in.warnings) err << "claimcheck: warning: " << w << "\n";
    if (!mapping_out.empty() && r.best) {
      try {
        write_file_atomically(mapping_out, mapping_yaml(in.base.arch, in.base.problem, r.best->mapping));
      } catch (const std::runtime_error& e) {
        err << "claimcheck: error: " << e.what() << "\n";
        return 2;
      }
    }
    const nlohmann::json j = search_to_json(in, *space, r);
    if (format == "json") {
      out << j.dump(2) << "\n";
    } else {
      const auto& z = j["mapspace"];
      out << "Mapspace: IndexFactorization " << z["IndexFactorization"].dump() << ", LoopPermutation "
          << z["LoopPermutation"].dump() << ", Spatial " << z["Spatial"].dump() << ", DatatypeBypass "
          << z["DatatypeBypass"].dump() << " (product " << z["product"].dump() << ")\n";
      const auto& s = r.stats;
      out << "Search (" << algorithm_name(in.settings.algorithm) << "): " << s.tried << " tried, " << s.valid
          << " valid; " << s.termination << "\n";
      if (r.best) {
        const Result& b = r.best->result;
        out << "Best: cycles " << b.cycles << ", energy " << sig(b.energy) << " pJ, EDP " << sig(edp_j_cycles(b))
            << " J*cycles, utilization " << sig(b.utilization, 3) << "\n";
        out << "Lower bound (" << metric_name(in.settings.metrics.front()) << "): "
            << sig(j["lower_bound"]["value"].get<double>()) << ", gap " << sig(100.0 * j["lower_bound"]["gap"].get<double>(), 4)
            << "%" << (s.proved_optimal ? " (best proved optimal)" : "") << "\n";
        if (j.contains("given_mapping") && j["given_mapping"].contains("above_best")) {
          out << "Given mapping: " << sig(100.0 * j["given_mapping"]["above_best"].get<double>(), 4)
              << "% above the best\n";
        }
        out << mapping_yaml(in.base.arch, in.base.problem, r.best->mapping);
      } else {
        out << "No valid mapping found.\n";
      }
    }
    return r.best ? 0 : 1;
  } catch (const InputError& e) {
    for (const auto& d : e.diagnostics().items()) err << format_diagnostic(d);
    return 2;
  }
}

}  // namespace claimcheck::timeloop::mapper
