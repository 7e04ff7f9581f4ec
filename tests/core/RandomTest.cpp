#include <gtest/gtest.h>

#include <cmath>

#include "ft/core/Random.h"

namespace ft {

TEST(Random, SameSeedSameSequence) {
  Random a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next_u64();
    EXPECT_EQ(x, b.next_u64());
    differs |= x != c.next_u64();
  }
  EXPECT_TRUE(differs);
}

TEST(Random, NormalHasUnitVarianceAndZeroMean) {
  Random r(7);
  double sum = 0, sum2 = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double v = r.normal();
    sum += v;
    sum2 += v * v;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sum2 / n, 1.0, 0.02);
}

TEST(Random, StreamsAreIndependentOfEachOther) {
  EXPECT_NE(Random::stream(1, 2, 3).next_u64(), Random::stream(1, 2, 4).next_u64());
  EXPECT_EQ(Random::stream(1, 2, 3).next_u64(), Random::stream(1, 2, 3).next_u64());
}

}  // namespace ft
