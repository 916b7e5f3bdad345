#include "io/claim_loader.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/derive.hpp"
#include "core/printed_number.hpp"
#include "io/claim_codec.hpp"
#include "io/claim_expand.hpp"
#include "io/digest.hpp"
#include "io/extract.hpp"
#include "io/file_read.hpp"
#include "io/json_limits.hpp"
#include "io/json_locator.hpp"

namespace claimcheck {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The members of one object of a claim file, matched once against the keys it may have and then
// found by key among those few, which costs less than a lookup in the object's std::map for each
// field read. Keys not among them are kept, in the object's order, to be reported.
class Members {
 public:
  static constexpr std::size_t k_max_keys = 24;

  // `object` must be a JSON object; `keys` outlives this.
  Members(json& object, const std::vector<std::string>& keys) : m_keys(keys) {
    if (keys.size() > k_max_keys) throw std::logic_error("a table of claim keys is longer than Members holds");
    for (auto it = object.begin(); it != object.end(); ++it) {
      const std::size_t at = index(it.key());
      if (at < keys.size()) {
        m_found[at] = &it.value();
      } else {
        m_unknown.push_back(&it.key());
      }
    }
  }

  // The member named `key` (one of the keys given), or null.
  json* find(std::string_view key) const {
    const std::size_t at = index(key);
    if (at == m_keys.size()) throw std::logic_error("claim key \"" + std::string(key) + "\" is not in its table");
    return m_found[at];
  }
  bool contains(std::string_view key) const { return find(key) != nullptr; }

  const std::vector<const std::string*>& unknown() const { return m_unknown; }

 private:
  // Position of `key` in the table, or its size. Keys are short: compared a byte at a time.
  std::size_t index(std::string_view key) const {
    for (std::size_t i = 0; i < m_keys.size(); ++i) {
      const std::string& known = m_keys[i];
      if (known.size() != key.size()) continue;
      std::size_t same = 0;
      while (same < key.size() && known[same] == key[same]) ++same;
      if (same == key.size()) return i;
    }
    return m_keys.size();
  }

  const std::vector<std::string>& m_keys;
  std::array<json*, k_max_keys> m_found{};
  std::vector<const std::string*> m_unknown;
};

// Reads one claim object's fields, recording each problem with its JSON pointer. Strings and the
// adapters' JSON (options, inline specs) are moved out of the object, which is read once.
class ClaimReader {
 public:
  ClaimReader(json& object, std::string base, Diagnostics& out, const fs::path& file)
      : m_object(object), m_base(std::move(base)), m_out(out), m_file(file) {}

  bool ok() const { return m_errors == 0; }

  void error(const std::string& pointer, std::string message, std::string hint = {}) {
    ++m_errors;
    m_out.add(m_file, m_base + pointer, std::move(message), std::move(hint));
  }

  // The members of `object` (at `pointer`); keys not in `allowed` are rejected, with "did you mean".
  Members members(json& object, std::string_view pointer, const std::vector<std::string>& allowed) {
    Members found(object, allowed);
    for (const std::string* key : found.unknown()) {
      std::string hint;
      if (auto close = closest_match(*key, allowed); !close.empty()) {
        hint = "did you mean \"" + close + "\"?";
      } else {
        hint = "allowed keys here: " + join(allowed);
      }
      error(member(pointer, *key), "unknown key \"" + *key + "\"", hint);
    }
    return found;
  }

  static std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
    return out;
  }

  // The string at `key`, moved out of the object.
  std::optional<std::string> string_at(const Members& object, std::string_view pointer, std::string_view key,
                                       bool required) {
    json* found = object.find(key);
    if (found == nullptr) {
      if (required) error(std::string(pointer), "missing required key \"" + std::string(key) + "\"");
      return std::nullopt;
    }
    json& value = *found;
    if (!value.is_string()) {
      error(member(pointer, key), "\"" + std::string(key) + "\" must be a string, not " + value.type_name());
      return std::nullopt;
    }
    if (required && value.get_ref<const std::string&>().empty()) {
      error(member(pointer, key), "\"" + std::string(key) + "\" must not be empty");
      return std::nullopt;
    }
    return std::move(value.get_ref<std::string&>());
  }

  std::optional<double> number_at(const Members& object, std::string_view pointer, std::string_view key) {
    const json* found = object.find(key);
    if (found == nullptr) return std::nullopt;
    const json& value = *found;
    if (!value.is_number()) {
      error(member(pointer, key), "\"" + std::string(key) + "\" must be a number, not " + value.type_name());
      return std::nullopt;
    }
    const double number = value.get<double>();
    if (!std::isfinite(number)) {
      error(member(pointer, key), "\"" + std::string(key) + "\" must be finite");
      return std::nullopt;
    }
    return number;
  }

