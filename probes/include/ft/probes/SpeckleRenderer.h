#pragma once
// Convolution speckle model: each scatterer adds a complex baseband echo, a Gaussian
// PSF whose phase follows the scatterer's depth (exp(-i 2 k0 z)), so that speckle
// moves with the tissue and decorrelates where the tissue deforms. The envelope is
// log-compressed to 8-bit B-mode as a scanner would display it. Optionally the beam is
// focused at one depth and the TGC leaves some attenuation (ProbeModel).
#include <complex>
#include <vector>

#include "ft/core/Frame.h"
#include "ft/core/Random.h"
#include "ft/probes/SimulationConfig.h"

namespace ft::sim {

class SpeckleRenderer {
 public:
  SpeckleRenderer(const ProbeModel& probe, int width_px, int height_px);

  void clear();
  // Adds one scatterer at image position (x, z) in mm with a signed amplitude.
  void add_scatterer(double x_mm, double z_mm, double amplitude);
  // Thermal noise: complex Gaussian, noise_db relative to unit-amplitude speckle.
  void add_noise(Random& random);
  // Log-compresses the envelope into `out` with the region's top-left at (x0, y0).
  void write_bmode(Frame& out, int x0_px, int y0_px) const;

  // Scatterer density that gives the probe's scatterers_per_cell (per mm^2).
  double scatterer_density_per_mm2() const;
  double margin_mm() const;  // how far outside the image a scatterer still shows
  // The lateral PSF's sigma at depth z (ProbeModel::focus_depth_mm; the same everywhere without).
  double lateral_sigma_mm(double z_mm) const;

 private:
  double amplitude_at(double z_mm, double sigma_x_mm) const;

  ProbeModel probe_;
  int width_px_;
  int height_px_;
  double sigma_x_mm_;          // lateral, at the focus
  double widest_sigma_x_mm_;   // lateral, at the ends of the depth range
  double sigma_z_mm_;
  double two_k0_per_mm_;
  double unit_rms_;  // RMS envelope of unit-amplitude speckle
  int half_x_px_;
  int half_z_px_;
  std::vector<float> weights_x_, weights_z_;  // one scatterer's PSF weights (2 half + 1 each)
  std::vector<std::complex<float>> field_;
};

}  // namespace ft::sim
