#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "DetectionContext.h"

// How a band's width is read over the turns within 20 deg of the normal (GapBands.cpp): its
// narrowest turn, or, for a noisy reading (a decorrelation band), the median of that turn and
// its two neighbours.
namespace ft::detection {
namespace {

// A band 1.6 mm wide across the normal, widening as 1 / cos of the turn, with one noisy turn.
BandWidth band_at(double turn_deg, double noisy_turn_deg, double noisy_width_mm) {
  BandWidth b;
  b.found = true;
  b.contrast = 0.5;
  b.width_mm = std::abs(turn_deg - noisy_turn_deg) < 1e-9 ? noisy_width_mm : 1.6 / std::cos(turn_deg * M_PI / 180.0);
  return b;
}

TEST(GapBands, TheNarrowestTurnAloneTakesOneNoisyReadingAndWithItsNeighboursDoesNot) {
  const auto measure = [](double normal_deg) { return band_at(normal_deg - 30.0, 5.0, 1.06); };
  EXPECT_NEAR(narrowest_band(measure, 30.0).width_mm, 1.06, 1e-9);
  EXPECT_NEAR(narrowest_band(measure, 30.0, NarrowestReading::WithItsNeighbours).width_mm, 1.6, 0.01)
      << "the median of 1.60, 1.06 and 1.66";
}

TEST(GapBands, ABandReadAtATiltIsStillReadWhereItIsNarrowest) {
  // The motion's normal 15 deg off the band's: the turn of -15 deg reads it across.
  const auto measure = [](double normal_deg) { return band_at(normal_deg - 15.0, 1e9, 0.0); };
  EXPECT_NEAR(narrowest_band(measure, 30.0).width_mm, 1.6, 1e-9);
  EXPECT_NEAR(narrowest_band(measure, 30.0, NarrowestReading::WithItsNeighbours).width_mm, 1.6 / std::cos(5.0 * M_PI / 180.0),
              1e-9);
}

TEST(GapBands, OnlyABandSeenAcrossTheNormalIsTurned) {
  std::map<double, int> asked;
  const auto measure = [&](double normal_deg) {
    ++asked[normal_deg];
    return BandWidth{};
  };
  EXPECT_FALSE(narrowest_band(measure, 30.0, NarrowestReading::WithItsNeighbours).found);
  EXPECT_EQ(asked.size(), 1u);
}

}  // namespace
}  // namespace ft::detection
