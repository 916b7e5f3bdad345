// The audit record's JSON: version 2 writes what claims share once and reads back every field;
// version 1 records (every claim in full) are still read.

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