  // The pointer of member `key` of the object at `pointer`.
  static std::string member(std::string_view pointer, std::string_view key) {
    return std::string(pointer) + "/" + pointer_token(key);
  }

  std::optional<Unit> unit_at(const Members& object, std::string_view pointer, std::string_view key, bool required) {
    auto symbol = string_at(object, pointer, key, required);
    if (!symbol) return std::nullopt;
    if (auto unit = parse_unit(*symbol)) return unit;
    std::string hint;
    if (auto close = closest_match(*symbol, known_unit_symbols()); !close.empty()) {
      hint = "did you mean \"" + close + "\"?";
    } else {
      hint = "known units: " + join(known_unit_symbols());
    }
    error(member(pointer, key), "unknown unit \"" + *symbol + "\"", hint);
    return std::nullopt;
  }

  // Fills `claim`, a default one.
  void read(Claim& claim) {
    if (!m_object.is_object()) {
      error("", std::string("a claim must be a JSON object, not ") + m_object.type_name());
      return;
    }
    // The key tables are built once: every claim is checked against them.
    static const std::vector<std::string> k_keys = {
        "$schema", "id",      "title",  "source",  "tool",    "mode", "workload", "hardware", "metric",  "expected",
        "tolerance", "artifact", "inputs", "extract", "options", "tags", "cache",    "derived",  "for_each"};
    const Members fields = members(m_object, "", k_keys);
    if (auto id = string_at(fields, "", "id", true)) {
      const bool valid = std::all_of(id->begin(), id->end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
      });
      if (!valid || id->size() > 200) {
        error("/id", "id \"" + *id + "\" may contain only letters, digits, '-', '_' and '.' (at most 200)");
      }
      claim.id = std::move(*id);
    }
    claim.title = string_at(fields, "", "title", true).value_or("");
    read_source(fields, claim);
    if (fields.contains("derived")) {
      read_derived(fields, claim);
      return;
    }
    claim.tool = string_at(fields, "", "tool", true).value_or("");
    if (auto mode = string_at(fields, "", "mode", false)) {
      if (*mode == "run") {
        claim.mode = Mode::run;
      } else if (*mode == "reread") {
        claim.mode = Mode::reread;
      } else {
        error("/mode", "mode must be \"run\" or \"reread\", not \"" + *mode + "\"");
      }
    }
    claim.workload = read_spec(fields, "workload");
    claim.hardware = read_spec(fields, "hardware");
    claim.metric = string_at(fields, "", "metric", true).value_or("");
    read_expected(fields, claim);
    claim.artifact = string_at(fields, "", "artifact", false);
    if (claim.mode == Mode::reread && !claim.artifact) {
      error("", "a claim with mode \"reread\" needs \"artifact\": the file the tool wrote");
    }
    claim.inputs = read_strings(fields, "inputs");
    claim.tags = read_strings(fields, "tags");
    read_extract(fields, claim);
    if (json* cache = fields.find("cache")) {
      if (cache->is_boolean()) {
        claim.cache = cache->get<bool>();
      } else {
        error("/cache", std::string("\"cache\" must be true or false, not ") + cache->type_name(),
              "true lets the result cache reuse a result even when measuring it runs a program");
      }
    }
    if (json* options = fields.find("options")) {
      if (!options->is_object()) {
        error("/options", std::string("\"options\" must be an object, not ") + options->type_name());
      } else {
        claim.options = std::move(*options);
      }
    }
  }

 private:
  void read_source(const Members& fields, Claim& claim) {
    json* found = fields.find("source");
    if (found == nullptr) {
      error("", "missing required key \"source\"", "say where the paper reports the number: {\"paper\": ..., \"where\": ...}");
      return;
    }
    json& object = *found;
    if (!object.is_object()) {
      error("/source", std::string("\"source\" must be an object, not ") + object.type_name());
      return;
    }
    static const std::vector<std::string> k_keys = {"paper", "where", "quote", "url", "doi", "file", "line"};
    const Members source = members(object, "/source", k_keys);
    claim.source.paper = string_at(source, "/source", "paper", true).value_or("");
    claim.source.file = string_at(source, "/source", "file", false).value_or("");
    // A paper's source file locates the number itself (with the quote); otherwise say where.
    claim.source.where = string_at(source, "/source", "where", claim.source.file.empty()).value_or("");
    claim.source.quote = string_at(source, "/source", "quote", false).value_or("");
    claim.source.url = string_at(source, "/source", "url", false).value_or("");
    claim.source.doi = string_at(source, "/source", "doi", false).value_or("");
    if (const json* file = source.find("file"); file && claim.source.file.empty() && file->is_string()) {
      error("/source/file", "\"file\" must not be empty");
    }
    if (const json* line = source.find("line")) {
      if (!line->is_number_integer() || line->get<long long>() < 1 || line->get<long long>() > 100'000'000) {
        error("/source/line", "\"line\" must be a line number (an integer from 1)");
      } else {
        claim.source.line = line->get<int>();
      }
      if (!source.contains("file")) error("/source/line", "\"line\" goes with \"file\": the paper's source file");
    }
    if (!claim.source.file.empty() && claim.source.quote.empty()) {
      error("/source", "a source with \"file\" needs \"quote\": the text around the number, as the paper prints it",
            "`claimcheck cover` finds the quote in the file and checks its number");
    }
  }

  // A derived claim: its value comes from other claims (core/derive.hpp), so it names no tool,
  // inputs or extraction of its own.
  void read_derived(const Members& fields, Claim& claim) {
    for (const char* key : {"tool", "mode", "metric", "artifact", "inputs", "extract", "options", "cache"}) {
      if (fields.contains(key)) {
        error(std::string("/") + key, std::string("a derived claim has no \"") + key + "\"",
              "its value comes from the claims named in \"derived\"");
      }
    }
    claim.workload = read_spec(fields, "workload");
    claim.hardware = read_spec(fields, "hardware");
    claim.tags = read_strings(fields, "tags");
    read_expected(fields, claim);
    json& object = *fields.find("derived");
    if (!object.is_object()) {
      error("/derived", std::string("\"derived\" must be an object, not ") + object.type_name(),
            "e.g. \"derived\": {\"op\": \"ratio\", \"of\": [\"time-baseline\", \"time-ours\"]}");
      return;
    }
    static const std::vector<std::string> k_keys = {"op", "of"};
    const Members derived = members(object, "/derived", k_keys);
    Derivation d;
    if (auto op = string_at(derived, "/derived", "op", true)) {
      if (auto parsed = parse_derived_op(*op)) {
        d.op = *parsed;
      } else {
        const auto names = derived_op_names();
        const std::string close = closest_match(*op, names);
        error("/derived/op", "unknown derived op \"" + *op + "\"",
              close.empty() ? "use " + join(names) : "did you mean \"" + close + "\"?");
      }
    }
    json* of = derived.find("of");
    if (of == nullptr) {
      error("/derived", "missing required key \"of\": the ids of the claims it is computed from");
    } else if (!of->is_array() || of->empty()) {
      error("/derived/of", "\"of\" must be a non-empty array of claim ids");
    } else {
      for (std::size_t i = 0; i < of->size(); ++i) {
        json& operand = (*of)[i];
        if (!operand.is_string() || operand.get_ref<const std::string&>().empty()) {
          error("/derived/of/" + std::to_string(i), "an operand is a claim id (a non-empty string)");
          continue;
        }
        d.operands.push_back(std::move(operand.get_ref<std::string&>()));
      }
    }
    claim.tool = std::string(k_derived_tool);
    claim.metric = derived_metric(d);
    claim.derived = std::move(d);
  }

  Spec read_spec(const Members& fields, const std::string& key) {
    Spec spec;
    json* found = fields.find(key);
    if (found == nullptr) return spec;
    json& value = *found;
    const std::string pointer = "/" + key;
    if (!value.is_object()) {
      error(pointer, "\"" + key + "\" must be an object {\"name\": ..., \"spec\": ...}, not " + value.type_name());
      return spec;
    }
    static const std::vector<std::string> k_keys = {"name", "spec"};
    const Members members_of_spec = members(value, pointer, k_keys);
    spec.name = string_at(members_of_spec, pointer, "name", false).value_or("");
    if (json* inner = members_of_spec.find("spec")) {
      if (inner->is_string()) {
        spec.path = std::move(inner->get_ref<std::string&>());
      } else if (inner->is_object()) {
        spec.inline_spec = std::move(*inner);
      } else {
        error(pointer + "/spec", std::string("\"spec\" must be a path (string) or an object, not ") + inner->type_name());
      }
    }
    return spec;
  }

  std::vector<std::string> read_strings(const Members& fields, const std::string& key) {
    std::vector<std::string> out;
    json* found = fields.find(key);
    if (found == nullptr) return out;
    json& value = *found;
    if (!value.is_array()) {
      error("/" + key, "\"" + key + "\" must be an array of strings, not " + value.type_name());
      return out;
    }
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (!value[i].is_string()) {
        error("/" + key + "/" + std::to_string(i), "must be a string, not " + std::string(value[i].type_name()));
        continue;
      }
      out.push_back(std::move(value[i].get_ref<std::string&>()));
    }
    return out;
  }

  void read_expected(const Members& fields, Claim& claim) {
    json* found = fields.find("expected");
    if (found == nullptr) {
      error("", "missing required key \"expected\"", "e.g. \"expected\": {\"value\": 40.3, \"unit\": \"ms\"}");
      return;
    }
    if (!found->is_object()) {
      error("/expected", std::string("\"expected\" must be an object, not ") + found->type_name());
      return;
    }
    static const std::vector<std::string> k_keys = {"value", "min", "max", "at_most", "at_least", "unit"};
    const Members expected = members(*found, "/expected", k_keys);
    auto& e = claim.expected;
    if (auto unit = unit_at(expected, "/expected", "unit", true)) e.unit = *unit;
    const bool has_value = expected.contains("value");
    const bool has_range = expected.contains("min") || expected.contains("max");
    const bool has_at_most = expected.contains("at_most");
    const bool has_at_least = expected.contains("at_least");
    const int forms = int(has_value) + int(has_range) + int(has_at_most) + int(has_at_least);
    if (forms != 1) {
      error("/expected", forms == 0 ? "\"expected\" needs a value: \"value\", \"min\"+\"max\", \"at_most\" or \"at_least\""
                                    : "\"expected\" must use exactly one form: \"value\", \"min\"+\"max\", \"at_most\" or \"at_least\"");
      return;
    }
    if (has_value) {
      e.kind = Expected::Kind::value;
      if (auto v = number_at(expected, "/expected", "value")) e.value = *v;
    } else if (has_range) {
      e.kind = Expected::Kind::range;
      auto lo = number_at(expected, "/expected", "min");
      auto hi = number_at(expected, "/expected", "max");
      if (!expected.contains("min") || !expected.contains("max")) {
        error("/expected", "a range needs both \"min\" and \"max\"");
      } else if (lo && hi) {
        if (*lo > *hi) error("/expected/min", "\"min\" is greater than \"max\"");
        e.min = *lo;
        e.max = *hi;
      }
    } else if (has_at_most) {
      e.kind = Expected::Kind::at_most;
      if (auto v = number_at(expected, "/expected", "at_most")) e.value = *v;
    } else {
      e.kind = Expected::Kind::at_least;
      if (auto v = number_at(expected, "/expected", "at_least")) e.value = *v;
    }
    if (json* object = fields.find("tolerance")) {
      if (!object->is_object()) {
        error("/tolerance", std::string("\"tolerance\" must be an object, not ") + object->type_name());
        return;
      }
      if (e.kind != Expected::Kind::value) {
        error("/tolerance", "\"tolerance\" applies only to an expected \"value\"; a range or bound is its own tolerance");
      }
      static const std::vector<std::string> k_tolerance_keys = {"relative", "absolute"};
      const Members tolerance = members(*object, "/tolerance", k_tolerance_keys);
      if (object->empty()) error("/tolerance", "\"tolerance\" needs \"relative\" or \"absolute\"");
      for (const char* key : {"relative", "absolute"}) {
        if (auto v = number_at(tolerance, "/tolerance", key)) {
          if (*v < 0) {
            error(std::string("/tolerance/") + key, std::string("\"") + key + "\" must not be negative");
          } else if (std::string(key) == "relative") {
            if (*v >= 1) {
              error("/tolerance/relative", "relative tolerance " + (std::ostringstream() << *v).str() + " is 100% or more",
                    "write it as a fraction: 0.05 means 5%");
            }
            e.tolerance.relative = *v;
          } else {
            e.tolerance.absolute = *v;
          }
        }
      }
    }
  }

  void read_extract(const Members& fields, Claim& claim) {
    json* found = fields.find("extract");
    if (found == nullptr) return;
    if (!found->is_object()) {
      error("/extract", std::string("\"extract\" must be an object, not ") + found->type_name());
      return;
    }
    static const std::vector<std::string> k_keys = {"json_pointer", "csv_column", "where", "aggregate",
                                                    "regex",        "occurrence", "unit"};
    const Members extract = members(*found, "/extract", k_keys);
    auto& x = claim.extract;
    const int forms = int(extract.contains("json_pointer")) + int(extract.contains("csv_column")) +
                      int(extract.contains("regex"));
    if (forms != 1) {
      error("/extract", "\"extract\" needs exactly one of \"json_pointer\", \"csv_column\" or \"regex\"");
      return;
    }
    if (auto pointer = string_at(extract, "/extract", "json_pointer", false)) {
      x.kind = Extract::Kind::json_pointer;
      x.json_pointer = std::move(*pointer);
      if (!x.json_pointer.empty() && x.json_pointer[0] != '/') {
        error("/extract/json_pointer", "a JSON pointer starts with \"/\"", "e.g. \"/summary/cycles\"");
      }
    }
    if (auto column = string_at(extract, "/extract", "csv_column", false)) {
      x.kind = Extract::Kind::csv;
      x.column = std::move(*column);
      if (json* where = extract.find("where")) {
        if (!where->is_object()) {
          error("/extract/where", "\"where\" must be an object of column: value");
        } else {
          for (auto it = where->begin(); it != where->end(); ++it) {
            json& value = it.value();
            if (value.is_string()) {
              x.where.emplace_back(it.key(), std::move(value.get_ref<std::string&>()));
            } else if (value.is_number()) {
              x.where.emplace_back(it.key(), value.dump());
            } else {
              error("/extract/where/" + pointer_token(it.key()), "must be a string or a number");
            }
          }
        }
      }
      if (auto aggregate = string_at(extract, "/extract", "aggregate", false)) {
        static const std::set<std::string> k_known = {"mean", "sum", "min", "max", "median"};
        const auto rank = aggregate->size() > 1 && (*aggregate)[0] == 'p'
                              ? parse_number(std::string_view(*aggregate).substr(1))
                              : std::nullopt;
        const bool percentile = rank && *rank >= 0 && *rank <= 100;
        if (!k_known.contains(*aggregate) && !percentile) {
          error("/extract/aggregate", "unknown aggregate \"" + *aggregate + "\"",
                "use mean, sum, min, max, median or pNN (e.g. p99)");
        }
        x.aggregate = std::move(*aggregate);
      }
    } else {
      for (const char* key : {"where", "aggregate"}) {
        if (extract.contains(key)) error(std::string("/extract/") + key, std::string("\"") + key + "\" goes with \"csv_column\"");
      }
    }
    if (auto pattern = string_at(extract, "/extract", "regex", false)) {
      x.kind = Extract::Kind::regex;
      x.pattern = std::move(*pattern);
      if (auto problem = check_pattern(x.pattern); !problem.empty()) error("/extract/regex", problem);
      if (const json* occurrence = extract.find("occurrence")) {
        if (occurrence->is_number_integer() && occurrence->get<long long>() >= -1 &&
            occurrence->get<long long>() < 1'000'000) {
          x.occurrence = occurrence->get<int>();
        } else if (occurrence->is_string() && occurrence->get_ref<const std::string&>() == "last") {
          x.occurrence = -1;
        } else {
          error("/extract/occurrence", "\"occurrence\" must be a match index (0 = first) or \"last\"");
        }
      }
    } else if (extract.contains("occurrence")) {
      error("/extract/occurrence", "\"occurrence\" goes with \"regex\"");
    }
    if (extract.contains("unit")) claim.measured_unit = unit_at(extract, "/extract", "unit", true);
  }

  json& m_object;
  std::string m_base;
  Diagnostics& m_out;
  const fs::path& m_file;
  int m_errors = 0;
};

