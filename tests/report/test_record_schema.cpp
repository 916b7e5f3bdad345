// reports/audit-record.schema.json describes what record_json.cpp writes.

#include <gtest/gtest.h>

#include "support/json_schema.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {
namespace fs = std::filesystem;

TEST(RecordSchema, AuditRecordsValidate) {
  test::TempDir dir;
  dir.write("claims/out.json", R"({"a": 1000})");
  dir.write("claims/a.claim.json", R"([
 {"id": "ok", "title": "T", "source": {"paper": "P", "where": "W", "quote": "q", "url": "u", "doi": "d"},
  "tool": "artifact", "mode": "reread", "metric": "m", "artifact": "out.json", "extract": {"json_pointer": "/a"},
  "expected": {"value": 1, "unit": "ms"}, "tolerance": {"relative": 0.1}, "tags": ["x"]},
 {"id": "blocked", "title": "T", "source": {"paper": "P", "where": "W"}, "tool": "artifact", "mode": "reread",
  "metric": "m", "artifact": "missing.json", "extract": {"json_pointer": "/a"}, "expected": {"at_most": 1, "unit": "s"}},
 {"id": "range", "title": "T", "source": {"paper": "P", "where": "W"}, "tool": "artifact", "mode": "reread",
  "metric": "m", "artifact": "out.json", "extract": {"json_pointer": "/a", "unit": "us"}, "expected": {"min": 1, "max": 2, "unit": "ms"}},
 {"id": "paper", "title": "T", "source": {"paper": "P", "file": "p.tex", "line": 2, "quote": "1000 cycles"},
  "tool": "artifact", "mode": "reread", "metric": "m", "artifact": "rows.csv",
  "extract": {"csv_column": "v", "aggregate": "mean"}, "expected": {"value": 1000.0, "unit": "count"}},
 {"id": "twice", "title": "T", "source": {"paper": "P", "where": "W"}, "derived": {"op": "ratio", "of": ["paper", "paper"]},
  "expected": {"value": 1, "unit": "x"}}
])");
  dir.write("claims/rows.csv", "v\n999\n1001\n");
  dir.write("claims/p.tex", "It takes\n1000 cycles.\n");
  const auto r = test::run({"audit", "--record", "record.json", "--fail-on", "none", "--root", "."}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path schema = fs::path(CLAIMCHECK_TEST_DIR).parent_path() / "reports/audit-record.schema.json";
  // The record as written (version 2), and with every claim in full (version 1).
  const auto full = test::run({"render", "record.json", "--format", "json-full", "-o", "full.json"}, dir.path());
  ASSERT_EQ(full.exit_code, 0) << full.err;
  EXPECT_EQ(test::validate_with_schema(schema, {dir.path() / "record.json", dir.path() / "full.json"}), "");
  // The fields of issue 11 are there to be checked.
  const std::string record = test::read_file(dir.path() / "record.json");
  for (const char* field : {"\"measured_basis\":\"mean of 2 rows of claims/rows.csv\"", "\"operands\":[",
                            "\"decimals\":1", "\"file\":\"p.tex\"", "\"line\":2"}) {
    EXPECT_NE(record.find(field), std::string::npos) << field;
  }
}

}  // namespace
}  // namespace claimcheck
