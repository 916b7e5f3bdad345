#include "report/markdown.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <thread>

#include <kainjow/mustache.hpp>

#include "claimcheck/templates.hpp"
#include "report/format.hpp"

namespace claimcheck {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::list;
using kainjow::mustache::mustache;

// What markdown_escape writes for a byte, when not the byte alone: at most 6 bytes, kept in 7 so
// that each escape is copied whole.
struct Escape {
  std::array<char, 7> text{};
  std::uint8_t size = 0;  // 0: the byte is written as it is
};

constexpr Escape escape_of(std::string_view text) {
  Escape e;
  std::copy(text.begin(), text.end(), e.text.begin());
  e.size = static_cast<std::uint8_t>(text.size());
  return e;
}

constexpr std::array<Escape, 256> k_markdown_escapes = [] {
  std::array<Escape, 256> table{};
  const auto set = [&](char byte, std::string_view text) { table[static_cast<unsigned char>(byte)] = escape_of(text); };
  set('&', "&amp;");
  set('<', "&lt;");
  set('>', "&gt;");
  set('|', "&#124;");
  set('@', "&#64;");  // no @mentions from claim text
  set('\n', " ");
  set('\r', " ");
  for (const char c : std::string_view("\\`*_[]#~!{}")) {
    const std::array<char, 2> escaped = {'\\', c};
    set(c, std::string_view(escaped.data(), escaped.size()));
  }
  // "::" at the start of a line is a GitHub workflow command when a report is printed in a
  // workflow step (::add-mask::, ::error::): every pair is broken (escape_at). A ':' is marked
  // here so that text without escapes is told by this table alone.
  set(':', ":");
  return table;
}();

constexpr Escape k_colon_before_colon = escape_of("&#58;");

const Escape& escape_at(std::string_view text, std::size_t i) {
  if (text[i] == ':' && i + 1 < text.size() && text[i + 1] == ':') return k_colon_before_colon;
  return k_markdown_escapes[static_cast<unsigned char>(text[i])];
}

}  // namespace

void append_markdown_escaped(std::string& out, std::string_view text) {
  // Most text needs no escape. The rest (every claim's evidence paths: megabytes in a report of
  // thousands of claims) is sized first, then written with each escape copied whole into slack
  // at the end.
  std::size_t first = text.size();  // the first byte that is escaped, or may be
  std::size_t size = text.size();
  for (std::size_t i = 0; i < text.size(); ++i) {
    const Escape& escape = escape_at(text, i);
    if (escape.size == 0) continue;
    first = std::min(first, i);
    size += escape.size - 1U;
  }
  if (first == text.size()) {
    out += text;
    return;
  }
  const std::size_t start = out.size();
  out.resize(start + size + sizeof(Escape::text));
  char* to = std::copy_n(text.data(), first, out.data() + start);
  for (std::size_t i = first; i < text.size(); ++i) {
    const Escape& escape = escape_at(text, i);
    if (escape.size == 0) {
      *to++ = text[i];
    } else {
      std::copy_n(escape.text.data(), escape.text.size(), to);
      to += escape.size;
    }
  }
  out.resize(start + size);
}

std::string markdown_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_markdown_escaped(out, text);
  return out;
}

std::string summary_line(const Summary& s) {
  return std::to_string(s.total) + (s.total == 1 ? " claim: " : " claims: ") + std::to_string(s.verified) +
         " verified, " + std::to_string(s.discrepant) + " discrepant, " + std::to_string(s.blocked) + " blocked";
}

namespace {

// A claim's template (a table row, a warning, an uncommitted entry): text and {{name}} tags, no
// sections. kainjow renders it once with a marker in place of each name's value, and each claim's
// values are put in at the markers: the text kainjow renders for them, without a view built and
// walked for each of thousands of claims.
class ClaimTemplate {
 public:
  ClaimTemplate(std::string_view text, std::span<const std::string_view> names) {
    for (const std::string_view section : {"{{#", "{{^", "{{/", "{{>", "{{="}) {
      if (text.find(section) != std::string_view::npos) {
        throw std::runtime_error("report template: a claim's template has no sections or partials: " +
                                 std::string(text));
      }
    }
    mustache tmpl{std::string(text)};
    // Every value is escaped for Markdown before it is put in; the HTML escaping of {{x}} would double it.
    tmpl.set_custom_escape([](const std::string& s) { return s; });
    data view;
    for (std::size_t i = 0; i < names.size(); ++i) view.set(std::string(names[i]), marker(i));
    const std::string rendered = tmpl.render(view);
    if (!tmpl.is_valid()) throw std::runtime_error("report template: " + tmpl.error_message());
    std::size_t at = 0;
    for (std::size_t found = rendered.find('\x01'); found != std::string::npos; found = rendered.find('\x01', at)) {
      const std::size_t close = rendered.find('\x01', found + 1);
      m_parts.push_back({rendered.substr(at, found - at), std::stoul(rendered.substr(found + 1, close - found - 1))});
      at = close + 1;
    }
    m_tail = rendered.substr(at);
  }

