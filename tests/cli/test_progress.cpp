// The audit's progress on stderr: one updating line on a terminal (run under a pseudo-terminal
// here), one line per claim elsewhere.

#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <sstream>

#include <gtest/gtest.h>

#include "cli/progress.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

std::string claim(const std::string& id, double expected) {
  return R"({"id": ")" + id + R"(", "title": "t", "source": {"paper": "P", "where": "W"}, "tool": "artifact",
  "mode": "reread", "metric": "cycles", "artifact": "stats.json", "extract": {"json_pointer": "/)" + id +
         R"("}, "expected": {"value": )" + std::to_string(expected) + R"(, "unit": "cycles"}})";
}

struct Terminal {
  int status = -1;
  std::string output;  // what the terminal showed (stdout and stderr)
};

// Runs the claimcheck binary in `dir` on a pseudo-terminal of 100 columns.
Terminal run_on_terminal(const std::vector<std::string>& args, const std::filesystem::path& dir) {
  winsize size{};
  size.ws_row = 24;
  size.ws_col = 100;
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, &size);
  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) ::_exit(127);
    ::setenv("TERM", "xterm", 1);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(CLAIMCHECK_BINARY));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  Terminal t;
  if (pid < 0) return t;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(master, buffer, sizeof buffer);
    if (n > 0) {
      t.output.append(buffer, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;  // EIO once the child is gone
    }
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  t.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return t;
}

TEST(Progress, OneUpdatingLineOnATerminal) {
  test::TempDir dir;
  dir.write("claims/stats.json", R"({"a": 1000, "b": 2000, "c": 3000})");
  dir.write("claims/c.claim.json", "[" + claim("a", 1000) + "," + claim("b", 1000) + "," + claim("c", 3000) + "]");
  const Terminal t = run_on_terminal({"audit", "claims", "--root", ".", "--no-cache", "-o", "report.md"}, dir.path());
  EXPECT_EQ(t.status, 1) << t.output;
  // The line is drawn in place (carriage return, erase line) with the counts so far...
  EXPECT_NE(t.output.find("\r\033[Kclaimcheck: 0/3 claims  0 verified  0 discrepant  0 blocked"), std::string::npos)
      << t.output;
  // ...then erased; the discrepant claim's line stays, the verified ones' do not.
  EXPECT_NE(t.output.find("\r\033[Kdiscrepant b  expected 1000 cycles  measured 2000 cycles"), std::string::npos)
      << t.output;
  EXPECT_EQ(t.output.find("verified   a"), std::string::npos) << t.output;
  EXPECT_NE(t.output.find("3 claims: 2 verified, 1 discrepant, 0 blocked"), std::string::npos) << t.output;
}

TEST(Progress, OneLinePerClaimOffATerminal) {
  test::TempDir dir;
  dir.write("claims/stats.json", R"({"a": 1000, "b": 2000})");
  dir.write("claims/c.claim.json", "[" + claim("a", 1000) + "," + claim("b", 1000) + "]");
  const auto r = test::run({"audit", "claims", "--root", ".", "--no-cache", "-o", "report.md"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.find('\r'), std::string::npos);
  EXPECT_NE(r.err.find("verified   a  expected 1000 cycles"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("discrepant b  expected 1000 cycles"), std::string::npos) << r.err;
}

TEST(Progress, LiveLineCountsAndFitsTheTerminal) {
  std::ostringstream err;
  Claim slow;
  slow.id = "a-claim-with-a-long-name";
  Claim fast;
  fast.id = "f";
  fast.expected.value = 5;
  fast.expected.unit = parse_unit("ms").value();
  {
    LiveProgress progress(err, 200);
    progress.planned(4);
    const auto start = std::chrono::steady_clock::now();
    progress.measuring(slow);
    progress.measuring(fast);
    Measurement m;
    m.value = 5;
    m.unit = parse_unit("ms").value();
    progress.measured(fast, m);
    // One of four done after 2 s: 6 s to go; the slowest running claim is named with its time.
    EXPECT_EQ(progress.line(start + std::chrono::seconds(2)),
              "claimcheck: 1/4 claims  1 verified  0 discrepant  0 blocked  slowest: a-claim-with-a-long-name 2.0 s"
              "  ETA 6.0 s");
    progress.finished({});
  }
  LiveProgress narrow(err, 40);
  narrow.planned(4);
  EXPECT_EQ(narrow.line(std::chrono::steady_clock::now()).size(), 39u);
  narrow.finished({});
}

}  // namespace
}  // namespace claimcheck