// Digits after the decimal point of the expected number(s) as the claim file writes them: read
// from the file's text, or, for a number a for_each selector put there, from the value itself.
std::optional<int> written_decimals(const Expected& expected, const json& object, const std::string& base,
                                    std::string_view text, const JsonLocator& locator) {
  std::array<const char*, 2> keys{};
  switch (expected.kind) {
    case Expected::Kind::value: keys = {"value"}; break;
    case Expected::Kind::range: keys = {"min", "max"}; break;
    case Expected::Kind::at_most: keys = {"at_most"}; break;
    case Expected::Kind::at_least: keys = {"at_least"}; break;
  }
  std::optional<int> finest;
  std::string pointer = base + "/expected/";
  const std::size_t stem = pointer.size();
  for (const char* key : keys) {
    if (key == nullptr) break;
    pointer.resize(stem);
    pointer += key;
    const std::size_t at = locator.value(pointer).offset;
    std::size_t end = at;
    while (end < text.size() && std::strchr("+-.0123456789eE", text[end]) != nullptr) ++end;
    const auto decimals =
        end > at ? decimals_of(text.substr(at, end - at)) : decimals_of(object.at("expected").at(key).dump());
    if (decimals && (!finest || *decimals > *finest)) finest = decimals;
  }
  return finest;
}

