#pragma once
// The result cache: measurements kept across audits, addressed by content, so that a re-audit
// measures only what changed.
//
// A measurement is addressed by its claim key, which names what was asked (the caller makes it:
// adapter name and version, claimcheck's version and build, the claim's measurement fields), and
// by the content hash of every file it read: its result key digests both. The entry of a claim
// key holds the measurements of that claim for the last few sets of file contents, each with the
// files' paths and hashes; a lookup hashes those files as they are now and takes the measurement
// whose hashes all match. A changed input is a miss; a file changed back finds its earlier
// measurement again.
//
// Layout of the cache folder:
//   CACHEDIR.TAG, .gitignore    mark it as a cache: backup tools skip it, git ignores it
//   <ab>/<claim key>            the entry of a claim key
//   claims/<ab>/<file key>      the claims read from a claim file (see load_claims)
// An entry is written to a temporary file and renamed into place, so an audit never reads half of
// an entry another audit sharing the cache is writing (two audits storing the same claim at once
// may each keep only their own measurement: a later miss, never a wrong hit). Each entry ends
// with the SHA-256 of what precedes it: a corrupt or truncated entry is detected and ignored.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace claimcheck {

// A file's path relative to the repository root and the hash of its content.
struct FileHash {
  std::string path;
  std::string hash;
  bool operator==(const FileHash&) const = default;
};

// A measurement found in the cache: its result key and the payload stored with it.
struct CachedResult {
  std::string key;
  std::string payload;
};

class ResultCache {
 public:
  // Measurements kept per claim key (the newest; older ones are dropped).
  static constexpr std::size_t k_max_variants = 8;

  // Nothing is created until the first store().
  explicit ResultCache(std::filesystem::path dir);

  const std::filesystem::path& dir() const { return m_dir; }

  // The result key of a measurement: its claim key and the hash of every file it read (sorted).
  static std::string result_key(const std::string& claim_key, const std::vector<FileHash>& files);

  // The measurement stored for `claim_key` whose files all still have the stored hashes;
  // `hash_of(path)` gives a file's hash now (nullopt when it is gone). nullopt when there is none,
  // or the entry is damaged.
  std::optional<CachedResult> find(const std::string& claim_key,
                                   const std::function<std::optional<std::string>(const std::string&)>& hash_of) const;

  // Stores `payload` as the measurement of `claim_key` from `files` (sorted by path); returns its
  // result key. A cache that cannot be written (a read-only folder, a full disk) only costs later
  // misses: the problem is returned in `error`, never thrown.
  std::string store(const std::string& claim_key, const std::vector<FileHash>& files, const std::string& payload,
                    std::string& error) const;

  // Entries of another kind, in a folder of their own, under a key the caller makes (64 hex
  // digits: a digest of everything the payload depends on); framed and checked like the
  // measurements' entries. The loader keeps the claims it read from each claim file in "claims/".
  // The entry is read into `buffer` (its memory reused from call to call): the payload is a view into it.
  std::optional<std::string_view> find_entry(std::string_view folder, const std::string& key,
                                             std::string& buffer) const;
  void store_entry(std::string_view folder, const std::string& key, const std::string& payload,
                   std::string& error) const;

 private:
  std::filesystem::path entry_path(const std::string& claim_key) const;
  void mark_folder() const;

  std::filesystem::path m_dir;
};

// `payload` framed as a cache entry, with its checksum.
std::string frame_cache_entry(const std::string& payload);

// The payload of a framed entry, a view into it; nullopt when the frame or its checksum is wrong.
std::optional<std::string_view> cache_entry_payload(std::string_view entry);

}  // namespace claimcheck
