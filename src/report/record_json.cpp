#include "report/record_json.hpp"

#include <array>
#include <bit>
#include <cassert>
#include <charconv>
#include <cmath>
#include <tuple>
#include <unordered_map>

#include "core/diagnostics.hpp"
#include "io/json_limits.hpp"
#include "io/json_locator.hpp"

namespace claimcheck {
using nlohmann::json;

namespace {

json optional_number(const std::optional<double>& value) { return value ? json(*value) : json(nullptr); }

json expected_to_json(const Expected& e) {
  json out = json::object();
  switch (e.kind) {
    case Expected::Kind::value: out["value"] = e.value; break;
    case Expected::Kind::range:
      out["min"] = e.min;
      out["max"] = e.max;
      break;
    case Expected::Kind::at_most: out["at_most"] = e.value; break;
    case Expected::Kind::at_least: out["at_least"] = e.value; break;
  }
  out["unit"] = e.unit.symbol;
  if (e.decimals) out["decimals"] = *e.decimals;
  if (e.tolerance.relative || e.tolerance.absolute) {
    json tolerance = json::object();
    if (e.tolerance.relative) tolerance["relative"] = *e.tolerance.relative;
    if (e.tolerance.absolute) tolerance["absolute"] = *e.tolerance.absolute;
    out["tolerance"] = tolerance;
  }
  return out;
}

// Reads fields with positioned errors; the first problem throws.
class Reader {
 public:
  Reader(std::string_view text, const std::filesystem::path& file) : m_text(text), m_file(file) {}

  [[noreturn]] void fail(const std::string& pointer, const std::string& message) const {
    const JsonLocator locator(m_text);
    const TextPosition position = locator.value(pointer);
    Diagnostics ds;
    ds.add(Diagnostic{m_file, position.line, position.column, pointer, message, {},
                      std::string(locator.line_text(position.line))});
    throw InputError(std::move(ds));
  }

  const json& at(const json& object, const std::string& pointer, const char* key) const {
    if (!object.is_object() || !object.contains(key)) fail(pointer, std::string("missing key \"") + key + "\"");
    return object.at(key);
  }
  // The member `key`, which must be an object (a section of the record).
  const json& section(const json& object, const std::string& pointer, const char* key) const {
    const json& value = at(object, pointer, key);
    if (!value.is_object()) fail(pointer + "/" + key, std::string("\"") + key + "\" must be an object");
    return value;
  }
  std::string str(const json& object, const std::string& pointer, const char* key, bool required = true) const {
    if (!required && (!object.contains(key) || object.at(key).is_null())) return {};
    const json& v = at(object, pointer, key);
    if (!v.is_string()) fail(pointer + "/" + key, std::string("\"") + key + "\" must be a string");
    return v.get<std::string>();
  }
  double num(const json& object, const std::string& pointer, const char* key) const {
    const json& v = at(object, pointer, key);
    if (!v.is_number()) fail(pointer + "/" + key, std::string("\"") + key + "\" must be a number");
    return v.get<double>();
  }
  std::optional<double> opt_num(const json& object, const std::string& pointer, const char* key) const {
    if (!object.contains(key) || object.at(key).is_null()) return std::nullopt;
    return num(object, pointer, key);
  }
  bool boolean(const json& object, const std::string& pointer, const char* key) const {
    if (!object.contains(key)) return false;
    const json& v = object.at(key);
    if (!v.is_boolean()) fail(pointer + "/" + key, std::string("\"") + key + "\" must be true or false");
    return v.get<bool>();
  }
  int integer(const json& object, const std::string& pointer, const char* key) const {
    if (!object.contains(key)) return 0;
    const json& v = object.at(key);
    if (!v.is_number_integer()) fail(pointer + "/" + key, std::string("\"") + key + "\" must be an integer");
    return v.get<int>();
  }
  std::vector<std::string> strings(const json& object, const std::string& pointer, const char* key) const {
    std::vector<std::string> out;
    if (!object.contains(key)) return out;
    const json& v = object.at(key);
    if (!v.is_array()) fail(pointer + "/" + key, std::string("\"") + key + "\" must be an array");
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) fail(pointer + "/" + key + "/" + std::to_string(i), "must be a string");
      out.push_back(v[i].get<std::string>());
    }
    return out;
  }

  // A non-negative integer.
  std::uint64_t count(const json& object, const std::string& pointer, const char* key) const {
    const json& v = at(object, pointer, key);
    if (!v.is_number_unsigned()) fail(pointer + "/" + key, std::string("\"") + key + "\" must be an integer >= 0");
    return v.get<std::uint64_t>();
  }

