#include "adapters/timeloop/nest_closed_form.hpp"

#include <algorithm>
#include <optional>

namespace claimcheck::timeloop {
namespace {

std::size_t u(int i) { return static_cast<std::size_t>(i); }

std::uint64_t box_points(const Box& b, int rank) {
  std::uint64_t n = 1;
  for (int r = 0; r < rank; ++r) n *= static_cast<std::uint64_t>(std::max<std::int64_t>(0, b.hi[r] - b.lo[r]));
  return n;
}

// Group size -> number of groups of that size, by group size.
using Histogram = std::vector<std::pair<std::uint64_t, std::uint64_t>>;

std::uint64_t groups_in(const Histogram& h) {
  std::uint64_t n = 0;
  for (const auto& [size, count] : h) n += count;
  return n;
}

// The calls of one level's delta, for one data space. Call t (t >= 1) follows call t - 1 by
// setting bit j = ctz(t) and clearing the bits below it, so it moves the level by
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

// The temporal loops above a level that run more than once, innermost first.
struct Bits {
  std::vector<int> level;                // per bit: loop level
  std::vector<std::uint64_t> multiplier; // per bit: iterations the second call stands for (end - 1)
};

class ClosedForm {
 public:
  ClosedForm(const NestShape& shape, const Projection& projection) : m_shape(shape), m_proj(projection) {}

  NestAnalysis run() {
    NestAnalysis out;
    const int n = m_shape.num_loops();
    const std::size_t num_ds = m_shape.num_ds;
    out.imperfect = false;
    if (n == 0) return out;
    std::uint64_t iterations = 1;
    for (int l = 0; l < n; ++l) {
      if (!m_shape.spatial(l)) iterations *= static_cast<std::uint64_t>(m_shape.loop(l).end);
    }
    out.max_temporal_iterations = iterations;
    out.tiles.assign(num_ds, {});
    for (int l = 0; l < n; ++l) {
      if (m_shape.spatial(l) && !m_shape.master[u(l)]) continue;
      const bool track_size = m_shape.boundary[u(l)] || m_shape.master[u(l)];
      for (std::size_t p = 0; p < num_ds; ++p) {
        LoopTile t;
        if (track_size) t.size = box_points(m_shape.mold[u(l) * num_ds + p], m_proj.rank(p));
        t.replication_factor = m_shape.num_spatial_elems[u(l)];
        t.fanout = m_shape.fanout[u(l)];
        t.is_boundary = m_shape.boundary[u(l)];
        t.is_master_spatial = m_shape.master[u(l)];
        if (l == 0 && !m_shape.spatial(0)) {
          t.accesses[1] = static_cast<double>(iterations);
        } else if (!m_shape.spatial(l) && m_shape.boundary[u(l - 1)]) {
          t.accesses[1] = static_cast<double>(temporal_total(l - 1, p));
        } else if (m_shape.master[u(l)]) {
          spatial_block(l, p, t);
        }
        out.tiles[p].push_back(std::move(t));
      }
    }
    // Every call of the innermost level computes its iterations; a spatial innermost block's
    // instances each compute once per call. Both total the temporal iterations.
    out.compute_accesses = static_cast<double>(iterations);
    const int first = m_shape.spatial(0) ? outermost_of_block(0) : 0;
    out.compute_replication = m_shape.num_spatial_elems[u(first)] * m_shape.fanout[u(first)];
    return out;
  }

 private:
  const NestShape& m_shape;
  const Projection& m_proj;
  // Scratch reused across automata.
  std::vector<int> m_end;                 // [k * states + state]: state after 2^k - 1 calls
  std::vector<std::uint64_t> m_weight;    // [k * states + state]: weight of runs of 2^k - 1 calls
  std::vector<std::uint64_t> m_event;     // [state * bits + bit]

  int outermost_of_block(int level) const {
    while (!m_shape.master[u(level)]) ++level;
    return level;
  }

  // The temporal loops above `level` (level -1: above nothing) with more than one iteration.
  Bits bits_above(int level) const {
    Bits b;
    for (int a = level + 1; a < m_shape.num_loops(); ++a) {
      if (m_shape.spatial(a) || m_shape.loop(a).end < 2) continue;
      b.level.push_back(a);
      b.multiplier.push_back(static_cast<std::uint64_t>(m_shape.loop(a).end - 1));
    }
    return b;
  }

