#pragma once
// Reads one Chakra ET file: varint32-length-delimited protobuf messages, a GlobalMetadata
// followed by Node messages.

#include <filesystem>
#include <string>

#include "adapters/astrasim/workload.hpp"

namespace claimcheck::astrasim {

// Parses the bytes of an ET file. Throws InputError on a truncated or malformed message, an
// unsupported collective type or an attribute of the wrong type.
NpuGraph parse_chakra_et(const std::filesystem::path& file, const std::string& bytes);

// Encodes a graph as an ET file (metadata version "0.0.4", then the nodes); used to write
// workloads for the real tool and by tests.
std::string encode_chakra_et(const NpuGraph& graph);

}  // namespace claimcheck::astrasim