  // Present-only reads: a key that is absent leaves the field as it is (a version 2 claim's own
  // fields go over those of the shared entry it names); null reads as empty.
  void set(const json& object, const std::string& pointer, const char* key, std::string& field) const {
    if (object.contains(key)) field = str(object, pointer, key, false);
  }
  void set(const json& object, const std::string& pointer, const char* key, std::vector<std::string>& field) const {
    if (object.contains(key)) field = strings(object, pointer, key);
  }
  void set(const json& object, const std::string& pointer, const char* key, int& field) const {
    if (object.contains(key)) field = integer(object, pointer, key);
  }
  void set(const json& object, const std::string& pointer, const char* key, bool& field) const {
    if (object.contains(key)) field = boolean(object, pointer, key);
  }
  void set(const json& object, const std::string& pointer, const char* key, std::optional<double>& field) const {
    if (object.contains(key)) field = opt_num(object, pointer, key);
  }

  Evidence evidence(const json& object, const std::string& pointer) const {
    Evidence e;
    e.path = str(object, pointer, "path");
    e.blob = str(object, pointer, "blob", false);
    const std::string state = str(object, pointer, "state");
    auto parsed = parse_evidence_state(state);
    if (!parsed) fail(pointer + "/state", "unknown evidence state \"" + state + "\"");
    e.state = *parsed;
    return e;
  }

  Expected expected(const json& object, const std::string& pointer) const {
    Expected e;
    const std::string unit = str(object, pointer, "unit");
    auto parsed = parse_unit(unit);
    if (!parsed) fail(pointer + "/unit", "unknown unit \"" + unit + "\"");
    e.unit = *parsed;
    if (object.contains("value")) {
      e.kind = Expected::Kind::value;
      e.value = num(object, pointer, "value");
    } else if (object.contains("min")) {
      e.kind = Expected::Kind::range;
      e.min = num(object, pointer, "min");
      e.max = num(object, pointer, "max");
    } else if (object.contains("at_most")) {
      e.kind = Expected::Kind::at_most;
      e.value = num(object, pointer, "at_most");
    } else if (object.contains("at_least")) {
      e.kind = Expected::Kind::at_least;
      e.value = num(object, pointer, "at_least");
    } else {
      fail(pointer, "expected needs value, min/max, at_most or at_least");
    }
    if (object.contains("decimals")) {
      const json& d = object.at("decimals");
      if (!d.is_number_integer() || d.get<long long>() < -400 || d.get<long long>() > 400) {
        fail(pointer + "/decimals", "\"decimals\" must be an integer");
      }
      e.decimals = d.get<int>();
    }
    if (object.contains("tolerance")) {
      const json& t = object.at("tolerance");
      e.tolerance.relative = opt_num(t, pointer + "/tolerance", "relative");
      e.tolerance.absolute = opt_num(t, pointer + "/tolerance", "absolute");
    }
    return e;
  }

  Verdict verdict(const json& object, const std::string& pointer) const {
    const std::string label = str(object, pointer, "verdict");
    for (const auto& info : k_verdicts) {
      if (info.label == label) return info.verdict;
    }
    fail(pointer + "/verdict", "unknown verdict \"" + label + "\"");
  }

 private:
  std::string_view m_text;
  const std::filesystem::path& m_file;
};

json provenance_to_json(const Provenance& p) {
  json git = {
      {"in_repository", p.git.in_repository}, {"root", p.git.root},
      {"head", p.git.head},                   {"branch", p.git.branch},
      {"detached", p.git.detached},           {"describe", p.git.describe},
      {"remote_url", p.git.remote_url},       {"dirty", p.git.dirty},
      {"dirty_paths", p.git.dirty_paths},     {"untracked_paths", p.git.untracked_paths},
  };
  json environment = {
      {"os", p.environment.os},
      {"kernel", p.environment.kernel},
      {"arch", p.environment.arch},
      {"cpu_model", p.environment.cpu_model},
      {"cores", p.environment.cores},
      {"memory_bytes", p.environment.memory_bytes},
      {"hostname", p.environment.hostname},
  };
  json tool = {{"version", p.claimcheck.version},
               {"compiler", p.claimcheck.compiler},
               {"build_type", p.claimcheck.build_type},
               {"flags", p.claimcheck.flags}};
  json ci = {{"provider", p.ci.provider}, {"event", p.ci.event},       {"sha", p.ci.sha},
             {"head_sha", p.ci.head_sha}, {"ref", p.ci.ref}, {"run_url", p.ci.run_url}};
  return {{"git", git}, {"environment", environment}, {"claimcheck", tool}, {"ci", ci}, {"started_at", p.started_at}};
}

