#pragma once
// Loading a set of Timeloop input files (merged like the real tool's command line) into a Spec.

#include <optional>
#include <string>
#include <vector>

#include "adapters/timeloop/spec.hpp"
#include "adapters/timeloop/yaml_doc.hpp"

namespace claimcheck::timeloop {

// A file's path (for messages) and content.
struct InputText {
  std::string path;
  std::string text;
};

struct LoadOptions {
  // Whose definitions to follow; by default from the architecture's version (0.4: Timeloop v4,
  // otherwise v3.0.3).
  std::optional<Semantics> semantics;
};

// Parses and merges the files, then reads architecture, problem, mapping and ERT. Accepts
// Timeloop's tree format (v0.2-0.4, including the v4 front end's parsed-processed-input.yaml) and
// the v4 front end's own input format (`architecture: {nodes: [...]}`).
// Throws InputError on any malformed, misspelt, missing or unsupported content.
Spec load_spec(const std::vector<InputText>& files, const LoadOptions& options = {});

// Reads files from disk (InputError when one cannot be read) and calls load_spec.
Spec load_spec_files(const std::vector<std::string>& paths, const LoadOptions& options = {});

}  // namespace claimcheck::timeloop
