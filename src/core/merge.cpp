#include "core/merge.hpp"

#include <algorithm>
#include <map>

#include "core/diagnostics.hpp"

namespace claimcheck {
namespace {

[[noreturn]] void refuse(const std::filesystem::path& file, const std::string& pointer, const std::string& message,
                         const std::string& hint = {}) {
  Diagnostics ds;
  ds.add(file, pointer, message, hint);
  throw InputError(std::move(ds));
}

std::string build_of(const ToolInfo& t) { return t.version + " (" + t.compiler + ", " + t.build_type + ")"; }

}  // namespace

AuditRecord merge_shards(const std::vector<std::pair<std::filesystem::path, AuditRecord>>& shards) {
  if (shards.empty()) refuse({}, "", "no shard records to merge");
  const auto& [first_file, first] = shards.front();
  for (const auto& [file, record] : shards) {
    if (!record.shard) {
      refuse(file, "", "not the record of a shard (no \"shard\" section)",
             "merge the records that `claimcheck audit --shard K/N --record FILE` wrote");
    }
  }
  const ShardInfo& want = *first.shard;
  const auto& head = first.provenance.git.head;
  std::map<int, const std::filesystem::path*> seen;
  for (const auto& [file, record] : shards) {
    const ShardInfo& s = *record.shard;
    if (record.provenance.git.head != head) {
      refuse(file, "/provenance/git/head",
             "shard of commit " + (record.provenance.git.head.empty() ? "(none)" : record.provenance.git.head) +
                 ", but " + first_file.string() + " is of commit " + (head.empty() ? "(none)" : head),
             "merge the shards of one audit of one commit");
    }
    if (build_of(record.provenance.claimcheck) != build_of(first.provenance.claimcheck)) {
      refuse(file, "/provenance/claimcheck",
             "shard audited by claimcheck " + build_of(record.provenance.claimcheck) + ", but " + first_file.string() +
                 " by claimcheck " + build_of(first.provenance.claimcheck),
             "audit every shard with the same build of claimcheck");
    }
    if (s.count != want.count) {
      refuse(file, "/shard/count",
             "shard " + std::to_string(s.index) + " of " + std::to_string(s.count) + ", but " + first_file.string() +
                 " is one of " + std::to_string(want.count));
    }
    if (s.selection != want.selection || s.total != want.total) {
      refuse(file, "/shard/selection",
             "shard of another selection of claims than " + first_file.string() + " (" + std::to_string(s.total) +
                 " claims vs " + std::to_string(want.total) + ")",
             "audit every shard with the same claim paths and --only");
    }
    if (s.settings != want.settings) {
      refuse(file, "/shard/settings", "shard audited with " + s.settings + ", but " + first_file.string() + " with " +
                                          want.settings);
    }
    if (auto [it, added] = seen.emplace(s.index, &file); !added) {
      refuse(file, "/shard/index", "shard " + std::to_string(s.index) + " given twice (also " + it->second->string() + ")");
    }
  }
  for (int k = 1; k <= want.count; ++k) {
    if (!seen.count(k)) {
      refuse({}, "", "shard " + std::to_string(k) + " of " + std::to_string(want.count) + " is missing",
             "merge the records of all " + std::to_string(want.count) + " shards");
    }
  }

  // Every claim of the audit is in exactly one shard: the records hold `total` claims together.
  std::size_t held = 0;
  for (const auto& [file, record] : shards) held += record.claims.size();
  if (held != want.total) {
    refuse({}, "", "the shard records hold " + std::to_string(held) + " claims, but the audit has " +
                       std::to_string(want.total),
           "merge the records the shards wrote, unedited");
  }

  AuditRecord merged;
  const auto& lowest = *std::min_element(shards.begin(), shards.end(), [](const auto& a, const auto& b) {
    return a.second.shard->index < b.second.shard->index;
  });
  merged.schema_version = k_record_schema_version;
  merged.provenance = lowest.second.provenance;
  std::vector<const ClaimResult*> slots(want.total, nullptr);
  for (const auto& [file, record] : shards) {
    if (!record.provenance.started_at.empty() &&
        (merged.provenance.started_at.empty() || record.provenance.started_at < merged.provenance.started_at)) {
      merged.provenance.started_at = record.provenance.started_at;
    }
    merged.duration_ms = std::max(merged.duration_ms, record.duration_ms);
    merged.measuring.reused += record.measuring.reused;
    merged.measuring.measured += record.measuring.measured;
    merged.measuring.runs += record.measuring.runs;
    for (std::size_t i = 0; i < record.claims.size(); ++i) {
      const ClaimResult& c = record.claims[i];
      const std::string pointer = "/claims/" + std::to_string(i);
      if (!c.position || *c.position >= want.total) {
        refuse(file, pointer + "/position", "claim \"" + c.id + "\" has no place in the audit (position)");
      }
      if (slots[*c.position] != nullptr) {
        refuse(file, pointer + "/position", "claim \"" + c.id + "\" is also in another shard");
      }
      slots[*c.position] = &c;
    }
  }
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (slots[i] == nullptr) {
      refuse({}, "", "claim " + std::to_string(i + 1) + " of " + std::to_string(want.total) + " is in no shard record");
    }
    ClaimResult c = *slots[i];
    c.position.reset();
    merged.claims.push_back(std::move(c));
  }
  merged.summary = summarize(merged.claims);
  return merged;
}

}  // namespace claimcheck
