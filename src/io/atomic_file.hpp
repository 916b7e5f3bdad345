#pragma once
// Writing outputs so that nothing is lost: a report or record is written to a temporary file in
// the same folder, flushed to disk, then renamed over the old one. A reader (or a crash) sees the
// old file or the new one, never half of either.

#include <filesystem>
#include <string_view>

namespace claimcheck {

// Whether the content reaches the disk before the rename. Either way a reader sees the old file
// or the new one; unflushed (for caches, whose damaged entries are detected) may lose the new
// one in a crash, and saves a disk flush per file.
enum class Durability { flushed, unflushed };

// Throws std::runtime_error naming the path and the system error on failure; the old file is
// then untouched and no temporary file is left behind. A symbolic link is followed: the file it
// names is replaced and the link kept. An output that is not a regular file (/dev/null,
// /dev/stdout, a named pipe) is written into, as a shell redirection would, never replaced.
void write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           Durability durability = Durability::flushed);

// true when `path` exists and is neither a regular file nor a folder (a device, pipe or socket,
// possibly behind a link): write_file_atomically writes into it, and no lock is needed.
bool is_special_output(const std::filesystem::path& path);

// An exclusive lock on the folder of an output (flock on the directory itself, so no lock file
// is left behind), held for the object's lifetime, so that two audits writing outputs into the
// same folder never interleave. try_lock() fails at once (no waiting).
class OutputLock {
 public:
  explicit OutputLock(const std::filesystem::path& output);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  // true when the lock was taken; false when another process holds it.
  bool try_lock();
  const std::filesystem::path& folder() const { return m_folder; }

 private:
  std::filesystem::path m_folder;
  int m_fd = -1;
};

}  // namespace claimcheck
