#include "cli/cmd_new.hpp"

#include <cmath>
#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "adapter/adapter_tables.hpp"
#include "adapter/registry.hpp"
#include "cli/adapter_docs.hpp"
#include "cli/claim_checks.hpp"
#include "cli/cli.hpp"
#include "cli/root.hpp"
#include "core/printed_number.hpp"
#include "io/atomic_file.hpp"
#include "io/claim_loader.hpp"
#include "provenance/git.hpp"
#include "report/format.hpp"

namespace claimcheck {
namespace {

namespace fs = std::filesystem;
using ordered = nlohmann::ordered_json;

// Stands for the expected value in the claim's text until the printed literal replaces it (a
// JSON double would lose the trailing zeros that say how precisely the paper prints it).
constexpr const char* k_value_mark = "\"@claimcheck-value@\"";

struct NewArgs {
  std::string tool;
  std::vector<std::string> args;      // positional: into the adapter's slots
  std::string metric;
  std::string id;
  std::string output;
  bool append = false;
  std::string mode;
  std::vector<std::string> options;   // KEY=VALUE
  std::vector<std::string> sets;      // POINTER=VALUE
  std::string json_pointer;
  std::string csv_column;
  std::vector<std::string> csv_where; // COLUMN=VALUE
  std::string aggregate;
  std::string regex;
  std::string occurrence;
  std::string extract_unit;
  std::string unit;
  int digits = 0;                     // 0: integers in full, else 3
  std::string title;
  std::string source_paper;
  std::string source_where;
  std::string paper;
  std::string quote;
  std::string root;
  bool allow_commands = false;
  double timeout_s = 600;
};

[[noreturn]] void fail(std::string message, std::string hint = {}) {
  throw InputError(fs::path(), 0, 0, std::move(message), std::move(hint));
}

// A command-line value as JSON: a JSON literal when it parses as one, else the text itself.
ordered json_value(const std::string& text) {
  ordered value = ordered::parse(text, nullptr, false);
  if (value.is_discarded()) return text;
  return value;
}

std::pair<std::string, std::string> split_assignment(const std::string& text, const char* flag) {
  const auto at = text.find('=');
  if (at == std::string::npos || at == 0) fail(std::string(flag) + " takes NAME=VALUE, not \"" + text + "\"");
  return {text.substr(0, at), text.substr(at + 1)};
}

// A path given on the command line (relative to the current folder), as the claim writes it:
// relative to the claim file, inside the root.
std::string claim_path(const std::string& given, const fs::path& claim_dir, const fs::path& root) {
  const fs::path absolute = fs::weakly_canonical(fs::absolute(given));
  const fs::path inside = absolute.lexically_relative(root);
  if (inside.empty() || *inside.begin() == "..") {
    fail("\"" + given + "\" is outside the repository " + root.string(),
         "a claim reads files inside its repository only; copy the file in, or pass --root");
  }
  return absolute.lexically_relative(fs::weakly_canonical(claim_dir)).generic_string();
}

ordered build_claim(const NewArgs& a, const Adapter& adapter, Mode mode, const std::string& unit,
                    const fs::path& claim_dir, const fs::path& root) {
  ordered claim;
  claim["id"] = a.id;
  claim["title"] = a.title.empty() ? "TODO: one line saying what the paper claims" : a.title;
  ordered source;
  source["paper"] = a.source_paper.empty() ? "TODO: the paper (title, venue)" : a.source_paper;
  if (!a.source_where.empty() || a.paper.empty()) {
    source["where"] = a.source_where.empty() ? "TODO: where the paper says it (Table 3, Fig. 9, Section 5.2)"
                                             : a.source_where;
  }
  if (!a.paper.empty()) source["file"] = claim_path(a.paper, claim_dir, root);
  if (!a.quote.empty() || !a.paper.empty()) {
    source["quote"] = a.quote.empty() ? "TODO: the words around the number, as the paper prints them" : a.quote;
  }
  claim["source"] = source;
  claim["tool"] = adapter.name();
  if (mode != Mode::run) claim["mode"] = "reread";

  // Positional arguments fill the adapter's slots in order.
  std::size_t next = 0;
  for (const NewSlot& slot : adapter.new_slots(mode)) {
    const auto value_of = [&](const std::string& arg) {
      return slot.path ? ordered(claim_path(arg, claim_dir, root)) : ordered(arg);
    };
    ordered value;
    if (slot.many) {
      value = ordered::array();
      for (; next < a.args.size(); ++next) value.push_back(value_of(a.args[next]));
      if (value.empty() && slot.optional) continue;
    } else if (next < a.args.size()) {
      value = value_of(a.args[next++]);
    } else if (slot.optional) {
      continue;
    }
    if (value.is_null() || value.empty()) {
      fail("missing " + slot.name + (slot.many ? "..." : ""), "usage: " + new_usage(adapter, mode));
    }
    claim[ordered::json_pointer(slot.pointer)] = value;
  }
  if (next < a.args.size()) {
    fail("unexpected argument \"" + a.args[next] + "\"", "usage: " + new_usage(adapter, mode));
  }
  for (const auto& set : a.sets) {
    const auto [pointer, value] = split_assignment(set, "--set");
    try {
      claim[ordered::json_pointer(pointer)] = json_value(value);
    } catch (const nlohmann::json::exception&) {
      fail("--set: \"" + pointer + "\" is not a JSON pointer", "e.g. --set /hardware/spec='{\"gpu\": \"A100-SXM4-80GB\"}'");
    }
  }
  if (!a.json_pointer.empty() || !a.csv_column.empty() || !a.regex.empty()) {
    ordered extract;
    if (!a.json_pointer.empty()) extract["json_pointer"] = a.json_pointer;
    if (!a.csv_column.empty()) extract["csv_column"] = a.csv_column;
    for (const auto& where : a.csv_where) {
      const auto [column, value] = split_assignment(where, "--csv-where");
      extract["where"][column] = value;
    }
    if (!a.aggregate.empty()) extract["aggregate"] = a.aggregate;
    if (!a.regex.empty()) extract["regex"] = a.regex;
    if (!a.occurrence.empty()) extract["occurrence"] = json_value(a.occurrence);
    if (!a.extract_unit.empty()) extract["unit"] = a.extract_unit;
    claim["extract"] = extract;
  }
  claim["metric"] = a.metric;
  for (const auto& option : a.options) {
    const auto [key, value] = split_assignment(option, "--option");
    claim["options"][key] = json_value(value);
  }
  claim["expected"] = ordered{{"value", 0}, {"unit", unit}};
  return claim;
}

// Diagnostics about the claim being made: it has no file yet, so they name the field alone.
[[noreturn]] void fail_claim(Diagnostics diagnostics) {
  for (auto& d : diagnostics.items()) {
    d.file = "new claim";
    d.line = 0;
    d.column = 0;
    d.source_line.clear();
    if (d.pointer.empty()) d.pointer = "/";
  }
  throw InputError(std::move(diagnostics));
}

// The claim of `text` (one claim), checked as lint would; its problems end the command.
Claim lint_one(const std::string& text, const fs::path& file, const Sandbox& sandbox, const GitRepository& git,
               const RunPolicy& policy) {
  LoadResult loaded = parse_claim_text(text, file);
  if (!loaded.diagnostics.empty()) fail_claim(std::move(loaded.diagnostics));
  Claim claim = loaded.claims.front();
  Diagnostics problems;
  validate_with_adapter(claim, problems);
  if (!problems.empty()) fail_claim(std::move(problems));
  FileFindings files = check_claim_files({claim}, sandbox, git, policy);
  files.errors.append(files.fetched);  // a claim made from a missing file cannot be measured
  if (!files.errors.empty()) fail_claim(std::move(files.errors));
  return claim;
}

std::string indent(const std::string& text, const std::string& pad) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) out += pad + line + "\n";
  return out;
}

