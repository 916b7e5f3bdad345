#include "adapters/artifact/artifact_adapter.hpp"

#include "io/extract.hpp"

namespace claimcheck {
namespace {

class ArtifactAdapter final : public Adapter {
 public:
  std::string name() const override { return "artifact"; }
  std::string version() const override { return "1"; }
  std::vector<MetricInfo> metrics() const override {
    return {{"*", "any", "any number in the artifact; the metric name is free text describing it"}};
  }
  std::vector<Mode> modes() const override { return {Mode::reread}; }
  AdapterDoc doc() const override {
    return {"any number in a JSON, CSV or text file a tool wrote, picked out by \"extract\"",
            "\"artifact\": the file (relative to the claim file). \"extract\": {\"json_pointer\": \"/a/b\"}, or\n"
            "{\"csv_column\": C, \"where\": {COLUMN: VALUE}, \"aggregate\": mean|sum|min|max|median|pNN}, or\n"
            "{\"regex\": \"... (\\\\d+) ...\", \"occurrence\": N|\"last\"}; \"unit\" in extract when the file's unit differs\n"
            "from the expected one. \"inputs\": files the artifact was made from (a changed input makes it stale).",
            R"({
  "id": "ring8-allreduce-64mib",
  "title": "All-reduce of 64 MiB on an 8-NPU ring finishes in 2.33 ms",
  "source": {"paper": "Our paper", "where": "Table 2"},
  "tool": "artifact",
  "mode": "reread",
  "metric": "collective_time",
  "artifact": "runs/ring8/stdout.log",
  "extract": {"regex": "sys\\[0\\] finished, (\\d+) cycles", "unit": "ns"},
  "expected": {"value": 2.33, "unit": "ms"},
  "tolerance": {"absolute": 0.005}
})"};
  }

  void validate(const Claim& claim, Diagnostics& out) const override {
    if (claim.extract.kind == Extract::Kind::none) {
      out.add({}, "", "the artifact adapter needs \"extract\"",
              "add \"extract\": {\"json_pointer\": ...} or {\"csv_column\": ...} or {\"regex\": ...}");
    }
  }

  Outcome measure(const Job& job) const override {
    const auto path = job.sandbox.resolve(job.claim_dir, *job.claim.artifact);
    const Extracted read = extract_reading(job.claim.extract, *read_input(job, path), job.sandbox.relative(path));
    Measurement m;
    m.value = read.value;
    m.basis = read.basis;
    m.unit = job.claim.measured_unit.value_or(job.claim.expected.unit);
    m.files.push_back(path);
    return m;
  }
};

}  // namespace

std::unique_ptr<Adapter> make_artifact_adapter() { return std::make_unique<ArtifactAdapter>(); }

}  // namespace claimcheck