json summary_to_json(const Summary& s) {
  return {{"total", s.total},     {"verified", s.verified}, {"discrepant", s.discrepant},
          {"blocked", s.blocked}, {"stale", s.stale},       {"uncommitted", s.uncommitted}};
}

json measuring_to_json(const MeasuringStats& m) {
  return {{"reused", m.reused}, {"measured", m.measured}, {"runs", m.runs}};
}

json shard_to_json(const ShardInfo& sh) {
  return {{"index", sh.index},         {"count", sh.count},         {"total", sh.total},
          {"selection", sh.selection}, {"settings", sh.settings}};
}

json cache_to_json(const CacheUse& cache) {
  json out = {{"status", cache_status_name(cache.status)}};
  if (!cache.key.empty()) out["key"] = cache.key;
  return out;
}

json evidence_to_json(const Evidence& e) {
  return {{"path", e.path}, {"blob", e.blob}, {"state", evidence_state_name(e.state)}};
}

// A claim result with every field written out (schema version 1).
json claim_in_full(const ClaimResult& c) {
  json evidence = json::array();
  for (const auto& e : c.evidence) evidence.push_back(evidence_to_json(e));
  json details = json::array();
  for (const auto& [name, value] : c.details) details.push_back({{"name", name}, {"value", value}});
  json source = {{"paper", c.source.paper}, {"where", c.source.where}};
  if (!c.source.quote.empty()) source["quote"] = c.source.quote;
  if (!c.source.url.empty()) source["url"] = c.source.url;
  if (!c.source.doi.empty()) source["doi"] = c.source.doi;
  if (!c.source.file.empty()) source["file"] = c.source.file;
  if (c.source.line > 0) source["line"] = c.source.line;
  json claim = {
      {"id", c.id},
      {"title", c.title},
      {"source", source},
      {"tool", c.tool},
      {"mode", c.mode},
      {"metric", c.metric},
      {"workload", c.workload},
      {"hardware", c.hardware},
      {"expected", expected_to_json(c.expected)},
      {"file", c.file},
      {"line", c.line},
      {"tags", c.tags},
      {"verdict", verdict_info(c.verdict).label},
      {"measured", optional_number(c.measured)},
      {"measured_raw", optional_number(c.measured_raw)},
      {"measured_unit", c.measured_unit},
      {"error", optional_number(c.error)},
      {"relative_error", optional_number(c.relative_error)},
      {"block_kind", c.block_kind},
      {"reason", c.reason},
      {"unblock", c.unblock},
      {"stale", c.stale},
      {"evidence_uncommitted", c.evidence_uncommitted},
      {"evidence", evidence},
      {"details", details},
      {"warnings", c.warnings},
      {"notes", c.notes},
      {"adapter_version", c.adapter_version},
      {"tool_version", c.tool_version},
      {"duration_ms", c.duration_ms},
  };
  // Present only when set, so records of claims without them stay as they were.
  if (!c.measured_basis.empty()) claim["measured_basis"] = c.measured_basis;
  if (!c.operands.empty()) claim["operands"] = c.operands;
  if (c.cache.status != CacheStatus::none) claim["cache"] = cache_to_json(c.cache);
  if (c.position) claim["position"] = *c.position;
  return claim;
}

