#include "adapters/timeloop/nest_closed_form.hpp"

#include <algorithm>

namespace claimcheck::timeloop {
namespace {

std::size_t u(int i) { return static_cast<std::size_t>(i); }
std::size_t u64(std::int64_t i) { return static_cast<std::size_t>(i); }

std::uint64_t box_points(const Box& b, int rank) {
  std::uint64_t n = 1;
  for (int r = 0; r < rank; ++r) n *= static_cast<std::uint64_t>(std::max<std::int64_t>(0, b.hi[r] - b.lo[r]));
  return n;
}

bool same_point(const Point& a, const Point& b, int rank) {
  for (int r = 0; r < rank; ++r) {
    if (a[u(r)] != b[u(r)]) return false;
  }
  return true;
}

// The deltas of one loop level for one data space along its calls. Call t (t >= 1) follows call
// t - 1 by setting bit j = ctz(t) and clearing the bits below it, so it moves the level by
// step(j) = stride(j) - (strides of the bits below). Timeloop's reuse rule is an automaton over
// these bits: state 0 (no step remembered) or c + 1 (step class c remembered). From state 0 a call
// subtracts its predecessor's working set and remembers its step; from state c + 1 it subtracts
// while the step is of class c and otherwise sends its whole working set and forgets. The state
// after a call is also the shape of the delta the call produced: 0 = whole working set, c + 1 =
// working set minus the one a step of class c earlier.
struct DeltaAutomaton {
  int rank = 0;
  bool no_reuse = false;            // every delta is the whole working set
  Box mold{};                       // the working set at the origin
  std::vector<int> cls;             // per bit: class of its step
  std::vector<Point> class_step;    // per class
  std::vector<std::uint64_t> size;  // per shape: points in the delta

  int bits() const { return static_cast<int>(cls.size()); }
  int states() const { return no_reuse ? 1 : static_cast<int>(class_step.size()) + 1; }
  int next(int state, int bit) const {
    if (no_reuse) return 0;
    const int c = cls[u(bit)] + 1;
    return state == 0 || state == c ? c : 0;
  }
  const Point& step(int bit) const { return class_step[u(cls[u(bit)])]; }
};

// One transition: from `state` through `bit`, with the total weight of the calls it stands for.
struct Event {
  int state = 0;
  int bit = 0;
  std::uint64_t weight = 0;
};

// A stretch of the histogram pool: group size -> number of groups of that size.
struct Histogram {
  std::size_t begin = 0, end = 0;
  std::uint64_t groups = 0;
};

class ClosedForm {
 public:
  // The analysis of `shape`'s nest. A ClosedForm only keeps scratch buffers between runs (each
  // run overwrites what it reads), so that one per thread makes runs allocation-free once warm.
  std::optional<NestAnalysis> run(const NestShape& shape, const Projection& projection) {
    m_shape = &shape;
    m_proj = &projection;
    m_bit_level.clear();
    m_bit_multiplier.clear();
    m_bit_stride.clear();
    const int n = shape.num_loops();
    for (int l = 0; l < n; ++l) {
      if (shape.spatial(l) || shape.loop(l).end < 2) continue;
      m_bit_level.push_back(l);
      m_bit_multiplier.push_back(static_cast<std::uint64_t>(shape.loop(l).end - 1));
      for (std::size_t p = 0; p < shape.num_ds; ++p) {
        m_bit_stride.push_back(projection.along(shape.loop(l).dim, shape.stride(l), p));
      }
    }
    return analyse();
  }

