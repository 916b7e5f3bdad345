// for_each: one claim object standing for one claim per selector value, through the loader.

#include <gtest/gtest.h>

#include "io/claim_expand.hpp"
#include "io/claim_loader.hpp"

namespace claimcheck {
namespace {

using nlohmann::json;

std::string errors_of(std::string_view text) {
  const LoadResult r = parse_claim_text(text, "c.claim.json");
  std::string out;
  for (const auto& d : r.diagnostics.items()) out += format_diagnostic(d);
  return out;
}

const char* k_every_npu = R"({
  "id": "finish",
  "title": "Finish time of NPU ${npu}",
  "source": {"paper": "P", "where": "Fig. 3"},
  "tool": "artifact", "mode": "reread", "metric": "finish_time", "artifact": "runs/npu${npu}.json",
  "extract": {"json_pointer": "/npus/${npu}/finish"},
  "expected": {"value": 2326112, "unit": "ns"},
  "for_each": {"npu": {"from": 0, "to": 7}}
})";

TEST(ForEach, OneClaimPerSelectorValue) {
  const LoadResult r = parse_claim_text(k_every_npu, "c.claim.json");
  ASSERT_TRUE(r.diagnostics.empty()) << errors_of(k_every_npu);
  ASSERT_EQ(r.claims.size(), 8u);
  EXPECT_EQ(r.claims[0].id, "finish-npu0");
  EXPECT_EQ(r.claims[7].id, "finish-npu7");
  EXPECT_EQ(r.claims[3].title, "Finish time of NPU 3");
  EXPECT_EQ(r.claims[3].artifact, "runs/npu3.json");
  EXPECT_EQ(r.claims[3].extract.json_pointer, "/npus/3/finish");
  EXPECT_EQ(r.claims[3].location.line, 1);  // every one is located at the object that wrote it
  EXPECT_EQ(r.claims[3].expected.decimals, 0);
}

TEST(ForEach, AWholeStringSelectorKeepsItsType) {
  Diagnostics out;
  const json object = json::parse(R"({"id": "l-${layer}", "options": {"npu": "${npu}", "name": "${layer}-x"},
    "expected": {"value": "${v}"}, "for_each": {"npu": [2, 5], "layer": ["conv1", "fc"], "v": [1.5]}})");
  const auto expansions = expand_for_each(object, "", "c.claim.json", out);
  ASSERT_TRUE(out.empty());
  ASSERT_EQ(expansions.size(), 4u);
  // Names in alphabetical order, the last varying fastest.
  EXPECT_EQ(expansions[0].selector, "layer=conv1, npu=2, v=1.5");
  EXPECT_EQ(expansions[1].selector, "layer=conv1, npu=5, v=1.5");
  EXPECT_EQ(expansions[2].object.at("id"), "l-fc");  // the id uses a selector: nothing appended
  EXPECT_EQ(expansions[1].object.at("options").at("npu"), 5);
  EXPECT_TRUE(expansions[1].object.at("options").at("npu").is_number_integer());
  EXPECT_EQ(expansions[3].object.at("options").at("name"), "fc-x");
  EXPECT_EQ(expansions[0].object.at("expected").at("value"), 1.5);
  EXPECT_FALSE(expansions[0].object.contains("for_each"));
}

TEST(ForEach, ANumberFromASelectorKeepsItsPrintedPrecision) {
  const std::string text = R"({"id": "t", "title": "T", "source": {"paper": "P", "where": "W"}, "tool": "artifact",
    "mode": "reread", "metric": "m", "artifact": "a.json", "extract": {"json_pointer": "/${k}"},
    "expected": {"value": "${v}", "unit": "ms"}, "for_each": {"k": ["a"], "v": [2.25]}})";
  const LoadResult r = parse_claim_text(text, "c.claim.json");
  ASSERT_TRUE(r.diagnostics.empty()) << errors_of(text);
  EXPECT_EQ(r.claims[0].id, "t-ka-v2.25");
  EXPECT_EQ(r.claims[0].expected.value, 2.25);
  EXPECT_EQ(r.claims[0].expected.decimals, 2);
}

TEST(ForEach, ProblemsAreLocatedAndReportedOnce) {
  std::string text = k_every_npu;
  text.replace(text.find("\"metric\""), 8, "\"metrik\"");
  const std::string errors = errors_of(text);
  // Eight expansions, one report of their shared problems.
  EXPECT_EQ(errors,
            "claimcheck: error: c.claim.json:5:41 (/metrik): unknown key \"metrik\"\n"
            "      \"tool\": \"artifact\", \"mode\": \"reread\", \"metrik\": \"finish_time\", \"artifact\": \"runs/npu${npu}.json\",\n"
            "                                            ^\n"
            "  hint: did you mean \"metric\"?\n"
            "claimcheck: error: c.claim.json:1:1: missing required key \"metric\"\n"
            "    {\n"
            "    ^\n");
  EXPECT_EQ(errors_of(R"({"id": "x", "for_each": {"npu": []}})"),
            "claimcheck: error: c.claim.json:1:33 (/for_each/npu): a selector needs at least one value\n"
            "    {\"id\": \"x\", \"for_each\": {\"npu\": []}}\n"
            "                                    ^\n");
  EXPECT_NE(errors_of(R"({"id": "x", "for_each": {"npu": {"from": 0, "to": 20000}}})").find("more than 10000 values"),
            std::string::npos);
  EXPECT_NE(errors_of(R"({"id": "x", "for_each": {"1npu": [1]}})").find("selector name \"1npu\""), std::string::npos);
  EXPECT_NE(errors_of(R"({"id": "x", "for_each": {"a": {"from": 0, "to": 999}, "b": {"from": 0, "to": 99}}})")
                .find("\"for_each\" stands for more than 10000 claims"),
            std::string::npos);
}

}  // namespace
}  // namespace claimcheck
