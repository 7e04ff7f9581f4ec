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

namespace {

// The normal of a jump gradient G = a n^T / w: the direction d along which |G d| is largest.
double jump_normal_deg(const Tensor2& f) {
  double best = 0, best_deg = 0;
  for (double deg = -90.0; deg < 90.0; deg += 0.25) {
    const double c = std::cos(deg * M_PI / 180.0), s = std::sin(deg * M_PI / 180.0);
    const double gx = (f.xx - 1) * c + f.xy * s, gy = f.yx * c + (f.yy - 1) * s;
    if (std::hypot(gx, gy) > best) best = std::hypot(gx, gy), best_deg = deg;
  }
  return best_deg;
}

}  // namespace

TEST(Deformation, ADiscGradientOfALinearFieldIsExactEvenAtTheEdge) {
  DisplacementField u(7, 6, 10, 20, 4);
  for (int r = 0; r < u.rows; ++r)
    for (int c = 0; c < u.columns; ++c) {
      u.dx_px[u.index(c, r)] = float(0.1 * u.x_px(c) + 0.05 * u.y_px(r));
      u.dy_px[u.index(c, r)] = float(0.03 * u.x_px(c) - 0.08 * u.y_px(r));
    }
  for (auto [c, r] : {std::pair{0, 0}, std::pair{3, 2}, std::pair{6, 5}}) {
    const Tensor2 f = deformation_gradient_disc(u, c, r, 2, 0.2, 0.3);
    EXPECT_NEAR(f.xx, 1.1, 1e-5);
    EXPECT_NEAR(f.xy, 0.05 * 0.2 / 0.3, 1e-5);  // mm per mm: x's pixels are 0.2 mm, y's 0.3
    EXPECT_NEAR(f.yx, 0.03 * 0.3 / 0.2, 1e-5);
    EXPECT_NEAR(f.yy, 0.92, 1e-5);
  }
  // A field one column wide has no disc to fit: the central differences answer.
  DisplacementField line(1, 6, 10, 20, 4);
  for (int r = 0; r < line.rows; ++r) line.dy_px[line.index(0, r)] = float(-0.08 * line.y_px(r));
  EXPECT_NEAR(deformation_gradient_disc(line, 0, 3, 2, 0.2, 0.2).yy, deformation_gradient(line, 0, 3, 2, 0.2, 0.2).yy, 1e-12);
}

// A sharp jump (a tear opening 2 px along its normal) across a line tilted 25 deg from the
// grid's columns. Central differences see it in x or in y depending on where a point lies and
// read normals of 0 or 45 deg, here every point next to the jump 20 deg off. A disc is
// symmetric about any line through its centre; at the radius the detector uses (2 grid steps,
// 12 points) the grid's points still lean it towards 45 deg, by about 9 deg (at 3 steps, 1 deg).
TEST(Deformation, ADiscGradientReadsATiltedJumpCloserToItsOwnNormal) {
  const double tilt = 25.0 * M_PI / 180.0, nx = std::cos(tilt), ny = std::sin(tilt);
  DisplacementField u(21, 21, 0, 0, 4);
  const double x0 = 40.5, y0 = 41.3;  // on no grid point
  for (int r = 0; r < u.rows; ++r)
    for (int c = 0; c < u.columns; ++c) {
      const bool beyond = (u.x_px(c) - x0) * nx + (u.y_px(r) - y0) * ny > 0;
      u.dx_px[u.index(c, r)] = float(beyond ? 2.0 * nx : 0.0);
      u.dy_px[u.index(c, r)] = float(beyond ? 2.0 * ny : 0.0);
    }
  double disc = 0, cross = 0, disc_radius_3 = 0;
  int n = 0;
  for (int r = 6; r < 15; ++r)
    for (int c = 6; c < 15; ++c) {
      if (std::abs((u.x_px(c) - x0) * nx + (u.y_px(r) - y0) * ny) > u.step_px) continue;  // next to the jump
      disc += std::abs(jump_normal_deg(deformation_gradient_disc(u, c, r, 2, 0.2, 0.2)) - 25.0);
      disc_radius_3 += std::abs(jump_normal_deg(deformation_gradient_disc(u, c, r, 3, 0.2, 0.2)) - 25.0);
      cross += std::abs(jump_normal_deg(deformation_gradient(u, c, r, 2, 0.2, 0.2)) - 25.0);
      ++n;
    }
  ASSERT_GT(n, 10);
  EXPECT_LT(disc / n, 10.0);
  EXPECT_LT(disc_radius_3 / n, 2.0);
  EXPECT_GT(cross / n, 15.0) << "the bias the disc is for";
}

}  // namespace ft
