#include "io/process.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace claimcheck {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

bool is_executable_file(const fs::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return false;
  return S_ISREG(info.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// A file descriptor closed on scope exit.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return m_fd; }
  int release() {
    const int fd = m_fd;
    m_fd = -1;
    return fd;
  }
  void reset(int fd = -1) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = fd;
  }

 private:
  int m_fd = -1;
};

bool make_pipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
  return true;
}

// One captured stream: keeps the first `limit` bytes, counts the rest.
struct Capture {
  Fd fd;
  std::string* text = nullptr;
  std::uintmax_t* total = nullptr;
  std::size_t limit = 0;
  bool open = true;

  // Reads what is available; closes on end of file or error.
  void drain() {
    char buffer[65536];
    for (;;) {
      const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
      if (n > 0) {
        *total += static_cast<std::uintmax_t>(n);
        if (text->size() < limit) {
          text->append(buffer, std::min<std::size_t>(static_cast<std::size_t>(n), limit - text->size()));
        }
        if (static_cast<std::size_t>(n) < sizeof buffer) return;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      open = false;
      fd.reset();
      return;
    }
  }
};

// Everything the child needs, prepared before fork: after fork only async-signal-safe calls.
struct ExecPlan {
  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
};

[[noreturn]] void child_fail(int report_fd, int error) {
  const int value = error;
  ssize_t ignored = ::write(report_fd, &value, sizeof value);
  (void)ignored;
  ::_exit(127);
}

}  // namespace

std::string_view process_end_name(ProcessEnd end) {
  switch (end) {
    case ProcessEnd::exited: return "exited";
    case ProcessEnd::signaled: return "killed by a signal";
    case ProcessEnd::timed_out: return "timed out";
    case ProcessEnd::not_found: return "program not found";
    case ProcessEnd::failed_to_start: return "failed to start";
  }
  return "unknown";
}

std::optional<fs::path> find_program(std::string_view name, std::string_view search_path, const fs::path& base_dir) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string_view::npos) {
    fs::path path(name);
    if (path.is_relative() && !base_dir.empty()) path = base_dir / path;
    if (is_executable_file(path)) return path.lexically_normal();
    return std::nullopt;
  }
  std::size_t start = 0;
  while (start <= search_path.size()) {
    std::size_t end = search_path.find(':', start);
    if (end == std::string_view::npos) end = search_path.size();
    const std::string_view entry = search_path.substr(start, end - start);
    fs::path dir = entry.empty() ? fs::path(".") : fs::path(entry);
    if (dir.is_relative() && !base_dir.empty()) dir = base_dir / dir;
    const fs::path candidate = dir / fs::path(name);
    if (is_executable_file(candidate)) return candidate.lexically_normal();
    start = end + 1;
  }
  return std::nullopt;
}

std::vector<std::string> first_lines(std::string_view text, std::size_t max_lines) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size() && lines.size() < max_lines) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, std::min<std::size_t>(end - start, 300)));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