// One line of JSON text. A string that is not valid UTF-8 (a detail copied from a tool's output)
// is written with U+FFFD in place of its bad bytes rather than failing the whole record.
std::string one_line(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

// Schema version 2 writes what claims share once. Each claim keeps its own fields (id, title, where
// in the paper, metric, expected, verdict, measured values, cache) and names an entry of "shared":
// the fields all claims of one measurement have in common (tool, mode, workload, hardware, tags, the
// paper, adapter and tool versions, details, notes, warnings, why it is blocked); a shared entry's
// evidence names entries of "files". Fields at their default (empty, false, null, measured_raw equal
// to measured) are left out and read back as such.

// The fields a shared entry is written from (shared_entry): claims equal in all of them share one.
auto shared_fields(const ClaimResult& c) {
  return std::tie(c.tool, c.mode, c.workload, c.hardware, c.source.paper, c.source.url, c.source.doi,
                  c.adapter_version, c.tool_version, c.measured_unit, c.measured_basis, c.block_kind, c.reason,
                  c.unblock, c.tags, c.warnings, c.notes, c.evidence, c.details);
}

// The fields an evidence file's entry is written from.
auto file_fields(const Evidence& e) { return std::tie(e.path, e.blob, e.state); }

// A hash of fields, for finding the entry written from equal fields; entries with equal hashes are
// told apart by comparing the fields themselves.
class FieldHash {
 public:
  template <typename... Fields>
  static std::size_t of(const std::tuple<const Fields&...>& fields) {
    FieldHash h;
    std::apply([&](const auto&... field) { (h.add(field), ...); }, fields);
    return h.m_value;
  }

 private:
  void mix(std::size_t value) { m_value = (std::rotl(m_value, 5) ^ value) * 0x9e3779b97f4a7c15ULL; }
  void add(const std::string& text) { mix(std::hash<std::string_view>{}(text)); }
  void add(EvidenceState state) { mix(static_cast<std::size_t>(state)); }
  void add(const Evidence& e) { std::apply([&](const auto&... field) { (add(field), ...); }, file_fields(e)); }
  void add(const std::pair<std::string, std::string>& detail) {
    add(detail.first);
    add(detail.second);
  }
  template <typename Item>
  void add(const std::vector<Item>& items) {
    mix(items.size());
    for (const auto& item : items) add(item);
  }
  template <typename Item>
  void add(const SharedList<Item>& items) {
    add(items.items());
  }
  std::size_t m_value = 0;
};

// Lines written once and named by index, in order of first use. An item names the line of the
// first item whose fields (`fields_of`) equal its own.
template <typename Item, auto fields_of>
class Table {
 public:
  // The index of `item`'s line; `make` writes the line when it is new. `item` is kept by
  // reference, to compare later items with.
  template <typename Make>
  std::size_t index(const Item& item, Make make) {
    const auto fields = fields_of(item);
    const std::size_t hash = FieldHash::of(fields);
    for (auto [it, end] = m_by_hash.equal_range(hash); it != end; ++it) {
      if (fields_of(*m_items[it->second]) == fields) return it->second;
    }
    m_by_hash.emplace(hash, m_items.size());
    m_items.push_back(&item);
    m_lines.push_back(make());
    return m_items.size() - 1;
  }
  const std::vector<std::string>& lines() const { return m_lines; }

 private:
  std::unordered_multimap<std::size_t, std::size_t> m_by_hash;  // hash of fields -> index
  std::vector<const Item*> m_items;                             // the item that wrote each line
  std::vector<std::string> m_lines;
};

struct Tables {
  Table<Evidence, file_fields> files;
  Table<ClaimResult, shared_fields> shared;
};

// The fields a claim shares with the other claims of its measurement: those of shared_fields().
json shared_entry(const ClaimResult& c, Tables& tables) {
  json s = json::object();
  const auto text = [&](const char* key, const std::string& value) {
    if (!value.empty()) s[key] = value;
  };
  const auto list = [&](const char* key, const std::vector<std::string>& value) {
    if (!value.empty()) s[key] = value;
  };
  text("tool", c.tool);
  text("mode", c.mode);
  text("workload", c.workload);
  text("hardware", c.hardware);
  list("tags", c.tags);
  json paper = json::object();
  if (!c.source.paper.empty()) paper["paper"] = c.source.paper;
  if (!c.source.url.empty()) paper["url"] = c.source.url;
  if (!c.source.doi.empty()) paper["doi"] = c.source.doi;
  if (!paper.empty()) s["source"] = std::move(paper);
  if (!c.evidence.empty()) {
    json files = json::array();
    for (const auto& e : c.evidence) {
      files.push_back(tables.files.index(e, [&] { return one_line(evidence_to_json(e)); }));
    }
    s["evidence"] = std::move(files);
  }
  if (!c.details.empty()) {
    json details = json::array();
    for (const auto& [name, value] : c.details) details.push_back(json::array({name, value}));
    s["details"] = std::move(details);
  }
  list("warnings", c.warnings);
  list("notes", c.notes);
  text("adapter_version", c.adapter_version);
  text("tool_version", c.tool_version);
  text("measured_unit", c.measured_unit);
  text("measured_basis", c.measured_basis);
  text("block_kind", c.block_kind);
  text("reason", c.reason);
  text("unblock", c.unblock);
  return s;
}

// The claim lines are most of a record (one per claim, thousands), so they are written straight
// into the record's text, not built as a json value each and dumped. The writers below append what
// one_line() writes for the same value.

// `text` as a JSON string. Printable ASCII without '"' or '\\' is written as it is, as nlohmann
// writes it; any other text is written by nlohmann, whose escapes and U+FFFD replacement of bytes
// that are not UTF-8 the record keeps.
void append_string(std::string& out, std::string_view text) {
  for (const char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte < 0x20 || byte >= 0x80 || ch == '"' || ch == '\\') {
      out += one_line(json(text));
      return;
    }
  }
  out += '"';
  out += text;
  out += '"';
}

