// How far an image's texture stays alike along each axis (TextureLengths.h), on textures of
// known correlation: white noise blurred by a Gaussian of sigma s has an autocorrelation that
// falls to one half at 2 sqrt(ln 2) s = 1.67 s (a little less once the local mean is out).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "TestSupport.h"
#include "ft/core/TextureLengths.h"

namespace ft {
namespace {

// Noise blurred along x by sigma_x and along y by sigma_y (separable Gaussian), grey 128 +- 40,
// darkened with depth by `attenuation` (the share of brightness lost per row, as an
// uncorrected attenuation does).
Frame blurred_noise(int width, int height, double sigma_x, double sigma_y, unsigned seed, double attenuation = 0.0) {
  const std::vector<double> v = test::blurred_noise_field(width, height, sigma_x, sigma_y, seed);
  Frame f(width, height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      f.set_value(x, y, float((128.0 + 40.0 * v[std::size_t(y) * std::size_t(width) + std::size_t(x)]) * std::exp(-attenuation * y)));
  return f;
}

const PixelRect kWhole{0, 0, 299, 239};

// Both measured, each length of `b` within `share` of `a`'s.
void expect_alike(const TextureLengths& a, const TextureLengths& b, double share) {
  ASSERT_TRUE(a.measured() && b.measured());
  EXPECT_NEAR(b.lateral_px, a.lateral_px, share * a.lateral_px);
  EXPECT_NEAR(b.axial_px, a.axial_px, share * a.axial_px);
}

}  // namespace

TEST(TextureLengths, BlurredNoiseReadsItsCorrelationLengthAlongEachAxis) {
  const TextureLengths t = measure_texture_lengths(blurred_noise(300, 240, 3.0, 1.5, 1), kWhole);
  ASSERT_TRUE(t.measured());
  EXPECT_NEAR(t.lateral_px, 1.67 * 3.0, 0.2 * 1.67 * 3.0);
  EXPECT_NEAR(t.axial_px, 1.67 * 1.5, 0.2 * 1.67 * 1.5);
  EXPECT_NEAR(t.elongation(), 2.0, 0.4);
}

TEST(TextureLengths, ARecordedScreensLongLateralTextureReadsFarMoreElongatedThanSpeckle) {
  const TextureLengths speckle = measure_texture_lengths(blurred_noise(300, 240, 2.5, 1.2, 2), kWhole);
  const TextureLengths screen = measure_texture_lengths(blurred_noise(300, 240, 14.0, 1.8, 3), kWhole);
  ASSERT_TRUE(speckle.measured() && screen.measured());
  EXPECT_LT(speckle.elongation(), 3.0);
  EXPECT_GT(screen.elongation(), 6.0);
  EXPECT_GT(screen.lateral_px, 15.0);
}

TEST(TextureLengths, DarkeningWithDepthDoesNotCount) {
  const TextureLengths plain = measure_texture_lengths(blurred_noise(300, 240, 3.0, 1.5, 4), kWhole);
  const TextureLengths shaded = measure_texture_lengths(blurred_noise(300, 240, 3.0, 1.5, 4, 0.004), kWhole);  // 60 % darker at the bottom
  expect_alike(plain, shaded, 0.1);
}

// A bright aponeurosis across the image reads as a long lateral structure in the tiles it
// crosses (here 2 of 6): the median over the tiles stays with the tissue's texture (5 %
// longer; read as one tile, 16 %).
TEST(TextureLengths, ABrightLineAcrossTheImageDoesNotDecide) {
  const Frame plain = blurred_noise(400, 520, 3.0, 1.5, 6);
  Frame lined = plain;
  for (int y = 130; y < 142; ++y)
    for (int x = 0; x < 400; ++x) lined.set_value(x, y, 255.0f);
  const PixelRect whole{0, 0, 399, 519};
  expect_alike(measure_texture_lengths(plain, whole), measure_texture_lengths(lined, whole), 0.1);
}

// Black beside the image (a grabbed screen's margins, the corners beside a sector) is no
// texture, nor is the image's edge beside it: a box mean dragged down by the black would make
// the edge a long bright band in every tile it crosses.
TEST(TextureLengths, BlackBesideTheImageIsLeftOut) {
  const Frame plain = blurred_noise(300, 300, 3.0, 1.5, 7);
  Frame margined = plain;
  for (int y = 0; y < 300; ++y)
    for (int x : {0, 260})
      for (int i = 0; i < 40; ++i) margined.set_value(x + i, y, 0.0f);
  const PixelRect whole{0, 0, 299, 299};
  // Read with the black's edges the axial length grows by 11 %.
  expect_alike(measure_texture_lengths(plain, whole), measure_texture_lengths(margined, whole), 0.05);
}

TEST(TextureLengths, SixteenBitFramesReadAsEightBitOnes) {
  const Frame eight = blurred_noise(300, 240, 3.0, 1.5, 8);
  Frame sixteen(300, 240, PixelDepth::Bits16);
  for (int y = 0; y < 240; ++y)
    for (int x = 0; x < 300; ++x) sixteen.set_value(x, y, 1000.0f + 200.0f * eight.value(x, y));
  expect_alike(measure_texture_lengths(eight, kWhole), measure_texture_lengths(sixteen, kWhole), 0.02);
}

TEST(TextureLengths, AFlatBlackOrTinyImageIsNotMeasured) {
  Frame flat(300, 240), black(300, 240);
  for (int y = 0; y < 240; ++y)
    for (int x = 0; x < 300; ++x) flat.set_value(x, y, 90.0f);
  EXPECT_FALSE(measure_texture_lengths(flat, kWhole).measured());
  EXPECT_FALSE(measure_texture_lengths(black, kWhole).measured());
  const Frame noise = blurred_noise(300, 240, 2.0, 1.0, 5);
  EXPECT_FALSE(measure_texture_lengths(noise, PixelRect{10, 10, 160, 150}).measured());  // under a tile and a box tall
  EXPECT_TRUE(measure_texture_lengths(noise, PixelRect{10, 10, 170, 170}).measured());
}

}  // namespace ft
