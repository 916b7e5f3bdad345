#include "adapters/astrasim/json_locate.hpp"

#include <algorithm>

#include "core/diagnostics.hpp"

namespace claimcheck::astrasim {

int json_key_line(const std::string& text, const std::string& key) {
  const std::size_t at = text.find("\"" + key + "\"");
  if (at == std::string::npos) return 0;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

nlohmann::json parse_json_file(const std::filesystem::path& file, const std::string& text) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    const std::size_t offset = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    int line = 1;
    int column = 1;
    for (std::size_t i = 0; i < offset; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw InputError(file, line, column, "not valid JSON: " + std::string(e.what()));
  } catch (const nlohmann::json::out_of_range& e) {
    // A number too large for a double ("1e999"): nlohmann reports no position for it.
    throw InputError(file, 0, 0, "not valid JSON: " + std::string(e.what()));
  }
}

}  // namespace claimcheck::astrasim
