#include "report/markdown.hpp"

#include <random>
#include <regex>
#include <string_view>

#include <gtest/gtest.h>

#include "report/sample_records.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

ClaimResult result(const std::string& id, Verdict verdict) {
  ClaimResult c;
  c.id = id;
  c.title = "Title of " + id;
  c.source = Source{"ASTRA-sim2.0 (ISPASS 2023)", "Fig. 9", "quote", "https://example.org", "10.1/x", "", 0};
  c.tool = "artifact";
  c.mode = "reread";
  c.metric = "collective_time";
  c.workload = "All-Reduce 1 GiB";
  c.hardware = "64 NPUs";
  c.expected.kind = Expected::Kind::value;
  c.expected.value = 40.3;
  c.expected.unit = *parse_unit("ms");
  c.expected.tolerance.relative = 0.05;
  c.file = "claims/" + id + ".claim.json";
  c.line = 3;
  c.verdict = verdict;
  c.adapter_version = "1";
  if (verdict != Verdict::blocked) {
    c.measured = verdict == Verdict::verified ? 40.1 : 44.0;
    c.measured_raw = *c.measured * 1e6;
    c.measured_unit = "ns";
    c.error = *c.measured - 40.3;
    c.relative_error = *c.error / 40.3;
  } else {
    c.block_kind = "input missing";
    c.reason = "file \"out.log\" does not exist";
    c.unblock = "commit the file";
  }
  c.evidence.push_back(Evidence{"claims/out.log", "ce013625030ba8dba906f756967f9e9ca394464a", EvidenceState::clean});
  return c;
}

AuditRecord sample() {
  AuditRecord r;
  r.provenance.git = GitInfo{true, "/repo", "0123456789abcdef0123456789abcdef01234567", "main", false, "v1.0-3-g0123456",
                             "https://github.com/o/r.git", false, {}, {}};
  r.provenance.environment = EnvironmentInfo{"Debian GNU/Linux 12 (bookworm)", "6.1.0", "x86_64", "AMD EPYC", 2, 1 << 30, "host"};
  r.provenance.claimcheck = ToolInfo{"0.1.0", "GNU 12.2.0", "Release", ""};
  r.provenance.ci = CiInfo{"github-actions", "pull_request", "merge", "head", "refs/pull/1/merge", "https://github.com/o/r/actions/runs/1"};
  r.provenance.started_at = "2026-11-22T00:00:00Z";
  r.claims = {result("a-verified", Verdict::verified), result("b-discrepant", Verdict::discrepant),
              result("c-blocked", Verdict::blocked)};
  r.claims[1].evidence[0].state = EvidenceState::modified;
  r.claims[1].evidence_uncommitted = true;
  r.claims[1].warnings = {"the real tool was not run"};
  r.summary = summarize(r.claims);
  return r;
}

TEST(Markdown, Golden) { test::expect_golden("report.md", render_markdown(sample())); }

