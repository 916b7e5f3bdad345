#include "io/json_limits.hpp"

#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "core/diagnostics.hpp"

namespace claimcheck {

namespace {

using nlohmann::json;

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// From the opening quote of a string to its closing quote (or the end of the text).
std::size_t string_end(std::string_view content, std::size_t open) {
  std::size_t i = open + 1;
  while (i < content.size() && content[i] != '"') i += content[i] == '\\' ? 2 : 1;
  return i;
}

// The first '{' or '[' nested deeper than k_max_json_depth, counting the brackets outside strings
// as a reader of the text does: a syntax error elsewhere neither hides it nor comes before it.
std::optional<std::size_t> too_deep_at(std::string_view content) {
  int open = 0;
  for (std::size_t i = 0; i < content.size(); ++i) {
    const char c = content[i];
    if (c == '"') {
      i = string_end(content, i);
    } else if (c == '{' || c == '[') {
      if (++open > k_max_json_depth) return i;
    } else if (c == '}' || c == ']') {
      --open;
    }
  }
  return std::nullopt;
}

// The opening quote of the key with index `n` (0-based, in the order of the text) of valid JSON,
// where a key is a string followed by ':'.
std::size_t key_at(std::string_view content, std::size_t n) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (content[i] != '"') continue;
    const std::size_t start = i;
    i = string_end(content, i);
    std::size_t next = i + 1;
    while (next < content.size() && is_json_space(content[next])) ++next;
    if (next < content.size() && content[next] == ':' && seen++ == n) return start;
  }
  return 0;
}

// A repeated key: its index among all keys of the text, and the key.
struct RepeatedKey {
  std::size_t index = 0;
  std::string key;
};

// What nlohmann's parser reported: a syntax error (with the byte just past it) or a number too
// large for a double (without a position).
struct ParseFailure {
  std::string what;                // the exception's text, with its "[json.exception...]" prefix
  std::optional<std::size_t> byte; // parse errors only: 1-based, just past the offending character
};

// Builds the document from the parser's events (nlohmann's public SAX interface) and refuses, as
// it goes, what a plain parse would accept: nesting deeper than k_max_json_depth stops the parse
// before a deeper value is built, and the first repeated key in an object is recorded. The parse
// goes on after a repeated key, since a syntax error further on is reported in its place.
// With a sink, each complete element of a root array is handed to it and dropped.
class BoundedBuilder {
 public:
  BoundedBuilder(json& root, const JsonElementSink* sink) : m_root(root), m_sink(sink) {}

  bool null() {
    add(nullptr);
    return true;
  }
  bool boolean(bool value) {
    add(value);
    return true;
  }
  bool number_integer(json::number_integer_t value) {
    add(value);
    return true;
  }
  bool number_unsigned(json::number_unsigned_t value) {
    add(value);
    return true;
  }
  bool number_float(json::number_float_t value, const json::string_t& /*literal*/) {
    add(value);
    return true;
  }
  // The parser reuses the string's buffer for the next token, so it is copied, not moved.
  bool string(json::string_t& value) {
    add(value);
    return true;
  }
  bool binary(json::binary_t& value) {
    add(std::move(value));
    return true;
  }

  bool start_object(std::size_t /*elements*/) { return open(json::value_t::object); }
  bool start_array(std::size_t /*elements*/) { return open(json::value_t::array); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(json::string_t& key) {
    json::object_t& members = *m_open.back()->get_ptr<json::object_t*>();
    const auto [member, inserted] = members.try_emplace(key);
    if (!inserted && !m_repeated) m_repeated = RepeatedKey{m_keys, key};
    ++m_keys;
    // A repeated key's value replaces the first: the document is refused either way.
    m_member = &member->second;
    return true;
  }

  template <class Exception>
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/, const Exception& error) {
    m_failure = ParseFailure{error.what(), std::nullopt};
    if constexpr (std::is_same_v<Exception, json::parse_error>) m_failure->byte = error.byte;
    return false;
  }

  const std::optional<RepeatedKey>& repeated() const { return m_repeated; }
  const std::optional<ParseFailure>& failure() const { return m_failure; }

