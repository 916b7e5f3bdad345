#include "adapters/timeloop/mapper/search.hpp"

#include <time.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <span>
#include <thread>

namespace claimcheck::timeloop::mapper {
namespace {

enum class Status { ok, construction_failure, capacity_failure };

struct Candidate {
  PointId id;
  Status status = Status::ok;
  std::uint64_t if_cycles = 0;        // compute cycles of its factorization
  bool first_of_factorization = false;
  std::optional<Mapping> mapping;     // read only when status is ok
  std::optional<Result> result;       // after evaluation
  std::string unsupported;            // the model stopped at a limit
};

// splitmix64: a small, seedable generator whose sequence is the same on every platform.
struct Rng {
  std::uint64_t state = 0;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  Uint128 below(Uint128 n) {
    const Uint128 r = (static_cast<Uint128>(next()) << 64) | next();
    return n == 0 ? 0 : r % n;
  }
};

// Produces candidates in an algorithm's order, deciding what to skip from cheap checks only.
class Walker {
 public:
  Walker(const Spec& base, const Mapspace& space, const MapperSettings& settings)
      : m_base(base), m_space(space), m_settings(settings) {
    m_rng.state = settings.seed;
    const Uint128 n = space.sizes().index_factorization;
    m_pruned = settings.algorithm != Algorithm::random;
    if (settings.algorithm == Algorithm::best_first && n <= k_max_scanned_factorizations) {
      std::vector<FactorizationCycles> order;
      for_each_factorization(space, [&](const FactorizationCycles& f) { order.push_back(f); });
      std::stable_sort(order.begin(), order.end(),
                       [](const FactorizationCycles& a, const FactorizationCycles& b) { return a.cycles < b.cycles; });
      m_order = std::move(order);
      m_sorted = true;
    }
    m_done = n == 0 || (m_sorted && m_order.empty());
    if (!m_done) load_factorization(first_factorization());
  }

  // True when factorizations come in increasing bound order (pruning one prunes all after it).
  bool sorted() const { return m_sorted; }

  // Skips factorizations whose compute cycles make every mapping lose to `incumbent`.
  void set_cycle_cutoff(std::optional<std::uint64_t> cutoff) { m_cutoff = cutoff; }

  bool next(Candidate& c) {
    while (!m_done) {
      if (m_cutoff && m_if_cycles >= *m_cutoff && m_fresh) {
        ++m_pruned_factorizations;
        if (m_sorted) {
          m_done = true;
          m_cut = true;
          return false;
        }
        if (!advance_factorization()) return false;
        continue;
      }
      // `c` is reset field by field: its mapping's buffers are reused (see Mapspace::construct_into).
      c.id = {m_space_now.factorization, m_perm, m_spatial, m_bypass};
      c.status = Status::ok;
      c.if_cycles = m_if_cycles;
      c.first_of_factorization = m_fresh;
      c.result.reset();
      c.unsupported.clear();
      m_fresh = false;
      ConstructionFailure why;
      if (!c.mapping) c.mapping.emplace();
      if (!m_space.construct_into(m_space_now, c.id, *c.mapping, &why)) {
        c.status = Status::construction_failure;
      } else if (precheck_capacity(m_base, *c.mapping)) {
        c.status = Status::capacity_failure;
      }
      report(c.status);
      return true;
    }
    return false;
  }

  bool cut_by_bound() const { return m_cut; }
  std::uint64_t pruned_factorizations() const { return m_pruned_factorizations; }

 private:
  Uint128 first_factorization() {
    switch (m_settings.algorithm) {
      case Algorithm::random_pruned:
      case Algorithm::random: return m_rng.below(m_space.sizes().index_factorization);
      default: break;
    }
    m_position = 0;
    return m_sorted ? m_order[0].factorization : 0;
  }