 private:
  std::optional<NestAnalysis> analyse() {
    NestAnalysis out;
    const int n = m_shape->num_loops();
    const std::size_t num_ds = m_shape->num_ds;
    out.imperfect = false;
    if (n == 0) return out;
    std::uint64_t iterations = 1;
    for (int l = 0; l < n; ++l) {
      if (!m_shape->spatial(l)) iterations *= static_cast<std::uint64_t>(m_shape->loop(l).end);
    }
    out.max_temporal_iterations = iterations;
    out.tiles.assign(num_ds, {});
    for (auto& t : out.tiles) t.reserve(u(n));
    for (int l = 0; l < n; ++l) {
      if (m_shape->spatial(l) && !m_shape->master[u(l)]) continue;
      const bool track_size = m_shape->boundary[u(l)] || m_shape->master[u(l)];
      for (std::size_t p = 0; p < num_ds; ++p) {
        LoopTile& t = out.tiles[p].emplace_back();
        if (track_size) t.size = box_points(m_shape->mold[u(l) * num_ds + p], m_proj->rank(p));
        t.replication_factor = m_shape->num_spatial_elems[u(l)];
        t.fanout = m_shape->fanout[u(l)];
        t.is_boundary = m_shape->boundary[u(l)];
        t.is_master_spatial = m_shape->master[u(l)];
        if (l == 0 && !m_shape->spatial(0)) {
          t.accesses.add(1, static_cast<double>(iterations));
        } else if (!m_shape->spatial(l) && m_shape->boundary[u(l - 1)]) {
          t.accesses.add(1, static_cast<double>(temporal_total(l - 1, p)));
        } else if (m_shape->master[u(l)]) {
          if (!spatial_block(l, p, t)) return std::nullopt;
        }
      }
    }
    // Every call of the innermost level computes its iterations; a spatial innermost block's
    // instances each compute once per call. Both total the temporal iterations.
    out.compute_accesses = static_cast<double>(iterations);
    int first = 0;
    while (m_shape->spatial(first) && !m_shape->master[u(first)]) ++first;
    out.compute_replication = m_shape->num_spatial_elems[u(first)] * m_shape->fanout[u(first)];
    return out;
  }

  const NestShape* m_shape = nullptr;
  const Projection* m_proj = nullptr;
  // The temporal loops with more than one iteration, innermost first: the bits of every level's
  // calls are those above it.
  std::vector<int> m_bit_level;
  std::vector<std::uint64_t> m_bit_multiplier;  // iterations the second call stands for (end - 1)
  std::vector<Point> m_bit_stride;              // [bit * data spaces + p]: the loop's stride, projected
  // Scratch, reused.
  DeltaAutomaton m_auto;
  std::vector<int> m_end;               // [k * states + state]: state after 2^k - 1 calls (-1: not yet known)
  std::vector<std::pair<int, std::uint64_t>> m_runs_from, m_runs_next;  // (state, weight) of runs of R(k)
  // A spatial block, for one data space (see block_keys).
  std::vector<std::int64_t> m_key;      // per instance: its offset's key
  std::uint64_t m_key_cells = 0;        // keys are below this
  Point m_extent{};                     // per axis: the offsets' extent
  Point m_radix{};                      // per axis: its weight in a key
  std::vector<Point> m_unit;            // per loop of the block: the offset of one step
  std::vector<std::int64_t> m_step;     // per loop: the key of one step
  std::vector<std::int64_t> m_carry;    // per loop: the key step raising the next loop, this and those below rolled over
  std::vector<std::int64_t> m_digit;    // per loop: its index
  std::vector<char> m_used;             // per instance: served by a neighbour
  std::vector<std::uint32_t> m_count;   // counting table for grouping keys
  std::vector<std::int64_t> m_sorted;   // keys, sorted to group them
  std::vector<std::uint64_t> m_runs;    // group sizes
  std::vector<std::pair<std::uint64_t, std::uint64_t>> m_pool;  // histograms
  std::vector<char> m_known;      // per (shape before, shape after): whether their relation is known
  std::vector<Point> m_relation;  // per (shape before, shape after): the shift making them equal

  std::size_t first_bit_above(int level) const {
    std::size_t g = 0;
    while (g < m_bit_level.size() && m_bit_level[g] <= level) ++g;
    return g;
  }

