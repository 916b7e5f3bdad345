#pragma once
// Reading a whole file in one piece: claim files, the inputs claims name, cache entries. A
// std::ifstream copied through a std::ostringstream costs several times the read itself, and an
// audit of thousands of claims reads tens of megabytes.

#include <filesystem>
#include <optional>
#include <string>

namespace claimcheck {

// The bytes of `path`, read to its end; nullopt when it cannot be opened. A read that fails
// part way gives the bytes read until then (as a stream would).
std::optional<std::string> read_file(const std::filesystem::path& path);

// The same into `out`, whose memory is reused: a loop reading many files into one string touches
// fresh pages only for the largest. False (and `out` empty) when the file cannot be opened.
bool read_file_into(const std::filesystem::path& path, std::string& out);

}  // namespace claimcheck
