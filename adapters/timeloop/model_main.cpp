#include "adapters/timeloop/model_main.hpp"

#include <ostream>

#include "adapters/timeloop/inputs.hpp"
#include "adapters/timeloop/model.hpp"
#include "adapters/timeloop/report.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::timeloop {
namespace {

constexpr const char* k_usage =
    "usage: claimcheck model timeloop FILE... [--format summary|json|stats] [--semantics v3.0.3|v4]\n"
    "  Evaluates a Timeloop mapping with claimcheck's native model. FILEs are Timeloop inputs\n"
    "  (architecture, problem, mapping, optional ERT; YAML or JSON); their root maps are merged in order.\n"
    "  Accepted: Timeloop's tree format (v0.2-0.4), the v4 front end's parsed-processed-input.yaml, and\n"
    "  the v4 front end's own files (architecture `nodes`, variables, expressions, constraints).\n"
    "  A mapping as Timeloop printed it (a file ending in .map.txt) is read back as the mapping.\n"
    "  v4 attribute expressions: numbers, quoted strings, names (variables, container and own\n"
    "  attributes), + - * / // % **, comparisons, and/or/not, `a if c else b`, and the functions\n"
    "  ceil floor log log2 log10 sqrt exp pow abs min max round int float. Jinja2 templates and\n"
    "  sparse (Sparseloop) inputs are refused.\n"
    "  --semantics       whose definitions to follow; default from the architecture's version\n"
    "                    (0.4: Timeloop v4, with leakage energy; otherwise v3.0.3)\n"
    "  --format summary  headline figures and per-level accesses (default)\n"
    "  --format json     every level and data space, machine-readable\n"
    "  --format stats    a stats text laid out like timeloop-model.stats.txt\n";

}  // namespace

int model_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string format = "summary";
  LoadOptions load;
  std::vector<std::string> files;
  bool only_files = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (only_files) {
      files.push_back(a);
      continue;
    }
    if (a == "--") {
      only_files = true;
      continue;
    }
    if (a == "-h" || a == "--help") {
      out << k_usage;
      return 0;
    }
    if (a == "--format" || a.rfind("--format=", 0) == 0) {
      if (a == "--format") {
        if (i + 1 >= args.size()) {
          err << "claimcheck: error: --format needs a value (summary, json or stats)\n";
          return 2;
        }
        format = args[++i];
      } else {
        format = a.substr(9);
      }
      if (format != "summary" && format != "json" && format != "stats") {
        const std::string best = closest_match(format, {"summary", "json", "stats"});
        err << "claimcheck: error: unknown format \"" << format << "\"";
        if (!best.empty()) err << ", did you mean \"" << best << "\"?";
        err << "\n";
        return 2;
      }
      continue;
    }
    if (a == "--semantics" || a.rfind("--semantics=", 0) == 0) {
      std::string v;
      if (a == "--semantics") {
        if (i + 1 >= args.size()) {
          err << "claimcheck: error: --semantics needs a value (v3.0.3 or v4)\n";
          return 2;
        }
        v = args[++i];
      } else {
        v = a.substr(12);
      }
      if (v != "v3.0.3" && v != "v4") {
        const std::string best = closest_match(v, {"v3.0.3", "v4"});
        err << "claimcheck: error: unknown semantics \"" << v << "\" (expected v3.0.3 or v4)";
        if (!best.empty()) err << ", did you mean \"" << best << "\"?";
        err << "\n";
        return 2;
      }
      load.semantics = v == "v4" ? Semantics::v4 : Semantics::v3_0_3;
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
    const Spec spec = load_spec_files(files, load);
    const Evaluation ev = evaluate(spec);
    if (!ev.unsupported.empty()) {
      err << "claimcheck: error: unsupported: " << ev.unsupported << "\n";
      return 2;
    }
    if (ev.error) {
      err << "claimcheck: error: " << ev.error->message() << "\n";
      return 1;
    }
    if (format == "json") {
      out << result_to_json(spec, *ev.result).dump(2) << "\n";
    } else if (format == "stats") {
      out << format_stats(spec, *ev.result);
    } else {
      out << format_summary(spec, *ev.result);
    }
    return 0;
  } catch (const InputError& e) {
    for (const auto& d : e.diagnostics().items()) err << format_diagnostic(d);
    return 2;
  }
}

}  // namespace claimcheck::timeloop
