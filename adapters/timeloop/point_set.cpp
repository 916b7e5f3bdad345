#include "adapters/timeloop/point_set.hpp"

#include <cmath>
#include <utility>

namespace claimcheck::timeloop {
namespace {

std::uint64_t box_size(const Box& b, int rank) {
  std::uint64_t s = 1;
  for (int r = 0; r < rank; ++r) {
    const std::int64_t e = b.hi[r] - b.lo[r];
    if (e <= 0) return 0;
    s *= static_cast<std::uint64_t>(e);
  }
  return s;
}

bool box_equal(const Box& a, const Box& b, int rank) {
  for (int r = 0; r < rank; ++r) {
    if (a.lo[r] != b.lo[r] || a.hi[r] != b.hi[r]) return false;
  }
  return true;
}

// a minus b as slices of a, appended to `out`.
void box_minus(const Box& a, const Box& b, int rank, BoxList& out) {
  for (int r = 0; r < rank; ++r) {
    if (a.hi[r] <= b.lo[r] || b.hi[r] <= a.lo[r]) {
      out.push_back(a);
      return;
    }
  }
  Box middle = a;
  for (int r = 0; r < rank; ++r) {
    if (middle.lo[r] < b.lo[r]) {
      Box left = middle;
      left.hi[r] = b.lo[r];
      out.push_back(left);
      middle.lo[r] = b.lo[r];
    }
    if (b.hi[r] < middle.hi[r]) {
      Box right = middle;
      right.lo[r] = b.hi[r];
      out.push_back(right);
      middle.hi[r] = b.hi[r];
    }
  }
}

}  // namespace

BoxSet::BoxSet(int rank, const Box& box) : m_rank(rank) {
  if (box_size(box, rank) > 0) m_boxes.push_back(box);
}

std::uint64_t BoxSet::size() const {
  std::uint64_t s = 0;
  for (const auto& b : m_boxes) s += box_size(b, m_rank);
  return s;
}

void BoxSet::subtract(const BoxSet& other) {
  BoxList next;
  for (const auto& b : other.m_boxes) {
    next.clear();
    for (const auto& a : m_boxes) box_minus(a, b, m_rank, next);
    std::swap(m_boxes, next);
  }
}

void BoxSet::translate(const Point& by) {
  for (auto& b : m_boxes) {
    for (int r = 0; r < m_rank; ++r) {
      b.lo[r] += by[r];
      b.hi[r] += by[r];
    }
  }
}

Point BoxSet::translation_to(const BoxSet& to) const {
  Point out{};
  if (m_boxes.size() == 1 && to.m_boxes.size() == 1) {
    // Two boxes of the same shape: the centroids differ by exactly the corner difference.
    const Box& a = m_boxes.front();
    const Box& b = to.m_boxes.front();
    bool same_shape = true;
    for (int r = 0; r < m_rank && same_shape; ++r) same_shape = (a.hi[r] - a.lo[r]) == (b.hi[r] - b.lo[r]);
    if (same_shape) {
      for (int r = 0; r < m_rank; ++r) out[r] = b.lo[r] - a.lo[r];
      return out;
    }
  }
  auto centroid = [&](const BoxSet& s, std::array<double, k_max_rank>& c) {
    c.fill(0.0);
    std::uint64_t total = 0;
    for (const auto& b : s.m_boxes) {
      const std::uint64_t sz = box_size(b, m_rank);
      for (int r = 0; r < m_rank; ++r) {
        c[r] += (static_cast<double>(b.lo[r]) + static_cast<double>(b.hi[r] - 1 - b.lo[r]) / 2) * static_cast<double>(sz);
      }
      total += sz;
    }
    if (total != 0) {
      for (int r = 0; r < m_rank; ++r) c[r] /= static_cast<double>(total);
    }
    return total;
  };
  std::array<double, k_max_rank> a{}, b{};
  const auto ta = centroid(*this, a);
  const auto tb = centroid(to, b);
  if (ta > 0 && tb > 0) {
    for (int r = 0; r < m_rank; ++r) out[r] = static_cast<std::int64_t>(std::round(b[r] - a[r]));
  }
  return out;
}

bool BoxSet::same_as_shifted(const BoxSet& other, const Point& shift) const {
  if (m_boxes.size() != other.m_boxes.size()) return false;
  for (const auto& a : m_boxes) {
    bool found = false;
    for (const auto& b : other.m_boxes) {
      bool eq = true;
      for (int r = 0; r < m_rank && eq; ++r) eq = a.lo[r] == b.lo[r] + shift[r] && a.hi[r] == b.hi[r] + shift[r];
      if (eq) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

std::uint64_t BoxSet::hash() const {
  std::uint64_t total = m_boxes.size();
  for (const auto& b : m_boxes) {
    std::uint64_t h = 1469598103934665603ull;
    for (int r = 0; r < m_rank; ++r) {
      h = (h ^ static_cast<std::uint64_t>(b.lo[r])) * 1099511628211ull;
      h = (h ^ static_cast<std::uint64_t>(b.hi[r])) * 1099511628211ull;
    }
    total += h;  // order-independent
  }
  return total;
}

bool BoxSet::same_as(const BoxSet& other) const {
  if (m_boxes.size() != other.m_boxes.size()) return false;
  for (const auto& a : m_boxes) {
    bool found = false;
    for (const auto& b : other.m_boxes) {
      if (box_equal(a, b, m_rank)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace claimcheck::timeloop