// The text of `existing` (a claim file: one claim or an array) with `claim` (a JSON object's
// text) added as its last claim. The existing claims' text is kept as it is.
std::string appended(const std::string& existing, const std::string& claim) {
  const auto first = existing.find_first_not_of(" \t\r\n");
  const auto last = existing.find_last_not_of(" \t\r\n");
  if (first == std::string::npos) return "[\n" + indent(claim, "  ") + "]\n";
  std::string body = indent(claim, "  ");
  body.pop_back();  // the newline: the closing bracket follows
  if (existing[first] == '[' && existing[last] == ']') {
    const auto before = existing.find_last_not_of(" \t\r\n", last - 1);
    const bool empty = existing[before] == '[';
    return existing.substr(0, before + 1) + (empty ? "\n" : ",\n") + body + "\n" + existing.substr(last);
  }
  std::string old = indent(existing.substr(first, last - first + 1), "  ");
  old.pop_back();
  return "[\n" + old + ",\n" + body + "\n]\n";
}

int run_new(const NewArgs& a, std::ostream& out, std::ostream& err) {
  const Adapter* adapter = find_adapter(a.tool);
  if (!adapter) fail("no adapter named \"" + a.tool + "\"", adapter_hint(a.tool));
  const auto modes = adapter->modes();
  Mode mode = modes.front();
  if (!a.mode.empty()) {
    if (a.mode != "run" && a.mode != "reread") fail("--mode must be run or reread, not \"" + a.mode + "\"");
    mode = a.mode == "run" ? Mode::run : Mode::reread;
    if (std::find(modes.begin(), modes.end(), mode) == modes.end()) {
      fail("the " + adapter->name() + " adapter has no mode \"" + a.mode + "\"");
    }
  }

  // The claim's file decides where its paths are relative to (the current folder for stdout).
  const fs::path claim_file = a.output.empty() ? fs::path(a.id + std::string(k_claim_suffix)) : fs::path(a.output);
  const fs::path claim_dir = fs::absolute(claim_file).parent_path();
  std::error_code ec;
  // The claim's folder must exist for paths through it to resolve; folders made here and left
  // empty (the claim was not written) are removed again.
  struct MadeFolders {
    fs::path deepest;
    fs::path top;  // the first folder that did not exist
    ~MadeFolders() {
      std::error_code ignored;
      for (fs::path p = deepest; !top.empty() && !p.empty(); p = p.parent_path()) {
        if (!fs::is_empty(p, ignored) || !fs::remove(p, ignored) || p == top) break;
      }
    }
  } made;
  if (!a.output.empty() && !fs::exists(claim_dir, ec)) {
    fs::path top = claim_dir;
    while (!fs::exists(top.parent_path(), ec)) top = top.parent_path();
    fs::create_directories(claim_dir, ec);
    made.deepest = claim_dir;
    made.top = top;
  }
  const Root root = find_root(a.root, {claim_dir.string()});
  if (!root.note.empty()) err << root.note << "\n";
  const bool exists = fs::exists(claim_file, ec);
  if (exists && !a.append) {
    fail(claim_file.string() + " exists; claimcheck never rewrites a claim file unasked",
         "pass --append to add the claim to it, or choose another -o FILE");
  }

  std::string unit = a.unit;
  if (unit.empty()) {
    const std::vector<MetricInfo> metrics = adapter->metrics();
    const MetricInfo* info = find_metric_info(metrics, a.metric);
    if (info && parse_unit(info->unit)) unit = info->unit;
    if (!info) unit = "count";  // stands in until the check below names the unknown metric
    if (unit.empty()) unit = a.extract_unit;
    if (unit.empty()) {
      fail("--unit: the " + adapter->name() + " adapter cannot know the unit of \"" + a.metric + "\"",
           "say the unit the paper uses, e.g. --unit ms");
    }
  }
  const auto target = parse_unit(unit);
  if (!target) {
    const auto close = closest_match(unit, known_unit_symbols());
    fail("unknown unit \"" + unit + "\"", close.empty() ? std::string() : "did you mean \"" + close + "\"?");
  }

  const Sandbox sandbox(root.path);
  const GitRepository git(root.path);
  RunPolicy policy;
  policy.allow_commands = a.allow_commands;
  policy.timeout = std::chrono::milliseconds(static_cast<long long>(a.timeout_s * 1000));

  // Check the claim as lint would, then measure it once.
  const ordered draft = build_claim(a, *adapter, mode, unit, claim_dir, root.path);
  const Claim claim = lint_one(draft.dump(2), claim_file, sandbox, git, policy);
  const Job job{claim, sandbox, claim_dir, policy};
  const Outcome outcome = measure_safely(*adapter, job);
  if (const auto* blocked = std::get_if<Blocked>(&outcome)) {
    fail("cannot measure the claim (" + std::string(block_kind_name(blocked->kind)) + "): " + blocked->reason,
         blocked->unblock);
  }
  const auto& m = std::get<Measurement>(outcome);
  const auto value = convert(m.value, m.unit, *target);
  if (!value || !std::isfinite(*value)) {
    fail("the " + adapter->name() + " adapter measured " + std::string(dimension_name(m.unit.dimension)) + " (" +
             m.unit.symbol + "), which is not in " + unit,
         "use a unit of " + std::string(dimension_name(m.unit.dimension)) + ", e.g. --unit " + m.unit.symbol);
  }

  // The value as the paper would print it, and a tolerance of half its last digit.
  const bool whole = *value == std::floor(*value) && std::fabs(*value) < 1e15;
  const PrintedNumber printed = print_significant(*value, a.digits > 0 ? a.digits : (whole ? 0 : 3));
  ordered claim_json = draft;
  claim_json["expected"]["value"] = "@claimcheck-value@";
  if (!printed.exact) claim_json["tolerance"] = ordered{{"absolute", resolution(printed.decimals) / 2}};
  std::string text = claim_json.dump(2);
  text.replace(text.find(k_value_mark), std::string(k_value_mark).size(), printed.text);
  text += "\n";
  lint_one(text, claim_file, sandbox, git, policy);  // what is written lints, by construction

  for (const auto& w : m.warnings) err << "claimcheck: warning: " << w << "\n";
  const std::string shown = format_quantity(*value, unit);
  const std::string expected = printed.text + (unit == "count" ? "" : " " + unit) +
                               (printed.exact ? "" : " \u00b1" + format_quantity(resolution(printed.decimals) / 2, unit));
  if (a.output.empty()) {
    out << text;
    err << "claimcheck: measured " << shown << "; the claim expects " << expected << "\n";
    return k_exit_ok;
  }
  std::string written = text;
  if (exists) {
    std::ifstream in(claim_file, std::ios::binary);
    std::ostringstream current;
    current << in.rdbuf();
    // Only a claim file that parses is added to; its claims' ids stay unique.
    const LoadResult before = parse_claim_text(current.str(), claim_file);
    if (!before.diagnostics.empty()) throw InputError(before.diagnostics);
    for (const auto& c : before.claims) {
      if (c.id == a.id) fail(claim_file.string() + " already has a claim \"" + a.id + "\"", "choose another --id");
    }
    written = appended(current.str(), text);
    const LoadResult after = parse_claim_text(written, claim_file);
    if (!after.diagnostics.empty() || after.claims.size() != before.claims.size() + 1) {
      throw std::logic_error("appending to " + claim_file.string() + " did not give one more claim");
    }
  }
  write_file_atomically(claim_file, written);
  err << "claimcheck: measured " << shown << "; " << (exists ? "added" : "wrote") << " claim \"" << a.id << "\" to "
      << claim_file.string() << ", expecting " << expected << "\n";
  if (text.find("\"TODO") != std::string::npos) {
    err << "claimcheck: fill in its TODO fields (what the paper says, and where), then: claimcheck lint "
        << claim_file.string() << "\n";
  }
  return k_exit_ok;
}

}  // namespace