  void load_factorization(Uint128 f) {
    m_space_now = m_pruned ? m_space.pruned(f) : m_space.unpruned(f);
    m_if_cycles = 1;
    for (std::size_t l = 0; l < m_space_now.factors.size(); ++l) {
      if (m_space.layout().is_spatial[l]) continue;
      for (int v : m_space_now.factors[l]) m_if_cycles *= static_cast<std::uint64_t>(v);
    }
    m_perm = 0;
    m_spatial = 0;
    m_bypass = 0;
    m_eval_fails = 0;
    m_fresh = true;
    m_perms_visited = 0;
    m_perms_to_visit = 1;
    if (m_settings.algorithm == Algorithm::random_pruned) {
      m_perms_to_visit = static_cast<std::uint64_t>(
          std::min<Uint128>(m_settings.max_permutations_per_if_visit, m_space_now.permutation_size));
      m_perm = m_rng.below(m_space_now.permutation_size);
    } else if (m_settings.algorithm == Algorithm::random) {
      m_perm = m_rng.below(m_space_now.permutation_size);
      m_spatial = m_rng.below(m_space_now.spatial_size);
      m_bypass = static_cast<std::uint64_t>(m_rng.below(m_space.sizes().datatype_bypass));
    }
  }

  bool advance_factorization() {
    switch (m_settings.algorithm) {
      case Algorithm::random_pruned:
      case Algorithm::random: load_factorization(m_rng.below(m_space.sizes().index_factorization)); return true;
      default: break;
    }
    ++m_position;
    if (m_sorted) {
      if (m_position >= m_order.size()) {
        m_done = true;
        return false;
      }
      load_factorization(m_order[m_position].factorization);
      return true;
    }
    if (m_position >= m_space.sizes().index_factorization) {
      m_done = true;
      return false;
    }
    load_factorization(m_position);
    return true;
  }

  // Timeloop's Report(): a construction failure skips the remaining bypass choices (they fail
  // alike); when every bypass choice of a permutation fails on capacity, the factorization's
  // remaining permutations and splits are skipped (capacity depends on neither).
  void report(Status status) {
    if (m_settings.algorithm == Algorithm::random) {
      advance_factorization();
      return;
    }
    const std::uint64_t bypass_size = static_cast<std::uint64_t>(m_space.sizes().datatype_bypass);
    bool skip_bypass = false;
    if (status == Status::construction_failure) skip_bypass = true;
    if (status == Status::capacity_failure) ++m_eval_fails;
    bool skip_factorization = false;
    if (m_bypass + 1 == bypass_size) {
      if (m_eval_fails == bypass_size) skip_factorization = true;
      m_eval_fails = 0;
    }
    if (skip_factorization) {
      m_spatial = m_space_now.spatial_size - 1;
      if (m_settings.algorithm == Algorithm::random_pruned) {
        m_perms_visited = m_perms_to_visit - 1;
      } else {
        m_perm = m_space_now.permutation_size - 1;
      }
    }
    if (skip_bypass) m_bypass = bypass_size - 1;
    increment();
  }

  void increment() {
    const std::uint64_t bypass_size = static_cast<std::uint64_t>(m_space.sizes().datatype_bypass);
    if (m_bypass + 1 < bypass_size) {
      ++m_bypass;
      return;
    }
    m_bypass = 0;
    if (m_spatial + 1 < m_space_now.spatial_size) {
      ++m_spatial;
      return;
    }
    m_spatial = 0;
    if (m_settings.algorithm == Algorithm::random_pruned) {
      if (m_perms_visited + 1 < m_perms_to_visit) {
        m_perm = m_rng.below(m_space_now.permutation_size);
        ++m_perms_visited;
        return;
      }
    } else if (m_perm + 1 < m_space_now.permutation_size) {
      ++m_perm;
      return;
    }
    advance_factorization();
  }

