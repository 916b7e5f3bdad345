#include "io/sandbox.hpp"

#include "io/file_read.hpp"

namespace claimcheck {
namespace fs = std::filesystem;

namespace {

bool is_inside(const fs::path& path, const fs::path& root) {
  auto p = path.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++p) {
    if (r->empty()) continue;  // trailing separator
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

}  // namespace

Sandbox::Sandbox(const fs::path& root, std::uintmax_t max_file_bytes)
    : m_root(fs::weakly_canonical(fs::absolute(root))), m_max_file_bytes(max_file_bytes) {}

fs::path Sandbox::resolve(const fs::path& base_dir, std::string_view written) const {
  if (written.empty()) throw PathError(PathError::Kind::missing, "empty path");
  if (written.front() == '/') {  // fs::path::is_absolute() on POSIX, without splitting the path
    throw PathError(PathError::Kind::outside_repository,
                    "absolute path \"" + std::string(written) + "\" is not allowed; write it relative to the claim file");
  }
  const fs::path base = base_dir.is_absolute() ? base_dir : fs::absolute(base_dir);
  // A folder and a path resolved before give the same answer (the remembered ones passed every
  // check below); looked up before any path arithmetic, which costs more than the lookup.
  std::string key = base.native();
  key += '\0';
  key += written;
  {
    const std::lock_guard lock(m_mutex);
    if (const auto it = m_resolved.find(key); it != m_resolved.end()) return it->second;
  }
  const fs::path joined = base / fs::path(written);
  // Check the lexical path first so "../x" is refused even when x does not exist.
  if (!is_inside(joined.lexically_normal(), m_root)) {
    throw PathError(PathError::Kind::outside_repository,
                    "path \"" + std::string(written) + "\" leaves the repository " + m_root.string());
  }
  std::error_code ec;
  if (!fs::exists(joined, ec)) {
    throw PathError(PathError::Kind::missing, "file \"" + std::string(written) + "\" does not exist (looked for " +
                                                  joined.lexically_normal().string() + ")");
  }
  const fs::path canonical = fs::canonical(joined, ec);
  if (ec || !is_inside(canonical, m_root)) {
    throw PathError(PathError::Kind::outside_repository,
                    "path \"" + std::string(written) + "\" resolves through a symbolic link to " +
                        canonical.string() + ", outside the repository " + m_root.string());
  }
  const std::lock_guard lock(m_mutex);
  m_resolved.emplace(std::move(key), canonical);
  return canonical;
}

std::string Sandbox::relative(const fs::path& absolute) const {
  return absolute.lexically_relative(m_root).generic_string();
}

std::string Sandbox::read(const fs::path& absolute) const {
  std::error_code ec;
  if (!fs::is_regular_file(absolute, ec)) {
    throw PathError(PathError::Kind::not_a_file, absolute.string() + " is not a regular file");
  }
  const auto size = fs::file_size(absolute, ec);
  if (!ec && size > m_max_file_bytes) {
    throw PathError(PathError::Kind::too_large, absolute.string() + " has " + std::to_string(size) +
                                                    " bytes, over the limit of " + std::to_string(m_max_file_bytes));
  }
  auto content = read_file(absolute);
  if (!content) throw PathError(PathError::Kind::missing, "cannot open " + absolute.string());
  return std::move(*content);
}

}  // namespace claimcheck
