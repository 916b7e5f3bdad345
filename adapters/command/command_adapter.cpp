#include "adapters/command/command_adapter.hpp"

#include <algorithm>
#include <cstdlib>
#include <system_error>

#include "adapters/command/command_spec.hpp"
#include "io/extract.hpp"

namespace claimcheck {
namespace {

namespace fs = std::filesystem;
using command::CommandSpec;

constexpr std::size_t k_stderr_lines = 5;
constexpr std::chrono::milliseconds k_version_timeout{30'000};
constexpr const char* k_default_path = "/usr/local/bin:/usr/bin:/bin";

std::string parent_env(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

std::vector<std::pair<std::string, std::string>> child_environment(const CommandSpec& spec, const std::string& path) {
  std::vector<std::pair<std::string, std::string>> env = {{"PATH", path}, {"LC_ALL", "C"}};
  for (const auto& entry : spec.env) {
    std::string value;
    if (entry.value) {
      value = *entry.value;
    } else {
      const char* inherited = std::getenv(entry.name.c_str());
      if (!inherited) continue;  // passing through an unset variable leaves it unset
      value = inherited;
    }
    auto it = std::find_if(env.begin(), env.end(), [&](const auto& kv) { return kv.first == entry.name; });
    if (it != env.end()) {
      it->second = value;
    } else {
      env.emplace_back(entry.name, value);
    }
  }
  return env;
}

std::string joined_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += (text.empty() ? "" : "\n") + line;
  return text;
}

std::string stderr_excerpt(const ProcessResult& result) {
  auto lines = first_lines(result.err, k_stderr_lines);
  if (lines.empty()) return "stderr was empty";
  return "first lines of stderr:\n" + joined_lines(lines);
}

std::string size_text(std::uintmax_t bytes) { return std::to_string(bytes) + " B"; }

// The state of a file before the command runs, to tell a fresh output from a stale one.
struct FileStamp {
  bool exists = false;
  fs::file_time_type modified{};
  std::uintmax_t size = 0;
};

FileStamp stamp(const fs::path& path) {
  FileStamp s;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return s;
  s.exists = true;
  s.modified = fs::last_write_time(path, ec);
  s.size = fs::file_size(path, ec);
  return s;
}

class CommandAdapter final : public Adapter {
 public:
  explicit CommandAdapter(const ProcessRunner& runner) : m_runner(runner) {}

  std::string name() const override { return "command"; }
  std::string version() const override { return "1"; }
  std::vector<MetricInfo> metrics() const override {
    return {{"*", "any", "any number the command prints or writes; the metric name is free text describing it"}};
  }
  std::vector<Mode> modes() const override { return {Mode::run}; }
  AdapterDoc doc() const override {
    return {"a program run as an argv (never a shell), only with --allow-commands, with a timeout that kills its "
            "process group; the value is extracted from its output",
            "\"options\": the program and how to run it (below); \"extract\": how to pick the value out of its "
            "stdout, or of\n\"output_file\" (the artifact adapter's forms); \"inputs\": files the result depends on "
            "(scripts, data),\nrecorded as evidence. \"cache\": true lets the result cache reuse the result while argv, "
            "options and every\nfile named (inputs, the script, the output file) are unchanged; without it the "
            "command runs on every audit.",
            R"({
  "id": "gemm-bound-script",
  "title": "A script agrees: a 4096^3 fp16 GEMM on A100 takes at least 440.5 us",
  "source": {"paper": "Our paper", "where": "Section 4"},
  "tool": "command",
  "metric": "min_latency",
  "inputs": ["scripts/gemm_bound.py"],
  "options": {"argv": ["python3", "scripts/gemm_bound.py", "4096"], "version_argv": ["python3", "--version"]},
  "extract": {"json_pointer": "/min_latency_us"},
  "expected": {"value": 440.51, "unit": "us"},
  "tolerance": {"absolute": 0.01}
})"};
  }
  std::vector<OptionInfo> options() const override {
    return {
        {"argv", OptionType::string_list, "the program, then its arguments (required); never run by a shell",
         R"(["python3", "scripts/measure.py", "--batch", "8"])", {}, {}, {}},
        {"cwd", OptionType::path, "working directory, relative to the claim file (default: its folder)", R"("..")", {},
         {}, {}},
        {"env", OptionType::object,
         "NAME: \"value\" sets a variable, NAME: true passes the auditor's own; nothing else is inherited but PATH",
         R"({"OMP_NUM_THREADS": "1"})", {}, {}, {}},
        {"output_file", OptionType::path,
         "read the value from this file (relative to the claim file) after the program exits, not from stdout",
         R"("out/result.json")", {}, {}, {}},
        {"version_argv", OptionType::string_list, "run once to record the program's version", R"(["python3", "--version"])",
         {}, {}, {}},
    };
  }
  std::vector<ClaimPath> paths(const Claim& claim) const override {
    std::vector<ClaimPath> out;
    for (std::size_t i = 0; i < claim.inputs.size(); ++i) {
      out.push_back({"/inputs/" + std::to_string(i), claim.inputs[i], ClaimPath::Kind::file, {}});
    }
    if (claim.options.is_object()) {
      const auto& o = claim.options;
      if (o.contains("cwd") && o.at("cwd").is_string()) {
        out.push_back({"/options/cwd", o.at("cwd").get<std::string>(), ClaimPath::Kind::directory, {}});
      }
      if (o.contains("output_file") && o.at("output_file").is_string()) {
        out.push_back({"/options/output_file", o.at("output_file").get<std::string>(), ClaimPath::Kind::output, {}});
      }
    }
    return out;
  }
  std::vector<NewSlot> new_slots(Mode) const override { return {{"ARGV", "/options/argv", true, false, false}}; }
  bool runs_commands(const Claim&) const override { return true; }

  void validate(const Claim& claim, Diagnostics& out) const override {
    if (claim.mode != Mode::run) {
      out.add({}, "/mode", "the command adapter runs a program: mode must be \"run\"",
              "to re-read a file a tool already wrote, use the \"artifact\" adapter");
    }
    if (claim.extract.kind == Extract::Kind::none) {
      out.add({}, "", "the command adapter needs \"extract\" to pick the value out of the output",
              "add \"extract\": {\"json_pointer\": ...} or {\"csv_column\": ...} or {\"regex\": ...}");
    }
    command::parse_command_spec(claim.options, out);
  }

  Outcome measure(const Job& job) const override {
    const Claim& claim = job.claim;
    Diagnostics problems;
    const auto spec = command::parse_command_spec(claim.options, problems);
    if (!spec) throw InputError(problems);
    const std::string shown = command::display_argv(spec->argv);
    if (!job.policy.allow_commands) {
      return Blocked{BlockKind::command_not_allowed,
                     "the claim runs a program (" + shown + "); programs run only when the audit allows it",
                     "read the command in the claim, then re-run the audit with --allow-commands",
                     {}};
    }

    const fs::path cwd = job.sandbox.resolve(job.claim_dir, spec->cwd.empty() ? "." : spec->cwd);
    std::error_code ec;
    if (!fs::is_directory(cwd, ec)) {
      throw PathError(PathError::Kind::not_a_file, "\"cwd\" " + job.sandbox.relative(cwd) + " is not a directory");
    }
    std::string search_path = parent_env("PATH");
    if (search_path.empty()) search_path = k_default_path;

    std::vector<fs::path> files;
    ProcessRequest request;
    request.argv = spec->argv;
    request.working_dir = cwd;
    request.environment = child_environment(*spec, search_path);
    request.search_path = search_path;
    request.timeout = job.policy.timeout;
    const std::string& program_arg = spec->argv.front();
    if (program_arg.find('/') != std::string::npos && program_arg.front() != '/') {
      // A program named by a relative path is part of the repository's evidence: it must be
      // inside. An absolute path names an installed program (like a bare name found on PATH).
      try {
        const fs::path program = job.sandbox.resolve(cwd, spec->argv.front());
        request.argv.front() = program.string();
        files.push_back(program);
      } catch (const PathError& e) {
        if (e.kind() != PathError::Kind::missing) throw;
        return Blocked{BlockKind::tool_missing, "the program " + spec->argv.front() + " does not exist (" + e.what() + ")",
                       "commit the script, or correct argv[0] (relative to \"cwd\")", files};
      }
    }

    std::optional<fs::path> output_path;
    FileStamp before;
    if (spec->output_file) {
      output_path = lexical_output_path(job, *spec->output_file);
      before = stamp(*output_path);
    }

    const ProcessResult result = m_runner.run(request);
    std::vector<Detail> details = run_details(job, result);
    switch (result.end) {
      case ProcessEnd::not_found:
        return Blocked{BlockKind::tool_missing, "cannot run " + shown + ": " + result.error,
                       "install " + spec->argv.front() + " (it must be on PATH, or give its path in argv[0])", files};
      case ProcessEnd::failed_to_start:
        return Blocked{BlockKind::adapter_error, "cannot start " + shown + ": " + result.error,
                       "check that the program is executable and \"cwd\" exists", files};
      case ProcessEnd::timed_out:
        return Blocked{BlockKind::timeout,
                       shown + " ran longer than the timeout of " + std::to_string(job.policy.timeout.count()) +
                           " ms; its process group was killed. " + stderr_excerpt(result),
                       "raise the limit with --timeout SECONDS, or make the command faster", files};
      case ProcessEnd::signaled:
        return Blocked{BlockKind::adapter_error,
                       shown + " was killed by signal " + std::to_string(result.signal) + ". " + stderr_excerpt(result),
                       "run the command by hand in \"cwd\" to see why it crashed", files};
      case ProcessEnd::exited: break;
    }
    if (result.exit_code != 0) {
      return Blocked{BlockKind::adapter_error,
                     shown + " exited with status " + std::to_string(result.exit_code) + ". " + stderr_excerpt(result),
                     "run the command by hand in \"cwd\" and fix what stderr reports", files};
    }

    Measurement m;
    std::string content;
    std::string source_name;
    if (output_path) {
      const FileStamp after = stamp(*output_path);
      if (!after.exists) {
        return Blocked{BlockKind::adapter_error,
                       shown + " exited with status 0 but did not write \"" + *spec->output_file + "\"",
                       "make the command write the file, or correct \"output_file\" (relative to the claim file)",
                       files};
      }
      if (before.exists && after.modified == before.modified && after.size == before.size) {
        return Blocked{BlockKind::adapter_error,
                       shown + " exited with status 0 but left \"" + *spec->output_file +
                           "\" unchanged: reading it would report an old result",
                       "make the command (re)write the file each time it runs", files};
      }
      const fs::path path = job.sandbox.resolve(job.claim_dir, *spec->output_file);
      content = job.sandbox.read(path);
      source_name = job.sandbox.relative(path);
      files.push_back(path);
    } else {
      if (result.out_truncated()) {
        return Blocked{BlockKind::invalid_input,
                       shown + " wrote " + size_text(result.out_bytes) + " to stdout, more than the " +
                           size_text(k_default_max_output_bytes) + " kept; a value is never read from cut output",
                       "write the result to a file and name it in \"output_file\"", files};
      }
      content = result.out;
      source_name = "stdout of " + shown;
    }
    const Extracted read = extract_reading(claim.extract, content, source_name);
    m.value = read.value;
    m.basis = read.basis;
    m.unit = claim.measured_unit.value_or(claim.expected.unit);
    m.files = files;
    m.details = std::move(details);
    if (result.err_truncated()) {
      m.warnings.push_back("stderr was " + size_text(result.err_bytes) + "; only the first " +
                           size_text(k_default_max_output_bytes) + " were kept");
    }
    if (result.out_truncated()) {
      m.warnings.push_back("stdout was " + size_text(result.out_bytes) + "; only the first " +
                           size_text(k_default_max_output_bytes) + " were kept (the value came from output_file)");
    }
    m.tool_version = "command " + program_name(job, result.program);
    if (!spec->version_argv.empty()) record_version(job, *spec, request, m);
    return m;
  }

 private:
  // The output file's path, checked to be inside the repository, whether or not it exists yet.
  static fs::path lexical_output_path(const Job& job, const std::string& written) {
    try {
      return job.sandbox.resolve(job.claim_dir, written);
    } catch (const PathError& e) {
      if (e.kind() != PathError::Kind::missing) throw;
      return (fs::absolute(job.claim_dir) / written).lexically_normal();
    }
  }

  static std::string program_name(const Job& job, const fs::path& program) {
    const std::string inside = job.sandbox.relative(program);
    if (!inside.empty() && inside.rfind("..", 0) != 0) return inside;
    return program.string();
  }

  static std::vector<Detail> run_details(const Job& job, const ProcessResult& result) {
    std::vector<Detail> details;
    details.push_back({"program", result.program.empty() ? "(not found)" : program_name(job, result.program)});
    details.push_back({"ended", std::string(process_end_name(result.end))});
    if (result.end == ProcessEnd::exited) details.push_back({"exit status", std::to_string(result.exit_code)});
    details.push_back({"stdout", size_text(result.out_bytes) + (result.out_truncated() ? " (cut)" : "")});
    details.push_back({"stderr", size_text(result.err_bytes) + (result.err_truncated() ? " (cut)" : "")});
    const auto lines = first_lines(result.err, k_stderr_lines);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      details.push_back({"stderr line " + std::to_string(i + 1), lines[i]});
    }
    return details;
  }

