#pragma once
// Sets of points in a data space, as unions of disjoint axis-aligned boxes (the representation
// Timeloop v3.0.3 uses for working sets and their deltas).

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace claimcheck::timeloop {

constexpr int k_max_rank = 8;  // data-space ranks supported

using Point = std::array<std::int64_t, k_max_rank>;

// [lo, hi) along each of the first `rank` axes.
struct Box {
  Point lo{};
  Point hi{};
};

// A short list of boxes kept inline (most sets hold one or two), spilling to the heap beyond.
class BoxList {
 public:
  static constexpr std::size_t k_inline = 2;
  std::size_t size() const { return m_size; }
  bool empty() const { return m_size == 0; }
  const Box* begin() const { return m_size <= k_inline ? m_inline.data() : m_heap.data(); }
  const Box* end() const { return begin() + m_size; }
  Box* begin() { return m_size <= k_inline ? m_inline.data() : m_heap.data(); }
  Box* end() { return begin() + m_size; }
  const Box& front() const { return *begin(); }
  void clear() {
    m_size = 0;
    m_heap.clear();
  }
  void push_back(const Box& b) {
    if (m_size < k_inline) {
      m_inline[m_size++] = b;
      return;
    }
    if (m_size == k_inline) m_heap.assign(m_inline.begin(), m_inline.end());
    m_heap.push_back(b);
    ++m_size;
  }

 private:
  std::size_t m_size = 0;
  std::array<Box, k_inline> m_inline{};
  std::vector<Box> m_heap;  // all boxes once there are more than k_inline
};

class BoxSet {
 public:
  BoxSet() = default;
  explicit BoxSet(int rank) : m_rank(rank) {}
  BoxSet(int rank, const Box& box);  // one box (dropped when empty)

  int rank() const { return m_rank; }
  std::uint64_t size() const;
  bool empty() const { return size() == 0; }
  const BoxList& boxes() const { return m_boxes; }

  // Removes every point of `other` (box by box, splitting boxes into slices).
  void subtract(const BoxSet& other);
  void translate(const Point& by);
  // The rounded difference of the size-weighted centroids (to - this); zero when either is empty.
  Point translation_to(const BoxSet& to) const;
  // Same boxes (in any order).
  bool same_as(const BoxSet& other) const;
  // This set equals `other` translated by `shift`.
  bool same_as_shifted(const BoxSet& other, const Point& shift) const;
  // A hash equal for sets that are same_as() each other.
  std::uint64_t hash() const;

 private:
  int m_rank = 0;
  BoxList m_boxes;
};

}  // namespace claimcheck::timeloop
