// The process runner (src/io/process.cpp) on real processes.

#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <signal.h>

#include "io/process.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

ProcessRequest shell(const std::string& script, std::chrono::milliseconds timeout = 10'000ms) {
  ProcessRequest request;
  request.argv = {"sh", "-c", script};
  request.environment = {{"PATH", "/usr/bin:/bin"}};
  request.search_path = "/usr/bin:/bin";
  request.timeout = timeout;
  return request;
}

TEST(FindProgram, LooksUpBareNamesOnTheSearchPath) {
  const auto sh = find_program("sh", "/nonexistent:/usr/bin:/bin", {});
  ASSERT_TRUE(sh.has_value());
  EXPECT_EQ(sh->filename(), "sh");
  EXPECT_FALSE(find_program("claimcheck-no-such-program", "/usr/bin:/bin", {}).has_value());
  EXPECT_FALSE(find_program("", "/usr/bin", {}).has_value());
}

TEST(FindProgram, ResolvesPathsAgainstTheBaseAndRequiresExecutable) {
  test::TempDir dir;
  const auto script = dir.write("bin/tool.sh", "#!/bin/sh\necho hi\n");
  EXPECT_FALSE(find_program("bin/tool.sh", "", dir.path()).has_value()) << "not executable yet";
  fs::permissions(script, fs::perms::owner_exec, fs::perm_options::add);
  EXPECT_EQ(find_program("bin/tool.sh", "", dir.path()), script);
  EXPECT_EQ(find_program("./bin/tool.sh", "", dir.path()), script);
  EXPECT_FALSE(find_program("bin", "", dir.path()).has_value()) << "a directory is not a program";
}

TEST(FirstLines, CutsLinesAndCount) {
  EXPECT_EQ(first_lines("a\nb\r\nc\n", 2), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(first_lines("", 3), std::vector<std::string>{});
  EXPECT_EQ(first_lines(std::string(400, 'x'), 1).front().size(), 300u);
}

TEST(SystemProcessRunner, CapturesStdoutStderrAndExitStatus) {
  const auto result = system_process_runner().run(shell("printf out; printf err >&2; exit 3"));
  EXPECT_EQ(result.end, ProcessEnd::exited);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.out, "out");
  EXPECT_EQ(result.err, "err");
  EXPECT_EQ(result.out_bytes, 3u);
  EXPECT_EQ(result.program.filename(), "sh");
}

TEST(SystemProcessRunner, PassesArgumentsVerbatimWithoutAShell) {
  ProcessRequest request;
  request.argv = {"printf", "%s|", "a b", "$HOME", "*", "'q'"};
  request.search_path = "/usr/bin:/bin";
  const auto result = system_process_runner().run(request);
  EXPECT_EQ(result.out, "a b|$HOME|*|'q'|");
}

TEST(SystemProcessRunner, GivesExactlyTheRequestedEnvironment) {
  ProcessRequest request;
  request.argv = {"env"};
  request.search_path = "/usr/bin:/bin";
  request.environment = {{"A", "1"}, {"B", "two words"}};
  ::setenv("CLAIMCHECK_TEST_SECRET", "leak", 1);
  const auto result = system_process_runner().run(request);
  EXPECT_EQ(result.out, "A=1\nB=two words\n");
}

TEST(SystemProcessRunner, RunsInTheWorkingDirectoryWithStdinClosed) {
  test::TempDir dir;
  dir.write("value.txt", "17\n");
  auto request = shell("cat value.txt; cat; echo end");
  request.working_dir = dir.path();
  const auto result = system_process_runner().run(request);
  EXPECT_EQ(result.out, "17\nend\n");
}

TEST(SystemProcessRunner, KeepsOnlyTheFirstBytesButCountsAll) {
  auto request = shell("head -c 25 /dev/zero | tr '\\0' x; printf 'e%.0s' $(seq 1 7) >&2");
  request.max_output_bytes = 10;
  const auto result = system_process_runner().run(request);
  EXPECT_EQ(result.out, std::string(10, 'x'));
  EXPECT_EQ(result.out_bytes, 25u);
  EXPECT_TRUE(result.out_truncated());
  EXPECT_EQ(result.err, "eeeeeee");
  EXPECT_FALSE(result.err_truncated());
}