void locate(Diagnostics& diagnostics, std::size_t from, const JsonLocator& locator) {
  for (std::size_t i = from; i < diagnostics.size(); ++i) {
    auto& d = diagnostics.items()[i];
    if (d.line > 0) continue;
    const bool about_key = d.message.rfind("unknown key", 0) == 0;
    const TextPosition position = about_key ? locator.key(d.pointer) : locator.value(d.pointer);
    d.line = position.line;
    d.column = position.column;
    d.source_line = std::string(locator.line_text(position.line));
  }
}

// Reads the claims of one claim object (several with for_each) at `base` into `result`; false
// when `result` is full (k_max_claims), which ends the file.
bool read_claim_object(json& object, const std::string& base, std::string_view text, const fs::path& file,
                       const JsonLocator& locator, const ClaimValidator* validate, LoadResult& result) {
  // A for_each claim stands for several; a problem they share is reported once.
  std::vector<Diagnostic> reported;
  auto report = [&](Diagnostics& found) {
    for (auto& d : found.items()) {
      const bool seen = std::any_of(reported.begin(), reported.end(), [&](const Diagnostic& r) {
        return r.pointer == d.pointer && r.message == d.message && r.hint == d.hint;
      });
      if (seen) continue;
      reported.push_back(d);
      result.diagnostics.add(std::move(d));
    }
  };
  // One claim, read in place at the end of `result`, and dropped again when it has problems;
  // false when `result` is full.
  auto read_one = [&](json& claim_object) {
    if (result.claims.size() >= k_max_claims) {
      result.diagnostics.add(file, base, "more than " + std::to_string(k_max_claims) + " claims in one audit");
      return false;
    }
    Diagnostics problems;
    ClaimReader reader(claim_object, base, problems, file);
    Claim& claim = result.claims.emplace_back();
    reader.read(claim);
    if (!reader.ok()) {
      result.claims.pop_back();
      report(problems);
      return true;
    }
    claim.expected.decimals = written_decimals(claim.expected, claim_object, base, text, locator);
    const TextPosition position = locator.value(base);
    claim.location.file = file;
    claim.location.pointer = base;
    claim.location.line = position.line;
    claim.location.column = position.column;
    if (validate && *validate) {
      Diagnostics adapter_diagnostics;
      (*validate)(claim, adapter_diagnostics);
      if (!adapter_diagnostics.empty()) {
        result.claims.pop_back();
        for (auto& d : adapter_diagnostics.items()) {
          d.file = file;
          d.pointer = base + d.pointer;
        }
        report(adapter_diagnostics);
      }
    }
    return true;
  };
  // A claim without for_each is read where it is (most are: no copy).
  if (!object.is_object() || !object.contains("for_each")) return read_one(object);
  Diagnostics expand_problems;
  std::vector<Expansion> expansions = expand_for_each(object, base, file, expand_problems);
  report(expand_problems);
  for (Expansion& expansion : expansions) {
    if (!read_one(expansion.object)) return false;
  }
  return true;
}

