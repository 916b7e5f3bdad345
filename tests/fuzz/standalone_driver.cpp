// A small replacement for libFuzzer's main, so the normal (GCC) build runs every harness in the
// test suite: it replays the seed corpus, then runs self-mutated inputs until a run count or a
// time budget is reached. On a crash it saves the input that caused it beside the working
// directory as crash-<harness>-<n> before the process dies.
//
//   fuzz_<name> CORPUS_DIR [--runs N] [--seconds S] [--seed K] [--max-len BYTES]
//
// The mutation stream is seeded (default 1, or CLAIMCHECK_FUZZ_SEED), so a run is reproducible.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

// The input under test, for the crash handler (which may only use async-signal-safe calls).
const std::uint8_t* g_current = nullptr;
std::size_t g_current_size = 0;
char g_crash_path[512] = "crash-input";

extern "C" void save_crash_input(int signal_number) {
  const int fd = ::open(g_crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    std::size_t done = 0;
    while (g_current && done < g_current_size) {
      const ssize_t n = ::write(fd, g_current + done, g_current_size - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
  }
  const char message[] = "\nfuzz: crashing input saved (see crash-* in the working directory)\n";
  [[maybe_unused]] const ssize_t ignored = ::write(2, message, sizeof message - 1);
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

void run_one(const Bytes& input) {
  g_current = input.data();
  g_current_size = input.size();
  LLVMFuzzerTestOneInput(input.data(), input.size());
  g_current = nullptr;
  g_current_size = 0;
}

// Fragments that matter to the formats claimcheck reads: JSON, YAML, CSV, regex, numbers.
const std::vector<std::string>& dictionary() {
  static const std::vector<std::string> words = {
      "{",     "}",        "[",      "]",        "\"",     ":",       ",",         "\\",       "\\u0000", "\\ud800",
      "\n",    "\r\n",     "\t",     " ",        "-",      "---",     "- ",        ": ",       "#",       "&a",
      "*a",    "!!",       "<<: *a", "'",        "|",      ">",       "~",         "null",     "true",    "false",
      "0",     "-0",       "1e999",  "-1e308",   "1e-400", "NaN",     "inf",       "-inf",     "0x1p3",   "1,000",
      "18446744073709551616",    "-9223372036854775809",  "4294967296", "2147483648", "-2147483649",  "1.5",
      "(",     ")",        "(.*)",   "(a+)+",    "\\1",    "[^",      "{999999}",  "(?P<n>",   "\xff",    "\xc3\x28",
      "\xef\xbb\xbf",      "\"\"",   ",,",       "\"a\"\"b\"",        "ms",        "GiB",      "GB/s",    "%",
      "/",     "~1",       "~0",     "/0",       "/-",     "<script>", "@here",    "::error::", "]]>",  "$(id)",
      "../",   "/etc/passwd",        "%s%n",     "\x00",   "\x7f",    "e+",        "E-",       ".",       "..",
  };
  return words;
}

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : m_rng(seed) {}

  Bytes mutate(const std::vector<Bytes>& corpus, std::size_t max_len) {
    Bytes out = corpus.empty() ? Bytes{} : corpus[pick(corpus.size())];
    const int rounds = 1 + static_cast<int>(pick(6));
    for (int r = 0; r < rounds; ++r) step(out, corpus);
    if (out.size() > max_len) out.resize(max_len);
    return out;
  }

 private:
  std::size_t pick(std::size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(m_rng); }

  void step(Bytes& b, const std::vector<Bytes>& corpus) {
    switch (pick(9)) {
      case 0:  // flip a bit
        if (!b.empty()) b[pick(b.size())] ^= static_cast<std::uint8_t>(1u << pick(8));
        break;
      case 1:  // random byte
        if (!b.empty()) b[pick(b.size())] = static_cast<std::uint8_t>(pick(256));
        break;
      case 2: {  // insert a dictionary word
        const std::string& w = dictionary()[pick(dictionary().size())];
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size() + 1)), w.begin(), w.end());
        break;
      }
      case 3: {  // overwrite with a dictionary word
        if (b.empty()) break;
        const std::string& w = dictionary()[pick(dictionary().size())];
        const std::size_t at = pick(b.size());
        for (std::size_t i = 0; i < w.size() && at + i < b.size(); ++i) b[at + i] = static_cast<std::uint8_t>(w[i]);
        break;
      }
      case 4: {  // erase a range
        if (b.empty()) break;
        const std::size_t at = pick(b.size());
        const std::size_t n = 1 + pick(std::min<std::size_t>(b.size() - at, 64));
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + n));
        break;
      }
      case 5: {  // duplicate a range (grows nesting and repetitions)
        if (b.empty()) break;
        const std::size_t at = pick(b.size());
        const std::size_t n = 1 + pick(std::min<std::size_t>(b.size() - at, 256));
        const Bytes chunk(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + n));
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size() + 1)), chunk.begin(), chunk.end());
        break;
      }
      case 6: {  // splice with another corpus entry
        if (corpus.empty()) break;
        const Bytes& other = corpus[pick(corpus.size())];
        const std::size_t cut = pick(b.size() + 1);
        const std::size_t from = pick(other.size() + 1);
        b.resize(cut);
        b.insert(b.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
        break;
      }
      case 7:  // truncate
        b.resize(pick(b.size() + 1));
        break;
      default: {  // change a digit (numbers drive sizes and counts)
        std::vector<std::size_t> digits;
        for (std::size_t i = 0; i < b.size(); ++i) {
          if (b[i] >= '0' && b[i] <= '9') digits.push_back(i);
        }
        if (!digits.empty()) b[digits[pick(digits.size())]] = static_cast<std::uint8_t>('0' + pick(10));
        break;
      }
    }
  }

  std::mt19937_64 m_rng;
};

