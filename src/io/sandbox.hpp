#pragma once
// The only way claims reach the file system: paths written in a claim are resolved against the
// claim file's folder and must stay inside the repository root after `..` and symlinks are
// resolved. Reads are bounded in size. This is the enforcement point of SECURITY.md's rule
// "a claim may read files inside the repository only".

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace claimcheck {

// Thrown when a claim names a path it may not read, or a file that does not exist.
class PathError : public std::exception {
 public:
  enum class Kind { outside_repository, missing, not_a_file, too_large };
  PathError(Kind kind, std::string message) : m_kind(kind), m_message(std::move(message)) {}
  Kind kind() const { return m_kind; }
  const char* what() const noexcept override { return m_message.c_str(); }

 private:
  Kind m_kind;
  std::string m_message;
};

class Sandbox {
 public:
  static constexpr std::uintmax_t k_default_max_file_bytes = 256ull * 1024 * 1024;

  // `root` is the repository (or audit) root; it is made absolute and canonical.
  explicit Sandbox(const std::filesystem::path& root,
                   std::uintmax_t max_file_bytes = k_default_max_file_bytes);

  const std::filesystem::path& root() const { return m_root; }

  // The canonical absolute path of `written` (as written in a claim file in folder `base_dir`).
  // Throws PathError when it is absolute, escapes the root, or does not exist. A path resolved
  // once is remembered for the sandbox's lifetime (one audit): thousands of claims naming the
  // same files cost one walk of the file system each, not one per claim. Thread-safe.
  std::filesystem::path resolve(const std::filesystem::path& base_dir, std::string_view written) const;

  // The path of `absolute` relative to the root, with '/' separators (for records and git).
  std::string relative(const std::filesystem::path& absolute) const;

  // Reads a file returned by resolve(); throws PathError when it is larger than the limit.
  std::string read(const std::filesystem::path& absolute) const;

 private:
  std::filesystem::path m_root;
  std::uintmax_t m_max_file_bytes;
  mutable std::mutex m_mutex;
  mutable std::unordered_map<std::string, std::filesystem::path> m_resolved;  // absolute folder '\0' path as written -> canonical
};

}  // namespace claimcheck