ProcessResult SystemProcessRunner::run(const ProcessRequest& request) const {
  ProcessResult result;
  const auto started = Clock::now();
  auto finish = [&](ProcessResult& r) -> ProcessResult {
    r.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    return std::move(r);
  };
  if (request.argv.empty()) {
    result.end = ProcessEnd::failed_to_start;
    result.error = "empty argv";
    return finish(result);
  }
  auto program = find_program(request.argv.front(), request.search_path, request.working_dir);
  if (!program) {
    result.end = ProcessEnd::not_found;
    result.error = "\"" + request.argv.front() + "\" is not an executable file" +
                   (request.argv.front().find('/') == std::string::npos ? " on PATH (" + request.search_path + ")"
                                                                        : std::string());
    return finish(result);
  }
  result.program = *program;

  ExecPlan plan;
  std::vector<std::string> argv_storage = request.argv;
  for (auto& arg : argv_storage) plan.argv.push_back(arg.data());
  plan.argv.push_back(nullptr);
  for (const auto& [name, value] : request.environment) plan.env_storage.push_back(name + "=" + value);
  for (auto& entry : plan.env_storage) plan.envp.push_back(entry.data());
  plan.envp.push_back(nullptr);
  const std::string program_text = program->string();
  const std::string dir_text = request.working_dir.string();

  Fd out_read, out_write, err_read, err_write, report_read, report_write;
  if (!make_pipe(out_read, out_write) || !make_pipe(err_read, err_write) || !make_pipe(report_read, report_write)) {
    result.error = std::string("cannot create pipes: ") + std::strerror(errno);
    return finish(result);
  }

  const pid_t pid = ::fork();
  if (pid < 0) {
    result.error = std::string("fork failed: ") + std::strerror(errno);
    return finish(result);
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls from here to execve.
    ::setpgid(0, 0);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd < 0 || ::dup2(null_fd, 0) < 0) child_fail(report_write.get(), errno);
    if (::dup2(out_write.get(), 1) < 0 || ::dup2(err_write.get(), 2) < 0) child_fail(report_write.get(), errno);
    if (!dir_text.empty() && ::chdir(dir_text.c_str()) != 0) child_fail(report_write.get(), errno);
    // Signals the caller ignores or blocks must not carry over to the program.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    ::execve(program_text.c_str(), plan.argv.data(), plan.envp.data());
    child_fail(report_write.get(), errno);
  }
  // Parent. Setting the group here too closes the race with the child's own setpgid.
  ::setpgid(pid, pid);
  out_write.reset();
  err_write.reset();
  report_write.reset();

  // The exec report: end of file means execve succeeded (the pipe is close-on-exec).
  int exec_errno = 0;
  {
    ssize_t n;
    do {
      n = ::read(report_read.get(), &exec_errno, sizeof exec_errno);
    } while (n < 0 && errno == EINTR);
    if (n != static_cast<ssize_t>(sizeof exec_errno)) exec_errno = 0;
  }
  if (exec_errno != 0) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.end = exec_errno == ENOENT ? ProcessEnd::not_found : ProcessEnd::failed_to_start;
    result.error = "cannot run " + program_text + ": " + std::strerror(exec_errno);
    return finish(result);
  }

  Capture streams[2];
  streams[0].fd.reset(out_read.release());
  streams[1].fd.reset(err_read.release());
  streams[0].text = &result.out;
  streams[0].total = &result.out_bytes;
  streams[1].text = &result.err;
  streams[1].total = &result.err_bytes;
  for (auto& stream : streams) {
    stream.limit = request.max_output_bytes;
    ::fcntl(stream.fd.get(), F_SETFL, ::fcntl(stream.fd.get(), F_GETFL) | O_NONBLOCK);
  }

  const auto deadline = started + request.timeout;
  bool exited = false;
  bool timed_out = false;
  int status = 0;
  // After the child exits, the pipes are read until they close or this grace period ends.
  std::optional<Clock::time_point> drain_until;
  for (;;) {
    if (!exited) {
      const pid_t waited = ::waitpid(pid, &status, WNOHANG);
      if (waited == pid) {
        exited = true;
        // Whatever the program left running in its group goes with it.
        ::kill(-pid, SIGKILL);
        drain_until = Clock::now() + std::chrono::milliseconds(200);
      }
    }
    const bool any_open = streams[0].open || streams[1].open;
    if (exited && (!any_open || Clock::now() >= *drain_until)) break;
    const auto now = Clock::now();
    if (!exited && now >= deadline) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      timed_out = true;
      exited = true;
      drain_until = Clock::now() + std::chrono::milliseconds(200);
      continue;
    }
    // Short polls so a child exit is noticed even while a grandchild holds the pipes open.
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>((exited ? *drain_until : deadline) - now);
    const int timeout_ms = static_cast<int>(std::clamp<long long>(wait.count(), 0, 20));
    pollfd fds[2];
    nfds_t count = 0;
    Capture* order[2];
    for (auto& stream : streams) {
      if (!stream.open) continue;
      fds[count] = pollfd{stream.fd.get(), POLLIN, 0};
      order[count] = &stream;
      ++count;
    }
    if (count == 0) {
      if (!exited) {
        // Both streams closed; wait for the exit without spinning.
        ::usleep(static_cast<useconds_t>(std::max(timeout_ms, 1)) * 1000);
      }
      continue;
    }
    const int ready = ::poll(fds, count, timeout_ms);
    if (ready < 0 && errno != EINTR) break;
    for (nfds_t i = 0; i < count && ready > 0; ++i) {
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) order[i]->drain();
    }
  }

  if (timed_out) {
    result.end = ProcessEnd::timed_out;
    result.signal = SIGKILL;
  } else if (WIFEXITED(status)) {
    result.end = ProcessEnd::exited;
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.end = ProcessEnd::signaled;
    result.signal = WTERMSIG(status);
  }
  return finish(result);
}

const ProcessRunner& system_process_runner() {
  static const SystemProcessRunner runner;
  return runner;
}

}  // namespace claimcheck
