#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace claimcheck {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what, const fs::path& path) {
  throw std::runtime_error("cannot " + what + " " + path.string() + ": " + std::strerror(errno));
}

void write_all(int fd, std::string_view content, const fs::path& path) {
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write", path);
    }
    written += static_cast<std::size_t>(n);
  }
}

}  // namespace

bool is_special_output(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  return !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

void write_file_atomically(const fs::path& requested, std::string_view content, Durability durability) {
  if (is_special_output(requested)) {
    // Renaming over a device or pipe would replace it (as root, /dev/null itself): write into it.
    const int fd = ::open(requested.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) fail("open", requested);
    try {
      write_all(fd, content, requested);
    } catch (...) {
      ::close(fd);
      throw;
    }
    ::close(fd);
    return;
  }
  std::error_code link_ec;
  // A link to a report is kept a link: the file it names is the one replaced.
  const fs::path path = fs::is_symlink(requested, link_ec) ? fs::weakly_canonical(requested) : requested;
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string temp = (dir / ("." + path.filename().string() + ".tmp.XXXXXX")).string();
  const int fd = mkstemp(temp.data());
  if (fd < 0) fail("create a temporary file for", path);
  auto cleanup = [&] {
    ::close(fd);
    ::unlink(temp.c_str());
  };
  try {
    write_all(fd, content, path);
  } catch (...) {
    cleanup();
    throw;
  }
  if (::fchmod(fd, 0644) != 0 || (durability == Durability::flushed && ::fsync(fd) != 0)) {
    const int saved = errno;
    cleanup();
    errno = saved;
    fail("flush", path);
  }
  ::close(fd);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    errno = saved;
    fail("replace", path);
  }
  if (durability == Durability::unflushed) return;
  // Make the rename itself durable.
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

OutputLock::OutputLock(const fs::path& output)
    : m_folder(output.has_parent_path() ? output.parent_path() : fs::path(".")) {}

OutputLock::~OutputLock() {
  if (m_fd >= 0) {
    ::flock(m_fd, LOCK_UN);
    ::close(m_fd);
  }
}

bool OutputLock::try_lock() {
  std::error_code ec;
  fs::create_directories(m_folder, ec);
  m_fd = ::open(m_folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (m_fd < 0) fail("open the output folder", m_folder);
  if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(m_fd);
    m_fd = -1;
    return false;
  }
  return true;
}

}  // namespace claimcheck
