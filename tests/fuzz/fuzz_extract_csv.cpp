// Artifact reader: a number from a CSV column, rows selected by "where", optional aggregate.
// Input: "COLUMN[,WHERE_COLUMN=VALUE][;AGGREGATE]\nCSV TEXT".

#include "fuzz_support.hpp"
#include "io/extract.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace claimcheck;
  auto [spec, content] = fuzz::split_first_line(fuzz::as_text(data, size));
  Extract extract;
  extract.kind = Extract::Kind::csv;
  if (auto semi = spec.find(';'); semi != std::string::npos) {
    extract.aggregate = spec.substr(semi + 1);
    spec.resize(semi);
  }
  if (auto comma = spec.find(','); comma != std::string::npos) {
    const std::string where = spec.substr(comma + 1);
    const auto eq = where.find('=');
    extract.where.emplace_back(where.substr(0, eq), eq == std::string::npos ? std::string() : where.substr(eq + 1));
    spec.resize(comma);
  }
  extract.column = spec;
  fuzz::expect_input_errors_only([&] { extract_value(extract, content, "artifact.csv"); });
  fuzz::expect_input_errors_only([&] { parse_csv(content, "artifact.csv"); });
  return 0;
}