  // Appends the template with values[i] in place of {{names[i]}}.
  void render(std::string& out, std::span<const std::string> values) const {
    for (const auto& part : m_parts) {
      out += part.text;
      out += values[part.value];
    }
    out += m_tail;
  }

 private:
  static std::string marker(std::size_t i) { return "\x01" + std::to_string(i) + "\x01"; }
  struct Part {
    std::string text;   // the template's text
    std::size_t value;  // then the value of this name
  };
  std::vector<Part> m_parts;
  std::string m_tail;  // the text after the last value
};

// The names of the row template, in the order of its values.
namespace row {
enum Value : std::size_t { badge, verdict, flags, id, title, source, expected, measured, error, tolerance };
}  // namespace row
constexpr std::array<std::string_view, 10> k_row_names = {"badge",  "verdict",  "flags", "id",    "title",
                                                          "source", "expected", "measured", "error", "tolerance"};
constexpr std::array<std::string_view, 2> k_warning_names = {"id", "warning"};
constexpr std::array<std::string_view, 2> k_uncommitted_names = {"id", "files"};

// The per-claim templates, ready to fill.
struct ClaimTemplates {
  ClaimTemplate row{templates::k_report_row_md, k_row_names};
  ClaimTemplate warning{templates::k_report_warning_md, k_warning_names};
  ClaimTemplate uncommitted{templates::k_report_uncommitted_md, k_uncommitted_names};
};

// The report's parts of claims [begin, end), each part in claim order: the table row of each
// claim, the "Needs attention" entry of each claim that is not verified, the warnings of
// verified claims, and the claims whose evidence is not committed.
struct ClaimParts {
  std::string rows;
  std::string problems;
  std::string warned;
  std::string uncommitted;
};

ClaimParts render_claims(const std::vector<ClaimResult>& claims, std::size_t begin, std::size_t end,
                         const ClaimTemplates& claim_templates) {
  ClaimParts out;
  mustache problem_template{std::string(templates::k_report_problem_md)};
  // Every value is escaped for Markdown here; the HTML escaping of {{x}} would double it.
  problem_template.set_custom_escape([](const std::string& s) { return s; });
  // The values of one claim; their strings are kept from claim to claim, so that writing them
  // seldom allocates.
  std::array<std::string, k_row_names.size()> values;
  std::array<std::string, 2> pair;
  std::array<std::string, 2> listed;  // an uncommitted entry: the id, and the files of listed_evidence
  const SharedList<Evidence>* listed_evidence = nullptr;
  std::string text;
  const auto escaped = [](std::string& value, std::string_view plain) {
    value.clear();
    append_markdown_escaped(value, plain);
  };
  for (std::size_t i = begin; i < end; ++i) {
    const ClaimResult& c = claims[i];
    pair[0] = c.id;
    if (c.verdict == Verdict::verified) {
      // A verified claim's warnings have no problem entry to sit in.
      for (const auto& w : c.warnings) {
        escaped(pair[1], w);
        claim_templates.warning.render(out.warned, pair);
      }
    }
    if (c.evidence_uncommitted) {
      // Claims of one measurement come one after another and list the same files: the list is
      // written once for them.
      if (listed_evidence == nullptr || *listed_evidence != c.evidence) {
        std::string& files = listed[1];
        files.clear();
        for (const auto& e : c.evidence) {
          if (e.state == EvidenceState::clean) continue;
          if (!files.empty()) files += ", ";
          append_markdown_escaped(files, e.path);
          files += " (";
          files += evidence_state_name(e.state);
          files += ')';
        }
        listed_evidence = &c.evidence;
      }
      listed[0] = c.id;
      claim_templates.uncommitted.render(out.uncommitted, listed);
    }
    const auto& info = verdict_info(c.verdict);
    values[row::badge] = info.badge;
    values[row::verdict] = info.label;
    values[row::flags].clear();
    if (c.stale) values[row::flags] += " (stale)";
    if (c.evidence_uncommitted) values[row::flags] += " (uncommitted)";
    values[row::id] = c.id;  // ids are [A-Za-z0-9._-]: safe inside backticks
    escaped(values[row::title], c.title);
    text = c.source.paper;
    if (!c.source.where.empty()) {
      text += ", ";
      text += c.source.where;
    }
    escaped(values[row::source], text);
    escaped(values[row::expected], format_expected(c.expected));
    if (c.measured) {
      text = format_quantity(*c.measured, c.expected.unit.symbol);
      if (!c.measured_basis.empty()) {
        text += " (";
        text += c.measured_basis;
        text += ')';
      }
      escaped(values[row::measured], text);
    } else {
      values[row::measured] = "n/a";
    }
    if (c.verdict == Verdict::blocked) {
      values[row::error] = "n/a";
    } else {
      escaped(values[row::error], format_error(c.expected, c.error, c.relative_error));
    }
    escaped(values[row::tolerance], format_tolerance(c.expected));
    claim_templates.row.render(out.rows, values);
    if (c.verdict == Verdict::verified) continue;

    data p;
    for (std::size_t k = 0; k < values.size(); ++k) p.set(std::string(k_row_names[k]), values[k]);
    p.set("file", markdown_escape(c.file));
    p.set("line", std::to_string(c.line));
    // "+3.7 ms (+9.18%)": the difference first; for a percentage, in points.
    p.set("error_detail", markdown_escape(c.expected.unit.symbol == "%"
                                              ? format_error_detail(c.expected, c.error, c.relative_error)
                                              : format_signed(c.error, c.expected.unit.symbol) + " (" +
                                                    format_relative(c.relative_error) + ")"));
    p.set("direction", c.error && *c.error > 0 ? "higher" : "lower");
    p.set("is_discrepant", c.verdict == Verdict::discrepant);
    p.set("is_blocked", c.verdict == Verdict::blocked);
    p.set("block_kind", markdown_escape(c.block_kind));
    p.set("reason", markdown_escape(c.reason));
    p.set("unblock", markdown_escape(c.unblock));
    // A derived claim's operands and the values it was computed from.
    std::string from;
    for (const auto& [name, value] : c.details) {
      if (std::find(c.operands.begin(), c.operands.end(), name) == c.operands.end()) continue;
      from += (from.empty() ? "`" : ", `") + name + "` " + markdown_escape(value);
    }
    if (from.empty()) {
      for (const auto& id : c.operands) from += (from.empty() ? "`" : ", `") + id + "`";
    }
    p.set("computed_from", from.empty() ? data(false) : data(from));
    list warnings;
    for (const auto& w : c.warnings) warnings.push_back(data(markdown_escape(w)));
    p.set("warnings", warnings);
    out.problems += problem_template.render(p);
  }
  if (!problem_template.is_valid()) throw std::runtime_error("report template: " + problem_template.error_message());
  return out;
}

// Every claim's parts, rendered in parallel chunks (a report has a row per claim, and thousands
// of claims are rendered in a fraction of the time), in claim order.
std::vector<ClaimParts> render_all_claims(const std::vector<ClaimResult>& claims) {
  const ClaimTemplates claim_templates;
  constexpr std::size_t k_chunk = 512;
  const std::size_t chunks = (claims.size() + k_chunk - 1) / k_chunk;
  std::vector<ClaimParts> parts(chunks);
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t k = next++; k < chunks; k = next++) {
      parts[k] = render_claims(claims, k * k_chunk, std::min(claims.size(), (k + 1) * k_chunk), claim_templates);
    }
  };
  {
    const std::size_t threads = std::min<std::size_t>(chunks, std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::jthread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
  }
  return parts;
}

}  // namespace