  // Fills m_auto with data space p's deltas at `level` (level -1: the arithmetic's operands, a
  // point per call, never subtracted) along the bits from `first_bit` on.
  void build_automaton(int level, std::size_t p, std::size_t first_bit) {
    DeltaAutomaton& a = m_auto;
    a.rank = m_proj->rank(p);
    a.cls.clear();
    a.class_step.clear();
    a.size.clear();
    if (level < 0) {
      a.no_reuse = true;
      a.mold = Box{};
      for (int r = 0; r < a.rank; ++r) a.mold.hi[r] = 1;
    } else {
      a.no_reuse = m_shape->nest().switches(m_shape->nest().no_temporal_reuse, m_shape->storage_level[u(level)])[p];
      a.mold = m_shape->mold[u(level) * m_shape->num_ds + p];
    }
    const std::uint64_t whole = box_points(a.mold, a.rank);
    a.size.push_back(whole);
    const std::size_t num_ds = m_shape->num_ds;
    Point below{};  // sum of the strides of the bits below
    for (std::size_t g = first_bit; g < m_bit_level.size(); ++g) {
      const Point& stride = m_bit_stride[g * num_ds + p];
      Point step{};
      for (int r = 0; r < a.rank; ++r) {
        step[u(r)] = stride[u(r)] - below[u(r)];
        below[u(r)] += stride[u(r)];
      }
      int c = 0;
      const int classes = static_cast<int>(a.class_step.size());
      while (c < classes && !same_point(a.class_step[u(c)], step, a.rank)) ++c;
      if (c == classes) {
        a.class_step.push_back(step);
        std::uint64_t overlap = 1;
        for (int r = 0; r < a.rank; ++r) {
          const std::int64_t gap = step[u(r)] < 0 ? -step[u(r)] : step[u(r)];
          overlap *= static_cast<std::uint64_t>(std::max<std::int64_t>(0, (a.mold.hi[r] - a.mold.lo[r]) - gap));
        }
        a.size.push_back(whole - overlap);
      }
      a.cls.push_back(c);
    }
  }

  // Visits the transitions of all calls after the first as (state before, bit, weight): the
  // total weight of the calls a transition stands for (a pair may be visited more than once; the
  // weights add). The calls after the first are R(K) from state 0, where
  // R(k) = R(k - 1), bit k - 1, R(k - 1), the second half weighted by bit k - 1's multiplier.
  template <class Visit>
  void for_each_event(std::size_t first_bit, Visit&& visit) {
    const DeltaAutomaton& a = m_auto;
    const int k_bits = a.bits();
    const int s_count = a.states();
    const auto at = [s_count](int k, int s) { return u(k) * u(s_count) + u(s); };
    // The state after R(k) from s, computed for the (few) states reached.
    m_end.assign(u(k_bits + 1) * u(s_count), -1);
    auto end_state = [&](auto& self, int k, int s) -> int {
      if (k == 0) return s;
      int& e = m_end[at(k, s)];
      if (e < 0) e = self(self, k - 1, a.next(self(self, k - 1, s), k - 1));
      return e;
    };
    // The states R(k) runs from, with the weight of those runs (a short list: most automata
    // reach few states).
    std::vector<std::pair<int, std::uint64_t>>& runs = m_runs_from;
    std::vector<std::pair<int, std::uint64_t>>& next_runs = m_runs_next;
    runs.assign(1, {0, 1});
    auto add = [&](int state, std::uint64_t weight) {
      for (auto& [s, w] : next_runs) {
        if (s == state) {
          w += weight;
          return;
        }
      }
      next_runs.emplace_back(state, weight);
    };
    for (int k = k_bits; k >= 1; --k) {
      const std::uint64_t m = m_bit_multiplier[first_bit + u(k - 1)];
      next_runs.clear();
      for (const auto& [s, w] : runs) {
        const int before = end_state(end_state, k - 1, s);
        visit(before, k - 1, w * m);
        add(s, w);
        add(a.next(before, k - 1), w * m);
      }
      std::swap(runs, next_runs);
    }
  }

  // Words the calls of `level` deliver in total (each delta times the iterations it stands for).
  std::uint64_t temporal_total(int level, std::size_t p) {
    const std::size_t first_bit = first_bit_above(level);
    build_automaton(level, p, first_bit);
    const DeltaAutomaton& a = m_auto;
    std::uint64_t total = a.size[0];  // the first call sends its whole working set
    for_each_event(first_bit, [&](int state, int bit, std::uint64_t weight) {
      total += weight * a.size[u(a.next(state, bit))];
    });
    return total;
  }

  // The delta of shape `s` (see DeltaAutomaton) relative to its call's position.
  static BoxSet shape_set(const DeltaAutomaton& a, int s) {
    BoxSet set(a.rank, a.mold);
    if (s == 0) return set;
    Box last = a.mold;
    const Point& step = a.class_step[u(s - 1)];
    for (int r = 0; r < a.rank; ++r) {
      last.lo[r] -= step[u(r)];
      last.hi[r] -= step[u(r)];
    }
    set.subtract(BoxSet(a.rank, last));
    return set;
  }

