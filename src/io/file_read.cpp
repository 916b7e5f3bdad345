#include "io/file_read.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace claimcheck {

std::optional<std::string> read_file(const std::filesystem::path& path) {
  std::string out;
  if (!read_file_into(path, out)) return std::nullopt;
  return out;
}

bool read_file_into(const std::filesystem::path& path, std::string& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    out.clear();
    return false;
  }
  struct stat st {};
  // A regular file's size is known: one allocation. Anything else, or a file that grew since,
  // is read on in blocks until its end.
  const std::size_t expected = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) : 0;
  out.resize(expected);  // what `out` held is read over, not cleared first
  std::size_t got = 0;
  bool failed = false;
  while (got < out.size()) {
    const ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    failed = n < 0;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  if (got == expected && !failed) {
    char block[64 * 1024];
    for (;;) {
      const ssize_t n = ::read(fd, block, sizeof block);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      out.append(block, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return true;
}

}  // namespace claimcheck
