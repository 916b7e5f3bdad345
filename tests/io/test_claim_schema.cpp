// claims/claim.schema.json and the loader must agree: every shipped claim passes both, and
// claims that break a rule fail both.

#include <gtest/gtest.h>

#include "io/claim_loader.hpp"
#include "support/json_schema.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {
namespace fs = std::filesystem;

const fs::path k_root = fs::path(CLAIMCHECK_TEST_DIR).parent_path();
const fs::path k_schema = k_root / "claims/claim.schema.json";

TEST(ClaimSchema, EveryShippedClaimFileValidates) {
  Diagnostics diagnostics;
  const auto files = find_claim_files({k_root / "claims"}, diagnostics);
  ASSERT_GE(files.size(), 2u);
  EXPECT_EQ(test::validate_with_schema(k_schema, files), "");
  for (const auto& f : files) {
    const LoadResult r = parse_claim_text(test::read_file(f), f);
    EXPECT_TRUE(r.diagnostics.empty()) << f;
  }
}

const char* k_base = R"({"id": "x", "title": "T", "source": {"paper": "P", "where": "W"}, "tool": "artifact",
 "mode": "reread", "metric": "m", "artifact": "a.json", "extract": {"json_pointer": "/a"},
 "expected": {"value": 1, "unit": "ms"})";

struct Case {
  const char* name;
  std::string text;
  bool valid;
};

TEST(ClaimSchema, AgreesWithTheLoaderOnVariants) {
  const std::string base = k_base;
  const std::vector<Case> cases = {
      {"plain", base + "}", true},
      {"all keys", base + R"(, "tolerance": {"relative": 0.1, "absolute": 2}, "inputs": ["b"], "tags": ["t"],
        "workload": {"name": "w", "spec": "s.yml"}, "hardware": {"name": "h", "spec": {"k": 1}}, "options": {}})", true},
      {"array", "[" + base + "}]", true},
      {"range", std::string(k_base).replace(std::string(k_base).find("\"value\": 1"), 10, "\"min\": 1, \"max\": 2") + "}", true},
      {"csv", std::string(k_base).replace(std::string(k_base).find("\"json_pointer\": \"/a\""), 20,
                                          "\"csv_column\": \"c\", \"where\": {\"k\": 1}, \"aggregate\": \"p99\"") + "}", true},
      {"unknown key", base + R"(, "tolerence": {"relative": 0.1}})", false},
      {"unknown source key", std::string(k_base).replace(std::string(k_base).find("\"where\": \"W\""), 12, "\"wher\": \"W\"") + "}", false},
      {"missing metric", std::string(k_base).replace(std::string(k_base).find("\"metric\": \"m\","), 14, "") + "}", false},
      {"bad unit", std::string(k_base).replace(std::string(k_base).find("\"ms\""), 4, "\"msec\"") + "}", false},
      {"bad mode", std::string(k_base).replace(std::string(k_base).find("\"reread\""), 8, "\"rerun\"") + "}", false},
      {"two forms", std::string(k_base).replace(std::string(k_base).find("\"value\": 1"), 10, "\"value\": 1, \"at_most\": 2") + "}", false},
      {"tolerance 100%", base + R"(, "tolerance": {"relative": 1.0}})", false},
      {"negative tolerance", base + R"(, "tolerance": {"absolute": -1}})", false},
      {"bad id", std::string(k_base).replace(std::string(k_base).find("\"x\""), 3, "\"a b\"") + "}", false},
      {"two extracts", std::string(k_base).replace(std::string(k_base).find("\"json_pointer\": \"/a\""), 20,
                                                   "\"json_pointer\": \"/a\", \"regex\": \"(x)\"") + "}", false},
      {"options not object", base + R"(, "options": [1]})", false},
      {"empty array", "[]", false},
      {"paper file", std::string(k_base).replace(std::string(k_base).find("\"where\": \"W\""), 12,
                                                 "\"file\": \"p.tex\", \"line\": 3, \"quote\": \"2 ms\"") + "}", true},
      {"paper file without quote", std::string(k_base).replace(std::string(k_base).find("\"where\": \"W\""), 12,
                                                               "\"file\": \"p.tex\"") + "}", false},
      {"line without file", std::string(k_base).replace(std::string(k_base).find("\"where\": \"W\""), 12,
                                                        "\"where\": \"W\", \"line\": 3") + "}", false},
      {"derived", R"({"id": "d", "title": "T", "source": {"paper": "P", "where": "W"},
        "derived": {"op": "ratio", "of": ["a", "b"]}, "expected": {"value": 2, "unit": "x"}})", true},
      {"derived with a tool", R"({"id": "d", "title": "T", "source": {"paper": "P", "where": "W"}, "tool": "artifact",
        "derived": {"op": "ratio", "of": ["a", "b"]}, "expected": {"value": 2, "unit": "x"}})", false},
      {"derived unknown op", R"({"id": "d", "title": "T", "source": {"paper": "P", "where": "W"},
        "derived": {"op": "sum", "of": ["a"]}, "expected": {"value": 2, "unit": "x"}})", false},
      {"for_each", base + R"(, "for_each": {"npu": [0, 1], "run": {"from": 1, "to": 3}}})", true},
      {"for_each value", std::string(k_base).replace(std::string(k_base).find("\"value\": 1"), 10, "\"value\": \"${v}\"") +
                             R"(, "for_each": {"v": [1.5, 2]}})", true},
      {"placeholder without for_each", std::string(k_base).replace(std::string(k_base).find("\"value\": 1"), 10,
                                                                   "\"value\": \"${v}\"") + "}", false},
      {"for_each empty", base + R"(, "for_each": {"npu": []}})", false},
  };
  test::TempDir dir;
  std::vector<fs::path> files;
  for (const auto& c : cases) files.push_back(dir.write(std::string(c.name) + ".claim.json", c.text));
  // One validator run for all cases: the report names each failing file.
  const std::string report = test::validate_with_schema(k_schema, files);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const bool loader_ok = parse_claim_text(cases[i].text, files[i]).diagnostics.empty();
    const bool schema_ok = report.find(files[i].string() + ": ") == std::string::npos;
    EXPECT_EQ(loader_ok, cases[i].valid) << cases[i].name;
    EXPECT_EQ(schema_ok, cases[i].valid) << cases[i].name << "\n" << report;
  }
}

TEST(ClaimSchema, UnitEnumIsTheLoadersUnitTable) {
  const auto schema = nlohmann::json::parse(test::read_file(k_schema));
  std::vector<std::string> in_schema = schema.at("/$defs/unit/enum"_json_pointer).get<std::vector<std::string>>();
  EXPECT_EQ(in_schema, known_unit_symbols());
}

}  // namespace
}  // namespace claimcheck