  static Point lowest_corner(const BoxSet& s) {
    Point lo = s.boxes().front().lo;
    for (const Box& b : s.boxes()) {
      for (int r = 0; r < s.rank(); ++r) lo[u(r)] = std::min(lo[u(r)], b.lo[r]);
    }
    return lo;
  }

  // Appends to the pool the group sizes of equal offsets among the block's instances not marked
  // in m_used (when `skip_used`). Equal offsets have equal keys.
  Histogram group_sizes(bool skip_used, bool no_multicast) {
    Histogram h;
    h.begin = m_pool.size();
    const std::size_t n = m_key.size();
    std::uint64_t selected = n;
    if (skip_used) selected -= static_cast<std::uint64_t>(std::count(m_used.begin(), m_used.end(), 1));
    if (no_multicast) {
      m_pool.emplace_back(1, selected);
      h.end = m_pool.size();
      h.groups = selected;
      return h;
    }
    m_runs.clear();
    if (m_key_cells <= 4 * selected + 16) {
      // Dense keys: counted in a table.
      m_count.assign(m_key_cells, 0);
      for (std::size_t i = 0; i < n; ++i) {
        if (!skip_used || !m_used[i]) ++m_count[u64(m_key[i])];
      }
      for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t& c = m_count[u64(m_key[i])];
        if (c == 0) continue;
        m_runs.push_back(c);
        c = 0;
      }
    } else {
      m_sorted.clear();
      for (std::size_t i = 0; i < n; ++i) {
        if (!skip_used || !m_used[i]) m_sorted.push_back(m_key[i]);
      }
      std::sort(m_sorted.begin(), m_sorted.end());
      for (std::size_t a = 0; a < m_sorted.size();) {
        std::size_t b = a + 1;
        while (b < m_sorted.size() && m_sorted[b] == m_sorted[a]) ++b;
        m_runs.push_back(b - a);
        a = b;
      }
    }
    std::sort(m_runs.begin(), m_runs.end());
    for (std::size_t i = 0; i < m_runs.size(); ++i) {
      if (i > 0 && m_runs[i] == m_runs[i - 1]) {
        ++m_pool.back().second;
      } else {
        m_pool.emplace_back(m_runs[i], 1);
      }
    }
    h.end = m_pool.size();
    h.groups = m_runs.size();
    return h;
  }

  // What a spatial block's instances take from neighbours when the current delta equals the
  // previous call's moved by `shift`: instance i takes it when a neighbour j (one cell away on
  // the grid, within the block) has offset(j) - offset(i) == shift.
  struct Transfer {
    Point shift{};
    std::uint64_t instances = 0;  // instances served by a neighbour
    Histogram rest;               // multicast groups of the others
    bool chosen = false;          // fewer parent accesses than without transfers
    std::uint64_t weight = 0;     // sum over the calls it applies to: delta size x weight
  };

  Transfer transfer(int master, int rank, bool no_multicast, std::uint64_t groups_all, const Point& shift) {
    Transfer t;
    t.shift = shift;
    const std::uint64_t h_size = m_shape->grid_width(master);
    const std::uint64_t v_size = m_shape->grid_height(master);
    const std::uint64_t n = m_key.size();
    // Offsets differ by less than their extent along each axis, where keys differ exactly when
    // offsets do.
    std::int64_t want = 0;
    for (int r = 0; r < rank; ++r) {
      if (shift[u(r)] >= m_extent[u(r)] || -shift[u(r)] >= m_extent[u(r)]) return t;
      want += shift[u(r)] * m_radix[u(r)];
    }
    m_used.assign(n, 0);
    auto match = [&](std::uint64_t cur, std::uint64_t nb) { return nb < n && m_key[nb] - m_key[cur] == want; };
    for (std::uint64_t c = 0; c < n; ++c) {
      const std::uint64_t h = c % h_size, v = c / h_size;
      const bool hit = (v > 0 && match(c, c - h_size)) || (v + 1 < v_size && match(c, c + h_size)) ||
                       (h > 0 && match(c, c - 1)) || (h + 1 < h_size && match(c, c + 1));
      if (hit) {
        m_used[c] = 1;
        ++t.instances;
      }
    }
    if (t.instances > 0) {
      t.rest = group_sizes(true, no_multicast);
      t.chosen = t.rest.groups < groups_all;
    }
    return t;
  }

