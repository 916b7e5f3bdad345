#pragma once
// Writing outputs so that nothing is lost: a report or record is written to a temporary file in
// the same folder, flushed to disk, then renamed over the old one. A reader (or a crash) sees the
// old file or the new one, never half of either.

#include <filesystem>
#include <string_view>

namespace claimcheck {

// Throws std::runtime_error naming the path and the system error on failure; the old file is
// then untouched and no temporary file is left behind.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

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
