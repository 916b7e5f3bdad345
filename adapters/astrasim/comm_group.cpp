#include "adapters/astrasim/comm_group.hpp"

#include <algorithm>
#include <set>

#include "adapters/astrasim/json_locate.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::astrasim {

CommGroups parse_comm_groups(const std::filesystem::path& file, const std::string& text, int total_npus) {
  const nlohmann::json root = parse_json_file(file, text);
  if (!root.is_object()) throw InputError(file, 1, 1, "comm groups must be a JSON object {\"1\": [npu, ...]}");
  CommGroups out;
  for (const auto& item : root.items()) {
    const std::string& key = item.key();
    const int line = json_key_line(text, key);
    int id = 0;
    try {
      std::size_t used = 0;
      id = std::stoi(key, &used);
      if (used != key.size()) throw std::invalid_argument(key);
    } catch (const std::exception&) {
      throw InputError(file, line, 0, "comm group id \"" + key + "\" is not an integer");
    }
    if (id <= 0) throw InputError(file, line, 0, "comm group id " + key + " must be larger than 0 (0 means all NPUs)");
    const auto& list = item.value();
    if (!list.is_array() || list.size() < 2) {
      throw InputError(file, line, 0, "comm group " + key + " must list at least 2 NPUs");
    }
    std::vector<int> npus;
    std::set<int> seen;
    for (const auto& v : list) {
      if (!v.is_number_integer() || v.get<int>() < 0 || v.get<int>() >= total_npus) {
        throw InputError(file, line, 0,
                         "comm group " + key + " lists " + v.dump() + ", not an NPU id in [0, " +
                             std::to_string(total_npus) + ")");
      }
      if (!seen.insert(v.get<int>()).second) {
        throw InputError(file, line, 0, "comm group " + key + " lists NPU " + v.dump() + " twice");
      }
      npus.push_back(v.get<int>());
    }
    out.groups[id] = npus;
  }
  return out;
}

}  // namespace claimcheck::astrasim
