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

  void validate(const Claim& claim, Diagnostics& out) const override {
    if (claim.extract.kind == Extract::Kind::none) {
      out.add({}, "", "the artifact adapter needs \"extract\"",
              "add \"extract\": {\"json_pointer\": ...} or {\"csv_column\": ...} or {\"regex\": ...}");
    }
    if (claim.options.is_object() && !claim.options.empty()) {
      out.add({}, "/options", "the artifact adapter takes no options");
    }
  }

  Outcome measure(const Job& job) const override {
    const auto path = job.sandbox.resolve(job.claim_dir, *job.claim.artifact);
    const std::string content = job.sandbox.read(path);
    const double value = extract_value(job.claim.extract, content, job.sandbox.relative(path));
    Measurement m;
    m.value = value;
    m.unit = job.claim.measured_unit.value_or(job.claim.expected.unit);
    m.files.push_back(path);
    return m;
  }
};

}  // namespace

std::unique_ptr<Adapter> make_artifact_adapter() { return std::make_unique<ArtifactAdapter>(); }

}  // namespace claimcheck
