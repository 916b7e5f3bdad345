#pragma once
// Loading a set of Timeloop input files (merged like the real tool's command line) into a Spec.

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

// Parses and merges the files, then reads architecture, problem, mapping and ERT.
// Throws InputError on any malformed, misspelt, missing or unsupported content.
Spec load_spec(const std::vector<InputText>& files);

// Reads files from disk (InputError when one cannot be read) and calls load_spec.
Spec load_spec_files(const std::vector<std::string>& paths);

}  // namespace claimcheck::timeloop
