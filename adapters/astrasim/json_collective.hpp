#pragma once
// A one-collective workload in a small JSON form:
//
//   { "collective": "all-reduce", "size_bytes": 67108864 }
//
// "collective": all-reduce | all-gather | reduce-scatter | all-to-all; "size_bytes": the ET
// comm_size (per-NPU buffer; for all-gather the per-NPU shard). Optional "involved_dim": [bool...].
// Every NPU runs the same single collective node.

#include <filesystem>
#include <string>

#include "adapters/astrasim/workload.hpp"

namespace claimcheck::astrasim {

NpuGraph parse_json_collective(const std::filesystem::path& file, const std::string& text);

}  // namespace claimcheck::astrasim