// A double as nlohmann writes one: null when not finite, else the digits of nlohmann's own
// conversion, which differ from std::to_chars in digits and layout ("2326112.0", "1e-05").
void append_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  std::array<char, 64> buffer{};  // the size nlohmann's writer gives it
  const char* end = nlohmann::detail::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
}

void append_integer(std::string& out, std::integral auto value) {
  std::array<char, 24> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), static_cast<std::size_t>(result.ptr - buffer.data()));
}

void append_strings(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    append_string(out, items[i]);
  }
  out += ']';
}

// A JSON object written member by member. nlohmann writes members in the order of their keys
// (bytewise), so callers add them in that order.
class ObjectText {
 public:
  explicit ObjectText(std::string& out) : m_out(out) { m_out += '{'; }
  ObjectText(const ObjectText&) = delete;
  ObjectText& operator=(const ObjectText&) = delete;

  // Starts the member `name` (a plain ASCII key): its value is to be appended to the text returned.
  std::string& key(std::string_view name) {
    assert(m_last.empty() || m_last < name);
    if (!m_last.empty()) m_out += ',';
    m_last = name;
    m_out += '"';
    m_out += name;
    m_out += "\":";
    return m_out;
  }
  void end() { m_out += '}'; }

 private:
  std::string& m_out;
  std::string_view m_last;  // the key added last
};

void append_expected(std::string& out, const Expected& e) {
  ObjectText o(out);
  if (e.kind == Expected::Kind::at_least) append_number(o.key("at_least"), e.value);
  if (e.kind == Expected::Kind::at_most) append_number(o.key("at_most"), e.value);
  if (e.decimals) append_integer(o.key("decimals"), *e.decimals);
  if (e.kind == Expected::Kind::range) {
    append_number(o.key("max"), e.max);
    append_number(o.key("min"), e.min);
  }
  if (e.tolerance.relative || e.tolerance.absolute) {
    ObjectText tolerance(o.key("tolerance"));
    if (e.tolerance.absolute) append_number(tolerance.key("absolute"), *e.tolerance.absolute);
    if (e.tolerance.relative) append_number(tolerance.key("relative"), *e.tolerance.relative);
    tolerance.end();
  }
  append_string(o.key("unit"), e.unit.symbol);
  if (e.kind == Expected::Kind::value) append_number(o.key("value"), e.value);
  o.end();
}

// A claim's own fields, and the index of its shared entry: the members of expected_to_json and
// cache_to_json, and the fields shared_entry() leaves out.
void append_own_entry(std::string& out, const ClaimResult& c, std::size_t shared) {
  ObjectText o(out);
  if (c.cache.status != CacheStatus::none) {
    ObjectText cache(o.key("cache"));
    if (!c.cache.key.empty()) append_string(cache.key("key"), c.cache.key);
    append_string(cache.key("status"), cache_status_name(c.cache.status));
    cache.end();
  }
  append_number(o.key("duration_ms"), c.duration_ms);
  if (c.error) append_number(o.key("error"), *c.error);
  if (c.evidence_uncommitted) o.key("evidence_uncommitted") += "true";
  append_expected(o.key("expected"), c.expected);
  if (!c.file.empty()) append_string(o.key("file"), c.file);
  append_string(o.key("id"), c.id);
  if (c.line != 0) append_integer(o.key("line"), c.line);
  if (c.measured) append_number(o.key("measured"), *c.measured);
  if (c.measured_raw != c.measured) {
    if (c.measured_raw) {
      append_number(o.key("measured_raw"), *c.measured_raw);
    } else {
      o.key("measured_raw") += "null";
    }
  }
  if (!c.metric.empty()) append_string(o.key("metric"), c.metric);
  if (!c.operands.empty()) append_strings(o.key("operands"), c.operands);
  if (c.position) append_integer(o.key("position"), *c.position);
  if (c.relative_error) append_number(o.key("relative_error"), *c.relative_error);
  append_integer(o.key("shared"), shared);
  const Source& s = c.source;
  if (!s.file.empty() || s.line > 0 || !s.quote.empty() || !s.where.empty()) {
    ObjectText source(o.key("source"));
    if (!s.file.empty()) append_string(source.key("file"), s.file);
    if (s.line > 0) append_integer(source.key("line"), s.line);
    if (!s.quote.empty()) append_string(source.key("quote"), s.quote);
    if (!s.where.empty()) append_string(source.key("where"), s.where);
    source.end();
  }
  if (c.stale) o.key("stale") += "true";
  if (!c.title.empty()) append_string(o.key("title"), c.title);
  append_string(o.key("verdict"), verdict_info(c.verdict).label);
  o.end();
}