  const Spec& m_base;
  const Mapspace& m_space;
  const MapperSettings& m_settings;
  Rng m_rng;
  bool m_pruned = true;
  bool m_sorted = false;
  bool m_done = false;
  bool m_cut = false;
  bool m_fresh = true;
  std::vector<FactorizationCycles> m_order;
  Uint128 m_position = 0;
  PrunedSpace m_space_now;
  std::uint64_t m_if_cycles = 1;
  Uint128 m_perm = 0, m_spatial = 0;
  std::uint64_t m_bypass = 0;
  std::uint64_t m_eval_fails = 0;
  std::uint64_t m_perms_visited = 0, m_perms_to_visit = 1;
  std::optional<std::uint64_t> m_cutoff;
  std::uint64_t m_pruned_factorizations = 0;
};

// Evaluates the batch's fitting candidates in parallel. Consecutive candidates that differ only in
// what the levels keep share one loop nest, analysed once (by one thread).
void evaluate_batch(const Spec& base, std::span<Candidate> batch, unsigned threads, SearchStats& stats) {
  std::vector<std::pair<std::size_t, std::size_t>> groups;  // [first, last) of candidates to evaluate
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].status != Status::ok) continue;
    if (!groups.empty()) {
      const Candidate& prev = batch[groups.back().second - 1];
      const bool same_nest = groups.back().second == i && prev.id.factorization == batch[i].id.factorization &&
                             prev.id.permutation == batch[i].id.permutation && prev.id.spatial == batch[i].id.spatial;
      if (same_nest) {
        groups.back().second = i + 1;
        continue;
      }
    }
    groups.emplace_back(i, i + 1);
  }
  std::atomic<std::size_t> next{0};
  std::atomic<std::uint64_t> evaluations{0}, analyses{0};
  auto work = [&]() {
    Spec spec = base;
    for (std::size_t k = next++; k < groups.size(); k = next++) {
      spec.mapping = *batch[groups[k].first].mapping;
      const NestResult analysed = analyze_mapping(spec);
      ++analyses;
      for (std::size_t i = groups[k].first; i < groups[k].second; ++i) {
        Candidate& c = batch[i];
        if (c.status != Status::ok) continue;
        spec.mapping = *c.mapping;
        Evaluation ev = evaluate(spec, analysed);
        ++evaluations;
        if (ev.result) {
          c.result = std::move(ev.result);
        } else {
          c.status = Status::capacity_failure;
          c.unsupported = ev.unsupported;
        }
      }
    }
  };
  const unsigned n = std::max(1U, std::min<unsigned>(threads, static_cast<unsigned>(groups.size())));
  if (n <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < n; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
  }
  stats.evaluations += evaluations;
  stats.analyses += analyses;
}

}  // namespace

double metric_value(Metric metric, const Result& r) {
  switch (metric) {
    case Metric::edp: return r.energy * static_cast<double>(r.cycles);
    case Metric::energy: return r.energy;
    case Metric::delay: return static_cast<double>(r.cycles);
    case Metric::last_level_accesses: {
      const auto& top = r.storage.back();
      double a = 0;
      for (const auto& d : top.data_spaces) a += static_cast<double>(d.reads + d.fills + d.updates);
      return a;
    }
  }
  return 0.0;
}

bool is_better(const Result& candidate, const Result& incumbent, const std::vector<Metric>& metrics) {
  constexpr double k_tolerance = 0.001;
  // Returns +2 better, +1 slightly better, -1 slightly worse, -2 worse (Timeloop's four classes).
  std::function<int(std::size_t)> compare = [&](std::size_t i) -> int {
    const double c = metric_value(metrics[i], candidate);
    const double inc = metric_value(metrics[i], incumbent);
    const double abs_imp = inc - c;
    const double rel = inc == 0 ? (c == 0 ? 0 : abs_imp / c) : abs_imp / inc;
    if (std::fabs(rel) > k_tolerance) return rel > 0 ? 2 : -2;
    if (i + 1 == metrics.size()) return rel > 0 ? 1 : -1;
    const int next = compare(i + 1);
    if (next == 2 || next == -2) return next;
    return rel > 0 ? 1 : -1;
  };
  return compare(0) > 0;
}

