#include "adapter/adapter.hpp"

namespace claimcheck {

std::string_view block_kind_name(BlockKind kind) {
  switch (kind) {
    case BlockKind::tool_missing: return "tool missing";
    case BlockKind::input_missing: return "input missing";
    case BlockKind::invalid_input: return "invalid input";
    case BlockKind::artifact_stale: return "artifact stale";
    case BlockKind::unsupported: return "unsupported";
    case BlockKind::adapter_error: return "adapter error";
    case BlockKind::timeout: return "timeout";
    case BlockKind::command_not_allowed: return "command not allowed";
    case BlockKind::outside_repository: return "outside repository";
    case BlockKind::unknown_adapter: return "unknown adapter";
  }
  return "blocked";
}

std::vector<Claim> Adapter::expand(Claim claim, const Sandbox&, const std::filesystem::path&) const {
  std::vector<Claim> itself;
  itself.push_back(std::move(claim));
  return itself;
}

bool Adapter::may_expand(const Claim&) const { return false; }

std::vector<ClaimPath> Adapter::paths(const Claim& claim) const {
  std::vector<ClaimPath> out;
  if (claim.artifact) out.push_back({"/artifact", *claim.artifact, ClaimPath::Kind::file, {}});
  for (std::size_t i = 0; i < claim.inputs.size(); ++i) {
    out.push_back({"/inputs/" + std::to_string(i), claim.inputs[i], ClaimPath::Kind::file, {}});
  }
  if (claim.workload.path) out.push_back({"/workload/spec", *claim.workload.path, ClaimPath::Kind::file, {}});
  if (claim.hardware.path) out.push_back({"/hardware/spec", *claim.hardware.path, ClaimPath::Kind::file, {}});
  if (claim.options.is_object()) {
    for (const auto& option : options()) {
      if (option.type != OptionType::path || !claim.options.contains(option.name)) continue;
      const auto& value = claim.options.at(option.name);
      if (value.is_string()) {
        out.push_back({"/options/" + option.name, value.get<std::string>(), ClaimPath::Kind::file_or_directory, {}});
      }
    }
  }
  return out;
}

void Adapter::check_inputs(const Job&, Diagnostics&) const {}

bool Adapter::runs_commands(const Claim&) const { return false; }

double Adapter::expected_cost(const Claim&) const { return 1.0; }

std::shared_ptr<const std::string> read_input(const Job& job, const std::filesystem::path& absolute) {
  if (job.memo == nullptr) return std::make_shared<const std::string>(job.sandbox.read(absolute));
  return job.memo->read(job.sandbox, absolute);
}

std::vector<NewSlot> Adapter::new_slots(Mode mode) const {
  if (mode == Mode::reread) return {{"ARTIFACT", "/artifact", false, false, true}};
  return {};
}

Outcome measure_safely(const Adapter& adapter, const Job& job) {
  try {
    return adapter.measure(job);
  } catch (const PathError& e) {
    switch (e.kind()) {
      case PathError::Kind::outside_repository:
        return Blocked{BlockKind::outside_repository, e.what(),
                       "keep every input and artifact inside the repository, with a relative path", {}};
      case PathError::Kind::too_large:
        return Blocked{BlockKind::invalid_input, e.what(), "point the claim at a smaller file", {}};
      case PathError::Kind::missing:
      case PathError::Kind::not_a_file: {
        // Another project's files live in the git-ignored third_party/ folder, fetched by a
        // documented step; committing them is not the fix.
        const std::string what = e.what();
        if (what.find("third_party/") != std::string::npos) {
          std::string unblock = "the file belongs to another project and is not committed (third_party/ is "
                                "git-ignored): fetch it";
          std::error_code ec;
          if (std::filesystem::is_regular_file(job.claim_dir / "fetch.sh", ec)) {
            unblock += " with " + job.sandbox.relative(job.claim_dir / "fetch.sh");
          } else {
            unblock += " as the README beside the claim describes";
          }
          return Blocked{BlockKind::input_missing, what, unblock, {}};
        }
        return Blocked{BlockKind::input_missing, what,
                       "commit the file, or correct the path in the claim (relative to the claim file)", {}};
      }
    }
  } catch (const InputError& e) {
    if (!e.claim_field().empty()) {
      // The file was read as it is; what the claim asks of it is wrong.
      std::string field = e.claim_field().substr(1);
      for (char& c : field) c = c == '/' ? '.' : c;
      const auto& at = job.claim.location;
      return Blocked{BlockKind::invalid_input, e.what(),
                     "correct \"" + field + "\" in the claim (" + at.file.generic_string() + ":" +
                         std::to_string(at.line) + "): the file is read as it is",
                     {}, true};
    }
    return Blocked{BlockKind::invalid_input, e.what(), "fix the input file named above", {}};
  } catch (const std::exception& e) {
    return Blocked{BlockKind::adapter_error, std::string("the ") + adapter.name() + " adapter failed: " + e.what(),
                   "report this with the claim file; it is a bug in the adapter or an input it does not handle", {}};
  }
  return Blocked{};
}

}  // namespace claimcheck
