#include <gtest/gtest.h>

#include <vector>

#include "DetectionContext.h"

// How the detector reads a value over the rest and peak plateaus (ContractionSummary): a
// median that leans to neither side, over at most nine frames of a plateau that always
// include the frame a single reading would take.
namespace ft::detection {
namespace {

TEST(PlateauReading, AnEvenCountsMedianIsTheMeanOfItsTwoMiddleValues) {
  EXPECT_DOUBLE_EQ(balanced_median({0.4, 1.0, 0.6, 0.9}), 0.75);
  EXPECT_DOUBLE_EQ(balanced_median({0.5, 0.1, 0.9}), 0.5);
  EXPECT_DOUBLE_EQ(balanced_median({0.3}), 0.3);
  EXPECT_DOUBLE_EQ(balanced_median({}), 0.0);
}

TEST(PlateauReading, ALongPlateauIsReadAtNineFramesSpreadOverItWithItsExtreme) {
  std::vector<int> rest;
  for (int k = 0; k < 40; ++k) rest.push_back(k < 20 ? k : k + 100);  // relaxed before and after
  const std::vector<int> read = spread_over_plateau(rest, 7, 9);
  EXPECT_EQ(read, (std::vector<int>{0, 4, 7, 14, 19, 124, 129, 134, 139})) << "7 in place of 9, its nearest";
  EXPECT_EQ(spread_over_plateau(rest, 0, 9), (std::vector<int>{0, 4, 9, 14, 19, 124, 129, 134, 139}));
  EXPECT_EQ(spread_over_plateau({3, 4, 5}, 4, 9), (std::vector<int>{3, 4, 5})) << "a short one whole";
  EXPECT_EQ(spread_over_plateau({}, 6, 9), (std::vector<int>{6})) << "none: the one frame";
}

}  // namespace
}  // namespace ft::detection
