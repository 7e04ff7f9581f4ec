#pragma once
// A simulated dynamic exam: renders any frame of it on demand and knows its exact
// ground truth. Deterministic: the same configuration gives the same pixels.
#include <cstdint>
#include <memory>
#include <vector>

#include "ft/core/Clip.h"
#include "ft/core/DisplacementField.h"
#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"
#include "ft/probes/GroundTruth.h"
#include "ft/probes/SimulationConfig.h"

namespace ft::sim {

class TissueMotion;
class ThighPhantom;
struct MotionState;

class SimulatedExam {
 public:
  explicit SimulatedExam(SimulationConfig config);
  ~SimulatedExam();
  SimulatedExam(const SimulatedExam&) = delete;
  SimulatedExam& operator=(const SimulatedExam&) = delete;

  const SimulationConfig& config() const noexcept { return config_; }
  int frame_count() const noexcept { return config_.frame_count; }
  // The tissue image region inside the scanner frame, calibrated in mm.
  UltrasoundRegion region() const;

  // The whole scanner frame k: B-mode in the region, border and burned-in text around it.
  Frame render_frame(int k) const;
  Clip render_clip() const;

  FrameTruth frame_truth(int k) const;
  ClipTruth clip_truth() const;

  // Displacement of the tissue from frame `from` to frame `to`, one point per pixel of
  // the image region, in whole-frame px; invalid in the tear gap and vessel lumen.
  DisplacementField true_displacement(int from, int to) const;
  // 1 where frame k shows the tear gap (haematoma); region-sized, row-major.
  std::vector<std::uint8_t> tear_mask(int k) const;
  // Tissue at each region pixel of frame k (values of sim::Tissue); region-sized.
  std::vector<std::uint8_t> tissue_map(int k) const;

 private:
  void burn_in_annotations(Frame& frame, int k) const;
  void add_incoherent_fillings(class SpeckleRenderer& renderer, int k) const;
  TearTruth tear_truth(const MotionState& s) const;
  struct TransverseGap {
    double along_fibre_mm = 0.0;
    double surface_angle_deg = 0.0;
  };
  TransverseGap transverse_gap(const MotionState& s, double gap_x_mm) const;

  SimulationConfig config_;
  std::unique_ptr<TissueMotion> motion_;
  std::unique_ptr<ThighPhantom> phantom_;
  double density_per_mm2_ = 0.0;
};

}  // namespace ft::sim
