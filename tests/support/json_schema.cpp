#include "support/json_schema.hpp"

#include <array>
#include <cstdio>
#include <memory>

#include "support/support.hpp"

namespace claimcheck::test {

std::string validate_with_schema(const std::filesystem::path& schema, const std::vector<std::filesystem::path>& files) {
  TempDir dir;
  const auto script = dir.write("validate.py", R"(import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
for path in sys.argv[2:]:
    errors = sorted(validator.iter_errors(json.load(open(path))), key=lambda e: list(e.path))
    for e in errors[:1]:
        print(path + ": " + "/".join(str(p) for p in e.path) + ": " + e.message)
)");
  std::string command = "/usr/bin/python3 '" + script.string() + "' '" + schema.string() + "'";
  for (const auto& f : files) command += " '" + f.string() + "'";
  command += " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return "cannot run " + command;
  std::string out;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe.get())) out += buffer.data();
  return out;
}

}  // namespace claimcheck::test