void parse_into(std::string_view text, const fs::path& file, LoadResult& result, const ClaimValidator* validate) {
  const std::size_t first_diagnostic = result.diagnostics.size();
  const std::size_t first_claim = result.claims.size();
  // Only the claims' own positions and their expected values' are needed ("/3",
  // "/3/expected/value"); diagnostics, which may point anywhere, are located with a full scan.
  // The scan comes first, so that each claim of an array is read as soon as it is parsed, while
  // its values are still in the cache; it ends on any text, and its positions are used only when
  // the text is valid JSON. An array is told by its first character (after a byte order mark the
  // scan records the start of the text only, whichever depth it is given).
  const std::size_t first = text.find_first_not_of(" \t\n\r");
  const bool array = first != std::string_view::npos && text[first] == '[';
  const JsonLocator locator(text, array ? 1 : 0, "expected");
  // One claim an element, unless for_each (or the text is not JSON).
  result.claims.reserve(result.claims.size() + std::min(locator.root_size(), k_max_claims));
  std::size_t elements = 0;
  bool full = false;
  bool reading = false;  // an error thrown while reading a claim is not the parser's
  json document;
  try {
    document = parse_json_bounded(text, file, [&](std::size_t index, json& element) {
      ++elements;
      if (full) return;
      std::string base = "/";
      base += std::to_string(index);
      reading = true;
      full = !read_claim_object(element, base, text, file, locator, validate, result);
      reading = false;
    });
  } catch (const InputError& e) {
    if (reading) throw;
    // What was read of the claims before the problem does not count.
    result.claims.erase(result.claims.begin() + static_cast<std::ptrdiff_t>(first_claim), result.claims.end());
    result.diagnostics.items().resize(first_diagnostic);
    for (auto d : e.diagnostics().items()) {
      if (d.line > 0) {
        std::string_view rest = text;
        for (int l = 1; l < d.line; ++l) {
          auto nl = rest.find('\n');
          rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        }
        d.source_line = std::string(rest.substr(0, rest.find('\n')));
      }
      result.diagnostics.add(std::move(d));
    }
    return;
  }
  if (!document.is_array()) {
    read_claim_object(document, "", text, file, locator, validate, result);
  } else if (elements == 0) {
    result.diagnostics.add(file, "", "the file holds an empty array; expected at least one claim");
  }
  if (result.diagnostics.size() > first_diagnostic) locate(result.diagnostics, first_diagnostic, JsonLocator(text));
}

}  // namespace

