// ASTRA-sim configuration files: network (YAML), system, remote memory and communicator groups
// (JSON). The first line names the reader: network, system, remote_memory, comm_group.

#include "adapters/astrasim/comm_group.hpp"
#include "adapters/astrasim/network_config.hpp"
#include "adapters/astrasim/remote_memory.hpp"
#include "adapters/astrasim/system_config.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace claimcheck;
  const auto [kind, text] = fuzz::split_first_line(fuzz::as_text(data, size));
  fuzz::expect_input_errors_only([&, &kind = kind, &text = text] {
    if (kind == "network") {
      astrasim::parse_network_config("network.yml", text);
    } else if (kind == "system") {
      astrasim::parse_system_config("system.json", text);
    } else if (kind == "remote_memory") {
      astrasim::parse_remote_memory("remote_memory.json", text);
    } else {
      astrasim::parse_comm_groups("comm_groups.json", text, 32);
    }
  });
  return 0;
}
