// bench_scale: how an audit's cost grows with the number of claims. It builds a tree of the
// shipped claims plus COPIES renamed copies beside each claim file (the ids get a "cK-" prefix,
// so every copy is a claim of its own that reads the same inputs), commits it to a fresh git
// repository, and times the claimcheck binary on it:
//   cold     an empty result cache
//   warm     the unchanged tree again, with the cache the cold audit filled
//   expected one claim's expected value edited: judged again, nothing measured
//   input    one input file edited: only the claims reading it are measured again
//   sharded  --shard 1/2 and 2/2 at the same time (as two CI machines would, each with an empty
//            cache), then claimcheck merge; the merged record is checked against the cold one
// Each audit runs as its own process: wall time, CPU time, peak resident memory, page faults (the
// pages it touched first: on a virtual machine, a large part of an audit's CPU time), and the size
// of the record it wrote. The machine's load average is printed, since the host is shared.
//
// Usage: bench_scale [--copies N] [--jobs J] [--exercises | --no-exercises] [--keep DIR]
//   --copies N      renamed copies beside each claim file (default 14, the 10,000-claim tree)
//   --jobs J        -j of the audits (default 2)
//   --exercises     also copy third_party/timeloop-accelergy-exercises (fetched by
//                   claims/timeloop/published/fetch.sh) so that its 491 claims are measured;
//                   --no-exercises leaves them blocked (default: copy it when it is there)
//   --keep DIR      build the tree in DIR and keep it (default: a temporary folder, removed)
//   --skip-sharded  time no sharded audit

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Run {
  double wall_s = 0.0;
  double cpu_s = 0.0;
  long peak_kb = 0;
  long page_faults = 0;  // minor: pages the process touched for the first time
  int status = -1;
};

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// Runs argv in `dir` with stdout and stderr to files; waits; measures.
Run run(const std::vector<std::string>& argv, const fs::path& dir, const fs::path& log) {
  std::fflush(nullptr);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) ::_exit(127);
    if (!std::freopen(log.c_str(), "w", stdout) || !std::freopen((log.string() + ".err").c_str(), "w", stderr)) {
      ::_exit(127);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  Run r;
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.cpu_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
            1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  r.peak_kb = usage.ru_maxrss;
  r.page_faults = usage.ru_minflt;
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Runs several argvs at once (shards on separate machines); the wall time is the longest.
std::vector<Run> run_together(const std::vector<std::vector<std::string>>& argvs, const fs::path& dir,
                              const fs::path& log_prefix) {
  std::vector<Run> runs(argvs.size());
  std::vector<pid_t> pids;
  std::fflush(nullptr);
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < argvs.size(); ++i) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      const fs::path log = log_prefix.string() + std::to_string(i + 1);
      if (::chdir(dir.c_str()) != 0) ::_exit(127);
      if (!std::freopen(log.c_str(), "w", stdout) || !std::freopen((log.string() + ".err").c_str(), "w", stderr)) {
        ::_exit(127);
      }
      std::vector<char*> args;
      for (const auto& a : argvs[i]) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    pids.push_back(pid);
  }
  for (std::size_t i = 0; i < pids.size(); ++i) {
    int status = 0;
    rusage usage{};
    ::wait4(pids[i], &status, 0, &usage);
    runs[i].wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    runs[i].cpu_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                    1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
    runs[i].peak_kb = usage.ru_maxrss;
    runs[i].page_faults = usage.ru_minflt;
    runs[i].status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  return runs;
}

