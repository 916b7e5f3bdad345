#include "cli/reuse.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "claimcheck/build_info.hpp"
#include "io/digest.hpp"
#include "io/file_read.hpp"
#include "provenance/environment.hpp"
#include "provenance/git.hpp"

namespace claimcheck {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The file cache entries were made with (a new entry layout is a new number).
constexpr int k_payload_version = 1;

std::string spec_text(const Spec& spec) {
  if (spec.path) return "path:" + *spec.path;
  return "inline:" + spec.inline_spec.dump();
}

std::optional<Dimension> dimension_named(const std::string& name) {
  for (int d = 0; d <= static_cast<int>(Dimension::energy_per_op); ++d) {
    if (dimension_name(static_cast<Dimension>(d)) == name) return static_cast<Dimension>(d);
  }
  return std::nullopt;
}

std::vector<std::string> strings_of(const json& value) {
  std::vector<std::string> out;
  if (!value.is_array()) throw std::invalid_argument("not an array");
  for (const auto& v : value) out.push_back(v.get<std::string>());
  return out;
}

}  // namespace

std::optional<std::string> FileHashes::of(const fs::path& absolute) {
  {
    const std::lock_guard lock(m_mutex);
    if (auto it = m_hashes.find(absolute.native()); it != m_hashes.end()) return it->second;
  }
  std::optional<std::string> hash;
  std::error_code ec;
  if (fs::is_regular_file(absolute, ec)) {
    if (const auto content = read_file(absolute)) hash = git_blob_id(*content);
  }
  const std::lock_guard lock(m_mutex);
  return m_hashes.emplace(absolute.native(), hash).first->second;
}

const ClaimFiles::Facts& ClaimFiles::of(const Claim& claim) {
  {
    const std::shared_lock lock(m_mutex);
    if (auto it = m_files.find(claim.location.file.native()); it != m_files.end()) return it->second;
  }
  Facts facts;
  const fs::path absolute = fs::absolute(claim.location.file);
  facts.relative = m_sandbox.relative(fs::weakly_canonical(absolute));
  facts.folder = fs::path(facts.relative).parent_path().generic_string();
  facts.dir = absolute.parent_path();
  const std::unique_lock lock(m_mutex);
  return m_files.try_emplace(claim.location.file.native(), std::move(facts)).first->second;
}

bool cacheable(const Claim& claim, const Adapter& adapter) {
  if (claim.cache) return *claim.cache;
  return !adapter.runs_commands(claim);
}

std::string claim_key_fields(const Claim& claim, const Adapter& adapter, const std::string& folder) {
  std::string out;
  auto field = [&out](std::string_view text) { append_field(out, text); };
  field("claimcheck");
  field(build_info::k_version);
  field(executable_build_id());
  field(adapter.name());
  field(adapter.version());
  field(folder);
  field(claim.mode == Mode::run ? "run" : "reread");
  field(claim.metric);
  field(spec_text(claim.workload));
  field(spec_text(claim.hardware));
  field(claim.artifact ? "artifact:" + *claim.artifact : "no artifact");
  field(std::to_string(claim.inputs.size()));
  for (const auto& input : claim.inputs) field(input);
  const Extract& x = claim.extract;
  field(std::to_string(static_cast<int>(x.kind)));
  field(x.json_pointer);
  field(x.column);
  field(x.aggregate);
  field(x.pattern);
  field(std::to_string(x.occurrence));
  field(std::to_string(x.where.size()));
  for (const auto& [column, value] : x.where) {
    field(column);
    field(value);
  }
  field(claim.measured_unit ? claim.measured_unit->symbol : "");
  field(claim.options.dump());
  return out;
}

std::string claim_key_of(std::string_view fields) { return sha256_hex(fields).substr(0, 40); }

std::optional<std::vector<FileHash>> hashed_files(const std::vector<fs::path>& files, const Sandbox& sandbox,
                                                  FileHashes& hashes) {
  std::vector<FileHash> out;
  for (const auto& file : files) {
    const std::string relative = sandbox.relative(file);
    if (relative.empty() || relative.starts_with("..") || fs::path(relative).is_absolute()) return std::nullopt;
    const auto hash = hashes.of(file);
    if (!hash) return std::nullopt;
    out.push_back({relative, *hash});
  }
  std::sort(out.begin(), out.end(), [](const FileHash& a, const FileHash& b) { return a.path < b.path; });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string measurement_payload(const Measurement& m, const Sandbox& sandbox) {
  if (!std::isfinite(m.value) || !std::isfinite(m.unit.to_base)) return {};
  json details = json::array();
  for (const auto& d : m.details) details.push_back(json::array({d.name, d.value}));
  json files = json::array();
  for (const auto& f : m.files) files.push_back(sandbox.relative(f));
  return json{{"version", k_payload_version},
              {"value", m.value},
              {"unit", json::array({m.unit.symbol, dimension_name(m.unit.dimension), m.unit.to_base})},
              {"details", details},
              {"files", files},
              {"tool_version", m.tool_version},
              {"warnings", m.warnings},
              {"notes", m.notes},
              {"basis", m.basis}}
      .dump();
}

std::optional<Measurement> measurement_from_payload(const std::string& payload, const Sandbox& sandbox) {
  const json doc = json::parse(payload, nullptr, false);
  if (!doc.is_object() || doc.value("version", 0) != k_payload_version) return std::nullopt;
  try {
    Measurement m;
    m.value = doc.at("value").get<double>();
    const json& unit = doc.at("unit");
    const auto dimension = dimension_named(unit.at(1).get<std::string>());
    if (!dimension) return std::nullopt;
    m.unit = Unit{unit.at(0).get<std::string>(), *dimension, unit.at(2).get<double>()};
    for (const auto& d : doc.at("details")) m.details.push_back({d.at(0).get<std::string>(), d.at(1).get<std::string>()});
    for (const auto& f : strings_of(doc.at("files"))) m.files.push_back(sandbox.root() / f);
    m.tool_version = doc.at("tool_version").get<std::string>();
    m.warnings = strings_of(doc.at("warnings"));
    m.notes = strings_of(doc.at("notes"));
    m.basis = doc.at("basis").get<std::string>();
    return m;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace claimcheck