std::vector<fs::path> find_claim_files(const std::vector<fs::path>& paths, Diagnostics& out) {
  std::vector<fs::path> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
      files.push_back(path);
      continue;
    }
    if (!fs::is_directory(path, ec)) {
      out.add(path, "", "no such file or directory");
      continue;
    }
    for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      const std::string name = it->path().filename().string();
      if (it->is_directory() && !name.empty() && name[0] == '.') {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file() && name.size() > k_claim_suffix.size() &&
          name.compare(name.size() - k_claim_suffix.size(), k_claim_suffix.size(), k_claim_suffix) == 0) {
        files.push_back(it->path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

void locate_claim_diagnostics(Diagnostics& diagnostics) {
  std::map<fs::path, std::pair<std::string, std::optional<JsonLocator>>> files;
  for (auto& d : diagnostics.items()) {
    if (d.line > 0 || d.file.empty()) continue;
    auto it = files.find(d.file);
    if (it == files.end()) {
      it = files.emplace(d.file, std::pair<std::string, std::optional<JsonLocator>>{}).first;
      std::error_code ec;
      if (fs::file_size(d.file, ec) <= k_max_claim_file_bytes && !ec) {
        it->second.first = read_file(d.file).value_or(std::string());
        try {
          parse_json_bounded(it->second.first, d.file);
          it->second.second.emplace(it->second.first);
        } catch (const InputError&) {
          // Changed since it was loaded: leave the diagnostic unlocated.
        }
      }
    }
    if (!it->second.second) continue;
    Diagnostics one;
    one.add(d);
    locate(one, 0, *it->second.second);
    d = one.items().front();
  }
}

LoadResult parse_claim_text(std::string_view text, const fs::path& file) {
  LoadResult result;
  parse_into(text, file, result, nullptr);
  return result;
}

namespace {

// Ids are unique across the audit: reports, diffs and caches key on them. A repeated id is
// reported with the place of its first use.
void check_ids(LoadResult& result) {
  // An open-addressing table of claim indices, at most half full: no allocation per id.
  constexpr std::size_t k_empty = std::numeric_limits<std::size_t>::max();
  const std::size_t size = std::bit_ceil(std::max<std::size_t>(16, 2 * result.claims.size()));
  std::vector<std::size_t> slots(size, k_empty);
  const std::hash<std::string_view> hash;
  for (std::size_t i = 0; i < result.claims.size(); ++i) {
    const Claim& claim = result.claims[i];
    for (std::size_t slot = hash(claim.id) & (size - 1);; slot = (slot + 1) & (size - 1)) {
      if (slots[slot] == k_empty) {
        slots[slot] = i;
        break;
      }
      if (result.claims[slots[slot]].id != claim.id) continue;
      const auto& first = result.claims[slots[slot]].location;
      result.diagnostics.add(Diagnostic{claim.location.file, claim.location.line, claim.location.column,
                                        claim.location.pointer + "/id", "duplicate id \"" + claim.id + "\"",
                                        "first used at " + first.file.string() + ":" + std::to_string(first.line), {}});
      break;
    }
  }
}

}  // namespace

std::string claim_file_key(const ClaimFileCache& cache, const fs::path& file, std::string_view text) {
  return Sha256().field(cache.build).field(file.native()).field(text).hex();
}

LoadResult load_claims(const std::vector<fs::path>& files, const ClaimValidator& validate, const ClaimFileCache& cache) {
  // Files are read and checked in parallel, each into its own result; joined in file order.
  std::vector<std::string> texts(files.size());  // of files with derived claims, to locate findings about them
  std::vector<LoadResult> per_file(files.size());
  std::vector<std::uintmax_t> sizes(files.size());
  std::vector<std::error_code> size_errors(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) sizes[i] = fs::file_size(files[i], size_errors[i]);
  // Largest first: files differ in size a hundredfold, and a large one taken last would keep one
  // thread busy while the others wait.
  std::vector<std::size_t> order(files.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return (size_errors[a] ? 0 : sizes[a]) > (size_errors[b] ? 0 : sizes[b]);
  });
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    // This thread's file text and cache entry, their memory reused from file to file.
    std::string text;
    std::string entry;
    for (std::size_t n = next++; n < files.size(); n = next++) {
      const std::size_t i = order[n];
      const fs::path& file = files[i];
      const std::error_code& ec = size_errors[i];
      const std::uintmax_t size = sizes[i];
      if (ec) {
        per_file[i].diagnostics.add(file, "", "cannot read the file: " + ec.message());
        continue;
      }
      if (size > k_max_claim_file_bytes) {
        per_file[i].diagnostics.add(file, "", "claim file has " + std::to_string(size) + " bytes, over the limit of " +
                                                  std::to_string(k_max_claim_file_bytes));
        continue;
      }
      // A file that cannot be opened reads as empty (and so is reported as invalid JSON).
      read_file_into(file, text);
      std::string key;
      bool cached = false;
      if (cache.cache) {
        key = claim_file_key(cache, file, text);
        if (const auto payload = cache.cache->find_entry(k_claim_file_cache_folder, key, entry)) {
          if (auto claims = decode_claims(*payload)) {
            per_file[i].claims = std::move(*claims);
            cached = true;
          }
        }
      }
      if (!cached) {
        parse_into(text, file, per_file[i], &validate);
        // A cache that cannot be written only costs a parse next time.
        if (cache.cache && per_file[i].diagnostics.empty()) {
          std::string error;
          cache.cache->store_entry(k_claim_file_cache_folder, key, encode_claims(per_file[i].claims), error);
        }
      }
      // The findings about derived claims, made once every file is read, are located in the text.
      const auto& claims = per_file[i].claims;
      if (std::any_of(claims.begin(), claims.end(), [](const Claim& c) { return c.derived.has_value(); })) {
        texts[i] = text;
      }
    }
  };
  {
    const unsigned threads = std::min<std::size_t>(files.size(), std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::jthread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
  }
  LoadResult result;
  std::size_t loaded = 0;
  for (const auto& one : per_file) loaded += one.claims.size();
  result.claims.reserve(std::min(loaded, k_max_claims));
  for (std::size_t i = 0; i < files.size(); ++i) {
    result.diagnostics.append(per_file[i].diagnostics);
    for (auto& claim : per_file[i].claims) {
      if (result.claims.size() >= k_max_claims) {
        result.diagnostics.add(files[i], claim.location.pointer,
                               "more than " + std::to_string(k_max_claims) + " claims in one audit");
        break;
      }
      result.claims.push_back(std::move(claim));
    }
  }
  // What is left of the files' results is freed beside the checks below, which take about as long.
  std::jthread release([&per_file] { std::vector<LoadResult>().swap(per_file); });
  check_ids(result);
  // Derived claims refer to others: checked once every claim is known (when one failed to load,
  // its name would be reported missing for the wrong reason).
  if (result.diagnostics.empty()) {
    Diagnostics derived;
    check_derivations(result.claims, derived);
    std::map<fs::path, JsonLocator> locators;
    for (auto& d : derived.items()) {
      auto it = locators.find(d.file);
      if (it == locators.end()) {
        const auto at = std::find(files.begin(), files.end(), d.file) - files.begin();
        it = locators.emplace(d.file, JsonLocator(texts[static_cast<std::size_t>(at)])).first;
      }
      Diagnostics one;
      one.add(std::move(d));
      locate(one, 0, it->second);
      result.diagnostics.append(one);
    }
  }
  return result;
}

}  // namespace claimcheck