void sh(const std::string& command, const fs::path& dir) {
  const std::string full = "cd '" + dir.string() + "' && " + command;
  if (std::system(full.c_str()) != 0) {
    std::fprintf(stderr, "bench_scale: failed: %s\n", command.c_str());
    std::exit(1);
  }
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

// The ids of a claim object (or array) prefixed, and the ids its derived claims name.
json renamed(json doc, const std::string& prefix) {
  auto rename = [&](json& claim) {
    if (!claim.is_object()) return;
    if (claim.contains("id") && claim["id"].is_string()) claim["id"] = prefix + claim["id"].get<std::string>();
    if (claim.contains("derived") && claim["derived"].contains("of") && claim["derived"]["of"].is_array()) {
      for (auto& operand : claim["derived"]["of"]) {
        if (operand.is_string()) operand = prefix + operand.get<std::string>();
      }
    }
  };
  if (doc.is_array()) {
    for (auto& claim : doc) rename(claim);
  } else {
    rename(doc);
  }
  return doc;
}

struct Tree {
  fs::path root;
  std::size_t claim_files = 0;
};

Tree build_tree(const fs::path& source, const fs::path& root, int copies, bool exercises) {
  Tree tree{root, 0};
  fs::remove_all(root);
  fs::create_directories(root);
  fs::copy(source / "claims", root / "claims", fs::copy_options::recursive);
  fs::create_directories(root / "tests");
  fs::copy(source / "tests" / "data", root / "tests" / "data", fs::copy_options::recursive);
  fs::copy_file(source / ".gitignore", root / ".gitignore");
  const fs::path ex = source / "third_party" / "timeloop-accelergy-exercises";
  if (exercises && fs::exists(ex / "workspace")) {
    fs::create_directories(root / "third_party" / "timeloop-accelergy-exercises");
    fs::copy(ex / "workspace", root / "third_party" / "timeloop-accelergy-exercises" / "workspace",
             fs::copy_options::recursive);
  }
  std::vector<fs::path> originals;
  for (const auto& e : fs::recursive_directory_iterator(root / "claims")) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.size() > 11 && name.ends_with(".claim.json")) originals.push_back(e.path());
  }
  for (const auto& file : originals) {
    ++tree.claim_files;
    const json doc = json::parse(read(file));
    const std::string stem = file.filename().string().substr(0, file.filename().string().size() - 11);
    for (int k = 1; k <= copies; ++k) {
      const std::string number = std::to_string(k);
      std::string prefix = "c";  // built in steps: GCC 12 warns wrongly (-Wrestrict) on "c" + number + "-"
      prefix.append(number).push_back('-');
      write(file.parent_path() / (stem + ".copy" + number + ".claim.json"), renamed(doc, prefix).dump(1) + "\n");
      ++tree.claim_files;
    }
  }
  sh("git init -q -b main . && git -c user.name=bench -c user.email=bench@example.com -c commit.gpgsign=false add -A "
     "&& git -c user.name=bench -c user.email=bench@example.com -c commit.gpgsign=false commit -q -m tree",
     root);
  return tree;
}

struct RecordFacts {
  std::size_t claims = 0;
  int reused = 0, measured = 0, runs = 0;
  std::string summary;
  std::uintmax_t bytes = 0;
};

RecordFacts facts(const fs::path& record) {
  RecordFacts f;
  f.bytes = fs::file_size(record);
  const json doc = json::parse(read(record));
  f.claims = doc["claims"].size();
  f.reused = doc["measuring"]["reused"].get<int>();
  f.measured = doc["measuring"]["measured"].get<int>();
  f.runs = doc["measuring"]["runs"].get<int>();
  const auto& s = doc["summary"];
  f.summary = std::to_string(s["verified"].get<int>()) + " verified, " + std::to_string(s["discrepant"].get<int>()) +
              " discrepant, " + std::to_string(s["blocked"].get<int>()) + " blocked";
  return f;
}

void print(const char* name, const Run& r, const std::optional<RecordFacts>& f) {
  std::printf("%-9s %7.2f s wall %7.2f s CPU %7.1f MB peak %7ld page faults  exit %d", name, r.wall_s, r.cpu_s,
              static_cast<double>(r.peak_kb) / 1024.0, r.page_faults, r.status);
  if (f) {
    std::printf("  %zu claims (%s), %d reused, %d measured, %d runs, record %.2f MB", f->claims, f->summary.c_str(),
                f->reused, f->measured, f->runs, static_cast<double>(f->bytes) / 1e6);
  }
  std::printf("\n");
  std::fflush(stdout);
}