// `lines` as a JSON array, one item per line, indented as a member of the top-level object.
void append_lines(std::string& out, const std::vector<std::string>& lines) {
  if (lines.empty()) {
    out += "[]";
    return;
  }
  out += "[\n";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += "    ";
    out += lines[i];
    out += i + 1 < lines.size() ? ",\n" : "\n";
  }
  out += "  ]";
}

// `value` pretty-printed as a member of the top-level object.
std::string member(const json& value) {
  std::string text = value.dump(2, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char ch : text) {
    out += ch;
    if (ch == '\n') out += "  ";
  }
  return out;
}

// A claim result's fields present in `c` over those `out` holds: a version 1 claim, or a version 2
// claim or shared entry (whose evidence names entries of `files`, and whose details are pairs).
void read_fields(const Reader& r, const json& c, const std::string& ptr, const std::vector<Evidence>& files,
                 ClaimResult& out) {
  r.set(c, ptr, "id", out.id);
  r.set(c, ptr, "title", out.title);
  if (c.contains("source")) {
    const json& s = r.section(c, ptr, "source");
    const std::string sptr = ptr + "/source";
    r.set(s, sptr, "paper", out.source.paper);
    r.set(s, sptr, "where", out.source.where);
    r.set(s, sptr, "quote", out.source.quote);
    r.set(s, sptr, "url", out.source.url);
    r.set(s, sptr, "doi", out.source.doi);
    r.set(s, sptr, "file", out.source.file);
    r.set(s, sptr, "line", out.source.line);
  }
  r.set(c, ptr, "tool", out.tool);
  r.set(c, ptr, "mode", out.mode);
  r.set(c, ptr, "metric", out.metric);
  r.set(c, ptr, "workload", out.workload);
  r.set(c, ptr, "hardware", out.hardware);
  if (c.contains("expected")) out.expected = r.expected(r.section(c, ptr, "expected"), ptr + "/expected");
  r.set(c, ptr, "file", out.file);
  r.set(c, ptr, "line", out.line);
  r.set(c, ptr, "tags", out.tags);
  if (c.contains("verdict")) out.verdict = r.verdict(c, ptr);
  r.set(c, ptr, "measured", out.measured);
  r.set(c, ptr, "measured_raw", out.measured_raw);
  r.set(c, ptr, "measured_unit", out.measured_unit);
  r.set(c, ptr, "measured_basis", out.measured_basis);
  r.set(c, ptr, "error", out.error);
  r.set(c, ptr, "relative_error", out.relative_error);
  r.set(c, ptr, "block_kind", out.block_kind);
  r.set(c, ptr, "reason", out.reason);
  r.set(c, ptr, "unblock", out.unblock);
  r.set(c, ptr, "stale", out.stale);
  r.set(c, ptr, "evidence_uncommitted", out.evidence_uncommitted);
  if (c.contains("evidence")) {
    const json& ev = c.at("evidence");
    if (!ev.is_array()) r.fail(ptr + "/evidence", "\"evidence\" must be an array");
    out.evidence.clear();
    for (std::size_t j = 0; j < ev.size(); ++j) {
      const std::string eptr = ptr + "/evidence/" + std::to_string(j);
      if (ev[j].is_number_unsigned()) {  // version 2: an index into "files"
        const auto index = ev[j].get<std::uint64_t>();
        if (index >= files.size()) r.fail(eptr, "no file " + std::to_string(index) + " in \"files\"");
        out.evidence.push_back(files[index]);
      } else {
        out.evidence.push_back(r.evidence(ev[j], eptr));
      }
    }
  }
  if (c.contains("details")) {
    const json& ds = c.at("details");
    if (!ds.is_array()) r.fail(ptr + "/details", "\"details\" must be an array");
    out.details.clear();
    for (std::size_t j = 0; j < ds.size(); ++j) {
      const std::string dptr = ptr + "/details/" + std::to_string(j);
      if (ds[j].is_array()) {  // version 2: [name, value]
        if (ds[j].size() != 2 || !ds[j][0].is_string() || !ds[j][1].is_string()) {
          r.fail(dptr, "a detail is [name, value], two strings");
        }
        out.details.emplace_back(ds[j][0].get<std::string>(), ds[j][1].get<std::string>());
      } else {
        out.details.emplace_back(r.str(ds[j], dptr, "name"), r.str(ds[j], dptr, "value"));
      }
    }
  }
  r.set(c, ptr, "warnings", out.warnings);
  r.set(c, ptr, "notes", out.notes);
  r.set(c, ptr, "operands", out.operands);
  r.set(c, ptr, "adapter_version", out.adapter_version);
  r.set(c, ptr, "tool_version", out.tool_version);
  if (auto d = r.opt_num(c, ptr, "duration_ms")) out.duration_ms = *d;
  if (c.contains("cache")) {
    const json& cache = r.section(c, ptr, "cache");
    const std::string status = r.str(cache, ptr + "/cache", "status");
    const auto parsed = parse_cache_status(status);
    if (!parsed) r.fail(ptr + "/cache/status", "unknown cache status \"" + status + "\"");
    out.cache.status = *parsed;
    out.cache.key = r.str(cache, ptr + "/cache", "key", false);
  }
  if (c.contains("position")) out.position = static_cast<std::size_t>(r.count(c, ptr, "position"));
}

}  // namespace

