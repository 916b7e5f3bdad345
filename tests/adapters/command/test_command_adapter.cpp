// The command adapter on real processes, and its option checks.

#include <chrono>
#include <cstdlib>

#include <gtest/gtest.h>

#include "adapters/command/command_adapter.hpp"
#include "adapters/command/command_spec.hpp"
#include "support/outcomes.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

using test::blocked;
using test::measured;

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

// A claim of the command adapter with the given options and extract.
Claim make_claim(const json& options, const json& extract, const std::string& mode = "run") {
  json object = {{"id", "c1"},
                 {"title", "t"},
                 {"source", {{"paper", "p"}, {"where", "Table 1"}}},
                 {"tool", "command"},
                 {"mode", mode},
                 {"metric", "latency"},
                 {"expected", {{"value", 1.0}, {"unit", "ms"}}},
                 {"options", options}};
  if (!extract.is_null()) object["extract"] = extract;
  if (mode == "reread") object["artifact"] = "x";
  return test::claim_from_json(object, "c.claim.json");
}

json regex(const std::string& pattern) { return {{"regex", pattern}}; }

// Runs a claim in a fresh repository folder with claims/ as the claim folder.
struct Fixture {
  test::TempDir repo;
  Sandbox sandbox{repo.path()};
  fs::path claim_dir = repo.path() / "claims";
  std::unique_ptr<Adapter> adapter = make_command_adapter();
  Fixture() { fs::create_directories(claim_dir); }

  Outcome run(const Claim& claim, bool allow = true, std::chrono::milliseconds timeout = 20'000ms) const {
    Job job{claim, sandbox, claim_dir, RunPolicy{allow, timeout}};
    return measure_safely(*adapter, job);
  }
};

