// The corpus of malformed and hostile inputs under tests/bad-inputs/ (SECURITY.md): every file
// is fed to the real claimcheck binary as a child process, and its exact error text is compared
// with tests/bad-inputs/expected/<kind>.txt (UPDATE_GOLDEN=1 rewrites those files; review the
// diff). None may crash, hang, or produce a number:
// - claim files (`lint`), audit records (`render`) and tool inputs (`model`) end with exit 2,
//   nothing on stdout, and the diagnostics on stderr (tool inputs go to the tool's model command
//   in-process, as `claimcheck model TOOL ARGS` does);
// - artifacts are read during an audit, where a bad file blocks its claim and the audit goes on
//   (STYLE.md 8b): the record must hold a blocked verdict with no measured value, and the reason
//   is the expected text; the audit exits 1 under --fail-on blocked.

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapter/registry.hpp"
#include "io/process.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

namespace fs = std::filesystem;

const fs::path k_corpus = fs::path(CLAIMCHECK_TEST_DIR) / "bad-inputs";
constexpr std::chrono::milliseconds k_case_timeout{20'000};

struct Case {
  std::vector<std::string> args;  // claimcheck's arguments, paths relative to the corpus
  std::string header() const {
    std::string out;
    for (const auto& a : args) out += (out.empty() ? "" : " ") + a;
    return out;
  }
};

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Files directly in `dir` whose names end in `suffix`, sorted, relative to the corpus.
std::vector<std::string> files_in(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(k_corpus / dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(dir + "/" + name);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Case> cases_of(const std::string& kind) {
  std::vector<Case> out;
  if (kind == "lint") {
    for (const auto& f : files_in("claims", ".claim.json")) out.push_back({{"lint", f}});
  } else if (kind == "render") {
    for (const auto& f : files_in("records", ".json")) out.push_back({{"render", f}});
  } else if (kind == "audit") {
    for (const auto& f : files_in("artifacts", ".claim.json")) out.push_back({{"audit", f}});
  } else {
    std::ifstream list(k_corpus / kind / "cases.list");
    for (std::string line; std::getline(list, line);) {
      if (!line.empty() && line[0] != '#') out.push_back({words(line)});
    }
  }
  return out;
}

// Expected texts: "== ARGS" header lines, each followed by the exact text.
std::map<std::string, std::string> read_expected(const fs::path& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path, std::ios::binary);
  std::string line, header;
  bool open = false;
  while (std::getline(in, line)) {
    if (line.rfind("== ", 0) == 0) {
      header = line.substr(3);
      out[header];
      open = true;
    } else if (open) {
      out[header] += line + "\n";
    }
  }
  return out;
}

ProcessResult run_claimcheck(const std::vector<std::string>& args, const fs::path& cwd) {
  ProcessRequest request;
  request.argv = {CLAIMCHECK_BINARY};
  request.argv.insert(request.argv.end(), args.begin(), args.end());
  request.working_dir = cwd;
  // A fixed, minimal environment: no CI variables leak into records.
  request.environment = {{"PATH", "/usr/bin:/bin"}, {"LC_ALL", "C"}, {"NO_COLOR", "1"}};
  for (const char* name : {"HOME", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* value = std::getenv(name)) request.environment.emplace_back(name, value);
  }
  request.search_path = "/usr/bin:/bin";
  request.timeout = k_case_timeout;
  return system_process_runner().run(request);
}

// Replaces the machine's absolute paths with stable names.
std::string normalized(std::string text) {
  for (const auto& [from, to] : {std::pair<std::string, std::string>{k_corpus.string(), "$CORPUS"},
                                 {fs::canonical(k_corpus).string(), "$CORPUS"}}) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
  }
  return text;
}

// What one case did, as the expected files hold it; adds failures for broken rules.
std::string run_case(const Case& c) {
  SCOPED_TRACE(c.header());
  if (c.args.front() == "model") {
    // In-process: `claimcheck model TOOL ARGS` hands ARGS to the tool's model command.
    const ModelMain model = find_model(c.args.at(1));
    if (!model) {
      ADD_FAILURE() << "no model command for " << c.args.at(1);
      return {};
    }
    const fs::path previous = fs::current_path();
    fs::current_path(k_corpus);
    std::ostringstream out, err;
    const int code = model(std::vector<std::string>(c.args.begin() + 2, c.args.end()), out, err);
    fs::current_path(previous);
    EXPECT_EQ(code, 2) << err.str();
    EXPECT_EQ(out.str(), "") << "a rejected input produced output";
    return normalized(err.str());
  }
  if (c.args.front() != "audit") {
    const ProcessResult r = run_claimcheck(c.args, k_corpus);
    EXPECT_EQ(r.end, ProcessEnd::exited) << "crashed or hung: " << process_end_name(r.end) << " signal " << r.signal
                                         << "\n" << r.err;
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.out, "") << "a rejected input produced output";
    return normalized(r.err);
  }
  test::TempDir out;
  const std::string record_path = (out.path() / "record.json").string();
  const ProcessResult r = run_claimcheck({"audit", c.args[1], "--root", ".", "-j", "1", "--fail-on", "blocked",
                                          "--record", record_path, "--format", "json", "-o",
                                          (out.path() / "report.json").string()},
                                         k_corpus);
  EXPECT_EQ(r.end, ProcessEnd::exited) << "crashed or hung: " << process_end_name(r.end) << "\n" << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto record = test::full_record(test::read_file(record_path));
  if (record.is_discarded() || !record.contains("claims") || record["claims"].size() != 1) {
    ADD_FAILURE() << "no record with one claim\n" << r.err;
    return {};
  }
  const auto& claim = record["claims"][0];
  EXPECT_EQ(claim.value("verdict", ""), "blocked");
  EXPECT_TRUE(claim["measured"].is_null()) << "a bad artifact produced a number";
  EXPECT_TRUE(claim["measured_raw"].is_null()) << "a bad artifact produced a number";
  return normalized("blocked (" + claim.value("block_kind", "") + "): " + claim.value("reason", "") + "\n");
}