// The verdicts and values of a record, claim by claim, in order (what a merge must reproduce).
std::vector<std::string> verdicts(const fs::path& record) {
  const json doc = json::parse(read(record));
  std::vector<std::string> out;
  for (const auto& c : doc["claims"]) {
    out.push_back(c["id"].get<std::string>() + " " + c.value("verdict", "") + " " + c.value("measured", json()).dump());
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int copies = 14;
  int jobs = 2;
  std::optional<bool> exercises;
  std::string keep;
  bool sharded = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--copies" && i + 1 < argc) {
      copies = std::atoi(argv[++i]);
    } else if (a == "--jobs" && i + 1 < argc) {
      jobs = std::atoi(argv[++i]);
    } else if (a == "--exercises") {
      exercises = true;
    } else if (a == "--no-exercises") {
      exercises = false;
    } else if (a == "--keep" && i + 1 < argc) {
      keep = argv[++i];
    } else if (a == "--skip-sharded") {
      sharded = false;
    } else {
      std::fprintf(stderr,
                   "usage: bench_scale [--copies N] [--jobs J] [--exercises | --no-exercises] [--keep DIR] "
                   "[--skip-sharded]\n");
      return 2;
    }
  }
  const fs::path source = CLAIMCHECK_SOURCE_TREE;
  const std::string binary = CLAIMCHECK_BINARY_PATH;
  if (!exercises) exercises = fs::exists(source / "third_party" / "timeloop-accelergy-exercises" / "workspace");
  std::random_device rd;
  const fs::path root = keep.empty() ? fs::temp_directory_path() / ("claimcheck-scale-" + std::to_string(rd())) : fs::path(keep);
  const fs::path out = root.string() + ".out";
  fs::remove_all(out);
  fs::create_directories(out);

  std::printf("bench_scale: %s, %d copies beside each claim file, exercises %s, -j %d\n", binary.c_str(), copies,
              *exercises ? "fetched" : "absent (their claims are blocked)", jobs);
  std::printf("load average before: %s (on %ld cores)\n", load_average().c_str(), ::sysconf(_SC_NPROCESSORS_ONLN));
  const Tree tree = build_tree(source, root, copies, *exercises);
  std::printf("tree: %s, %zu claim files\n", root.c_str(), tree.claim_files);

  const std::string j = std::to_string(jobs);
  auto audit = [&](const std::string& name, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {binary, "audit", "claims", "-j", j, "--fail-on", "none", "--record",
                                     (out / (name + ".json")).string(), "-o", (out / (name + ".md")).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const Run r = run(args, root, out / (name + ".log"));
    print(name.c_str(), r, r.status <= 1 ? std::optional(facts(out / (name + ".json"))) : std::nullopt);
    return r;
  };
  const std::string cache = (out / "cache").string();
  audit("cold", {"--cache", cache});
  audit("warm", {"--cache", cache});

  // One claim's expected value edited: the first claim with an expected value in a copy file.
  bool edited = false;
  for (const auto& e : fs::recursive_directory_iterator(root / "claims")) {
    if (edited || e.path().filename().string().find(".copy1.claim.json") == std::string::npos) continue;
    json doc = json::parse(read(e.path()));
    if (!doc.is_array()) doc = json::array({doc});
    for (auto& claim : doc) {
      if (!claim.contains("expected") || !claim["expected"].contains("value")) continue;
      claim["expected"]["value"] = claim["expected"]["value"].get<double>() * 2 + 1;
      write(e.path(), doc.dump(1) + "\n");
      std::printf("edited: the expected value of %s in %s\n", claim["id"].get<std::string>().c_str(),
                  e.path().lexically_relative(root).c_str());
      edited = true;
      break;
    }
  }
  if (edited) audit("expected", {"--cache", cache});
  // One input edited: a comment appended to a Timeloop ERT file (the number it holds is the same;
  // its content is not).
  const fs::path input = root / "claims" / "timeloop" / "toy_1pe_gemm_32x32x32" / "ERT.yaml";
  if (fs::exists(input)) {
    write(input, read(input) + "# edited\n");
    audit("input", {"--cache", cache});
  }
  sh("git checkout -q -- . ", root);

  if (sharded) {
    std::vector<std::vector<std::string>> shards;
    for (int k = 1; k <= 2; ++k) {
      // Each shard writes into a folder of its own, as on a machine of its own.
      const fs::path dir = out / ("shard" + std::to_string(k));
      fs::create_directories(dir);
      shards.push_back({binary, "audit", "claims", "-j", std::to_string(std::max(1, jobs / 2)), "--fail-on", "none",
                        "--shard", std::to_string(k) + "/2", "--cache", (dir / "cache").string(), "--record",
                        (dir / "record.json").string(), "-o", (dir / "report.md").string()});
    }
    const auto runs = run_together(shards, root, out / "shard-log-");
    for (std::size_t k = 0; k < runs.size(); ++k) {
      const std::string name = "shard " + std::to_string(k + 1) + "/2";
      print(name.c_str(), runs[k], facts(out / ("shard" + std::to_string(k + 1)) / "record.json"));
    }
    const Run merge = run({binary, "merge", (out / "shard1" / "record.json").string(),
                           (out / "shard2" / "record.json").string(), "--fail-on",
                           "none", "--record", (out / "merged.json").string(), "-o", (out / "merged.md").string()},
                          root, out / "merge.log");
    print("merge", merge, facts(out / "merged.json"));
    double longest = 0;
    for (const auto& r : runs) longest = std::max(longest, r.wall_s);
    std::printf("sharded: %.2f s wall for both shards side by side, %.2f s with the merge; merged record %s the "
                "cold audit's verdicts and values, claim for claim\n",
                longest, longest + merge.wall_s,
                verdicts(out / "merged.json") == verdicts(out / "cold.json") ? "equals" : "DIFFERS FROM");
  }
  std::printf("load average after: %s\n", load_average().c_str());
  if (keep.empty()) {
    fs::remove_all(root);
    fs::remove_all(out);
  } else {
    std::printf("kept: %s and %s\n", root.c_str(), out.c_str());
  }
  return 0;
}
