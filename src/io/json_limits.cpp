#include "io/json_limits.hpp"

#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/diagnostics.hpp"

namespace claimcheck {

namespace {

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The members of every object in `value`, nested ones included.
std::size_t members(const nlohmann::json& value) {
  std::size_t n = 0;
  if (value.is_object()) {
    n += value.size();
    for (const auto& [key, member] : value.items()) n += members(member);
  } else if (value.is_array()) {
    for (const auto& element : value) n += members(element);
  }
  return n;
}

}  // namespace

std::pair<int, int> line_column(std::string_view content, std::size_t offset) {
  int line = 1;
  int column = 1;
  for (std::size_t i = 0; i < offset && i < content.size(); ++i) {
    if (content[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

nlohmann::json parse_json_bounded(std::string_view content, const std::filesystem::path& file) {
  // The depth check runs before a deep document is built; nlohmann's parser itself is iterative.
  // The same pass counts the keys (strings followed by ':'), for the check of repeated keys below.
  bool too_deep = false;
  std::size_t depth_offset = 0;
  int open = 0;
  std::size_t keys_written = 0;
  for (std::size_t i = 0; i < content.size() && !too_deep; ++i) {
    const char c = content[i];
    if (c == '"') {
      for (++i; i < content.size() && content[i] != '"'; ++i) {
        if (content[i] == '\\') ++i;
      }
      std::size_t next = i + 1;
      while (next < content.size() && is_json_space(content[next])) ++next;
      if (next < content.size() && content[next] == ':') ++keys_written;
    } else if (c == '{' || c == '[') {
      if (++open > k_max_json_depth) {
        too_deep = true;
        depth_offset = i;
      }
    } else if (c == '}' || c == ']') {
      --open;
    }
  }
  if (too_deep) {
    auto [line, column] = line_column(content, depth_offset);
    throw InputError(file, line, column,
                     "JSON nests deeper than " + std::to_string(k_max_json_depth) + " levels");
  }
  try {
    // A repeated key is refused: nlohmann keeps the last value, while a reader of the file (a
    // reviewer of a claim) sees the first. Each key of valid JSON adds a member to its object
    // unless its object has it already, so the document holds as many members as the text has
    // keys exactly when no key repeats; only then is the document taken as parsed, without a
    // set of keys per object (which costs more than the parse itself).
    nlohmann::json document = nlohmann::json::parse(content);
    if (members(document) == keys_written) return document;
  } catch (const nlohmann::json::exception&) {
    // Reported with its position by the parse below.
  }
  // The repeated key (or the syntax error): keys seen per open object.
  std::vector<std::set<std::string>> keys;
  std::size_t key_index = 0;
  std::optional<std::pair<std::size_t, std::string>> duplicate;  // index among all keys, key
  const nlohmann::json::parser_callback_t on_event = [&](int, nlohmann::json::parse_event_t event,
                                                         nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start) {
      keys.emplace_back();
    } else if (event == Event::object_end && !keys.empty()) {
      keys.pop_back();
    } else if (event == Event::key && !keys.empty()) {
      const std::string& key = parsed.get_ref<const std::string&>();
      if (!keys.back().insert(key).second && !duplicate) duplicate.emplace(key_index, key);
      ++key_index;
    }
    return true;
  };
  try {
    nlohmann::json document = nlohmann::json::parse(content, on_event);
    if (duplicate) {
      // The n-th key of the document is the n-th string token followed by ':'.
      std::size_t offset = 0;
      std::size_t n = 0;
      for (std::size_t i = 0; i < content.size(); ++i) {
        if (content[i] != '"') continue;
        const std::size_t start = i;
        for (++i; i < content.size() && content[i] != '"'; ++i) {
          if (content[i] == '\\') ++i;
        }
        std::size_t next = i + 1;
        while (next < content.size() && is_json_space(content[next])) ++next;
        if (next < content.size() && content[next] == ':' && n++ == duplicate->first) {
          offset = start;
          break;
        }
      }
      auto [line, column] = line_column(content, offset);
      throw InputError(file, line, column, "duplicate key \"" + duplicate->second + "\"",
                       "a key may appear once per object; readers disagree on which value counts");
    }
    return document;
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based and points just past the offending character.
    const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    auto [line, column] = line_column(content, offset);
    std::string message = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: " prefix.
    if (auto colon = message.find(": "); colon != std::string::npos && message.rfind("[json.exception", 0) == 0) {
      message = message.substr(colon + 2);
    }
    throw InputError(file, line, column, "invalid JSON: " + message);
  } catch (const nlohmann::json::out_of_range& e) {
    // A number too large for a double ("number overflow parsing '1e999'") is reported without
    // a position: find the quoted token in the text.
    std::string message = e.what();
    if (auto colon = message.find("] "); colon != std::string::npos) message = message.substr(colon + 2);
    int line = 0;
    int column = 0;
    const auto first_quote = message.find('\'');
    const auto last_quote = message.rfind('\'');
    if (first_quote != std::string::npos && last_quote > first_quote + 1) {
      if (auto at = content.find(message.substr(first_quote + 1, last_quote - first_quote - 1)); at != std::string_view::npos) {
        std::tie(line, column) = line_column(content, at);
      }
    }
    throw InputError(file, line, column, "invalid JSON: " + message);
  }
}

}  // namespace claimcheck