Bytes read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " CORPUS_DIR [--runs N] [--seconds S] [--seed K] [--max-len BYTES]\n";
    return 2;
  }
  const std::string name = fs::path(argv[0]).filename().string();
  std::uint64_t runs = 20000;
  double seconds = 5;
  std::uint64_t seed = 1;
  std::size_t max_len = 64 * 1024;
  if (const char* env = std::getenv("CLAIMCHECK_FUZZ_SEED")) seed = std::strtoull(env, nullptr, 10);
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--runs") {
      runs = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (flag == "--seconds") {
      seconds = std::strtod(argv[i + 1], nullptr);
    } else if (flag == "--seed") {
      seed = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (flag == "--max-len") {
      max_len = std::strtoull(argv[i + 1], nullptr, 10);
    } else {
      std::cerr << name << ": unknown option " << flag << "\n";
      return 2;
    }
  }

  std::vector<Bytes> corpus;
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(argv[1])) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) corpus.push_back(read_bytes(f));
  if (corpus.empty()) {
    std::cerr << name << ": empty seed corpus " << argv[1] << "\n";
    return 2;
  }

  std::snprintf(g_crash_path, sizeof g_crash_path, "crash-%s", name.c_str());
  for (int s : {SIGSEGV, SIGABRT, SIGFPE, SIGBUS, SIGILL}) std::signal(s, save_crash_input);

  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  // An input that takes this long is a hang for a parser of small files.
  constexpr std::chrono::seconds k_slow_input{10};
  std::uint64_t executed = 0;
  auto timed_run = [&](const Bytes& input) {
    const auto t0 = Clock::now();
    run_one(input);
    ++executed;
    if (Clock::now() - t0 > k_slow_input) {
      const std::string path = "slow-" + name;
      std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(input.data()),
                                                   static_cast<std::streamsize>(input.size()));
      std::cerr << name << ": one input took over " << k_slow_input.count() << " s (saved as " << path << ")\n";
      std::exit(1);
    }
  };
  for (const auto& seed_input : corpus) timed_run(seed_input);
  const std::uint64_t replayed = executed;

  Mutator mutator(seed);
  while (executed - replayed < runs && Clock::now() < deadline) timed_run(mutator.mutate(corpus, max_len));

  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << name << ": " << executed << " executions (" << replayed << " seeds, " << executed - replayed
            << " mutated, seed " << seed << ") in " << elapsed << " s, no crash\n";
  return 0;
}
