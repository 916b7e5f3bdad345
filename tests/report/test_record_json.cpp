// The audit record's JSON: version 2 writes what claims share once and reads back every field;
// version 1 records (every claim in full) are still read.

#include <limits>

#include <gtest/gtest.h>

#include "core/diagnostics.hpp"
#include "core/units.hpp"
#include "report/record_json.hpp"
#include "report/sample_records.hpp"

namespace claimcheck {
namespace {
using nlohmann::json;

// A claim of one Timeloop run, with everything a measurement fills in.
ClaimResult run_claim(const std::string& id, const std::string& metric, double value) {
  ClaimResult c = test::verified_claim(id);
  c.tool = "timeloop";
  c.mode = "run";
  c.metric = metric;
  c.workload = "ResNet-50 res3 1x1";
  c.hardware = "DRAM -> GLB -> PE";
  c.tags = {"timeloop", "fig7"};
  c.source.url = "https://example.org/paper.pdf";
  c.source.quote = "takes " + std::to_string(value) + " cycles";
  c.source.file = "paper/main.tex";
  c.source.line = 120;
  c.expected.unit = *parse_unit("cycles");
  c.measured = value;
  c.measured_raw = value;
  c.measured_unit = "cycles";
  c.evidence = {{"claims/run/arch.yaml", std::string(40, 'a'), EvidenceState::clean},
                {"claims/run/problem.yaml", std::string(40, 'b'), EvidenceState::modified},
                {"claims/run/mapping.yaml", "", EvidenceState::untracked}};
  for (int i = 0; i < 30; ++i) c.details.emplace_back("detail " + std::to_string(i), "value of detail " + std::to_string(i));
  c.notes = {"ignored Accelergy attribute `technology`"};
  c.warnings = {"the mapping leaves the PE array half used"};
  c.adapter_version = "2";
  c.tool_version = "native Timeloop-style model 2";
  c.cache = {CacheStatus::hit, std::string(40, 'c')};
  return c;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(RecordJson, WhatClaimsShareIsWrittenOnce) {
  std::vector<ClaimResult> claims;
  for (int i = 0; i < 200; ++i) claims.push_back(run_claim("c" + std::to_string(i), "metric" + std::to_string(i), i));
  const AuditRecord record = test::record_of(claims);
  const std::string text = record_to_text(record);
  const json doc = json::parse(text);
  EXPECT_EQ(doc["schema_version"], 2);
  EXPECT_EQ(doc["claims"].size(), 200u);
  EXPECT_EQ(doc["shared"].size(), 1u);
  EXPECT_EQ(doc["files"].size(), 3u);
  EXPECT_EQ(count(text, "value of detail 17"), 1u);
  EXPECT_EQ(count(text, "claims/run/problem.yaml"), 1u);
  EXPECT_EQ(count(text, "native Timeloop-style model 2"), 1u);
  // Each claim is one line, and the record costs a claim its own fields only.
  EXPECT_EQ(count(text, "\n    {\"cache\""), 200u);
  EXPECT_LT(text.size(), 200u * 600u);
  EXPECT_GT(record_to_json(record).dump(2).size(), 200u * 3000u);
  EXPECT_EQ(record_from_json(text, "r.json"), record);
}

TEST(RecordJson, Version2ReadsBackEveryField) {
  ClaimResult all = run_claim("all", "cycles", 1000);
  all.measured_raw = 1.0;  // another unit than the judged value
  all.measured_unit = "ms";
  all.measured_basis = "mean of 3 rows of runs.csv";
  all.stale = true;
  all.evidence_uncommitted = true;
  all.operands = {"a", "b"};
  all.position = 7;
  all.expected.decimals = 2;
  all.expected.tolerance.absolute = 0.5;
  ClaimResult no_raw = run_claim("no-raw", "cycles", 5);
  no_raw.measured_raw.reset();  // measured but no raw reading: kept apart from "equal"
  ClaimResult other = run_claim("other", "energy", 3);
  other.details.back().second = "another value";  // one detail differs: its own shared entry
  other.cache = {CacheStatus::miss, ""};
  ClaimResult blocked = test::blocked_claim("blocked");
  blocked.title.clear();
  blocked.source = {};
  std::vector<ClaimResult> claims = {all, no_raw, other, blocked, test::discrepant_claim("d"), test::verified_claim("v")};
  for (const auto& c : test::notes_record().claims) claims.push_back(c);
  AuditRecord record = test::record_of(claims);
  record.measuring = {3, 4, 2};
  record.shard = ShardInfo{2, 3, 40, "selection digest", "settings digest"};
  const std::string text = record_to_text(record);
  const json doc = json::parse(text);
  // all, no-raw and other differ in a shared field each; d and v share theirs.
  EXPECT_NE(doc["claims"][0]["shared"], doc["claims"][1]["shared"]);
  EXPECT_NE(doc["claims"][1]["shared"], doc["claims"][2]["shared"]);
  EXPECT_NE(doc["claims"][0]["shared"], doc["claims"][2]["shared"]);
  EXPECT_EQ(doc["claims"][4]["shared"], doc["claims"][5]["shared"]);
  EXPECT_EQ(doc["claims"][0].at("measured_raw"), 1.0);
  EXPECT_TRUE(doc["claims"][1].at("measured_raw").is_null());
  EXPECT_FALSE(doc["claims"][2].contains("measured_raw"));  // equal to measured
  const AuditRecord back = record_from_json(text, "r.json");
  ASSERT_EQ(back.claims.size(), record.claims.size());
  for (std::size_t i = 0; i < record.claims.size(); ++i) EXPECT_EQ(back.claims[i], record.claims[i]) << record.claims[i].id;
  EXPECT_EQ(back, record);
  EXPECT_EQ(record_to_text(back), text);
}

// A claim's line as nlohmann writes the object of the claim's own fields: the text the record's
// writer gives byte for byte.
std::string nlohmann_line(const ClaimResult& c, std::size_t shared) {
  const auto number = [](const std::optional<double>& value) { return value ? json(*value) : json(nullptr); };
  json expected = {{"unit", c.expected.unit.symbol}};
  switch (c.expected.kind) {
    case Expected::Kind::value: expected["value"] = c.expected.value; break;
    case Expected::Kind::range:
      expected["min"] = c.expected.min;
      expected["max"] = c.expected.max;
      break;
    case Expected::Kind::at_most: expected["at_most"] = c.expected.value; break;
    case Expected::Kind::at_least: expected["at_least"] = c.expected.value; break;
  }
  if (c.expected.decimals) expected["decimals"] = *c.expected.decimals;
  if (c.expected.tolerance.relative) expected["tolerance"]["relative"] = *c.expected.tolerance.relative;
  if (c.expected.tolerance.absolute) expected["tolerance"]["absolute"] = *c.expected.tolerance.absolute;
  json out = {{"id", c.id},
              {"expected", expected},
              {"verdict", verdict_info(c.verdict).label},
              {"shared", shared},
              {"duration_ms", c.duration_ms}};
  if (!c.title.empty()) out["title"] = c.title;
  if (!c.source.where.empty()) out["source"]["where"] = c.source.where;
  if (!c.source.quote.empty()) out["source"]["quote"] = c.source.quote;
  if (!c.source.file.empty()) out["source"]["file"] = c.source.file;
  if (c.source.line > 0) out["source"]["line"] = c.source.line;
  if (!c.metric.empty()) out["metric"] = c.metric;
  if (!c.file.empty()) out["file"] = c.file;
  if (c.line != 0) out["line"] = c.line;
  if (c.measured) out["measured"] = *c.measured;
  if (c.measured_raw != c.measured) out["measured_raw"] = number(c.measured_raw);
  if (c.error) out["error"] = *c.error;
  if (c.relative_error) out["relative_error"] = *c.relative_error;
  if (c.stale) out["stale"] = true;
  if (c.evidence_uncommitted) out["evidence_uncommitted"] = true;
  if (!c.operands.empty()) out["operands"] = c.operands;
  if (c.cache.status != CacheStatus::none) {
    out["cache"]["status"] = c.cache.status == CacheStatus::hit ? "hit" : "miss";
    if (!c.cache.key.empty()) out["cache"]["key"] = c.cache.key;
  }
  if (c.position) out["position"] = *c.position;
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The claim lines of a record's text, without their indent and comma.
std::vector<std::string> claim_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t at = text.find("  \"claims\": [\n");
  if (at == std::string::npos) return lines;
  at = text.find('\n', at) + 1;
  while (text.compare(at, 5, "    {") == 0) {
    const std::size_t end = text.find('\n', at);
    std::string line = text.substr(at + 4, end - at - 4);
    if (line.back() == ',') line.pop_back();
    lines.push_back(std::move(line));
    at = end + 1;
  }
  return lines;
}

TEST(RecordJson, ClaimLinesAreWhatNlohmannWrites) {
  // Text needing escapes, text that is not ASCII, and bytes that are not UTF-8 (written as U+FFFD).
  ClaimResult text = run_claim("text", "cycles", 1);
  text.title = "a \"quoted\" title with a back\\slash, a tab\t, a newline\n, \x01 and \x7f";
  text.source.where = "Table 3, 1.5 \xc2\xb5s \xc2\xb1 5%";
  text.source.quote = "bad \xff\xfe bytes, cut short \xc3";
  text.source.line = 0;
  text.metric = "m\xe2\x80\xa8";
  text.file = "claims/\"odd\"\\name.claim.json";
  text.operands = {"op\"1", "", "op\\2"};
  text.cache = {CacheStatus::miss, ""};
  text.line = -5;
  text.stale = true;
  text.evidence_uncommitted = true;
  text.position = std::numeric_limits<std::size_t>::max();
  // Numbers whose digits and layout differ between printers, and numbers JSON has no text for.
  ClaimResult numbers = run_claim("numbers", "cycles", 2326112.0);
  numbers.measured = -0.0;
  numbers.measured_raw = 1e-5;
  numbers.error = 1e21;
  numbers.relative_error = 5e-324;
  numbers.duration_ms = 0.1 + 0.2;
  numbers.expected.kind = Expected::Kind::range;
  numbers.expected.min = -1e-300;
  numbers.expected.max = std::numeric_limits<double>::max();
  numbers.expected.decimals = -5;
  numbers.expected.tolerance = {std::nullopt, 0.5};
  ClaimResult not_finite = run_claim("not-finite", "cycles", 1);
  not_finite.measured = std::numeric_limits<double>::quiet_NaN();
  not_finite.measured_raw = std::numeric_limits<double>::infinity();
  not_finite.error = -std::numeric_limits<double>::infinity();
  not_finite.expected.kind = Expected::Kind::at_most;
  not_finite.expected.value = 2326112.0;
  not_finite.expected.tolerance = {0.05, 0.1};
  ClaimResult raw_only = test::blocked_claim("raw-only");
  raw_only.measured_raw = 3.0;
  raw_only.expected.kind = Expected::Kind::at_least;
  raw_only.stale = true;
  raw_only.evidence_uncommitted = true;
  ClaimResult bare;
  bare.id = "bare";
  std::vector<ClaimResult> claims = {text, numbers, not_finite, raw_only, bare, test::discrepant_claim("d")};
  for (const auto& c : test::notes_record().claims) claims.push_back(c);
  const std::string record = record_to_text(test::record_of(claims));
  const json doc = json::parse(record);
  const std::vector<std::string> lines = claim_lines(record);
  ASSERT_EQ(lines.size(), claims.size());
  for (std::size_t i = 0; i < claims.size(); ++i) {
    EXPECT_EQ(lines[i], nlohmann_line(claims[i], doc["claims"][i]["shared"].get<std::size_t>())) << claims[i].id;
  }
  EXPECT_NE(lines[0].find("\\\"quoted\\\" title with a back\\\\slash, a tab\\t, a newline\\n, \\u0001 and \x7f"),
            std::string::npos);
  EXPECT_NE(lines[0].find("bad \xef\xbf\xbd\xef\xbf\xbd bytes, cut short \xef\xbf\xbd"), std::string::npos);
  EXPECT_NE(lines[1].find("\"error\":1e+21,"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("\"measured\":-0.0,\"measured_raw\":1e-05,"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find("\"measured\":null,\"measured_raw\":null,"), std::string::npos) << lines[2];
}

TEST(RecordJson, SharedEntriesAreNumberedInOrderOfFirstUse) {
  // Each pair differs only in where a string sits: in which list, or how a list is cut.
  ClaimResult tags_ab = test::verified_claim("tags-ab");
  tags_ab.tags = {"a", "b"};
  ClaimResult tags_joined = test::verified_claim("tags-joined");
  tags_joined.tags = {"ab"};
  ClaimResult warned = test::verified_claim("warned");
  warned.warnings = {"x"};
  ClaimResult noted = test::verified_claim("noted");
  noted.notes = {"x"};
  ClaimResult detail = test::verified_claim("detail");
  detail.details = {{"n", "v"}};
  ClaimResult detail_swapped = test::verified_claim("detail-swapped");
  detail_swapped.details = {{"v", "n"}};
  ClaimResult evidence = test::verified_claim("evidence");
  evidence.evidence = {{"a.log", "", EvidenceState::clean}};
  ClaimResult evidence_state = test::verified_claim("evidence-state");
  evidence_state.evidence = {{"a.log", "", EvidenceState::modified}};
  const std::vector<ClaimResult> claims = {tags_ab, tags_joined, tags_ab,    warned,         noted, detail,
                                           warned,  detail_swapped, evidence, evidence_state, evidence};
  const json doc = json::parse(record_to_text(test::record_of(claims)));
  std::vector<std::size_t> shared;
  for (const auto& c : doc["claims"]) shared.push_back(c["shared"].get<std::size_t>());
  EXPECT_EQ(shared, (std::vector<std::size_t>{0, 1, 0, 2, 3, 4, 2, 5, 6, 7, 6}));
  EXPECT_EQ(doc["shared"].size(), 8u);
  EXPECT_EQ(doc["files"].size(), 2u);
  EXPECT_EQ(doc["shared"][6]["evidence"], json::array({0}));
  EXPECT_EQ(doc["shared"][7]["evidence"], json::array({1}));
}

TEST(RecordJson, Version1RecordsAreStillRead) {
  AuditRecord record = test::record_of({run_claim("a", "cycles", 1), test::blocked_claim("b")});
  for (const auto& c : test::notes_record().claims) record.claims.push_back(c);
  record.summary = summarize(record.claims);
  const json v1 = record_to_json(record);
  EXPECT_EQ(v1["schema_version"], 1);
  EXPECT_EQ(v1["claims"][0]["details"][3]["value"], "value of detail 3");
  EXPECT_EQ(record_from_json(v1.dump(2), "old.json"), record);
}

TEST(RecordJson, BrokenIndexesAreLocatedErrors) {
  const std::string text = record_to_text(test::record_of({run_claim("a", "cycles", 1)}));
  const auto error_of = [](const std::string& broken) -> std::string {
    try {
      record_from_json(broken, "r.json");
    } catch (const InputError& e) {
      return e.diagnostics().items().at(0).pointer + ": " + e.diagnostics().items().at(0).message;
    }
    return "read";
  };
  json doc = json::parse(text);
  doc["claims"][0]["shared"] = 1;
  EXPECT_EQ(error_of(doc.dump()), "/claims/0/shared: no entry 1 in \"shared\"");
  doc = json::parse(text);
  doc["shared"][0]["evidence"][2] = 3;
  EXPECT_EQ(error_of(doc.dump()), "/shared/0/evidence/2: no file 3 in \"files\"");
  doc = json::parse(text);
  doc["shared"][0]["details"][0] = json::array({"name only"});
  EXPECT_EQ(error_of(doc.dump()), "/shared/0/details/0: a detail is [name, value], two strings");
  doc = json::parse(text);
  doc.erase("files");
  EXPECT_EQ(error_of(doc.dump()), ": missing key \"files\"");
  doc = json::parse(text);
  doc["schema_version"] = 3;
  EXPECT_EQ(error_of(doc.dump()), "/schema_version: unsupported schema_version 3, expected 1 or 2");
}

}  // namespace
}  // namespace claimcheck