std::string detail(const Measurement& m, const std::string& name) {
  for (const auto& d : m.details) {
    if (d.name == name) return d.value;
  }
  return "(none)";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Records requests and never runs anything.
class RecordingRunner final : public ProcessRunner {
 public:
  ProcessResult run(const ProcessRequest& request) const override {
    requests.push_back(request);
    ProcessResult result;
    result.end = ProcessEnd::exited;
    result.exit_code = 0;
    result.out = "value 5\n";
    result.out_bytes = result.out.size();
    result.program = "/usr/bin/fake";
    return result;
  }
  mutable std::vector<ProcessRequest> requests;
};

TEST(CommandAdapter, WithoutAllowCommandsItIsBlockedAndRunsNothing) {
  RecordingRunner runner;
  Fixture f;
  f.adapter = make_command_adapter(runner);
  const auto claim = make_claim({{"argv", {"sh", "-c", "echo 1"}}}, regex("(\\d+)"));
  const auto b = blocked(f.run(claim, false));
  EXPECT_EQ(b.kind, BlockKind::command_not_allowed);
  EXPECT_TRUE(contains(b.unblock, "--allow-commands")) << b.unblock;
  EXPECT_TRUE(contains(b.reason, "sh -c 'echo 1'")) << b.reason;
  EXPECT_TRUE(runner.requests.empty());
}

TEST(CommandAdapter, BuildsTheRequestFromTheOptions) {
  RecordingRunner runner;
  Fixture f;
  f.adapter = make_command_adapter(runner);
  fs::create_directories(f.repo.path() / "work");
  ::setenv("CLAIMCHECK_PASS", "passed", 1);
  ::unsetenv("CLAIMCHECK_UNSET");
  const auto claim = make_claim({{"argv", {"tool", "--x"}},
                                 {"cwd", "../work"},
                                 {"env", {{"OMP_NUM_THREADS", "1"}, {"CLAIMCHECK_PASS", true}, {"CLAIMCHECK_UNSET", true}}}},
                                regex("value (\\d+)"));
  const auto m = measured(f.run(claim, true, 1234ms));
  EXPECT_EQ(m.value, 5);
  ASSERT_EQ(runner.requests.size(), 1u);
  const auto& r = runner.requests.front();
  EXPECT_EQ(r.argv, (std::vector<std::string>{"tool", "--x"}));
  EXPECT_EQ(r.working_dir, f.repo.path() / "work");
  EXPECT_EQ(r.timeout, 1234ms);
  ASSERT_EQ(r.environment.size(), 4u);
  EXPECT_EQ(r.environment[0].first, "PATH");
  EXPECT_EQ(r.environment[1], (std::pair<std::string, std::string>{"LC_ALL", "C"}));
  // Sorted by name (JSON objects are unordered); the unset pass-through variable stays unset.
  EXPECT_EQ(r.environment[2], (std::pair<std::string, std::string>{"CLAIMCHECK_PASS", "passed"}));
  EXPECT_EQ(r.environment[3], (std::pair<std::string, std::string>{"OMP_NUM_THREADS", "1"}));
}

TEST(CommandAdapter, ReadsAJsonValueFromStdoutAndRecordsTheRun) {
  Fixture f;
  const auto claim = make_claim({{"argv", {"sh", "-c", "printf '{\"latency_ms\": 12.5}'; echo note >&2"}}},
                                {{"json_pointer", "/latency_ms"}});
  const auto m = measured(f.run(claim));
  EXPECT_EQ(m.value, 12.5);
  EXPECT_EQ(m.unit.symbol, "ms");
  EXPECT_EQ(detail(m, "exit status"), "0");
  EXPECT_TRUE(detail(m, "program").ends_with("/sh")) << detail(m, "program");
  EXPECT_EQ(detail(m, "stdout"), "20 B");
  EXPECT_EQ(detail(m, "stderr line 1"), "note");
  EXPECT_EQ(detail(m, "duration"), "(none)") << "timings stay out of the details (deterministic records)";
  EXPECT_TRUE(m.tool_version.starts_with("command /")) << m.tool_version;
}

TEST(CommandAdapter, ExtractUnitOverridesTheExpectedUnit) {
  Fixture f;
  const auto claim = make_claim({{"argv", {"echo", "time: 3.5 s"}}}, {{"regex", "time: ([0-9.]+)"}, {"unit", "s"}});
  const auto m = measured(f.run(claim));
  EXPECT_EQ(m.value, 3.5);
  EXPECT_EQ(m.unit.symbol, "s");
}

TEST(CommandAdapter, ReadsAFileTheCommandWritesWithCsvSelection) {
  Fixture f;
  const auto script = f.repo.write("scripts/bench.sh",
                                   "#!/bin/sh\nmkdir -p out\nprintf 'batch,latency\\n1,4.0\\n8,9.5\\n' > out/r.csv\n");
  fs::permissions(script, fs::perms::owner_exec, fs::perm_options::add);
  const auto claim = make_claim({{"argv", {"scripts/bench.sh"}}, {"cwd", ".."}, {"output_file", "../out/r.csv"}},
                                {{"csv_column", "latency"}, {"where", {{"batch", "8"}}}});
  const auto m = measured(f.run(claim));
  EXPECT_EQ(m.value, 9.5);
  ASSERT_EQ(m.files.size(), 2u);
  EXPECT_EQ(m.files[0], script);
  EXPECT_EQ(m.files[1], f.repo.path() / "out/r.csv");
}

TEST(CommandAdapter, AnOutputFileTheCommandDidNotRewriteIsNotRead) {
  Fixture f;
  f.repo.write("claims/old.json", "{\"v\": 1}");
  const auto claim = make_claim({{"argv", {"true"}}, {"output_file", "old.json"}}, {{"json_pointer", "/v"}});
  const auto b = blocked(f.run(claim));
  EXPECT_EQ(b.kind, BlockKind::adapter_error);
  EXPECT_TRUE(contains(b.reason, "unchanged")) << b.reason;
}

TEST(CommandAdapter, AMissingOutputFileIsBlocked) {
  Fixture f;
  const auto claim = make_claim({{"argv", {"true"}}, {"output_file", "new.json"}}, {{"json_pointer", "/v"}});
  const auto b = blocked(f.run(claim));
  EXPECT_EQ(b.kind, BlockKind::adapter_error);
  EXPECT_TRUE(contains(b.reason, "did not write \"new.json\"")) << b.reason;
}

TEST(CommandAdapter, NonZeroExitIsBlockedWithTheFirstStderrLines) {
  Fixture f;
  const auto claim = make_claim(
      {{"argv", {"sh", "-c", "echo 12; for i in 1 2 3 4 5 6 7; do echo line$i >&2; done; exit 3"}}}, regex("(\\d+)"));
  const auto b = blocked(f.run(claim));
  EXPECT_EQ(b.kind, BlockKind::adapter_error);
  EXPECT_TRUE(contains(b.reason, "exited with status 3")) << b.reason;
  EXPECT_TRUE(contains(b.reason, "line1\nline2\nline3\nline4\nline5")) << b.reason;
  EXPECT_FALSE(contains(b.reason, "line6")) << b.reason;
}

TEST(CommandAdapter, MissingProgramOnPathIsToolMissing) {
  Fixture f;
  const auto claim = make_claim({{"argv", {"claimcheck-no-such-program", "--run"}}}, regex("(\\d+)"));
  const auto b = blocked(f.run(claim));
  EXPECT_EQ(b.kind, BlockKind::tool_missing);
  EXPECT_TRUE(contains(b.reason, "claimcheck-no-such-program")) << b.reason;
  EXPECT_TRUE(contains(b.unblock, "install claimcheck-no-such-program")) << b.unblock;
}

TEST(CommandAdapter, MissingScriptInTheRepositoryIsToolMissing) {
  Fixture f;
  const auto claim = make_claim({{"argv", {"./scripts/absent.sh"}}}, regex("(\\d+)"));
  EXPECT_EQ(blocked(f.run(claim)).kind, BlockKind::tool_missing);
}

TEST(CommandAdapter, AProgramPathOutsideTheRepositoryIsRefused) {
  Fixture f;
  const auto claim = make_claim({{"argv", {"../../../../../../bin/sh", "-c", "echo 1"}}}, regex("(\\d+)"));
  EXPECT_EQ(blocked(f.run(claim)).kind, BlockKind::outside_repository);
}

TEST(CommandAdapter, AnAbsoluteProgramPathNamesAnInstalledProgram) {
  Fixture f;
  const auto m = measured(f.run(make_claim({{"argv", {"/bin/sh", "-c", "echo v=4"}}}, regex("v=(\\d+)"))));
  EXPECT_EQ(m.value, 4);
  EXPECT_EQ(detail(m, "program"), "/bin/sh");
  EXPECT_EQ(blocked(f.run(make_claim({{"argv", {"/nonexistent/tool"}}}, regex("(\\d+)")))).kind, BlockKind::tool_missing);
}

TEST(CommandAdapter, ACwdOutsideTheRepositoryIsRefused) {
  Fixture f;
  const auto claim = make_claim({{"argv", {"true"}}, {"cwd", "../.."}}, regex("(\\d+)"));
  EXPECT_EQ(blocked(f.run(claim)).kind, BlockKind::outside_repository);
}

TEST(CommandAdapter, TimeoutIsBlockedAndKillsGrandchildren) {
  Fixture f;
  const auto claim = make_claim({{"argv", {"sh", "-c", "sleep 30 & sleep 30; echo 1"}}}, regex("(\\d+)"));
  const auto start = std::chrono::steady_clock::now();
  const auto b = blocked(f.run(claim, true, 300ms));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(b.kind, BlockKind::timeout);
  EXPECT_TRUE(contains(b.reason, "timeout of 300 ms")) << b.reason;
  EXPECT_TRUE(contains(b.unblock, "--timeout")) << b.unblock;
}

TEST(CommandAdapter, HugeStdoutIsNeverReadAsAValue) {
  Fixture f;
  const auto claim = make_claim({{"argv", {"sh", "-c", "echo 1; head -c 20000000 /dev/zero"}}}, regex("(\\d+)"));
  const auto b = blocked(f.run(claim));
  EXPECT_EQ(b.kind, BlockKind::invalid_input);
  EXPECT_TRUE(contains(b.reason, "20000002 B to stdout")) << b.reason;
  EXPECT_TRUE(contains(b.unblock, "output_file")) << b.unblock;
}

TEST(CommandAdapter, HugeStdoutWithAnOutputFileIsAWarning) {
  Fixture f;
  const auto claim = make_claim(
      {{"argv", {"sh", "-c", "head -c 20000000 /dev/zero; echo 42 > r.txt"}}, {"output_file", "r.txt"}},
      regex("(\\d+)"));
  const auto m = measured(f.run(claim));
  EXPECT_EQ(m.value, 42);
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_TRUE(contains(m.warnings[0], "stdout was 20000000 B")) << m.warnings[0];
  EXPECT_EQ(detail(m, "stdout"), "20000000 B (cut)");
}

TEST(CommandAdapter, KilledBySignalIsBlocked) {
  Fixture f;
  const auto claim = make_claim({{"argv", {"sh", "-c", "kill -KILL $$"}}}, regex("(\\d+)"));
  const auto b = blocked(f.run(claim));
  EXPECT_EQ(b.kind, BlockKind::adapter_error);
  EXPECT_TRUE(contains(b.reason, "signal 9")) << b.reason;
}

TEST(CommandAdapter, EnvironmentIsAnAllowList) {
  Fixture f;
  ::setenv("CLAIMCHECK_TEST_SECRET", "5", 1);
  const json argv = {"sh", "-c", "echo ${CLAIMCHECK_TEST_SECRET:-0} ${N:-0} $LC_ALL"};
  EXPECT_EQ(measured(f.run(make_claim({{"argv", argv}}, regex("^(\\d+) 0 C")))).value, 0);
  EXPECT_EQ(measured(f.run(make_claim({{"argv", argv}, {"env", {{"CLAIMCHECK_TEST_SECRET", true}}}},
                                      regex("^(\\d+) 0 C"))))
                .value,
            5);
  EXPECT_EQ(measured(f.run(make_claim({{"argv", argv}, {"env", {{"N", "7"}}}}, regex("^0 (\\d+) C")))).value, 7);
}

TEST(CommandAdapter, RecordsTheVersionWhenTheClaimSaysHow) {
  Fixture f;
  const auto claim = make_claim({{"argv", {"echo", "3"}}, {"version_argv", {"sh", "-c", "echo mytool 1.2.3; echo x"}}},
                                regex("(\\d+)"));
  const auto m = measured(f.run(claim));
  EXPECT_EQ(m.tool_version, "mytool 1.2.3");
  EXPECT_EQ(detail(m, "version command"), "sh -c 'echo mytool 1.2.3; echo x'");
}

TEST(CommandAdapter, AFailingVersionCommandIsAWarningNotABlock) {
  Fixture f;
  const auto claim = make_claim({{"argv", {"echo", "3"}}, {"version_argv", {"false"}}}, regex("(\\d+)"));
  const auto m = measured(f.run(claim));
  EXPECT_EQ(m.value, 3);
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_EQ(m.warnings[0], "version command false exited with status 1");
}

TEST(CommandAdapter, NoMatchInTheOutputIsInvalidInput) {
  Fixture f;
  const auto b = blocked(f.run(make_claim({{"argv", {"echo", "none"}}}, regex("value (\\d+)"))));
  EXPECT_EQ(b.kind, BlockKind::invalid_input);
  EXPECT_TRUE(contains(b.reason, "stdout of echo none")) << b.reason;
}

std::vector<std::string> problems(const json& options, const json& extract, const std::string& mode = "run") {
  Diagnostics out;
  make_command_adapter()->validate(make_claim(options, extract, mode), out);
  std::vector<std::string> lines;
  for (const auto& d : out.items()) lines.push_back(d.pointer + ": " + d.message + (d.hint.empty() ? "" : " | " + d.hint));
  return lines;
}

TEST(CommandValidate, AcceptsAFullClaim) {
  EXPECT_EQ(problems({{"argv", {"python3", "x.py"}},
                      {"cwd", ".."},
                      {"env", {{"A", "1"}, {"HOME", true}}},
                      {"output_file", "o.json"},
                      {"version_argv", {"python3", "--version"}}},
                     regex("(\\d+)")),
            std::vector<std::string>{});
}

TEST(CommandValidate, NamesEveryProblem) {
  EXPECT_EQ(problems({{"argvv", {"x"}}, {"env", {{"1A", "x"}, {"B", 3}}}, {"cwd", "/abs"}}, nullptr),
            (std::vector<std::string>{
                ": the command adapter needs \"extract\" to pick the value out of the output | add \"extract\": "
                "{\"json_pointer\": ...} or {\"csv_column\": ...} or {\"regex\": ...}",
                "/options/argvv: unknown option \"argvv\" for the command adapter | did you mean \"argv\"?",
                "/options: missing required option \"argv\" | e.g. \"argv\": [\"python3\", \"scripts/measure.py\"]",
                "/options/cwd: \"cwd\" must be a non-empty path relative to the claim file | paths in a claim never "
                "start with \"/\"; they stay inside the repository",
                "/options/env/1A: \"1A\" is not a valid environment variable name | names are letters, digits and "
                "'_', not starting with a digit",
                "/options/env/B: must be a string (the value) or true (pass the auditor's value through)",
            }));
}

TEST(CommandValidate, RejectsEmptyArgvAndNonStrings) {
  EXPECT_EQ(problems({{"argv", json::array()}}, regex("(\\d+)")),
            (std::vector<std::string>{"/options/argv: must be a non-empty array of strings (the program, then its "
                                      "arguments) | e.g. [\"python3\", \"scripts/measure.py\", \"--batch\", \"8\"]"}));
  EXPECT_EQ(problems({{"argv", {"x", 1}}}, regex("(\\d+)")),
            (std::vector<std::string>{"/options/argv/1: must be a string, not number"}));
}

TEST(CommandValidate, RereadModeIsRejected) {
  const auto lines = problems({{"argv", {"x"}}}, regex("(\\d+)"), "reread");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0].starts_with("/mode: the command adapter runs a program")) << lines[0];
}

TEST(DisplayArgv, QuotesOnlyWhatAShellWouldSplit) {
  EXPECT_EQ(command::display_argv({"python3", "a b.py", "--x=1", "it's", ""}), "python3 'a b.py' --x=1 'it'\\''s' ''");
}

}  // namespace
}  // namespace claimcheck