  std::vector<Transfer> m_transfers;

  // The keys of the offsets of data space p's deltas across the block of loops inner..master (an
  // instance's index has the block's loops as digits, the innermost least significant; its offset
  // is linear in them). A key is the offset from the lowest corner in a mixed radix of twice the
  // extent along each axis, so that keys, and differences of keys within the extents, are equal
  // exactly when the offsets or their differences are.
  // False when the keys would not fit in 62 bits (then the nest is left to the walk).
  bool block_keys(int inner, int master, std::size_t p) {
    constexpr std::int64_t k_limit = std::int64_t{1} << 62;
    const int rank = m_proj->rank(p);
    const int loops = master - inner + 1;
    m_unit.resize(u(loops));
    Point lo{}, hi{};
    for (int k = 0; k < loops; ++k) {
      const Loop& lp = m_shape->loop(inner + k);
      m_unit[u(k)] = m_proj->along(lp.dim, m_shape->stride(inner + k), p);
      for (int r = 0; r < rank; ++r) {
        std::int64_t reach = 0;
        Point& side = m_unit[u(k)][u(r)] < 0 ? lo : hi;
        if (__builtin_mul_overflow(m_unit[u(k)][u(r)], lp.end - 1, &reach) ||
            __builtin_add_overflow(side[u(r)], reach, &side[u(r)]) || side[u(r)] > k_limit || side[u(r)] < -k_limit) {
          return false;
        }
      }
    }
    std::int64_t radix = 1, top = 0;
    for (int r = 0; r < rank; ++r) {
      m_extent[u(r)] = hi[u(r)] - lo[u(r)] + 1;
      m_radix[u(r)] = radix;
      top += (m_extent[u(r)] - 1) * radix;
      if (__builtin_mul_overflow(radix, 2 * m_extent[u(r)] - 1, &radix) || radix > k_limit) return false;
    }
    m_key_cells = static_cast<std::uint64_t>(top) + 1;
    // Key steps: one digit up, and a digit up with those below it rolled over.
    m_step.resize(u(loops));
    m_carry.resize(u(loops));
    for (int k = 0; k < loops; ++k) {
      std::int64_t step = 0;
      for (int r = 0; r < rank; ++r) step += m_unit[u(k)][u(r)] * m_radix[u(r)];
      m_step[u(k)] = step;
    }
    std::int64_t rolled = 0;
    for (int k = 0; k < loops; ++k) {
      rolled += m_step[u(k)] * (m_shape->loop(inner + k).end - 1);
      m_carry[u(k)] = (k + 1 < loops ? m_step[u(k + 1)] : 0) - rolled;
    }
    const std::uint64_t n = m_shape->fanout[u(master)];
    m_key.resize(n);
    m_digit.assign(u(loops), 0);
    std::int64_t key = 0;
    for (int r = 0; r < rank; ++r) key -= lo[u(r)] * m_radix[u(r)];
    for (std::uint64_t i = 0; i < n; ++i) {
      m_key[i] = key;
      int k = 0;
      while (k < loops && ++m_digit[u(k)] == m_shape->loop(inner + k).end) m_digit[u(k++)] = 0;
      key += k == 0 ? m_step[0] : m_carry[u(k - 1)];
    }
    return true;
  }

