#include <gtest/gtest.h>

#include <cmath>

#include "ft/core/Deformation.h"

namespace ft {

TEST(Deformation, GradientOfALinearFieldIsExact) {
  // u = A X with A = [[0.1, 0.05], [0, -0.08]] (px per px), isotropic 0.2 mm pixels.
  DisplacementField u(6, 5, 10, 20, 4);
  for (int r = 0; r < u.rows; ++r)
    for (int c = 0; c < u.columns; ++c) {
      const double x = u.x_px(c), y = u.y_px(r);
      u.dx_px[u.index(c, r)] = float(0.1 * x + 0.05 * y);
      u.dy_px[u.index(c, r)] = float(-0.08 * y);
    }
  for (auto [c, r] : {std::pair{0, 0}, std::pair{3, 2}, std::pair{5, 4}}) {
    const Tensor2 f = deformation_gradient(u, c, r, 1, 0.2, 0.2);
    EXPECT_NEAR(f.xx, 1.1, 1e-5);
    EXPECT_NEAR(f.xy, 0.05, 1e-5);
    EXPECT_NEAR(f.yx, 0.0, 1e-5);
    EXPECT_NEAR(f.yy, 0.92, 1e-5);
  }
}

TEST(Deformation, StretchAlongADirectionGivenByAngleOrByCosineAndSine) {
  const Tensor2 f{0.83, 0.12, -0.07, 1.21};
  for (double deg : {-63.0, 0.0, 17.5, 30.0, 90.0}) {
    const double a = deg * M_PI / 180.0;
    // The same to the bit: callers that hoist the cosine and sine rely on it.
    EXPECT_EQ(f.stretch_along(deg), f.stretch_along(std::cos(a), std::sin(a))) << deg;
    EXPECT_NEAR(f.stretch_along(deg),
                std::hypot(0.83 * std::cos(a) + 0.12 * std::sin(a), -0.07 * std::cos(a) + 1.21 * std::sin(a)), 1e-15);
  }
}

TEST(Deformation, PrincipalStretchOfOpeningAndOfShear) {
  const PrincipalStretch opening = principal_stretch(Tensor2{1.5, 0, 0, 1});
  EXPECT_NEAR(opening.major, 1.5, 1e-12);
  EXPECT_NEAR(opening.angle_deg, 0.0, 1e-9);
  const Tensor2 shear{1, 0.4, 0, 1};
  EXPECT_NEAR(shear.det(), 1.0, 1e-12);  // sliding changes no area
  const PrincipalStretch s = principal_stretch(shear);
  EXPECT_NEAR(s.major * s.minor, 1.0, 1e-9);
  EXPECT_GT(s.angle_deg, 30.0);
  EXPECT_LT(s.angle_deg, 60.0);
  EXPECT_NEAR((Tensor2{2, 0, 0, 1}.stretch_along(90.0)), 1.0, 1e-12);
  const Tensor2 f{1.2, 0.1, -0.3, 0.9};
  const Tensor2 i = f * f.inverse();
  EXPECT_NEAR(i.xx, 1, 1e-12);
  EXPECT_NEAR(i.xy, 0, 1e-12);
}

}  // namespace ft