TEST(Markdown, FullyPopulatedRecordLeavesNoEmptyField) {
  const std::string md = render_markdown(sample());
  EXPECT_EQ(md.find("{{"), std::string::npos);
  EXPECT_EQ(md.find("| |"), std::string::npos) << md;
  EXPECT_EQ(md.find("||"), std::string::npos) << md;
  EXPECT_EQ(md.find("()"), std::string::npos) << md;
  EXPECT_EQ(md.find(": \n"), std::string::npos) << md;
  auto count = [&](const std::string& what) {
    int n = 0;
    for (auto at = md.find(what); at != std::string::npos; at = md.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("\n\n- "), count("\n\n- Expected")) << "a blank line splits a list:\n" << md;
}

TEST(Markdown, EscapesHostileClaimText) {
  AuditRecord r = sample();
  r.claims[1].title = "<script>alert(1)</script> | @octocat **bold** [x](http://evil) `code`\n# heading";
  r.claims[1].source.paper = "::error::forged | cell";
  const std::string md = render_markdown(r);
  EXPECT_EQ(md.find("<script>"), std::string::npos);
  EXPECT_EQ(md.find("@octocat"), std::string::npos);
  EXPECT_EQ(md.find("[x](http"), std::string::npos);
  EXPECT_EQ(md.find("**bold**"), std::string::npos);
  EXPECT_EQ(md.find("\n# heading"), std::string::npos);
  EXPECT_NE(md.find("&lt;script&gt;alert(1)&lt;/script&gt; &#124; &#64;octocat \\*\\*bold\\*\\* \\[x\\](http://evil) "
                    "\\`code\\` \\# heading"),
            std::string::npos)
      << md;
  // Every table row still has exactly eight pipes (seven cells).
  for (const auto& line : {std::string("| \u274c discrepant")}) {
    const auto start = md.find(line);
    ASSERT_NE(start, std::string::npos);
    const std::string row = md.substr(start, md.find('\n', start) - start);
    EXPECT_EQ(std::count(row.begin(), row.end(), '|'), 8) << row;
  }
}

// markdown_escape byte by byte, as its contract reads.
std::string escape_each_byte(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '|') out += "&#124;";
    else if (c == '@') out += "&#64;";
    else if (c == ':' && i + 1 < text.size() && text[i + 1] == ':') out += "&#58;";
    else if (c == '\n' || c == '\r') out += ' ';
    else if (std::string_view("\\`*_[]#~!{}").find(c) != std::string_view::npos) out += std::string("\\") + c;
    else out += c;
  }
  return out;
}

TEST(Markdown, EscapeOfEveryByte) {
  std::vector<std::string> texts = {"", ":", "::", ":::", "a::b", "ends with:", "::error::x", test::k_hostile_text,
                                    "third_party/timeloop-accelergy-exercises/workspace/_include/mapper.yaml"};
  for (int byte = 0; byte < 256; ++byte) {
    texts.push_back(std::string(1, static_cast<char>(byte)));
    texts.push_back("a" + std::string(1, static_cast<char>(byte)) + ":");
  }
  std::mt19937 random(7);
  const std::string alphabet = "ab:_|@&<>\n\r\\`*[]#~!{} \xc2\xb5";
  for (int i = 0; i < 2000; ++i) {
    std::string text;
    for (std::size_t n = random() % 40; n > 0; --n) text += alphabet[random() % alphabet.size()];
    texts.push_back(text);
  }
  for (const auto& text : texts) {
    EXPECT_EQ(markdown_escape(text), escape_each_byte(text)) << text;
    std::string appended = "kept ";
    append_markdown_escaped(appended, text);
    EXPECT_EQ(appended, "kept " + escape_each_byte(text));
  }
}

TEST(Markdown, EachUncommittedClaimListsItsOwnFiles) {
  AuditRecord r = sample();
  ClaimResult a = result("a", Verdict::verified);
  a.evidence = {{"run/out_1.log", "", EvidenceState::modified}, {"run/in.csv", "", EvidenceState::clean}};
  a.evidence_uncommitted = true;
  ClaimResult b = a;  // the same measurement
  b.id = "b";
  ClaimResult committed = result("committed", Verdict::verified);
  ClaimResult c = a;
  c.id = "c";
  c.evidence[0].state = EvidenceState::untracked;
  ClaimResult d = c;
  d.id = "d";
  d.evidence.push_back({"run/extra.log", "", EvidenceState::ignored});
  r.claims = {a, b, committed, c, d};
  r.summary = summarize(r.claims);
  const std::string md = render_markdown(r);
  EXPECT_NE(md.find("- `a`: run/out\\_1.log (modified)\n"
                    "- `b`: run/out\\_1.log (modified)\n"
                    "- `c`: run/out\\_1.log (untracked)\n"
                    "- `d`: run/out\\_1.log (untracked), run/extra.log (ignored)\n"),
            std::string::npos)
      << md;
}

TEST(Markdown, EmptyAuditSaysItIsNotAPass) {
  AuditRecord r;
  const std::string md = render_markdown(r);
  EXPECT_NE(md.find("No claims were audited: this is not a pass."), std::string::npos);
}

}  // namespace
}  // namespace claimcheck