json record_to_json(const AuditRecord& record) {
  json claims = json::array();
  for (const auto& c : record.claims) claims.push_back(claim_in_full(c));
  json out = {
      {"$schema", "https://claimcheck.invalid/schemas/audit-record.schema.json"},
      {"schema_version", 1},
      {"provenance", provenance_to_json(record.provenance)},
      {"summary", summary_to_json(record.summary)},
      {"measuring", measuring_to_json(record.measuring)},
      {"claims", std::move(claims)},
      {"duration_ms", record.duration_ms},
  };
  if (record.shard) out["shard"] = shard_to_json(*record.shard);
  return out;
}

std::string record_to_text(const AuditRecord& record) {
  std::string out = "{\n";
  out += "  \"$schema\": \"https://claimcheck.invalid/schemas/audit-record.schema.json\",\n";
  out += "  \"schema_version\": " + std::to_string(k_record_schema_version) + ",\n";
  out += "  \"provenance\": " + member(provenance_to_json(record.provenance)) + ",\n";
  out += "  \"summary\": " + one_line(summary_to_json(record.summary)) + ",\n";
  out += "  \"measuring\": " + one_line(measuring_to_json(record.measuring)) + ",\n";
  if (record.shard) out += "  \"shard\": " + one_line(shard_to_json(*record.shard)) + ",\n";
  // The claims, each written into the text as it is reached: no document of all of them is built.
  out += "  \"claims\": ";
  Tables tables;
  if (record.claims.empty()) {
    out += "[]";
  } else {
    out.reserve(out.size() + record.claims.size() * 1024);
    out += "[\n";
    for (std::size_t i = 0; i < record.claims.size(); ++i) {
      const ClaimResult& c = record.claims[i];
      const std::size_t shared = tables.shared.index(c, [&] { return one_line(shared_entry(c, tables)); });
      out += "    ";
      append_own_entry(out, c, shared);
      out += i + 1 < record.claims.size() ? ",\n" : "\n";
    }
    out += "  ]";
  }
  out += ",\n  \"shared\": ";
  append_lines(out, tables.shared.lines());
  out += ",\n  \"files\": ";
  append_lines(out, tables.files.lines());
  out += ",\n  \"duration_ms\": " + one_line(record.duration_ms) + "\n}\n";
  return out;
}

