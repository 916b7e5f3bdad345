#include "report/markdown.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include <kainjow/mustache.hpp>

#include "claimcheck/templates.hpp"
#include "report/format.hpp"

namespace claimcheck {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::list;
using kainjow::mustache::mustache;

std::string source_text(const ClaimResult& c) {
  std::string out = c.source.paper;
  if (!c.source.where.empty()) out += ", " + c.source.where;
  return markdown_escape(out);
}

std::string measured_text(const ClaimResult& c) {
  if (!c.measured) return "n/a";
  std::string out = format_quantity(*c.measured, c.expected.unit.symbol);
  if (!c.measured_basis.empty()) out += " (" + c.measured_basis + ")";
  return markdown_escape(out);
}

}  // namespace

std::string markdown_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '|': out += "&#124;"; break;
      case '@': out += "&#64;"; break;  // no @mentions from claim text
      case ':':
        // "::" at the start of a line is a GitHub workflow command when a report is printed in
        // a workflow step (::add-mask::, ::error::); break every pair.
        if (i + 1 < text.size() && text[i + 1] == ':') {
          out += "&#58;";
        } else {
          out += c;
        }
        break;
      case '\n':
      case '\r': out += ' '; break;
      case '\\': case '`': case '*': case '_': case '[': case ']': case '#': case '~': case '!':
      case '{': case '}':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

std::string summary_line(const Summary& s) {
  return std::to_string(s.total) + (s.total == 1 ? " claim: " : " claims: ") + std::to_string(s.verified) +
         " verified, " + std::to_string(s.discrepant) + " discrepant, " + std::to_string(s.blocked) + " blocked";
}

namespace {

// The report's parts of claims [begin, end), each part in claim order: the table row of each
// claim, the "Needs attention" entry of each claim that is not verified, the warnings of
// verified claims, and the claims whose evidence is not committed.
struct ClaimParts {
  std::string rows;
  std::string problems;
  std::string warned;
  std::string uncommitted;
};

ClaimParts render_claims(const std::vector<ClaimResult>& claims, std::size_t begin, std::size_t end) {
  ClaimParts out;
  mustache row_template{std::string(templates::k_report_row_md)};
  mustache problem_template{std::string(templates::k_report_problem_md)};
  mustache warning_template{std::string(templates::k_report_warning_md)};
  mustache uncommitted_template{std::string(templates::k_report_uncommitted_md)};
  const auto all = {&row_template, &problem_template, &warning_template, &uncommitted_template};
  // Every value is escaped for Markdown here; the HTML escaping of {{x}} would double it.
  for (auto* t : all) t->set_custom_escape([](const std::string& s) { return s; });
  for (std::size_t i = begin; i < end; ++i) {
    const ClaimResult& c = claims[i];
    if (c.verdict == Verdict::verified) {
      // A verified claim's warnings have no problem entry to sit in.
      for (const auto& w : c.warnings) {
        data entry;
        entry.set("id", c.id);
        entry.set("warning", markdown_escape(w));
        out.warned += warning_template.render(entry);
      }
    }
    if (c.evidence_uncommitted) {
      std::string files;
      for (const auto& e : c.evidence) {
        if (e.state == EvidenceState::clean) continue;
        if (!files.empty()) files += ", ";
        files += markdown_escape(e.path) + " (" + std::string(evidence_state_name(e.state)) + ")";
      }
      data u;
      u.set("id", c.id);
      u.set("files", files);
      out.uncommitted += uncommitted_template.render(u);
    }
    const auto& info = verdict_info(c.verdict);
    std::string flags;
    if (c.stale) flags += " (stale)";
    if (c.evidence_uncommitted) flags += " (uncommitted)";
    data row;
    row.set("badge", std::string(info.badge));
    row.set("verdict", std::string(info.label));
    row.set("flags", flags);
    row.set("id", c.id);  // ids are [A-Za-z0-9._-]: safe inside backticks
    row.set("title", markdown_escape(c.title));
    row.set("source", source_text(c));
    row.set("expected", markdown_escape(format_expected(c.expected)));
    row.set("measured", measured_text(c));
    row.set("error", c.verdict == Verdict::blocked ? "n/a"
                                                   : markdown_escape(format_error(c.expected, c.error, c.relative_error)));
    row.set("tolerance", markdown_escape(format_tolerance(c.expected)));
    out.rows += row_template.render(row);
    if (c.verdict == Verdict::verified) continue;

    data& p = row;
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
  for (auto* t : all) {
    if (!t->is_valid()) throw std::runtime_error("report template: " + t->error_message());
  }
  return out;
}

// Every claim's parts, rendered in parallel chunks (a report has a row per claim, and thousands
// of claims are rendered in a fraction of the time), in claim order.
std::vector<ClaimParts> render_all_claims(const std::vector<ClaimResult>& claims) {
  constexpr std::size_t k_chunk = 512;
  const std::size_t chunks = (claims.size() + k_chunk - 1) / k_chunk;
  std::vector<ClaimParts> parts(chunks);
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t k = next++; k < chunks; k = next++) {
      parts[k] = render_claims(claims, k * k_chunk, std::min(claims.size(), (k + 1) * k_chunk));
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