std::string render_markdown(const AuditRecord& record) {
  data view;
  view.set("summary_line", summary_line(record.summary));
  std::string badges;
  if (record.summary.stale > 0) badges += "\u23f3 " + std::to_string(record.summary.stale) + " stale artifact(s). ";
  if (record.summary.uncommitted > 0) {
    badges += "\u26a0\ufe0f " + std::to_string(record.summary.uncommitted) + " claim(s) rest on uncommitted evidence.";
  }
  if (record.summary.total == 0) badges += "\u26a0\ufe0f No claims were audited: this is not a pass.";
  view.set("summary_badges", badges);

  // The claims' parts are spliced into the rendered frame at their markers (a frame of a few
  // lines, rather than copies of a table of thousands of rows through the view).
  std::vector<ClaimParts> parts = render_all_claims(record.claims);
  // The parts in the frame's order: the view's section flag and value (the marker the part is
  // spliced in at), and the part of every chunk.
  struct Spliced {
    const char* flag;
    const char* name;
    std::string ClaimParts::*part;
    std::string marker() const { return std::string("\x01") + name + "\x01"; }
  };
  const Spliced spliced[] = {{"has_rows", "rows", &ClaimParts::rows},
                             {"has_problems", "problems", &ClaimParts::problems},
                             {"has_warnings", "warned", &ClaimParts::warned},
                             {"has_uncommitted", "uncommitted", &ClaimParts::uncommitted}};
  for (const auto& s : spliced) {
    view.set(s.flag, std::any_of(parts.begin(), parts.end(),
                                 [&](const ClaimParts& chunk) { return !(chunk.*s.part).empty(); }));
    view.set(s.name, s.marker());
  }

  const auto& p = record.provenance;
  list provenance;
  auto add = [&](const std::string& name, const std::string& value) {
    data row;
    row.set("name", name);
    row.set("value", value.empty() ? "n/a" : markdown_escape(value));
    provenance.push_back(row);
  };
  if (p.git.in_repository) {
    add("Commit", p.git.head.empty() ? "(no commits)" : p.git.head);
    add("Branch", p.git.detached ? "(detached HEAD)" : p.git.branch);
    add("Describe", p.git.describe);
    add("Remote", p.git.remote_url);
    add("Working tree", p.git.dirty ? "dirty: " + std::to_string(p.git.dirty_paths.size()) + " modified, " +
                                          std::to_string(p.git.untracked_paths.size()) + " untracked"
                                    : "clean");
  } else {
    add("Repository", "not a git repository");
  }
  if (!p.ci.provider.empty()) {
    add("CI", p.ci.provider + " " + p.ci.event);
    add("CI commit", p.ci.sha);
    if (p.ci.head_sha != p.ci.sha) add("PR head commit", p.ci.head_sha);
    add("CI run", p.ci.run_url);
  }
  add("claimcheck", p.claimcheck.version + " (" + p.claimcheck.compiler + ", " + p.claimcheck.build_type + ")");
  add("OS", p.environment.os + ", " + p.environment.kernel + ", " + p.environment.arch);
  add("CPU", p.environment.cpu_model + " (" + std::to_string(p.environment.cores) + " cores)");
  add("Started (UTC)", p.started_at);
  view.set("provenance", provenance);

  mustache tmpl{std::string(templates::k_report_md)};
  // Every value is escaped for Markdown above; the HTML escaping of {{x}} would double it.
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  const std::string frame = tmpl.render(view);
  if (!tmpl.is_valid()) throw std::runtime_error("report template: " + tmpl.error_message());
  std::size_t size = frame.size();
  for (const auto& chunk : parts) {
    size += chunk.rows.size() + chunk.problems.size() + chunk.warned.size() + chunk.uncommitted.size();
  }
  std::string out;
  out.reserve(size);
  std::size_t at = 0;
  for (const auto& s : spliced) {
    const std::string marker = s.marker();
    const std::size_t found = frame.find(marker, at);
    if (found == std::string::npos) continue;
    out.append(frame, at, found - at);
    const std::size_t before = out.size();
    for (auto& chunk : parts) {
      out += chunk.*s.part;
      std::string().swap(chunk.*s.part);  // a report of thousands of claims is not held twice
    }
    // Each marker stands on a line of its own in the template, so the text spliced in leaves out
    // its last line break (the template's follows the marker).
    if (out.size() > before && out.back() == '\n') out.pop_back();
    at = found + marker.size();
  }
  out.append(frame, at, std::string::npos);
  return out;
}

}  // namespace claimcheck
