#pragma once
// A tear's gap read again on a later frame of the same tracking, without running the
// detector. Live, an evaluation of the window takes most of a second of CPU; meanwhile the
// contraction goes on and the gap keeps opening. The findings of the last evaluation follow
// every frame tracked after it: the same reading the detector made for the finding's
// gap-time curve (TearFinding::gap_by_frame_mm), on the new frame's field. What the follower
// cannot do is find a new tear, or judge the gates again: that waits for the next evaluation.
//
// The reading: the two stumps' separation across the tear surface, beyond what the muscle
// around the gap would have carried them to by its own deformation (the surface's normal
// turns with the tissue: normals go by F^-T), scaled to meet the gap measured on the image
// at the frame of peak evidence. All positions are the window's frame-0 pixels; the fields
// read must be cumulative from that same frame 0 on the same grid (the motion record's).
#include <cstddef>
#include <optional>
#include <vector>

#include "ft/core/Deformation.h"
#include "ft/core/DisplacementField.h"

namespace ft {

// The muscle's own deformation from its rest frame to the frame of `u_k` over a set of grid
// points: the component-wise median of F(0 -> k) F(0 -> rest)^-1, with `rest_inverse[j]` the
// inverse of F(0 -> rest) at `points[j]`. None when fewer than 5 points, or when the median
// folds or collapses the tissue (det <= 0.1): an identity in its place would silently stop
// subtracting the muscle's own strain.
std::optional<Tensor2> median_rest_to_frame(const DisplacementField& u_k, const std::vector<std::size_t>& points,
                                            const std::vector<Tensor2>& rest_inverse, int baseline_steps,
                                            double mm_per_px_x, double mm_per_px_y);

struct GapFollowerGeometry {
  double stump_a_x_px = 0, stump_a_y_px = 0;  // the two stumps' samples, frame-0 px
  double stump_b_x_px = 0, stump_b_y_px = 0;
  double normal_x = 1, normal_y = 0;  // the surface's unit normal at rest (mm space, a -> b)
  double rest_separation_mm = 0;      // the stumps' separation along it at rest
};

class GapFollower {
 public:
  // `compartment`: grid points of the muscle around the gap; `rest_inverse` as for
  // median_rest_to_frame. mm_per_px: the motion record's.
  GapFollower(std::vector<std::size_t> compartment, std::vector<Tensor2> rest_inverse, int baseline_steps,
              double mm_per_px_x, double mm_per_px_y, GapFollowerGeometry geometry);

  // The muscle around the gap, rest -> the frame of `u_k` (see median_rest_to_frame).
  std::optional<Tensor2> compartment_deformation(const DisplacementField& u_k) const;
  // The stumps' separation beyond the muscle's own deformation, mm, given that deformation.
  double opening_mm(const DisplacementField& u_k, const Tensor2& rest_to_k) const;
  // The same, measuring the deformation; none where the muscle around it is not measured.
  std::optional<double> opening_mm(const DisplacementField& u_k) const;
  // The opening the stumps would read, given that deformation, had nothing between them
  // shortened along the normal: where the muscle shortens along it, a structure carried whole
  // that does not lengthen along it (a vessel, fat) opens them at most this much; negative where
  // the muscle lengthens along the normal.
  double opening_if_unshortened_mm(const Tensor2& rest_to_k) const;

  // Set once the gap is measured on the image: gap = gap_rest + scale * opening, never
  // below 0 (the reading of TearFinding::gap_by_frame_mm).
  void set_gap_scale(double gap_rest_mm, double gap_per_opening) {
    gap_rest_mm_ = gap_rest_mm;
    gap_per_opening_ = gap_per_opening;
  }
  // The gap along the fibres on the frame of `u_k`, mm; the rest gap where the muscle around
  // it could not be measured there.
  double gap_mm(const DisplacementField& u_k) const;
  // The gap from an opening already read (none: not measured).
  double gap_mm(std::optional<double> opening) const;
  // The two stumps' mean motion from the frame of `u_from` to that of `u_to`, px: where the gap
  // between them went (its inside is fluid or churning echoes, which are not tracked).
  void stumps_motion_px(const DisplacementField& u_from, const DisplacementField& u_to, double& dx_px,
                        double& dy_px) const;

 private:
  std::vector<std::size_t> compartment_;
  std::vector<Tensor2> rest_inverse_;
  int baseline_steps_;
  double mm_per_px_x_, mm_per_px_y_;
  GapFollowerGeometry g_;
  double gap_rest_mm_ = 0;
  double gap_per_opening_ = 1;
};

}  // namespace ft