AuditRecord record_from_json(std::string_view text, const std::filesystem::path& file) {
  const json doc = parse_json_bounded(text, file);
  const Reader r(text, file);
  AuditRecord record;
  if (!doc.is_object()) r.fail("", "an audit record is a JSON object");
  // Version 1 wrote every claim in full; version 2 writes what claims share once. Both are read.
  record.schema_version = r.integer(doc, "", "schema_version");
  if (record.schema_version != 1 && record.schema_version != k_record_schema_version) {
    r.fail("/schema_version", "unsupported schema_version " + std::to_string(record.schema_version) +
                                  ", expected 1 or " + std::to_string(k_record_schema_version));
  }
  const bool tabled = record.schema_version >= 2;
  record.schema_version = k_record_schema_version;
  const json& p = r.section(doc, "", "provenance");
  const json& git = r.section(p, "/provenance", "git");
  auto& g = record.provenance.git;
  g.in_repository = r.boolean(git, "/provenance/git", "in_repository");
  g.root = r.str(git, "/provenance/git", "root", false);
  g.head = r.str(git, "/provenance/git", "head", false);
  g.branch = r.str(git, "/provenance/git", "branch", false);
  g.detached = r.boolean(git, "/provenance/git", "detached");
  g.describe = r.str(git, "/provenance/git", "describe", false);
  g.remote_url = r.str(git, "/provenance/git", "remote_url", false);
  g.dirty = r.boolean(git, "/provenance/git", "dirty");
  g.dirty_paths = r.strings(git, "/provenance/git", "dirty_paths");
  g.untracked_paths = r.strings(git, "/provenance/git", "untracked_paths");
  if (p.contains("environment")) {
    const json& env = r.section(p, "/provenance", "environment");
    auto& e = record.provenance.environment;
    e.os = r.str(env, "/provenance/environment", "os", false);
    e.kernel = r.str(env, "/provenance/environment", "kernel", false);
    e.arch = r.str(env, "/provenance/environment", "arch", false);
    e.cpu_model = r.str(env, "/provenance/environment", "cpu_model", false);
    e.cores = r.integer(env, "/provenance/environment", "cores");
    if (env.contains("memory_bytes") && env.at("memory_bytes").is_number_unsigned()) {
      e.memory_bytes = env.at("memory_bytes").get<std::uint64_t>();
    }
    e.hostname = r.str(env, "/provenance/environment", "hostname", false);
  }
  if (p.contains("claimcheck")) {
    const json& t = r.section(p, "/provenance", "claimcheck");
    auto& c = record.provenance.claimcheck;
    c.version = r.str(t, "/provenance/claimcheck", "version", false);
    c.compiler = r.str(t, "/provenance/claimcheck", "compiler", false);
    c.build_type = r.str(t, "/provenance/claimcheck", "build_type", false);
    c.flags = r.str(t, "/provenance/claimcheck", "flags", false);
  }
  if (p.contains("ci")) {
    const json& ci = r.section(p, "/provenance", "ci");
    auto& c = record.provenance.ci;
    c.provider = r.str(ci, "/provenance/ci", "provider", false);
    c.event = r.str(ci, "/provenance/ci", "event", false);
    c.sha = r.str(ci, "/provenance/ci", "sha", false);
    c.head_sha = r.str(ci, "/provenance/ci", "head_sha", false);
    c.ref = r.str(ci, "/provenance/ci", "ref", false);
    c.run_url = r.str(ci, "/provenance/ci", "run_url", false);
  }
  record.provenance.started_at = r.str(p, "/provenance", "started_at", false);

  if (doc.contains("measuring")) {
    const json& m = r.section(doc, "", "measuring");
    record.measuring.reused = r.integer(m, "/measuring", "reused");
    record.measuring.measured = r.integer(m, "/measuring", "measured");
    record.measuring.runs = r.integer(m, "/measuring", "runs");
  }
  if (doc.contains("shard")) {
    const json& sh = r.section(doc, "", "shard");
    ShardInfo info;
    info.index = r.integer(sh, "/shard", "index");
    info.count = r.integer(sh, "/shard", "count");
    info.total = static_cast<std::size_t>(r.count(sh, "/shard", "total"));
    info.selection = r.str(sh, "/shard", "selection");
    info.settings = r.str(sh, "/shard", "settings", false);
    if (info.count < 1 || info.index < 1 || info.index > info.count) r.fail("/shard", "shard index out of 1..count");
    record.shard = info;
  }

  // Version 2: the files evidence names, then the entries claims share, each read once.
  std::vector<Evidence> files;
  std::vector<ClaimResult> shared;
  if (tabled) {
    const json& fs = r.at(doc, "", "files");
    if (!fs.is_array()) r.fail("/files", "\"files\" must be an array");
    for (std::size_t i = 0; i < fs.size(); ++i) files.push_back(r.evidence(fs[i], "/files/" + std::to_string(i)));
    const json& ss = r.at(doc, "", "shared");
    if (!ss.is_array()) r.fail("/shared", "\"shared\" must be an array");
    for (std::size_t i = 0; i < ss.size(); ++i) {
      const std::string ptr = "/shared/" + std::to_string(i);
      if (!ss[i].is_object()) r.fail(ptr, "a shared entry is an object");
      read_fields(r, ss[i], ptr, files, shared.emplace_back());
    }
  }

  const json& claims = r.at(doc, "", "claims");
  if (!claims.is_array()) r.fail("/claims", "\"claims\" must be an array");
  record.claims.reserve(claims.size());
  for (std::size_t i = 0; i < claims.size(); ++i) {
    const std::string ptr = "/claims/" + std::to_string(i);
    const json& c = claims[i];
    if (!c.is_object()) r.fail(ptr, "a claim result is an object");
    r.str(c, ptr, "id");
    r.section(c, ptr, "expected");
    r.verdict(c, ptr);
    ClaimResult out;
    if (tabled) {
      const auto index = r.count(c, ptr, "shared");
      if (index >= shared.size()) r.fail(ptr + "/shared", "no entry " + std::to_string(index) + " in \"shared\"");
      out = shared[index];
    }
    read_fields(r, c, ptr, files, out);
    if (tabled && !c.contains("measured_raw")) out.measured_raw = out.measured;
    record.claims.push_back(std::move(out));
  }
  record.summary = summarize(record.claims);
  if (auto d = r.opt_num(doc, "", "duration_ms")) record.duration_ms = *d;
  return record;
}

}  // namespace claimcheck
