// The cubic B-spline sampling the sub-pixel steps use (SplineSampling.h), checked
// against ITK's own B-spline interpolation of the same image and against what a
// cubic spline must do: pass through the samples and reproduce a cubic polynomial.
#include <gtest/gtest.h>

#include <itkBSplineInterpolateImageFunction.h>
#include <itkImage.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "ft/core/Random.h"
#include "ft/gpu/SplineSampling.h"

namespace ft::gpu {
namespace {

// The spline's value at (x, y) from its coefficients (as refine_step samples it).
float sample(const std::vector<float>& spline, int width, double x, double y) {
  const int ix = int(std::floor(x)), iy = int(std::floor(y));
  float wx[4], wy[4];
  bspline_weights(float(x - ix), wx);
  bspline_weights(float(y - iy), wy);
  float v = 0;
  for (int j = 0; j < 4; ++j)
    for (int i = 0; i < 4; ++i) v += wy[j] * wx[i] * spline[std::size_t(iy - 1 + j) * width + std::size_t(ix - 1 + i)];
  return v;
}

std::vector<float> speckle(int width, int height) {
  Random r(5);
  std::vector<float> image(std::size_t(width) * height);
  for (float& v : image) v = float(r.uniform(0, 255));
  return image;
}

std::vector<float> coefficients_of(std::vector<float> image, int width, int height) {
  spline_coefficients(image.data(), width, height);
  return image;
}

}  // namespace

TEST(SplineSampling, WeightsSumToOneAndMatchTheCubicBSpline) {
  for (float f : {0.0f, 0.2f, 0.5f, 0.93f}) {
    float w[4];
    bspline_weights(f, w);
    EXPECT_NEAR(w[0] + w[1] + w[2] + w[3], 1.0f, 1e-6f) << f;
  }
  float w[4];
  bspline_weights(0.0f, w);  // at a knot: 1/6, 4/6, 1/6, 0
  EXPECT_NEAR(w[0], 1.0f / 6, 1e-7f);
  EXPECT_NEAR(w[1], 4.0f / 6, 1e-7f);
  EXPECT_NEAR(w[2], 1.0f / 6, 1e-7f);
  EXPECT_EQ(w[3], 0.0f);
}

TEST(SplineSampling, TheInterpolantPassesThroughEverySample) {
  for (auto [width, height] : {std::pair{64, 48}, std::pair{9, 7}, std::pair{2, 13}}) {
    const std::vector<float> image = speckle(width, height);
    const std::vector<float> c = coefficients_of(image, width, height);
    // At a knot, (c[k-1] + 4 c[k] + c[k+1]) / 6 along each axis; the mirror rule at the
    // ends (c[-1] = c[1], c[n] = c[n-2]).
    auto mirrored = [](int k, int n) { return k < 0 ? -k : (k >= n ? 2 * n - 2 - k : k); };
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) {
        double v = 0;
        for (int j = -1; j <= 1; ++j)
          for (int i = -1; i <= 1; ++i)
            v += (i ? 1.0 : 4.0) * (j ? 1.0 : 4.0) / 36.0 *
                 c[std::size_t(mirrored(y + j, height)) * width + std::size_t(mirrored(x + i, width))];
        ASSERT_NEAR(v, image[std::size_t(y) * width + x], 2e-3) << width << "x" << height << " at " << x << ", " << y;
      }
  }
}

namespace {
// A 40 x 30 image of a cubic polynomial, which a cubic spline reproduces away from the ends.
constexpr int kCubicWidth = 40, kCubicHeight = 30;
double cubic(double x, double y) { return 0.002 * x * x * x - 0.05 * x * y + 0.01 * y * y + 3.0; }
std::vector<float> cubic_image() {
  std::vector<float> image(std::size_t(kCubicWidth) * kCubicHeight);
  for (int y = 0; y < kCubicHeight; ++y)
    for (int x = 0; x < kCubicWidth; ++x) image[std::size_t(y) * kCubicWidth + x] = float(cubic(x, y));
  return image;
}
}  // namespace

TEST(SplineSampling, ACubicPolynomialIsReproducedBetweenTheSamples) {
  const int width = kCubicWidth, height = kCubicHeight;
  const std::vector<float> c = coefficients_of(cubic_image(), width, height);
  // Away from the ends, where the mirror rule bends the polynomial.
  for (double y = 12.0; y < 18.0; y += 0.37)
    for (double x = 15.0; x < 25.0; x += 0.29) EXPECT_NEAR(sample(c, width, x, y), cubic(x, y), 2e-3) << x << ", " << y;
}