std::optional<MappingError> precheck_capacity(const Spec& base, const Mapping& mapping) {
  const auto& arch = base.arch;
  const auto& problem = base.problem;
  const std::size_t num_dims = problem.shape.dimensions.size();
  std::vector<std::int64_t> extent(num_dims, 1);
  for (std::size_t s = 0; s < arch.storage.size(); ++s) {
    const auto& lm = mapping.levels[s];
    for (std::size_t d = 0; d < num_dims; ++d) extent[d] *= lm.spatial[d].end * lm.temporal[d].end;
    const auto& level = arch.storage[s];
    if (!level.size) continue;
    std::uint64_t total = 0;
    for (std::size_t p = 0; p < problem.shape.data_spaces.size(); ++p) {
      if (!lm.keep[p]) continue;
      std::uint64_t words = 1;
      for (const auto& rank : problem.shape.data_spaces[p].projection) {
        std::int64_t span = 0;
        for (const auto& term : rank) {
          const std::int64_t coef =
              term.coefficient < 0 ? 1 : problem.coefficients[static_cast<std::size_t>(term.coefficient)];
          span += coef * (extent[static_cast<std::size_t>(term.dimension)] - 1);
        }
        words *= static_cast<std::uint64_t>(span + 1);
      }
      total += words;
    }
    const std::uint64_t eff = level.effective_size.value_or(*level.size);
    if (total > eff) {
      return MappingError{level.name, "mapped tile size " + std::to_string(total) + " exceeds buffer capacity " +
                                          std::to_string(eff)};
    }
    if (static_cast<double>(total) < static_cast<double>(eff) * level.min_utilization) {
      return MappingError{level.name, "mapped tile size " + std::to_string(total) + " is less than the minimum utilization"};
    }
  }
  return std::nullopt;
}