  void record_version(const Job& job, const CommandSpec& spec, const ProcessRequest& main_request,
                      Measurement& m) const {
    ProcessRequest request = main_request;
    request.argv = spec.version_argv;
    if (request.argv.front().find('/') != std::string::npos && request.argv.front().front() != '/') {
      try {
        request.argv.front() = job.sandbox.resolve(main_request.working_dir, spec.version_argv.front()).string();
      } catch (const PathError& e) {
        m.warnings.push_back(std::string("version command not run: ") + e.what());
        return;
      }
    }
    request.timeout = std::min(main_request.timeout, k_version_timeout);
    request.max_output_bytes = 64 * 1024;
    const ProcessResult result = m_runner.run(request);
    const std::string shown = command::display_argv(spec.version_argv);
    if (result.end != ProcessEnd::exited || result.exit_code != 0) {
      m.warnings.push_back("version command " + shown + " " +
                           (result.end == ProcessEnd::exited ? "exited with status " + std::to_string(result.exit_code)
                                                             : std::string(process_end_name(result.end))));
      return;
    }
    // Many programs (python2, gcc -v) print their version on stderr.
    auto lines = first_lines(result.out, 1);
    if (lines.empty() || lines.front().empty()) lines = first_lines(result.err, 1);
    if (lines.empty() || lines.front().empty()) {
      m.warnings.push_back("version command " + shown + " printed nothing");
      return;
    }
    m.tool_version = lines.front();
    m.details.push_back({"version command", shown});
  }

  const ProcessRunner& m_runner;
};

}  // namespace

std::unique_ptr<Adapter> make_command_adapter(const ProcessRunner& runner) {
  return std::make_unique<CommandAdapter>(runner);
}

}  // namespace claimcheck
