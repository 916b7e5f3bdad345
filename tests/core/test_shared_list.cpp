#include "core/shared_list.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace claimcheck {
namespace {

TEST(SharedList, ACopySharesItsItems) {
  const SharedList<std::string> a{"x", "y"};
  const SharedList<std::string> b = a;
  EXPECT_TRUE(b.shares_items_with(a));
  EXPECT_EQ(&a[0], &b[0]);
  EXPECT_EQ(b, (std::vector<std::string>{"x", "y"}));
}

TEST(SharedList, ChangingACopyLeavesTheOthersAsTheyWere) {
  const SharedList<std::string> a{"x", "y"};
  SharedList<std::string> b = a;
  b.push_back("z");
  b[0] = "changed";
  EXPECT_FALSE(b.shares_items_with(a));
  EXPECT_EQ(a, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(b, (std::vector<std::string>{"changed", "y", "z"}));

  SharedList<std::string> c = a;
  c.back() = "last";
  EXPECT_EQ(a.back(), "y");
  EXPECT_EQ(c.back(), "last");

  SharedList<std::string> d = a;
  d.clear();
  EXPECT_TRUE(d.empty());
  EXPECT_EQ(a.size(), 2u);
}

TEST(SharedList, AListOfItsOwnIsChangedInPlace) {
  SharedList<int> a{1, 2};
  const int* first = &a[0];
  a[0] = 5;
  EXPECT_EQ(&a[0], first);  // not shared: no copy
  EXPECT_EQ(a, (std::vector<int>{5, 2}));
}

TEST(SharedList, EqualityComparesItems) {
  const SharedList<int> a{1, 2};
  const SharedList<int> b{1, 2};
  EXPECT_FALSE(a.shares_items_with(b));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, (SharedList<int>{2, 1}));
  EXPECT_EQ(SharedList<int>{}, SharedList<int>(std::vector<int>{}));
  SharedList<int> grown;
  grown.emplace_back(7);
  EXPECT_EQ(grown, (std::vector<int>{7}));
}

}  // namespace
}  // namespace claimcheck
