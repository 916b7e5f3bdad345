#include "io/result_cache.hpp"

#include <algorithm>

#include "io/atomic_file.hpp"
#include "io/digest.hpp"
#include "io/file_read.hpp"

namespace claimcheck {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_magic = "claimcheck-cache 2\n";
constexpr std::string_view k_checksum = "sha256 ";
constexpr std::size_t k_hex_digits = 64;

// One stored measurement of a claim key.
struct Variant {
  std::vector<FileHash> files;
  std::string payload;
};

// Fields are written as "<length> <bytes>\n", so that any path or payload round-trips.
void put(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ' ';
  out += field;
  out += '\n';
}

class FieldReader {
 public:
  explicit FieldReader(std::string_view text) : m_text(text) {}
  std::optional<std::string_view> next() {
    std::size_t length = 0;
    std::size_t at = m_at;
    while (at < m_text.size() && m_text[at] >= '0' && m_text[at] <= '9' && at - m_at < 12) {
      length = length * 10 + static_cast<std::size_t>(m_text[at] - '0');
      ++at;
    }
    if (at == m_at || at >= m_text.size() || m_text[at] != ' ' || length > m_text.size() - at - 1) return std::nullopt;
    const std::size_t start = at + 1;
    if (start + length >= m_text.size() || m_text[start + length] != '\n') return std::nullopt;
    m_at = start + length + 1;
    return m_text.substr(start, length);
  }
  std::optional<std::size_t> count() {
    const auto field = next();
    if (!field || field->empty() || field->size() > 6) return std::nullopt;
    std::size_t n = 0;
    for (char c : *field) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    return n;
  }
  bool done() const { return m_at == m_text.size(); }

 private:
  std::string_view m_text;
  std::size_t m_at = 0;
};

std::string encode(const std::vector<Variant>& variants) {
  std::string out;
  put(out, std::to_string(variants.size()));
  for (const auto& v : variants) {
    put(out, std::to_string(v.files.size()));
    for (const auto& f : v.files) {
      put(out, f.path);
      put(out, f.hash);
    }
    put(out, v.payload);
  }
  return out;
}

std::optional<std::vector<Variant>> decode(std::string_view body) {
  FieldReader in(body);
  const auto n = in.count();
  if (!n || *n > ResultCache::k_max_variants) return std::nullopt;
  std::vector<Variant> variants(*n);
  for (auto& v : variants) {
    const auto files = in.count();
    if (!files) return std::nullopt;
    for (std::size_t i = 0; i < *files; ++i) {
      const auto path = in.next();
      const auto hash = path ? in.next() : std::nullopt;
      if (!hash) return std::nullopt;
      v.files.push_back({std::string(*path), std::string(*hash)});
    }
    const auto payload = in.next();
    if (!payload) return std::nullopt;
    v.payload = std::string(*payload);
  }
  if (!in.done()) return std::nullopt;
  return variants;
}

}  // namespace

std::string frame_cache_entry(const std::string& payload) {
  std::string entry;
  entry.reserve(k_magic.size() + payload.size() + k_checksum.size() + k_hex_digits + 1);
  entry.append(k_magic).append(payload);
  const std::string digest = sha256_hex(entry);
  entry.append(k_checksum).append(digest).push_back('\n');
  return entry;
}

std::optional<std::string_view> cache_entry_payload(std::string_view entry) {
  const std::size_t trailer = k_checksum.size() + k_hex_digits + 1;
  if (entry.size() < k_magic.size() + trailer || entry.substr(0, k_magic.size()) != k_magic) return std::nullopt;
  const std::size_t body_size = entry.size() - trailer;
  if (entry.substr(body_size, k_checksum.size()) != k_checksum || entry.back() != '\n') return std::nullopt;
  const std::string_view body = entry.substr(0, body_size);
  if (entry.substr(body_size + k_checksum.size(), k_hex_digits) != sha256_hex(body)) return std::nullopt;
  return body.substr(k_magic.size());
}


ResultCache::ResultCache(fs::path dir) : m_dir(std::move(dir)) {}

std::string ResultCache::result_key(const std::string& claim_key, const std::vector<FileHash>& files) {
  Sha256 digest;
  digest.field(claim_key);
  for (const auto& f : files) digest.field(f.path).field(f.hash);
  return digest.hex().substr(0, 40);
}

fs::path ResultCache::entry_path(const std::string& claim_key) const { return m_dir / claim_key.substr(0, 2) / claim_key; }

std::optional<CachedResult> ResultCache::find(
    const std::string& claim_key, const std::function<std::optional<std::string>(const std::string&)>& hash_of) const {
  const auto text = read_file(entry_path(claim_key));
  if (!text) return std::nullopt;
  const auto body = cache_entry_payload(*text);
  if (!body) return std::nullopt;
  const auto variants = decode(*body);
  if (!variants) return std::nullopt;
  for (const auto& v : *variants) {
    const bool current = std::all_of(v.files.begin(), v.files.end(), [&](const FileHash& f) {
      const auto now = hash_of(f.path);
      return now && *now == f.hash;
    });
    if (current) return CachedResult{result_key(claim_key, v.files), v.payload};
  }
  return std::nullopt;
}

void ResultCache::mark_folder() const {
  std::error_code ec;
  if (fs::exists(m_dir / "CACHEDIR.TAG", ec)) return;
  fs::create_directories(m_dir, ec);
  // Git ignores the folder's content (so an audit does not make its own repository dirty), and
  // backup tools skip it (https://bford.info/cachedir/).
  write_file_atomically(m_dir / ".gitignore", "# claimcheck's result cache\n*\n", Durability::unflushed);
  write_file_atomically(m_dir / "CACHEDIR.TAG",
                        "Signature: 8a477f597d28d172789f06886806bc55\n"
                        "# This folder is claimcheck's result cache; delete it at any time.\n",
                        Durability::unflushed);
}

std::string ResultCache::store(const std::string& claim_key, const std::vector<FileHash>& files,
                               const std::string& payload, std::string& error) const {
  const std::string key = result_key(claim_key, files);
  try {
    mark_folder();
    const fs::path path = entry_path(claim_key);
    std::vector<Variant> variants;
    if (const auto text = read_file(path)) {
      if (const auto body = cache_entry_payload(*text)) variants = decode(*body).value_or(std::vector<Variant>{});
    }
    std::erase_if(variants, [&](const Variant& v) { return v.files == files; });
    variants.insert(variants.begin(), Variant{files, payload});
    if (variants.size() > k_max_variants) variants.resize(k_max_variants);
    write_file_atomically(path, frame_cache_entry(encode(variants)), Durability::unflushed);
  } catch (const std::exception& e) {
    error = e.what();
  }
  return key;
}

std::optional<std::string_view> ResultCache::find_entry(std::string_view folder, const std::string& key,
                                                        std::string& buffer) const {
  if (!read_file_into(m_dir / folder / key.substr(0, 2) / key, buffer)) return std::nullopt;
  return cache_entry_payload(buffer);
}

void ResultCache::store_entry(std::string_view folder, const std::string& key, const std::string& payload,
                              std::string& error) const {
  try {
    mark_folder();
    write_file_atomically(m_dir / folder / key.substr(0, 2) / key, frame_cache_entry(payload), Durability::unflushed);
  } catch (const std::exception& e) {
    error = e.what();
  }
}

}  // namespace claimcheck