  // Multicast and neighbour transfers of the block whose master is `master`, for data space p:
  // every call's delta reaches each instance translated by the instance's offset (linear in its
  // spatial indices); equal deltas form one multicast, and a delta a grid neighbour held in the
  // previous call is taken from it when that saves parent accesses.
  bool spatial_block(int master, std::size_t p, LoopTile& tile) {
    int inner = master;
    while (inner > 0 && m_shape->spatial(inner - 1)) --inner;
    const int child = inner - 1;  // a storage level's outermost loop, or -1: the arithmetic
    const int rank = m_proj->rank(p);
    const std::size_t s = m_shape->storage_level[u(master)];
    const bool no_multicast = m_shape->nest().switches(m_shape->nest().no_multicast, s)[p];
    const auto ignore = m_shape->nest().switches(m_shape->nest().no_link_transfer, s);
    // A level that ignores every data space never remembers its deltas.
    const bool links = !ignore[p] && !std::all_of(ignore.begin(), ignore.end(), [](bool b) { return b; });

    if (!block_keys(inner, master, p)) return false;
    m_pool.clear();
    const Histogram all = group_sizes(false, no_multicast);

    const std::size_t first_bit = first_bit_above(child);
    build_automaton(child, p, first_bit);
    const DeltaAutomaton& a = m_auto;
    std::uint64_t weight_all = a.size[0];  // the first call: no previous deltas
    std::vector<Transfer>& transfers = m_transfers;
    transfers.clear();
    if (links) {
      const int s_count = a.states();
      // [before * states + after]: 0 unknown, 1 not equal, 2 equal moved by relation[...]
      std::vector<char>& known = m_known;
      std::vector<Point>& relation = m_relation;
      known.assign(u(s_count) * u(s_count), 0);
      relation.resize(u(s_count) * u(s_count));
      for_each_event(first_bit, [&](int state, int bit, std::uint64_t weight) {
        const Event e{state, bit, weight};
        const int after = a.next(e.state, e.bit);
        const std::uint64_t size = a.size[u(after)];
        const std::uint64_t w = size * e.weight;
        if (size == 0) return;
        const std::size_t pair = u(e.state) * u(s_count) + u(after);
        if (a.size[u(e.state)] == size && known[pair] == 0) {
          // The current delta equals the previous one moved by `shift` (relative to their calls'
          // positions), or no shift makes them equal.
          const BoxSet before_set = shape_set(a, e.state);
          const BoxSet after_set = shape_set(a, after);
          const Point lo_after = lowest_corner(after_set), lo_before = lowest_corner(before_set);
          Point shift{};
          for (int r = 0; r < rank; ++r) shift[u(r)] = lo_after[u(r)] - lo_before[u(r)];
          known[pair] = after_set.same_as_shifted(before_set, shift) ? 2 : 1;
          relation[pair] = shift;
        }
        if (a.size[u(e.state)] != size || known[pair] != 2) {
          weight_all += w;
          return;
        }
        // The calls are a step apart.
        Point shift = relation[pair];
        const Point& step = a.step(e.bit);
        for (int r = 0; r < rank; ++r) shift[u(r)] += step[u(r)];
        auto it = std::find_if(transfers.begin(), transfers.end(),
                               [&](const Transfer& t) { return same_point(t.shift, shift, rank); });
        if (it == transfers.end()) {
          transfers.push_back(transfer(master, rank, no_multicast, all.groups, shift));
          it = transfers.end() - 1;
        }
        (it->chosen ? it->weight : weight_all) += w;
      });
    } else {
      for_each_event(first_bit, [&](int state, int bit, std::uint64_t weight) {
        weight_all += a.size[u(a.next(state, bit))] * weight;
      });
    }
    auto add = [&](const Histogram& h, std::uint64_t weight) {
      if (weight == 0) return;
      for (std::size_t i = h.begin; i < h.end; ++i) {
        tile.accesses.add(m_pool[i].first, static_cast<double>(m_pool[i].second * weight));
      }
    };
    add(all, weight_all);
    for (const Transfer& t : transfers) {
      add(t.rest, t.weight);
      tile.link_transfers += t.instances * t.weight;
    }
    return true;
  }
};

}  // namespace

bool closed_form_applies(const NestShape& shape) {
  if (shape.imperfect) return false;
  for (int l = 0; l < shape.num_loops(); ++l) {
    if (!shape.spatial(l)) continue;
    if (shape.boundary[u(l)]) return false;
    const bool innermost_of_block = l == 0 || !shape.spatial(l - 1);
    if (innermost_of_block && l > 0 && !shape.boundary[u(l - 1)]) return false;
  }
  return true;
}

std::optional<NestAnalysis> analyze_closed_form(const NestShape& shape, const Projection& projection) {
  thread_local ClosedForm closed_form;
  return closed_form.run(shape, projection);
}

}  // namespace claimcheck::timeloop
