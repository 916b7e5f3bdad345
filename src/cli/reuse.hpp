#pragma once
// Reusing measurements across audits (io/result_cache.hpp holds them): the key a claim's
// measurement is stored under, the content hashes of the files it read, and the measurement as a
// cache payload.

#include <filesystem>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <optional>
#include <unordered_map>
#include <string>

#include "adapter/adapter.hpp"
#include "io/result_cache.hpp"

namespace claimcheck {

// The content hash (git blob id) of each file an audit reads, computed once per audit; the
// evidence of the record uses the same ids. Safe to use from several threads.
class FileHashes {
 public:
  // nullopt when the file is not a readable regular file.
  std::optional<std::string> of(const std::filesystem::path& absolute);

 private:
  std::mutex m_mutex;
  std::unordered_map<std::string, std::optional<std::string>> m_hashes;  // by absolute path
};

// Each claim file's path relative to the repository root ('/' separated), resolved once per file
// (claims of one file share it).
// Safe to use from several threads.
class ClaimFiles {
 public:
  explicit ClaimFiles(const Sandbox& sandbox) : m_sandbox(sandbox) {}
  const std::string& relative(const Claim& claim) { return of(claim).relative; }
  // Its folder relative to the root ("" for the root).
  const std::string& folder(const Claim& claim) { return of(claim).folder; }
  // Its folder as an absolute path: the base of the claim's relative paths.
  const std::filesystem::path& dir(const Claim& claim) { return of(claim).dir; }

 private:
  struct Facts {
    std::string relative;
    std::string folder;
    std::filesystem::path dir;
  };
  const Facts& of(const Claim& claim);

  const Sandbox& m_sandbox;
  std::shared_mutex m_mutex;
  std::unordered_map<std::string, Facts> m_files;  // by the claim file's path as given (nodes: stable)
};

// Whether the result cache may hold the claim's measurement: not when the claim says
// "cache": false, nor when measuring it runs a program unless it says "cache": true.
bool cacheable(const Claim& claim, const Adapter& adapter);

// The claim key, in two steps. claim_key_fields(): the adapter's name and version, claimcheck's
// version and build, the claim's folder (relative to the repository root: its paths are relative
// to it) and every field a measurement depends on (mode, metric, workload and hardware specs,
// artifact, inputs, extract, options); not the id, title, source, expected value or tags. Equal
// fields give equal keys. claim_key_of(): their digest, 40 hex digits.
std::string claim_key_fields(const Claim& claim, const Adapter& adapter, const std::string& folder);
std::string claim_key_of(std::string_view fields);

// The files a measurement's result key is made of: the files it read and those the claim names,
// with their hashes, sorted; nullopt when one cannot be hashed or lies outside the root (such a
// measurement is not stored).
std::optional<std::vector<FileHash>> hashed_files(const std::vector<std::filesystem::path>& files,
                                                  const Sandbox& sandbox, FileHashes& hashes);

// A measurement as a cache payload (JSON; its files relative to the root), and back: nullopt when
// the payload is not one.
std::string measurement_payload(const Measurement& measurement, const Sandbox& sandbox);
std::optional<Measurement> measurement_from_payload(const std::string& payload, const Sandbox& sandbox);

}  // namespace claimcheck