SearchResult run_search(const Spec& base, const Mapspace& space, const MapperSettings& settings,
                        const SearchOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&]() { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  auto thread_cpu = []() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  };
  const double cpu_start = thread_cpu();
  SearchResult out;
  out.bounds = compute_bounds(base, space);
  out.lower_bound = metric_bound(settings.metrics.front(), out.bounds, out.bounds.min_cycles);
  SearchStats& st = out.stats;

  Walker walker(base, space, settings);
  const bool bound_pruning = settings.algorithm == Algorithm::exhaustive || settings.algorithm == Algorithm::best_first;
  const Metric first = settings.metrics.front();
  const bool cycles_bound = first == Metric::edp || first == Metric::delay;
  // Bound of a factorization's mappings on the first metric.
  auto if_bound = [&](std::uint64_t cycles) { return metric_bound(first, out.bounds, cycles); };
  // Whether no mapping with first-metric bound `b` can beat the incumbent.
  auto hopeless = [&](double b) {
    if (!out.best) return false;
    const double inc = metric_value(first, out.best->result);
    return settings.metrics.size() == 1 ? b >= inc : b > inc * 1.001;
  };
  auto update_cutoff = [&]() {
    if (!bound_pruning || !out.best || !cycles_bound || out.bounds.energy_pj <= 0) return;
    const double inc = metric_value(first, out.best->result);
    const double limit = settings.metrics.size() == 1 ? inc : inc * 1.001;
    // Smallest cycle count whose bound reaches the limit.
    const double per_cycle = first == Metric::edp ? out.bounds.energy_pj : 1.0;
    auto c = static_cast<std::uint64_t>(std::ceil(limit / per_cycle));
    while (c > 0 && if_bound(c - 1) >= limit) --c;
    while (if_bound(c) < limit) ++c;
    walker.set_cycle_cutoff(c);
  };

  std::uint64_t invalid_fanout = 0;     // Timeloop's invalid_mappings_mapcnstr (since the last valid mapping)
  std::uint64_t invalid_capacity = 0;   // Timeloop's invalid_mappings_eval
  std::uint64_t since_update = 0;       // valid mappings since the last improvement
  std::optional<PointId> previous;
  bool skipping_factorization = false;  // the consumer's own bound pruning of the current factorization
  bool finished = false;
  // Kept from batch to batch: a candidate's mapping is built into the buffers of the one before it
  // in that place (a search builds hundreds of thousands).
  std::vector<Candidate> kept;
  while (!finished) {
    // Gather a batch: up to options.batch mappings to evaluate, invalid ones in between.
    std::size_t used = 0;
    std::size_t pending = 0;
    bool exhausted = false;
    while (pending < options.batch && used < 65536) {
      if (used == kept.size()) kept.emplace_back();
      Candidate& c = kept[used];
      if (!walker.next(c)) {
        exhausted = true;
        break;
      }
      if (c.status == Status::ok) ++pending;
      ++used;
    }
    const std::span<Candidate> batch(kept.data(), used);
    evaluate_batch(base, batch, settings.num_threads, st);

    // Consume in order, as one thread of the real mapper would.
    for (auto& cand : batch) {
      if (settings.search_size > 0 && st.valid == settings.search_size) {
        st.termination = std::to_string(settings.search_size) + " valid mappings found, terminating search.";
        finished = true;
        break;
      }
      if (settings.victory_condition > 0 && since_update == settings.victory_condition) {
        st.termination = std::to_string(settings.victory_condition) +
                         " suboptimal mappings found since the last upgrade, terminating search.";
        finished = true;
        break;
      }
      if (invalid_fanout + invalid_capacity > 0 && invalid_fanout + invalid_capacity == settings.timeout) {
        st.termination = std::to_string(settings.timeout) + " invalid mappings (" + std::to_string(invalid_fanout) +
                         " fanout, " + std::to_string(invalid_capacity) +
                         " capacity) found since the last valid mapping, terminating search.";
        finished = true;
        break;
      }
      if (cand.first_of_factorization) {
        ++st.factorizations_visited;
        skipping_factorization = bound_pruning && hopeless(if_bound(cand.if_cycles));
        if (skipping_factorization) {
          ++st.factorizations_pruned;
          if (walker.sorted()) {
            st.proved_optimal = true;
            st.termination = "the lower bound of every mapping left reaches the best found: it is optimal.";
            finished = true;
            break;
          }
        }
      }
      if (skipping_factorization) continue;
      bool only_bypass_changed = false;
      if (st.tried > 1 && previous) {
        only_bypass_changed = previous->factorization == cand.id.factorization &&
                              previous->permutation == cand.id.permutation && previous->spatial == cand.id.spatial;
      }
      previous = cand.id;
      ++st.tried;
      if (cand.status == Status::construction_failure) {
        ++st.construction_failures;
        ++invalid_fanout;
        continue;
      }
      if (cand.status == Status::capacity_failure) {
        ++st.capacity_failures;
        if (settings.penalize_consecutive_bypass_fails || !only_bypass_changed) ++invalid_capacity;
        continue;
      }
      ++st.valid;
      invalid_fanout = 0;
      invalid_capacity = 0;
      if (!out.best || is_better(*cand.result, out.best->result, settings.metrics)) {
        out.best = Found{cand.id, std::move(*cand.mapping), std::move(*cand.result)};
        since_update = 0;
        Improvement imp{st.tried, st.valid, metric_value(first, out.best->result), elapsed(), thread_cpu() - cpu_start};
        st.improvements.push_back(imp);
        if (options.on_improvement) options.on_improvement(imp);
      } else if (settings.penalize_consecutive_bypass_fails || !only_bypass_changed) {
        ++since_update;
      }
    }
    if (finished) break;
    update_cutoff();
    if (exhausted) {
      if (walker.cut_by_bound()) {
        st.proved_optimal = true;
        st.termination = "the lower bound of every mapping left reaches the best found: it is optimal.";
      } else {
        st.termination = "search algorithm is done, terminating search.";
        st.proved_optimal = settings.algorithm == Algorithm::exhaustive || settings.algorithm == Algorithm::best_first;
      }
      break;
    }
    if ((options.max_seconds > 0 && elapsed() >= options.max_seconds) ||
        (options.max_cpu_seconds > 0 && thread_cpu() - cpu_start >= options.max_cpu_seconds)) {
      st.termination = "time limit reached.";
      break;
    }
  }
  st.factorizations_pruned += walker.pruned_factorizations();
  st.seconds = elapsed();
  st.cpu_seconds = thread_cpu() - cpu_start;
  return out;
}

}  // namespace claimcheck::timeloop::mapper
