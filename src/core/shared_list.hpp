#pragma once
// A list that many holders share until one of them changes it (copy on write). The claims of one
// measurement hold the same details and evidence: thousands of claims of one model run share one
// copy instead of holding thousands.

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <utility>
#include <vector>

namespace claimcheck {

// Reads like a const std::vector<T>; the changing members (push_back, emplace_back, clear, the
// non-const operator[] and back) first make the list's items its own when they are shared. Like a
// std::vector, a list may be read from several threads, but not changed while another thread
// copies or reads a list sharing its items.
template <typename T>
class SharedList {
 public:
  using value_type = T;
  using size_type = std::size_t;
  using const_iterator = typename std::vector<T>::const_iterator;
  using iterator = const_iterator;  // items are changed through the members below only

  SharedList() = default;
  SharedList(std::initializer_list<T> items) : SharedList(std::vector<T>(items)) {}
  SharedList(std::vector<T> items)  // NOLINT(google-explicit-constructor): a list is its items
      : m_items(items.empty() ? nullptr : std::make_shared<std::vector<T>>(std::move(items))) {}

  const std::vector<T>& items() const { return m_items ? *m_items : empty_items(); }
  const_iterator begin() const { return items().begin(); }
  const_iterator end() const { return items().end(); }
  size_type size() const { return items().size(); }
  bool empty() const { return items().empty(); }
  const T& operator[](size_type i) const { return items()[i]; }
  const T& front() const { return items().front(); }
  const T& back() const { return items().back(); }

  T& operator[](size_type i) { return own()[i]; }
  T& back() { return own().back(); }
  void push_back(T item) { own().push_back(std::move(item)); }
  template <typename... Args>
  T& emplace_back(Args&&... args) {
    return own().emplace_back(std::forward<Args>(args)...);
  }
  void reserve(size_type n) { own().reserve(n); }
  void clear() { m_items.reset(); }

  // Whether the two hold the very same items (equal without comparing them).
  bool shares_items_with(const SharedList& other) const { return m_items == other.m_items; }

  friend bool operator==(const SharedList& a, const SharedList& b) {
    return a.m_items == b.m_items || a.items() == b.items();
  }
  friend bool operator==(const SharedList& a, const std::vector<T>& b) { return a.items() == b; }

 private:
  static const std::vector<T>& empty_items() {
    static const std::vector<T> none;
    return none;
  }
  std::vector<T>& own() {
    if (!m_items) {
      m_items = std::make_shared<std::vector<T>>();
    } else if (m_items.use_count() > 1) {
      m_items = std::make_shared<std::vector<T>>(*m_items);
    }
    return *m_items;
  }

  std::shared_ptr<std::vector<T>> m_items;  // null: no items
};

}  // namespace claimcheck
