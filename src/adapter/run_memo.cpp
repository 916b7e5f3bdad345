#include "adapter/run_memo.hpp"

namespace claimcheck {

RunMemo::Erased RunMemo::once(const std::string& key, const std::function<Erased()>& make, Count count) {
  std::promise<Erased> promise;
  std::shared_future<Erased> value;
  {
    const std::lock_guard lock(m_mutex);
    auto [it, inserted] = m_values.try_emplace(key);
    if (!inserted) {
      value = it->second;
    } else {
      it->second = promise.get_future().share();
    }
  }
  if (value.valid()) return value.get();
  // This caller computes it; the others wait on the future.
  if (count == Count::run) ++m_runs;
  try {
    Erased made = make();
    promise.set_value(made);
    return made;
  } catch (...) {
    promise.set_exception(std::current_exception());
    throw;
  }
}

std::shared_ptr<const std::string> RunMemo::read(const Sandbox& sandbox, const std::filesystem::path& absolute) {
  const std::string key = std::string("file") + '\0' + absolute.string();
  auto content = once(
      key, [&]() -> Erased { return std::make_shared<const std::string>(sandbox.read(absolute)); }, Count::file);
  return std::static_pointer_cast<const std::string>(content);
}

}  // namespace claimcheck
