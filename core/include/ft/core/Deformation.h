#pragma once
// Local deformation of tissue from a Lagrangian displacement field: the deformation
// gradient F = dx/dX (in mm, so anisotropic pixels are handled), its area change and
// principal stretches. The tear detector's evidence is built from these.
#include "ft/core/DisplacementField.h"

namespace ft {

struct Tensor2 {
  double xx = 1, xy = 0, yx = 0, yy = 1;  // F_ij = d x_i / d X_j, x right, y down

  double det() const { return xx * yy - xy * yx; }
  Tensor2 inverse() const;
  Tensor2 operator*(const Tensor2& o) const;
  // Stretch of a unit direction at `angle_deg` (|F d|).
  double stretch_along(double angle_deg) const;
  // The same for the direction's cosine and sine given (a caller that reads many tensors
  // along one direction computes them once).
  double stretch_along(double cos_a, double sin_a) const;
};

struct PrincipalStretch {
  double major = 1.0;      // largest stretch
  double minor = 1.0;
  double angle_deg = 0.0;  // direction of the largest stretch in the reference configuration
};

PrincipalStretch principal_stretch(const Tensor2& f);

// F at grid point (column, row) of a cumulative field, by central differences over
// +-baseline grid steps (one-sided at the edges).
Tensor2 deformation_gradient(const DisplacementField& u, int column, int row, int baseline, double mm_per_px_x,
                             double mm_per_px_y);

// F at grid point (column, row) as the least-squares fit of the displacement over the grid
// points within radius_steps of it (a disc, cut at the edges). Across a sharp jump the cross of
// central differences sees it in x or in y depending on where the point lies, so its normal is
// 0 or 45 deg whatever the surface's tilt; a disc is symmetric about any line through its
// centre, and only its few grid points lean it (a surface tilted 25 deg reads about 34 at a
// radius of 2 steps, 26 at 3; DeformationTest).
Tensor2 deformation_gradient_disc(const DisplacementField& u, int column, int row, int radius_steps, double mm_per_px_x,
                                  double mm_per_px_y);

// Displacement at a reference position (frame px), bilinear between grid points.
void displacement_at(const DisplacementField& u, double x_px, double y_px, double& dx_px, double& dy_px);

}  // namespace ft