ExtraCommand make_new_command(CLI::App& app) {
  auto a = std::make_shared<NewArgs>();
  CLI::App* cmd = app.add_subcommand(
      "new", "scaffold a claim from one run: measure it once and write a claim that lint accepts and audit verifies "
             "(`claimcheck adapters TOOL` shows each tool's ARGS)");
  cmd->add_option("tool", a->tool, "the adapter (claimcheck adapters)")->required();
  cmd->add_option("args", a->args, "the run's files, in the adapter's order (after -- for a command's argv)");
  cmd->add_option("--metric", a->metric, "the metric the claim is about")->required();
  cmd->add_option("--id", a->id, "the claim's id (letters, digits, '.', '_', '-')")->required();
  cmd->add_option("-o,--output", a->output, "the claim file to write (default: stdout); never rewritten unasked");
  cmd->add_flag("--append", a->append, "add the claim to -o FILE when it exists");
  cmd->add_option("--mode", a->mode, "run or reread (default: the adapter's first mode)");
  cmd->add_option("--option", a->options, "KEY=VALUE for \"options\" (VALUE as JSON when it parses; repeatable)");
  cmd->add_option("--set", a->sets, "POINTER=VALUE sets any field, e.g. /hardware/spec='{\"gpu\": \"A100-SXM4-80GB\"}'");
  cmd->add_option("--json-pointer", a->json_pointer, "extract: the value at this JSON pointer");
  cmd->add_option("--csv-column", a->csv_column, "extract: the value in this CSV column");
  cmd->add_option("--csv-where", a->csv_where, "extract: COLUMN=VALUE selects the CSV row (repeatable)");
  cmd->add_option("--aggregate", a->aggregate, "extract: mean, sum, min, max, median or pNN of the matching rows");
  cmd->add_option("--regex", a->regex, "extract: a regex with one capture group");
  cmd->add_option("--occurrence", a->occurrence, "extract: which regex match (0 = first, or last)");
  cmd->add_option("--extract-unit", a->extract_unit, "extract: the unit the file holds the value in");
  cmd->add_option("--unit", a->unit, "the unit the paper prints the value in (default: the metric's)");
  cmd->add_option("--digits", a->digits, "significant digits of the expected value (default: integers in full, else 3)")
      ->check(CLI::Range(1, 17));
  cmd->add_option("--title", a->title, "the claim's title (default: a TODO)");
  cmd->add_option("--source-paper", a->source_paper, "source.paper: the paper's title and venue (default: a TODO)");
  cmd->add_option("--source-where", a->source_where, "source.where: Table 3, Fig. 9, ... (default: a TODO)");
  cmd->add_option("--paper", a->paper, "source.file: the paper's LaTeX or Markdown file the number is in");
  cmd->add_option("--quote", a->quote, "source.quote: the words around the number as the paper prints them");
  cmd->add_option("--root", a->root, "repository root (default: the git work tree of the claim file)");
  cmd->add_flag("--allow-commands", a->allow_commands, "let the claim run programs (command adapter, real tools)");
  cmd->add_option("--timeout", a->timeout_s, "seconds the run may take (default 600)")->check(CLI::PositiveNumber);
  return ExtraCommand{cmd, [a](std::ostream& out, std::ostream& err) { return run_new(*a, out, err); }};
}

}  // namespace claimcheck
