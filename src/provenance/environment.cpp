#include "provenance/environment.hpp"

#include <elf.h>
#include <link.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "claimcheck/build_info.hpp"
#include "io/digest.hpp"

namespace claimcheck {
namespace {

std::string first_value(const std::string& path, const std::string& key, char separator) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) != 0) continue;
    auto pos = line.find(separator);
    if (pos == std::string::npos) continue;
    std::string value = line.substr(pos + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return value;
  }
  return {};
}

}  // namespace

EnvLookup process_env() {
  return [](const char* name) -> const char* { return std::getenv(name); };
}

EnvironmentInfo read_environment() {
  EnvironmentInfo env;
  env.os = first_value("/etc/os-release", "PRETTY_NAME=", '=');
  utsname names{};
  if (uname(&names) == 0) {
    env.kernel = names.release;
    env.arch = names.machine;
    env.hostname = names.nodename;
  }
  env.cpu_model = first_value("/proc/cpuinfo", "model name", ':');
  env.cores = static_cast<int>(std::thread::hardware_concurrency());
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages > 0 && page_size > 0) env.memory_bytes = static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size);
  return env;
}

ToolInfo read_tool_info() {
  return ToolInfo{build_info::k_version, build_info::k_compiler, build_info::k_build_type, build_info::k_flags};
}

namespace {

// The NT_GNU_BUILD_ID note among the main program's PT_NOTE segments.
int find_build_id(dl_phdr_info* info, std::size_t, void* out) {
  auto& id = *static_cast<std::string*>(out);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const auto& segment = info->dlpi_phdr[i];
    if (segment.p_type != PT_NOTE) continue;
    const char* at = reinterpret_cast<const char*>(info->dlpi_addr + segment.p_vaddr);
    const char* end = at + segment.p_memsz;
    while (at + sizeof(ElfW(Nhdr)) <= end) {
      const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(at);
      const char* name = at + sizeof(ElfW(Nhdr));
      const char* desc = name + ((note->n_namesz + 3) & ~3u);
      if (desc + note->n_descsz > end) break;
      if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 && std::string_view(name, 3) == "GNU") {
        static constexpr char k_hex[] = "0123456789abcdef";
        for (std::size_t b = 0; b < note->n_descsz; ++b) {
          const auto byte = static_cast<unsigned char>(desc[b]);
          id += k_hex[byte >> 4];
          id += k_hex[byte & 15];
        }
        return 1;
      }
      at = desc + ((note->n_descsz + 3) & ~3u);
    }
  }
  return 1;  // only the main program (the first object) is looked at
}

}  // namespace

std::string executable_build_id() {
  static const std::string id = [] {
    std::string found;
    dl_iterate_phdr(find_build_id, &found);
    if (!found.empty()) return found;
    std::ifstream in("/proc/self/exe", std::ios::binary);
    if (!in) return std::string();
    std::ostringstream content;
    content << in.rdbuf();
    return sha256_hex(content.str());
  }();
  return id;
}

CiInfo read_ci_info(const EnvLookup& env) {
  CiInfo ci;
  auto get = [&](const char* name) {
    const char* value = env(name);
    return value ? std::string(value) : std::string();
  };
  if (get("GITHUB_ACTIONS") != "true") return ci;
  ci.provider = "github-actions";
  ci.event = get("GITHUB_EVENT_NAME");
  ci.sha = get("GITHUB_SHA");
  ci.ref = get("GITHUB_REF");
  if (!get("GITHUB_RUN_ID").empty()) {
    ci.run_url = get("GITHUB_SERVER_URL") + "/" + get("GITHUB_REPOSITORY") + "/actions/runs/" + get("GITHUB_RUN_ID");
  }
  ci.head_sha = ci.sha;
  const std::string event_path = get("GITHUB_EVENT_PATH");
  if ((ci.event == "pull_request" || ci.event == "pull_request_target") && !event_path.empty()) {
    std::ifstream in(event_path);
    const auto payload = nlohmann::json::parse(in, nullptr, false);
    const auto pointer = nlohmann::json::json_pointer("/pull_request/head/sha");
    if (!payload.is_discarded() && payload.contains(pointer) && payload.at(pointer).is_string()) {
      ci.head_sha = payload.at(pointer).get<std::string>();
    }
  }
  return ci;
}

std::string utc_now() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

}  // namespace claimcheck
