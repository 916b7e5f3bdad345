#include "report/record_json.hpp"

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

}  // namespace

json record_to_json(const AuditRecord& record) {
  const auto& p = record.provenance;
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
  json claims = json::array();
  for (const auto& c : record.claims) {
    json evidence = json::array();
    for (const auto& e : c.evidence) {
      evidence.push_back({{"path", e.path}, {"blob", e.blob}, {"state", evidence_state_name(e.state)}});
    }
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
    // How the measurement met the result cache, and a shard's claim's place in the whole audit.
    if (c.cache.status != CacheStatus::none) {
      json cache = {{"status", cache_status_name(c.cache.status)}};
      if (!c.cache.key.empty()) cache["key"] = c.cache.key;
      claim["cache"] = cache;
    }
    if (c.position) claim["position"] = *c.position;
    claims.push_back(std::move(claim));
  }
  const auto& s = record.summary;
  const auto& m = record.measuring;
  json out = {
      {"$schema", "https://claimcheck.invalid/schemas/audit-record.schema.json"},
      {"schema_version", record.schema_version},
      {"provenance",
       {{"git", git}, {"environment", environment}, {"claimcheck", tool}, {"ci", ci}, {"started_at", p.started_at}}},
      {"summary",
       {{"total", s.total},
        {"verified", s.verified},
        {"discrepant", s.discrepant},
        {"blocked", s.blocked},
        {"stale", s.stale},
        {"uncommitted", s.uncommitted}}},
      {"measuring", {{"reused", m.reused}, {"measured", m.measured}, {"runs", m.runs}}},
      {"claims", claims},
      {"duration_ms", record.duration_ms},
  };
  if (record.shard) {
    const auto& sh = *record.shard;
    out["shard"] = {{"index", sh.index},         {"count", sh.count},         {"total", sh.total},
                    {"selection", sh.selection}, {"settings", sh.settings}};
  }
  return out;
}

std::string record_to_text(const AuditRecord& record) { return record_to_json(record).dump(2) + "\n"; }

AuditRecord record_from_json(std::string_view text, const std::filesystem::path& file) {
  const json doc = parse_json_bounded(text, file);
  const Reader r(text, file);
  AuditRecord record;
  if (!doc.is_object()) r.fail("", "an audit record is a JSON object");
  record.schema_version = r.integer(doc, "", "schema_version");
  if (record.schema_version != k_record_schema_version) {
    r.fail("/schema_version", "unsupported schema_version " + std::to_string(record.schema_version) + ", expected " +
                                  std::to_string(k_record_schema_version));
  }
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

  const json& claims = r.at(doc, "", "claims");
  if (!claims.is_array()) r.fail("/claims", "\"claims\" must be an array");
  for (std::size_t i = 0; i < claims.size(); ++i) {
    const std::string ptr = "/claims/" + std::to_string(i);
    const json& c = claims[i];
    if (!c.is_object()) r.fail(ptr, "a claim result is an object");
    ClaimResult out;
    out.id = r.str(c, ptr, "id");
    out.title = r.str(c, ptr, "title", false);
    if (c.contains("source")) {
      const json& s = r.section(c, ptr, "source");
      out.source.paper = r.str(s, ptr + "/source", "paper", false);
      out.source.where = r.str(s, ptr + "/source", "where", false);
      out.source.quote = r.str(s, ptr + "/source", "quote", false);
      out.source.url = r.str(s, ptr + "/source", "url", false);
      out.source.doi = r.str(s, ptr + "/source", "doi", false);
      out.source.file = r.str(s, ptr + "/source", "file", false);
      out.source.line = r.integer(s, ptr + "/source", "line");
    }
    out.tool = r.str(c, ptr, "tool", false);
    out.mode = r.str(c, ptr, "mode", false);
    out.metric = r.str(c, ptr, "metric", false);
    out.workload = r.str(c, ptr, "workload", false);
    out.hardware = r.str(c, ptr, "hardware", false);
    out.expected = r.expected(r.section(c, ptr, "expected"), ptr + "/expected");
    out.file = r.str(c, ptr, "file", false);
    out.line = r.integer(c, ptr, "line");
    out.tags = r.strings(c, ptr, "tags");
    out.verdict = r.verdict(c, ptr);
    out.measured = r.opt_num(c, ptr, "measured");
    out.measured_raw = r.opt_num(c, ptr, "measured_raw");
    out.measured_unit = r.str(c, ptr, "measured_unit", false);
    out.measured_basis = r.str(c, ptr, "measured_basis", false);
    out.error = r.opt_num(c, ptr, "error");
    out.relative_error = r.opt_num(c, ptr, "relative_error");
    out.block_kind = r.str(c, ptr, "block_kind", false);
    out.reason = r.str(c, ptr, "reason", false);
    out.unblock = r.str(c, ptr, "unblock", false);
    out.stale = r.boolean(c, ptr, "stale");
    out.evidence_uncommitted = r.boolean(c, ptr, "evidence_uncommitted");
    if (c.contains("evidence")) {
      const json& ev = c.at("evidence");
      if (!ev.is_array()) r.fail(ptr + "/evidence", "\"evidence\" must be an array");
      for (std::size_t j = 0; j < ev.size(); ++j) {
        const std::string eptr = ptr + "/evidence/" + std::to_string(j);
        Evidence e;
        e.path = r.str(ev[j], eptr, "path");
        e.blob = r.str(ev[j], eptr, "blob", false);
        const std::string state = r.str(ev[j], eptr, "state");
        auto parsed = parse_evidence_state(state);
        if (!parsed) r.fail(eptr + "/state", "unknown evidence state \"" + state + "\"");
        e.state = *parsed;
        out.evidence.push_back(std::move(e));
      }
    }
    if (c.contains("details")) {
      const json& ds = c.at("details");
      if (!ds.is_array()) r.fail(ptr + "/details", "\"details\" must be an array");
      for (std::size_t j = 0; j < ds.size(); ++j) {
        const std::string dptr = ptr + "/details/" + std::to_string(j);
        out.details.emplace_back(r.str(ds[j], dptr, "name"), r.str(ds[j], dptr, "value"));
      }
    }
    out.warnings = r.strings(c, ptr, "warnings");
    if (c.contains("notes")) out.notes = r.strings(c, ptr, "notes");
    out.operands = r.strings(c, ptr, "operands");
    out.adapter_version = r.str(c, ptr, "adapter_version", false);
    out.tool_version = r.str(c, ptr, "tool_version", false);
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
    record.claims.push_back(std::move(out));
  }
  record.summary = summarize(record.claims);
  if (auto d = r.opt_num(doc, "", "duration_ms")) record.duration_ms = *d;
  return record;
}

}  // namespace claimcheck
