// SECURITY.md, rule "claim text cannot take over a report": hostile text in every claim field
// that reaches a report (title, source, quote, url, doi, workload, hardware, metric, tags, and
// the artifact path inside a blocked reason) goes through a real audit into every format.
// It may appear only escaped: no HTML, no mention, no link, no table break, no GitHub
// workflow command, no broken XML.

#include <algorithm>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/security_fixture.hpp"

namespace claimcheck {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

const std::string k_hostile =
    "::error file=x::pwned\n::add-mask::x\r\n%0A::set-output name=a::b <script>alert(1)</script> "
    "<img src=x onerror=alert(1)> @octocat [link](https://evil.example) ![img](https://evil.example/x.png) "
    "| cell | **bold** `code` ~~strike~~ <!-- comment --> ]]> &amp; \u202e\u0007 <details><summary>x</summary>";

class HostileText : public ::testing::Test {
 protected:
  void SetUp() override {
    m_tmp.write("repo/data/ok.csv", "value\n1.0\n");
    m_tmp.write("repo/data/off.csv", "value\n9.0\n");
    // A verified, a discrepant and a blocked claim (the blocked one names a hostile path).
    const std::string claims = "[" + test::hostile_claim("hostile-verified", "../data/ok.csv", k_hostile) + ",\n" +
                               test::hostile_claim("hostile-discrepant", "../data/off.csv", k_hostile) + ",\n" +
                               test::hostile_claim("hostile-blocked", "../data/<script>|@octocat.csv", k_hostile) + "]";
    m_tmp.write("repo/claims/hostile.claim.json", claims);
  }

  std::string audit(const std::string& format) {
    const fs::path out = m_tmp.path() / ("out-" + format);
    const auto r = test::run_binary({"audit", "claims", "--root", ".", "-j", "2", "--format", format, "-o",
                                     (out / "report").string(), "--fail-on", "none"},
                                    m_tmp.path() / "repo");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return test::read_file(out / "report");
  }

  TempDir m_tmp;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

void expect_no_raw_markup(const std::string& report) {
  // ("<!--" alone is claimcheck's own hidden marker; "\\](" is an escaped bracket, not a link.)
  for (const char* raw : {"<script", "<img", "<!-- comment", "<details><summary>x", "@octocat", "[link](",
                          "![img](", "**bold**", "`code`", "~~strike~~", "| cell |"}) {
    EXPECT_EQ(report.find(raw), std::string::npos) << "raw \"" << raw << "\" in the report";
  }
  for (const auto& line : lines_of(report)) {
    EXPECT_NE(line.rfind("::", 0), 0u) << "a line starts a workflow command: " << line;
  }
}

TEST_F(HostileText, MarkdownReportEscapesEveryField) {
  const std::string report = audit("md");
  ASSERT_NE(report.find("hostile-verified"), std::string::npos) << report;
  expect_no_raw_markup(report);
  // Every table row keeps its column count: hostile pipes or line breaks would change it.
  std::size_t header_cells = 0;
  for (const auto& line : lines_of(report)) {
    if (line.rfind("|", 0) != 0) {
      header_cells = 0;
      continue;
    }
    const auto cells = static_cast<std::size_t>(std::count(line.begin(), line.end(), '|'));
    if (header_cells == 0) header_cells = cells;
    EXPECT_EQ(cells, header_cells) << "table row with a different number of cells: " << line;
  }
  // The text is still there for a reader, escaped.
  EXPECT_NE(report.find("&lt;script&gt;"), std::string::npos);
}

TEST_F(HostileText, CommentReportEscapesEveryField) {
  const std::string report = audit("comment");
  ASSERT_NE(report.find("hostile-discrepant"), std::string::npos) << report;
  expect_no_raw_markup(report);
}

TEST_F(HostileText, GithubAnnotationsCannotInjectWorkflowCommands) {
  const std::string report = audit("github");
  ASSERT_FALSE(report.empty());
  for (const auto& line : lines_of(report)) {
    if (line.rfind("::", 0) != 0) continue;
    // Only claimcheck's own annotations start a line, and hostile text stays in the message.
    const bool own = line.rfind("::error ", 0) == 0 || line.rfind("::warning ", 0) == 0 ||
                     line.rfind("::notice ", 0) == 0 || line.rfind("::group::", 0) == 0 ||
                     line.rfind("::endgroup::", 0) == 0;
    EXPECT_TRUE(own) << line;
    EXPECT_EQ(line.find("::add-mask::"), std::string::npos) << line;
    EXPECT_EQ(line.find("::set-output"), std::string::npos) << line;
    EXPECT_EQ(line.find("\r"), std::string::npos) << line;
  }
}

TEST_F(HostileText, JunitReportIsWellFormedXml) {
  const std::string report = audit("junit");
  ASSERT_NE(report.find("<testsuite"), std::string::npos) << report;
  EXPECT_EQ(report.find("<script"), std::string::npos);
  EXPECT_EQ(report.find("<img"), std::string::npos);
  EXPECT_EQ(report.find("<details>"), std::string::npos);
  // Hostile "]]>" never closes a CDATA section early, and no raw control character remains.
  EXPECT_EQ(report.find("\u0007"), std::string::npos);
  std::size_t cdata_open = 0, cdata_close = 0;
  for (auto at = report.find("<![CDATA["); at != std::string::npos; at = report.find("<![CDATA[", at + 1)) ++cdata_open;
  for (auto at = report.find("]]>"); at != std::string::npos; at = report.find("]]>", at + 1)) ++cdata_close;
  EXPECT_EQ(cdata_open, cdata_close);
}

TEST_F(HostileText, RecordKeepsTheTextExactlyAndRenderEscapesIt) {
  const fs::path record = m_tmp.path() / "record.json";
  const auto r = test::run_binary({"audit", "claims", "--root", ".", "--format", "json", "-o", record.string(),
                                   "--fail-on", "none"},
                                  m_tmp.path() / "repo");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(test::read_file(record));
  EXPECT_EQ(json["claims"][0]["title"], k_hostile) << "the record is evidence: it keeps the text as written";
  const auto rendered = test::run_binary({"render", record.string()}, m_tmp.path());
  ASSERT_EQ(rendered.exit_code, 0) << rendered.err;
  expect_no_raw_markup(rendered.out);
}

}  // namespace
}  // namespace claimcheck
