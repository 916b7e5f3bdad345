#include "report/junit.hpp"

#include <cstdlib>

#include <gtest/gtest.h>

#include "report/sample_records.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

using test::record_of;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++n;
  return n;
}

TEST(Junit, Golden) { test::expect_golden("report/junit.xml", render_junit(test::sample_record(), RenderOptions{})); }

TEST(Junit, OneTestCasePerClaimWithVerdicts) {
  const std::string out = render_junit(test::sample_record(), RenderOptions{});
  EXPECT_EQ(count(out, "<testcase "), 4u);
  EXPECT_EQ(count(out, "<testsuite "), 4u);  // one per claim file; the sample has one claim per file
  EXPECT_NE(out.find("<testsuites name=\"claimcheck\" tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"1\""),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("<failure type=\"discrepant\" message=\"claimed 40.3 ms (\u00b15%), measured 45 ms: error "
                     "+11.7% (+4.7 ms)\">"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("<skipped message=\"blocked (artifact missing): results/run.json does not exist. To unblock: run "
                     "the experiment and commit results/run.json\"/>"),
            std::string::npos)
      << out;
}

TEST(Junit, ClaimsOfOneFileShareASuite) {
  ClaimResult a = test::verified_claim("a");
  ClaimResult b = test::discrepant_claim("b");
  b.file = a.file;
  const std::string out = render_junit(record_of({a, b}), RenderOptions{});
  EXPECT_EQ(count(out, "<testsuite "), 1u);
  EXPECT_NE(out.find("<testsuite name=\"claims/a.claim.json\" tests=\"2\" failures=\"1\""), std::string::npos) << out;
}

TEST(Junit, EscapesHostileText) {
  EXPECT_EQ(xml_escape("a<b>&\"c'", false), "a&lt;b&gt;&amp;\"c'");
  EXPECT_EQ(xml_escape("a<b>&\"c'", true), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(xml_escape("l1\nl2\tx\r", true), "l1&#10;l2&#9;x&#13;");
  EXPECT_EQ(xml_escape("l1\nl2", false), "l1\nl2");
  // Controls XML 1.0 forbids, and bytes that are not UTF-8, become U+FFFD; valid UTF-8 stays.
  EXPECT_EQ(xml_escape(std::string("a\x01" "b\x1b" "c", 5), false), "a\uFFFDb\uFFFDc");
  EXPECT_EQ(xml_escape("\xff\xc3(", false), "\uFFFD\uFFFD(");
  EXPECT_EQ(xml_escape("\xed\xa0\x80", false), "\uFFFD\uFFFD\uFFFD");  // a UTF-16 surrogate
  EXPECT_EQ(xml_escape("\u00b1 \U0001F600", false), "\u00b1 \U0001F600");

  ClaimResult c = test::discrepant_claim("x");
  c.title = test::k_hostile_text + "]]><!--";
  ClaimResult b = test::blocked_claim("y");
  b.reason = test::k_hostile_text;
  const std::string out = render_junit(record_of({c, b}), RenderOptions{});
  EXPECT_EQ(out.find("<script>"), std::string::npos);
  EXPECT_EQ(out.find("]]>"), std::string::npos);
  EXPECT_EQ(out.find("<!--"), std::string::npos);
}

TEST(Junit, IsWellFormedXml) {
  if (std::system("python3 -c 'import xml.dom.minidom' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3 is not installed: the XML well-formedness check needs its xml.dom.minidom";
  }
  ClaimResult c = test::discrepant_claim("x");
  c.title = test::k_hostile_text + std::string("\x01\xff", 2);
  ClaimResult b = test::blocked_claim("y");
  b.reason = test::k_hostile_text;
  test::TempDir dir;
  const auto path = dir.write("junit.xml", render_junit(record_of({c, b, test::verified_claim("z")}), RenderOptions{}));
  const std::string check = "python3 -c 'import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); "
                            "sys.exit(0 if len(d.getElementsByTagName(\"testcase\")) == 3 else 1)' '" +
                            path.string() + "'";
  EXPECT_EQ(std::system(check.c_str()), 0) << test::read_file(path);
}

TEST(Junit, NoClaimsIsAFailure) {
  const std::string out = render_junit(record_of({}), RenderOptions{});
  EXPECT_NE(out.find("failures=\"1\""), std::string::npos);
  EXPECT_NE(out.find("No claims were audited: this is not a pass."), std::string::npos);
}

}  // namespace
}  // namespace claimcheck
