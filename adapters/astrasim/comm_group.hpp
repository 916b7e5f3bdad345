#pragma once
// Communicator groups (JSON): {"1": [0,1,2,3], "2": [4,5,6,7]}. An ET node picks one with its
// pg_name attribute; "" or "0" means all NPUs.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace claimcheck::astrasim {

struct CommGroups {
  std::map<int, std::vector<int>> groups;  // group id (> 0) -> NPUs in the order listed
  bool operator==(const CommGroups&) const = default;
};

// Throws InputError on a non-numeric or non-positive group id, an NPU out of [0, total_npus),
// an NPU listed twice in one group, or a group of fewer than 2 NPUs.
CommGroups parse_comm_groups(const std::filesystem::path& file, const std::string& text, int total_npus);

}  // namespace claimcheck::astrasim