// The spline's derivative at a knot (spline_derivative, on the coefficients) is the cubic's
// own derivative, away from the ends.
TEST(SplineSampling, TheDerivativeAtAKnotIsTheCubicsDerivative) {
  const int width = kCubicWidth, height = kCubicHeight;
  const std::vector<float> c = coefficients_of(cubic_image(), width, height);
  const auto at = [&](int x, int y) { return c[std::size_t(y) * width + std::size_t(x)]; };
  for (int y = 12; y < 18; ++y)
    for (int x = 15; x < 25; ++x) {
      const float along_x = spline_derivative(at(x + 1, y - 1) - at(x - 1, y - 1), at(x + 1, y) - at(x - 1, y),
                                              at(x + 1, y + 1) - at(x - 1, y + 1));
      const float along_y = spline_derivative(at(x - 1, y + 1) - at(x - 1, y - 1), at(x, y + 1) - at(x, y - 1),
                                              at(x + 1, y + 1) - at(x + 1, y - 1));
      EXPECT_NEAR(along_x, 0.006 * x * x - 0.05 * y, 2e-3) << x << ", " << y;
      EXPECT_NEAR(along_y, -0.05 * x + 0.02 * y, 2e-3) << x << ", " << y;
    }
}

// For a wave of w rad/px the spline's derivative at a knot is the central difference times
// 3 / (2 + cos w): the gain the steps on the spline scale their Hessian by, read per axis
// (a different wave along each, so that a swapped axis would show).
TEST(SplineSampling, TheGradientGainOfAWaveIsThreeOverTwoPlusItsCosine) {
  const int width = 256, height = 200;
  const double wx = 1.2, wy = 0.6;
  std::vector<float> image(std::size_t(width) * height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) image[std::size_t(y) * width + x] = float(100.0 + 20.0 * std::sin(wx * x + 0.3) + 15.0 * std::sin(wy * y + 0.7));
  const std::vector<float> c = coefficients_of(image, width, height);
  const SplineGain gain = spline_gain(image.data(), c.data(), width, height);
  EXPECT_NEAR(gain.x, 3.0 / (2.0 + std::cos(wx)), 0.01);  // 1.270
  EXPECT_NEAR(gain.y, 3.0 / (2.0 + std::cos(wy)), 0.01);  // 1.062
  // The per-pixel terms, as the device sums them, give the same ratio.
  double sums[4] = {0, 0, 0, 0};
  for (int y = 1; y + 1 < height; ++y)
    for (int x = 1; x + 1 < width; ++x) {
      float terms[4];
      spline_gain_terms(image.data(), c.data(), width, x, y, terms);
      for (int k = 0; k < 4; ++k) sums[k] += terms[k];
    }
  const SplineGain from_terms = spline_gain_from_sums(sums[0], sums[1], sums[2], sums[3]);
  EXPECT_NEAR(from_terms.x, gain.x, 1e-4);
  EXPECT_NEAR(from_terms.y, gain.y, 1e-4);
  // No texture along an axis: no gain.
  const std::vector<float> flat(std::size_t(width) * height, 7.0f);
  const SplineGain none = spline_gain(flat.data(), flat.data(), width, height);
  EXPECT_EQ(none.x, 1.0f);
  EXPECT_EQ(none.y, 1.0f);
}

TEST(SplineSampling, SamplesAsItkBSplineInterpolation) {
  using Image = itk::Image<float, 2>;
  const int width = 57, height = 41;
  const std::vector<float> image = speckle(width, height);
  auto itk_image = Image::New();
  itk_image->SetRegions(Image::RegionType({{0, 0}}, {{std::size_t(width), std::size_t(height)}}));
  itk_image->Allocate();
  std::copy(image.begin(), image.end(), itk_image->GetBufferPointer());
  auto interpolator = itk::BSplineInterpolateImageFunction<Image, double, double>::New();
  interpolator->SetSplineOrder(3);
  interpolator->SetInputImage(itk_image);

  const std::vector<float> c = coefficients_of(image, width, height);
  Random r(9);
  for (int k = 0; k < 500; ++k) {
    // Where refine_step samples: the four taps inside the image.
    const double x = r.uniform(1.0, width - 2.001), y = r.uniform(1.0, height - 2.001);
    itk::ContinuousIndex<double, 2> at;
    at[0] = x;
    at[1] = y;
    ASSERT_NEAR(sample(c, width, x, y), interpolator->EvaluateAtContinuousIndex(at), 2e-3) << x << ", " << y;
  }
}

}  // namespace ft::gpu