  // The automaton of data space p's deltas at `level` (level -1: the arithmetic's operands, a
  // point per call, never subtracted) along `bits`.
  DeltaAutomaton automaton(int level, std::size_t p, const Bits& bits) const {
    DeltaAutomaton a;
    a.rank = m_proj.rank(p);
    if (level < 0) {
      a.no_reuse = true;
      for (int r = 0; r < a.rank; ++r) a.mold.hi[r] = 1;
    } else {
      a.no_reuse = m_shape.nest.no_temporal_reuse[m_shape.storage_level[u(level)]][p];
      a.mold = m_shape.mold[u(level) * m_shape.num_ds + p];
    }
    const std::uint64_t whole = box_points(a.mold, a.rank);
    a.size.push_back(whole);
    Point below{};  // sum of the strides of the bits below
    for (std::size_t j = 0; j < bits.level.size(); ++j) {
      const Loop& l = m_shape.loop(bits.level[j]);
      const Point stride = m_proj.along(l.dim, m_shape.vector_strides[u(bits.level[j])][u(l.dim)], p);
      Point step{};
      for (int r = 0; r < a.rank; ++r) step[u(r)] = stride[u(r)] - below[u(r)];
      for (int r = 0; r < a.rank; ++r) below[u(r)] += stride[u(r)];
      int c = 0;
      while (c < static_cast<int>(a.class_step.size()) && a.class_step[u(c)] != step) ++c;
      if (c == static_cast<int>(a.class_step.size())) {
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
    return a;
  }

  // The transitions of all calls after the first, grouped by (state before, bit), with the total
  // weight of the calls each stands for. The calls after the first are R(K) from state 0, where
  // R(k) = R(k - 1), bit k - 1, R(k - 1) with the second half weighted by multiplier(k - 1).
  std::vector<Event> events(const DeltaAutomaton& a, const Bits& bits) {
    const int k_bits = static_cast<int>(bits.level.size());
    const int s_count = a.states();
    const auto at = [s_count](int k, int s) { return u(k) * u(s_count) + u(s); };
    m_end.assign(u(k_bits + 1) * u(s_count), 0);
    for (int s = 0; s < s_count; ++s) m_end[at(0, s)] = s;
    for (int k = 1; k <= k_bits; ++k) {
      for (int s = 0; s < s_count; ++s) {
        const int mid = a.next(m_end[at(k - 1, s)], k - 1);
        m_end[at(k, s)] = m_end[at(k - 1, mid)];
      }
    }
    m_weight.assign(u(k_bits + 1) * u(s_count), 0);
    m_event.assign(u(s_count) * u(k_bits), 0);
    m_weight[at(k_bits, 0)] = 1;
    for (int k = k_bits; k >= 1; --k) {
      const std::uint64_t m = bits.multiplier[u(k - 1)];
      for (int s = 0; s < s_count; ++s) {
        const std::uint64_t w = m_weight[at(k, s)];
        if (w == 0) continue;
        const int before = m_end[at(k - 1, s)];
        m_event[u(before) * u(k_bits) + u(k - 1)] += w * m;
        m_weight[at(k - 1, s)] += w;
        m_weight[at(k - 1, a.next(before, k - 1))] += w * m;
      }
    }
    std::vector<Event> out;
    for (int s = 0; s < s_count; ++s) {
      for (int j = 0; j < k_bits; ++j) {
        const std::uint64_t w = m_event[u(s) * u(k_bits) + u(j)];
        if (w != 0) out.push_back({s, j, w});
      }
    }
    return out;
  }

  // Words the calls of `level` deliver in total (each delta times the iterations it stands for).
  std::uint64_t temporal_total(int level, std::size_t p) {
    const Bits bits = bits_above(level);
    const DeltaAutomaton a = automaton(level, p, bits);
    std::uint64_t total = a.size[0];  // the first call sends its whole working set
    for (const Event& e : events(a, bits)) total += e.weight * a.size[u(a.next(e.state, e.bit))];
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

  // Group sizes of equal offsets among the instances not marked in `skip` (none when null).
  static Histogram group_sizes(const std::vector<Point>& offsets, const std::vector<char>* skip, int rank,
                               bool no_multicast) {
    std::vector<const Point*> keyed;
    keyed.reserve(offsets.size());
    for (std::size_t i = 0; i < offsets.size(); ++i) {
      if (!skip || !(*skip)[i]) keyed.push_back(&offsets[i]);
    }
    if (no_multicast) return {{1, keyed.size()}};
    auto less = [rank](const Point* a, const Point* b) {
      for (int r = 0; r < rank; ++r) {
        if ((*a)[u(r)] != (*b)[u(r)]) return (*a)[u(r)] < (*b)[u(r)];
      }
      return false;
    };
    std::sort(keyed.begin(), keyed.end(), less);
    std::vector<std::uint64_t> runs;
    for (std::size_t a = 0; a < keyed.size();) {
      std::size_t b = a + 1;
      while (b < keyed.size() && !less(keyed[a], keyed[b])) ++b;
      runs.push_back(b - a);
      a = b;
    }
    std::sort(runs.begin(), runs.end());
    Histogram h;
    for (const std::uint64_t r : runs) {
      if (!h.empty() && h.back().first == r) {
        ++h.back().second;
      } else {
        h.emplace_back(r, 1);
      }
    }
    return h;
  }

  // What a spatial block's instances take from neighbours when the current delta equals the
  // previous call's moved by `shift`: instance i takes it when a neighbour j (one cell away on
  // the grid) has offset(j) - offset(i) == shift.
  struct Transfer {
    Point shift{};
    std::uint64_t instances = 0;  // instances served by a neighbour
    Histogram rest;               // multicast groups of the others
    bool chosen = false;          // fewer parent accesses than without transfers
    std::uint64_t weight = 0;     // sum over the calls it applies to: delta size x weight
  };

  Transfer transfer(int master, const std::vector<Point>& offsets, int rank, bool no_multicast,
                    std::uint64_t groups_all, const Point& shift) const {
    Transfer t;
    t.shift = shift;
    const std::uint64_t h_size = m_shape.grid_width(master);
    const std::uint64_t v_size = m_shape.grid_height(master);
    const std::uint64_t n = offsets.size();
    std::vector<char> used(n, 0);
    auto match = [&](std::uint64_t cur, std::uint64_t nb) {
      if (nb >= n) return false;
      for (int r = 0; r < rank; ++r) {
        if (offsets[nb][u(r)] - offsets[cur][u(r)] != shift[u(r)]) return false;
      }
      return true;
    };
    for (std::uint64_t c = 0; c < n; ++c) {
      const std::uint64_t h = c % h_size, v = c / h_size;
      const bool hit = (v > 0 && match(c, c - h_size)) || (v + 1 < v_size && match(c, c + h_size)) ||
                       (h > 0 && match(c, c - 1)) || (h + 1 < h_size && match(c, c + 1));
      if (hit) {
        used[c] = 1;
        ++t.instances;
      }
    }
    if (t.instances > 0) {
      t.rest = group_sizes(offsets, &used, rank, no_multicast);
      t.chosen = groups_in(t.rest) < groups_all;
    }
    return t;
  }

  // Multicast and neighbour transfers of the block whose master is `master`, for data space p:
  // every call's delta reaches each instance translated by the instance's offset (linear in its
  // spatial indices); equal deltas form one multicast, and a delta a grid neighbour held in the
  // previous call is taken from it when that saves parent accesses.
  void spatial_block(int master, std::size_t p, LoopTile& tile) {
    int inner = master;
    while (inner > 0 && m_shape.spatial(inner - 1)) --inner;
    const int child = inner - 1;  // a storage level's outermost loop, or -1: the arithmetic
    const int rank = m_proj.rank(p);
    const std::size_t s = m_shape.storage_level[u(master)];
    const bool no_multicast = m_shape.nest.no_multicast[s][p];
    const bool no_link = m_shape.nest.no_link_transfer[s][p];
    const auto& ignore = m_shape.nest.no_link_transfer[s];
    const bool any_link = !std::all_of(ignore.begin(), ignore.end(), [](bool b) { return b; });

    // Offsets, instance index = the block's loops as digits, the innermost least significant.
    const std::uint64_t n = m_shape.fanout[u(master)];
    std::vector<Point> offsets(n);
    {
      std::vector<std::int64_t> digit(u(master - inner + 1), 0);
      std::vector<Point> unit;
      for (int l = inner; l <= master; ++l) {
        const Loop& lp = m_shape.loop(l);
        unit.push_back(m_proj.along(lp.dim, m_shape.vector_strides[u(l)][u(lp.dim)], p));
      }
      Point cur{};
      for (std::uint64_t i = 0; i < n; ++i) {
        offsets[i] = cur;
        for (std::size_t k = 0; k < digit.size(); ++k) {
          const std::int64_t end = m_shape.loop(inner + static_cast<int>(k)).end;
          if (++digit[k] < end) {
            for (int r = 0; r < rank; ++r) cur[u(r)] += unit[k][u(r)];
            break;
          }
          digit[k] = 0;
          for (int r = 0; r < rank; ++r) cur[u(r)] -= unit[k][u(r)] * (end - 1);
        }
      }
    }
    const Histogram all = group_sizes(offsets, nullptr, rank, no_multicast);
    const std::uint64_t groups_all = groups_in(all);

    const Bits bits = bits_above(child);
    const DeltaAutomaton a = automaton(child, p, bits);
    std::uint64_t weight_all = a.size[0];  // the first call: no previous deltas
    std::vector<Transfer> transfers;
    std::vector<std::optional<std::optional<Point>>> relation;  // [before * states + after]
    const int s_count = a.states();
    relation.resize(u(s_count) * u(s_count));
    std::vector<std::optional<BoxSet>> sets(u(s_count));
    auto set_of = [&](int shape) -> const BoxSet& {
      if (!sets[u(shape)]) sets[u(shape)] = shape_set(a, shape);
      return *sets[u(shape)];
    };
    for (const Event& e : events(a, bits)) {
      const int after = a.next(e.state, e.bit);
      const std::uint64_t size = a.size[u(after)];
      if (size == 0) continue;
      const std::uint64_t w = size * e.weight;
      if (!any_link || no_link || a.size[u(e.state)] != size) {
        weight_all += w;
        continue;
      }
      // The current delta equals the previous one moved by `rel` (relative to their calls'
      // positions), which are a step apart.
      auto& rel = relation[u(e.state) * u(s_count) + u(after)];
      if (!rel) {
        const BoxSet& before_set = set_of(e.state);
        const BoxSet& after_set = set_of(after);
        const Point lo_after = lowest_corner(after_set), lo_before = lowest_corner(before_set);
        Point shift{};
        for (int r = 0; r < rank; ++r) shift[u(r)] = lo_after[u(r)] - lo_before[u(r)];
        rel = after_set.same_as_shifted(before_set, shift) ? std::optional<Point>(shift) : std::nullopt;
      }
      if (!*rel) {
        weight_all += w;
        continue;
      }
      Point shift = **rel;
      const Point& step = a.step(e.bit);
      for (int r = 0; r < rank; ++r) shift[u(r)] += step[u(r)];
      auto it = std::find_if(transfers.begin(), transfers.end(), [&](const Transfer& t) { return t.shift == shift; });
      if (it == transfers.end()) {
        transfers.push_back(transfer(master, offsets, rank, no_multicast, groups_all, shift));
        it = transfers.end() - 1;
      }
      if (it->chosen) {
        it->weight += w;
      } else {
        weight_all += w;
      }
    }
    auto add = [&](const Histogram& h, std::uint64_t weight) {
      if (weight == 0) return;
      for (const auto& [group, count] : h) tile.accesses[group] += static_cast<double>(count * weight);
    };
    add(all, weight_all);
    for (const Transfer& t : transfers) {
      add(t.rest, t.weight);
      tile.link_transfers += t.instances * t.weight;
    }
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

NestAnalysis analyze_closed_form(const NestShape& shape, const Projection& projection) {
  return ClosedForm(shape, projection).run();
}

}  // namespace claimcheck::timeloop
