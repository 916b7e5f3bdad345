#pragma once
// Joining the records of a sharded audit (`audit --shard K/N`, `claimcheck merge`).

#include <filesystem>
#include <utility>
#include <vector>

#include "core/record.hpp"

namespace claimcheck {

// The record a single audit of every shard's claims would have written: claims in the whole
// audit's order, the summary and measuring counts summed over the shards, the provenance of
// shard 1 (started at the earliest start; the duration is the longest shard's). Throws
// InputError, naming the files, when the records are not the N shards of one audit: a record
// that is no shard, shards of different commits, claimcheck builds, claim selections or
// settings, a shard given twice or missing, claims missing or given twice.
AuditRecord merge_shards(const std::vector<std::pair<std::filesystem::path, AuditRecord>>& shards);

}  // namespace claimcheck
