#pragma once
// What the claims of one audit share while they are measured: each input file is read once, and
// each run (a model evaluation, a simulation, a parsed artifact) is computed once, however many
// claims read a number from it. One RunMemo lives for one audit; every measuring thread uses it
// at once.

#include <atomic>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <typeinfo>
#include <unordered_map>

#include "io/sandbox.hpp"

namespace claimcheck {

class RunMemo {
 public:
  // The content of `absolute` (a path Sandbox::resolve returned), read once per audit with
  // sandbox.read()'s checks; what that throws is thrown to every caller of that path.
  std::shared_ptr<const std::string> read(const Sandbox& sandbox, const std::filesystem::path& absolute);

  // The value make() returns for `key`, computed once per audit: callers asking for the key while
  // it is being computed wait for it, later ones get it at once. An exception make() throws is
  // thrown to every caller of that key. A key names everything the value depends on (the input
  // paths, the options that change the run) and starts with the adapter's name
  // ("timeloop/run ..."), so that adapters never meet each other's keys.
  template <typename T, typename Make>
  std::shared_ptr<const T> share(const std::string& key, Make&& make) {
    auto erased = once(
        key + '\0' + typeid(T).name(), [&]() -> Erased { return std::make_shared<const T>(make()); }, Count::run);
    return std::static_pointer_cast<const T>(erased);
  }

  // How many values share() computed in this audit (its runs).
  std::size_t runs() const { return m_runs.load(); }

 private:
  using Erased = std::shared_ptr<const void>;
  enum class Count { run, file };
  Erased once(const std::string& key, const std::function<Erased()>& make, Count count);

  std::mutex m_mutex;
  std::unordered_map<std::string, std::shared_future<Erased>> m_values;
  std::atomic<std::size_t> m_runs{0};
};

}  // namespace claimcheck