 private:
  // Places a value where the parser is (the root, the next element of an array, or the value
  // of the last key) and returns where it is.
  template <class Value>
  json* add(Value&& value) {
    if (m_open.empty()) {
      m_root = json(std::forward<Value>(value));
      return &m_root;
    }
    if (json::array_t* elements = m_open.back()->get_ptr<json::array_t*>()) {
      elements->emplace_back(std::forward<Value>(value));
      // A scalar element of the root array is complete as soon as it is placed.
      if (m_open.size() == 1 && m_sink && !elements->back().is_structured()) {
        hand_over(*elements);
        return nullptr;
      }
      return &elements->back();
    }
    *m_member = json(std::forward<Value>(value));
    return m_member;
  }

  bool open(json::value_t type) {
    if (m_open.size() >= static_cast<std::size_t>(k_max_json_depth)) return false;
    m_open.push_back(add(type));
    return true;
  }

  bool close() {
    m_open.pop_back();
    if (m_open.size() == 1 && m_sink) {
      if (json::array_t* elements = m_open.back()->get_ptr<json::array_t*>()) hand_over(*elements);
    }
    return true;
  }

  // Gives the last element of the root array to the sink, then drops it.
  void hand_over(json::array_t& elements) {
    (*m_sink)(m_elements++, elements.back());
    elements.pop_back();
  }

  json& m_root;
  const JsonElementSink* m_sink;          // receives the root array's elements; null: they stay in it
  std::size_t m_elements = 0;             // elements handed to the sink so far
  std::vector<json*> m_open;              // the objects and arrays being filled, outermost first
  json* m_member = nullptr;               // the value of the last key read
  std::size_t m_keys = 0;                 // keys read so far
  std::optional<RepeatedKey> m_repeated;  // the first repeated key
  std::optional<ParseFailure> m_failure;  // what stopped the parser, if it was not this builder
};

[[noreturn]] void throw_parse_failure(const ParseFailure& failure, std::string_view content,
                                      const std::filesystem::path& file) {
  std::string message = failure.what;
  if (failure.byte) {
    // The byte is 1-based and points just past the offending character.
    const std::size_t offset = *failure.byte > 0 ? *failure.byte - 1 : 0;
    auto [line, column] = line_column(content, offset);
    // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: " prefix.
    if (auto colon = message.find(": "); colon != std::string::npos && message.rfind("[json.exception", 0) == 0) {
      message = message.substr(colon + 2);
    }
    throw InputError(file, line, column, "invalid JSON: " + message);
  }
  // A number too large for a double ("number overflow parsing '1e999'") is reported without a
  // position: find the quoted token in the text.
  if (auto colon = message.find("] "); colon != std::string::npos) message = message.substr(colon + 2);
  int line = 0;
  int column = 0;
  const auto first_quote = message.find('\'');
  const auto last_quote = message.rfind('\'');
  if (first_quote != std::string::npos && last_quote > first_quote + 1) {
    if (auto at = content.find(message.substr(first_quote + 1, last_quote - first_quote - 1));
        at != std::string_view::npos) {
      std::tie(line, column) = line_column(content, at);
    }
  }
  throw InputError(file, line, column, "invalid JSON: " + message);
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
  return parse_json_bounded(content, file, JsonElementSink());
}

nlohmann::json parse_json_bounded(std::string_view content, const std::filesystem::path& file,
                                  const JsonElementSink& element) {
  json document;
  BoundedBuilder builder(document, element ? &element : nullptr);
  if (json::sax_parse(content, &builder) && !builder.repeated()) return document;
  // Refused. The problems are reported in the order a reader fixes them: nesting too deep
  // anywhere in the text, then a syntax error, then a repeated key. A repeated key is reported
  // only for valid JSON, and a reader takes the value of its first appearance while nlohmann
  // keeps the last.
  if (const auto deep = too_deep_at(content)) {
    auto [line, column] = line_column(content, *deep);
    throw InputError(file, line, column,
                     "JSON nests deeper than " + std::to_string(k_max_json_depth) + " levels");
  }
  if (builder.failure()) throw_parse_failure(*builder.failure(), content, file);
  if (builder.repeated()) {
    auto [line, column] = line_column(content, key_at(content, builder.repeated()->index));
    throw InputError(file, line, column, "duplicate key \"" + builder.repeated()->key + "\"",
                     "a key may appear once per object; readers disagree on which value counts");
  }
  // The builder stops only at nesting the count of brackets above finds: up to there the text
  // is valid JSON, whose brackets outside strings are its objects and arrays.
  throw std::logic_error("JSON nesting refused by the parse but not found in the text of " + file.string());
}

}  // namespace claimcheck