void check_kind(const std::string& kind) {
  const std::vector<Case> cases = cases_of(kind);
  ASSERT_FALSE(cases.empty()) << "no cases for " << kind;
  const fs::path expected_path = k_corpus / "expected" / (kind + ".txt");
  const char* update = std::getenv("UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::string text;
    for (const auto& c : cases) text += "== " + c.header() + "\n" + run_case(c);
    fs::create_directories(expected_path.parent_path());
    std::ofstream(expected_path, std::ios::binary) << text;
    return;
  }
  const auto expected = read_expected(expected_path);
  std::set<std::string> seen;
  for (const auto& c : cases) {
    seen.insert(c.header());
    const auto it = expected.find(c.header());
    if (it == expected.end()) {
      ADD_FAILURE() << "no expected text for \"" << c.header() << "\" in " << expected_path
                    << "; run with UPDATE_GOLDEN=1 and review the diff";
      continue;
    }
    EXPECT_EQ(run_case(c), it->second) << "case: " << c.header();
    if (kind == "audit") {
      EXPECT_EQ(it->second.rfind("blocked (", 0), 0u) << "case " << c.header() << " expects no blocked verdict";
    } else {
      EXPECT_NE(it->second.find("claimcheck: error: "), std::string::npos) << "case " << c.header() << " expects no error";
    }
  }
  for (const auto& [header, text] : expected) {
    EXPECT_TRUE(seen.contains(header)) << "expected text for a case whose input is gone: " << header;
  }
}

TEST(BadInputs, ClaimFilesAreRejectedWithLocatedErrors) { check_kind("lint"); }
TEST(BadInputs, AuditRecordsAreRejectedByRender) { check_kind("render"); }
TEST(BadInputs, ArtifactsBlockTheirClaimWithoutANumber) { check_kind("audit"); }
TEST(BadInputs, TimeloopInputsAreRejectedByTheModel) { check_kind("timeloop"); }
TEST(BadInputs, AstraSimInputsAreRejectedByTheModel) { check_kind("astrasim"); }

// The corpus holds at least 100 hostile inputs, and every tool input file is used by a case.
TEST(BadInputs, CorpusIsLargeAndEveryFileIsUsed) {
  std::size_t total = 0;
  for (const char* kind : {"lint", "render", "audit", "timeloop", "astrasim"}) total += cases_of(kind).size();
  EXPECT_GE(total, 100u);
  for (const std::string kind : {"timeloop", "astrasim"}) {
    std::set<std::string> used;
    for (const auto& c : cases_of(kind)) used.insert(c.args.begin(), c.args.end());
    // Cases commented out as "# KNOWN ISSUE (...): ARGS" keep their file in the corpus.
    std::ifstream list(k_corpus / kind / "cases.list");
    for (std::string line; std::getline(list, line);) {
      if (line.rfind("# KNOWN ISSUE", 0) == 0) {
        for (const auto& w : words(line)) used.insert(w);
      }
    }
    for (const auto& entry : fs::directory_iterator(k_corpus / kind)) {
      const std::string name = entry.path().filename().string();
      if (name == "base" || name == "cases.list" || name == "stats") continue;
      const std::string rel = kind + "/" + name;
      const bool found = std::any_of(used.begin(), used.end(), [&](const std::string& a) { return a.rfind(rel, 0) == 0; });
      EXPECT_TRUE(found) << rel << " is in the corpus but no case uses it";
    }
  }
}

}  // namespace
}  // namespace claimcheck
