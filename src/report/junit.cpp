#include "report/junit.hpp"

#include <cstdio>
#include <map>
#include <vector>

#include "report/format.hpp"

namespace claimcheck {
namespace {

constexpr std::string_view k_replacement = "\uFFFD";

// Length of the valid UTF-8 sequence at `text[i]` (1 to 4), or 0 when it is not valid.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  // Overlong forms, surrogates, beyond U+10FFFF, and the two non-characters XML forbids.
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return 0;
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF || cp == 0xFFFE || cp == 0xFFFF) return 0;
  return n;
}

std::string seconds(double ms) {
  char out[32];
  std::snprintf(out, sizeof out, "%.3f", ms / 1000.0);
  return out;
}

std::string attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + xml_escape(value, true) + "\"";
}

std::string failure_message(const ClaimResult& c) {
  const std::string& unit = c.expected.unit.symbol;
  return "claimed " + format_expected(c.expected) + " (" + format_tolerance(c.expected) + "), measured " +
         (c.measured ? format_quantity(*c.measured, unit) : std::string("n/a")) + ": error " +
         format_error_detail(c.expected, c.error, c.relative_error);
}

std::string skipped_message(const ClaimResult& c) {
  std::string out = "blocked";
  if (!c.block_kind.empty()) out += " (" + c.block_kind + ")";
  out += ": " + c.reason;
  if (!c.unblock.empty()) out += ". To unblock: " + c.unblock;
  return out;
}

std::string testcase(const ClaimResult& c) {
  std::string name = c.id;
  if (!c.title.empty()) name += ": " + c.title;
  std::string out = "    <testcase" + attr("name", name) + attr("classname", c.file.empty() ? "claims" : c.file);
  if (!c.file.empty()) out += attr("file", c.file);
  if (c.line > 0) out += attr("line", std::to_string(c.line));
  out += attr("time", seconds(c.duration_ms));
  std::string details;
  if (!c.source.paper.empty() || !c.source.where.empty()) {
    details += "Source: " + c.source.paper + (c.source.where.empty() ? "" : ", " + c.source.where) + "\n";
  }
  if (!c.source.quote.empty()) details += "Quote: " + c.source.quote + "\n";
  if (c.stale) details += "The artifact is stale: its inputs changed after it was written.\n";
  if (c.evidence_uncommitted) details += "Some evidence is not committed and clean at HEAD.\n";
  for (const auto& w : c.warnings) details += "Warning: " + w + "\n";
  switch (c.verdict) {
    case Verdict::verified:
      if (c.warnings.empty()) return out + "/>\n";
      out += ">\n      <system-out>" + xml_escape(details, false) + "</system-out>\n";
      break;
    case Verdict::discrepant:
      out += ">\n      <failure" + attr("type", "discrepant") + attr("message", failure_message(c)) + ">" +
             xml_escape(failure_message(c) + "\n" + details, false) + "</failure>\n";
      break;
    case Verdict::blocked:
      out += ">\n      <skipped" + attr("message", skipped_message(c)) + "/>\n";
      if (!details.empty()) out += "      <system-out>" + xml_escape(details, false) + "</system-out>\n";
      break;
  }
  return out + "    </testcase>\n";
}

struct Counts {
  int tests = 0;
  int failures = 0;
  int skipped = 0;
  double ms = 0.0;
};

std::string counts_attrs(const Counts& n) {
  return attr("tests", std::to_string(n.tests)) + attr("failures", std::to_string(n.failures)) +
         attr("errors", "0") + attr("skipped", std::to_string(n.skipped)) + attr("time", seconds(n.ms));
}

}  // namespace

std::string xml_escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const std::size_t n = utf8_length(text, i);
    if (n == 0) {
      out += k_replacement;
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    ++i;
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += attribute ? "&quot;" : "\""; break;
      case '\'': out += attribute ? "&apos;" : "'"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += k_replacement;
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string render_junit(const AuditRecord& record, const RenderOptions&) {
  // Claim files in the order the record lists them (sorted by file already).
  std::vector<std::string> files;
  std::map<std::string, std::vector<const ClaimResult*>> by_file;
  std::map<std::string, Counts> counts;
  Counts all;
  for (const auto& c : record.claims) {
    if (!by_file.contains(c.file)) files.push_back(c.file);
    by_file[c.file].push_back(&c);
    for (Counts* n : {&counts[c.file], &all}) {
      ++n->tests;
      n->failures += c.verdict == Verdict::discrepant ? 1 : 0;
      n->skipped += c.verdict == Verdict::blocked ? 1 : 0;
      n->ms += c.duration_ms;
    }
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  if (record.claims.empty()) {
    out += "<testsuites" + attr("name", "claimcheck") + counts_attrs({1, 1, 0, record.duration_ms}) + ">\n";
    out += "  <testsuite" + attr("name", "claimcheck") + counts_attrs({1, 1, 0, record.duration_ms}) + ">\n";
    out += "    <testcase" + attr("name", "claims audited") + attr("classname", "claimcheck") + attr("time", "0.000") +
           ">\n      <failure" + attr("type", "no claims") +
           attr("message", "No claims were audited: this is not a pass.") + "/>\n    </testcase>\n";
    return out + "  </testsuite>\n</testsuites>\n";
  }
  all.ms = record.duration_ms;
  out += "<testsuites" + attr("name", "claimcheck") + counts_attrs(all) + ">\n";
  for (const auto& file : files) {
    out += "  <testsuite" + attr("name", file.empty() ? "claims" : file) + counts_attrs(counts[file]) + ">\n";
    for (const ClaimResult* c : by_file[file]) out += testcase(*c);
    out += "  </testsuite>\n";
  }
  return out + "</testsuites>\n";
}

}  // namespace claimcheck