TEST(SystemProcessRunner, DrainsHugeOutputWithoutBlockingTheChild) {
  auto request = shell("head -c 50000000 /dev/zero; echo done >&2");
  request.max_output_bytes = 1024;
  const auto result = system_process_runner().run(request);
  EXPECT_EQ(result.end, ProcessEnd::exited);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out_bytes, 50'000'000u);
  EXPECT_EQ(result.out.size(), 1024u);
  EXPECT_EQ(result.err, "done\n");
}

TEST(SystemProcessRunner, TimeoutKillsTheChild) {
  const auto start = std::chrono::steady_clock::now();
  // Long enough for a loaded machine to start the shell and run the echo before the kill.
  const auto result = system_process_runner().run(shell("echo started; sleep 30", 1000ms));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.end, ProcessEnd::timed_out);
  EXPECT_EQ(result.signal, SIGKILL);
  EXPECT_EQ(result.out, "started\n") << "output before the timeout is kept";
  EXPECT_GE(result.duration, 1000ms);
  EXPECT_LT(elapsed, 5s);
}

bool process_gone(pid_t pid) {
  // Killed and reaped, or killed and waiting as a zombie for a parent that is not ours.
  for (int i = 0; i < 100; ++i) {
    if (::kill(pid, 0) != 0) return true;
    const std::string stat = test::read_file("/proc/" + std::to_string(pid) + "/stat");
    const auto close = stat.rfind(')');
    if (close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z') return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

TEST(SystemProcessRunner, TimeoutKillsTheWholeProcessGroupIncludingGrandchildren) {
  test::TempDir dir;
  auto request = shell("sleep 30 & echo $! > grandchild.pid; wait", 1000ms);
  request.working_dir = dir.path();
  const auto start = std::chrono::steady_clock::now();
  const auto result = system_process_runner().run(request);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(result.end, ProcessEnd::timed_out);
  const pid_t grandchild = std::stoi(test::read_file(dir.path() / "grandchild.pid"));
  EXPECT_TRUE(process_gone(grandchild)) << "grandchild " << grandchild << " survived the timeout";
}

TEST(SystemProcessRunner, ABackgroundGrandchildHoldingThePipesDoesNotStallAnExitedChild) {
  const auto start = std::chrono::steady_clock::now();
  const auto result = system_process_runner().run(shell("sleep 30 & echo 7", 20'000ms));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(result.end, ProcessEnd::exited);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "7\n");
}

TEST(SystemProcessRunner, ReportsASignal) {
  const auto result = system_process_runner().run(shell("kill -TERM $$"));
  EXPECT_EQ(result.end, ProcessEnd::signaled);
  EXPECT_EQ(result.signal, SIGTERM);
}

TEST(SystemProcessRunner, MissingProgramIsNotFound) {
  ProcessRequest request;
  request.argv = {"claimcheck-no-such-program"};
  request.search_path = "/usr/bin:/bin";
  const auto result = system_process_runner().run(request);
  EXPECT_EQ(result.end, ProcessEnd::not_found);
  EXPECT_NE(result.error.find("claimcheck-no-such-program"), std::string::npos);
  EXPECT_TRUE(result.program.empty());
}

TEST(SystemProcessRunner, AScriptWithAMissingInterpreterFailsToStart) {
  test::TempDir dir;
  const auto script = dir.write("run.sh", "#!/nonexistent/interpreter\n");
  fs::permissions(script, fs::perms::owner_exec, fs::perm_options::add);
  ProcessRequest request;
  request.argv = {script.string()};
  const auto result = system_process_runner().run(request);
  EXPECT_EQ(result.end, ProcessEnd::not_found) << result.error;
  EXPECT_NE(result.error.find("No such file"), std::string::npos) << result.error;
}

TEST(SystemProcessRunner, RunsConcurrentlyFromSeveralThreads) {
  std::vector<std::thread> threads;
  std::vector<std::string> outputs(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([i, &outputs] {
      outputs[static_cast<std::size_t>(i)] = system_process_runner().run(shell("echo " + std::to_string(i))).out;
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 8; ++i) EXPECT_EQ(outputs[static_cast<std::size_t>(i)], std::to_string(i) + "\n");
}

}  // namespace
}  // namespace claimcheck
