// Accuracy harness: rectus femoris's fascicle direction as FibreTrack reads it from the image
// (fascicle_orientation), at rest and at the contraction's peak, against the simulator's truth,
// through each exam condition's texture. The wide beam blurs speckle across so that it reads
// as a recorded screen's does (grains 3.7-5.6 times longer across than in depth); there a line
// average across reads grain, not fascicles, and the direction comes out too flat.
//
//   bench_fascicles [--first SEED] [--seeds N] [--with CONDITION]... [--lines product|screen|fixed|grain]
//
// --lines: as the analysis reads them by default (product), along the first frame's grain where it
// is as elongated as a recorded screen's (screen: AnalysisSettings::fascicles_along_grain, on by
// default since section VII of docs/benchmarks.md: product and screen read alike), of one length
// everywhere (fixed), or along every frame's own grain whatever it is (grain).
// Per clip and frame: the truth, the coherence-weighted mean of the readings over rectus
// femoris (1.5 mm clear of its edges), their median absolute error (apart within 8 mm of the
// image's sides, where lines lying level leave the image), and the share read at 55 deg
// or steeper (the presets' fibres reach 39-45). Not a test: the figures go to docs/benchmarks.md.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "CommandLine.h"
#include "ft/core/DisplacementField.h"
#include "ft/core/FascicleOrientation.h"
#include "ft/core/FascicleReadings.h"
#include "ft/core/FibreOrientation.h"
#include "ft/core/MotionRecord.h"
#include "ft/core/TextureLengths.h"
#include "ft/plugin/ClipAnalysis.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"
#include "ft/probes/TissueMotion.h"

namespace {

constexpr const char* kUsage =
    "usage: bench_fascicles [--first SEED] [--seeds N] [--with CONDITION]... [--lines product|screen|fixed|grain]\n"
    "  --with: an exam condition laid over real_intact (repeatable; default: none, then wide_beam)\n"
    "  --lines: as the analysis reads them (product, the default), along a recorded screen's grain\n"
    "           (screen: AnalysisSettings::fascicles_along_grain), of one length (fixed), or along\n"
    "           every frame's own grain (grain)\n";

enum class Lines { Product, Screen, Fixed, Grain };

struct Options {
  std::uint64_t first_seed = 2000;
  int seeds = 4;
  std::vector<std::string> conditions;
  Lines lines = Lines::Product;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--first" && has_value) o.first_seed = std::uint64_t(ft::bench::whole_argument(a, argv[++i]));
    else if (a == "--seeds" && has_value) o.seeds = ft::bench::whole_argument(a, argv[++i]);
    else if (a == "--with" && has_value) o.conditions.push_back(argv[++i]);
    else if (a == "--lines" && has_value) {
      const std::string v = argv[++i];
      if (v == "product") o.lines = Lines::Product;
      else if (v == "screen") o.lines = Lines::Screen;
      else if (v == "fixed") o.lines = Lines::Fixed;
      else if (v == "grain") o.lines = Lines::Grain;
      else ft::bench::bad_argument(a, v.c_str(), "product, screen, fixed or grain");
    }
    else ft::bench::usage_and_exit(kUsage, a);
  }
  if (o.conditions.empty()) o.conditions = {"", "wide_beam"};
  for (const std::string& c : o.conditions)
    if (c.find("bipennate") != std::string::npos) {
      // The truth is one angle per frame, and a bipennate muscle's halves run mirrored.
      std::fprintf(stderr, "--with %s: a bipennate muscle's two halves are not scored here\n", c.c_str());
      std::exit(2);
    }
  return o;
}

// Whether every tissue-map pixel within `clear_px` of (x, y) is rectus femoris.
bool deep_in_rectus(const std::vector<std::uint8_t>& tissue, int w, int h, int x, int y, int clear_px) {
  for (int dy = -clear_px; dy <= clear_px; dy += std::max(1, clear_px / 3))
    for (int dx = -clear_px; dx <= clear_px; dx += std::max(1, clear_px / 3)) {
      const int xx = x + dx, yy = y + dy;
      if (xx < 0 || yy < 0 || xx >= w || yy >= h) return false;
      if (tissue[std::size_t(yy) * std::size_t(w) + std::size_t(xx)] != std::uint8_t(ft::sim::Tissue::RectusFemoris))
        return false;
    }
  return true;
}

struct Reading {
  double truth_deg = 0, mean_deg = 0, median_error_deg = 0, side_median_error_deg = 0, steep_share = 0, elongation = 0;
  int points = 0;
};

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// The directions read on frame k, on a grid of 8 px over the region: for Lines::Product by
// `readings` (the detector's own, one per clip) along `product_grain` (what the analysis decides).
ft::FibreField directions(const ft::Frame& frame, const ft::MotionRecord& m, int k, Lines lines, ft::FascicleReadings& readings,
                          double product_grain) {
  if (lines == Lines::Product || lines == Lines::Screen) return readings.in_frame(k, frame, m, product_grain);
  ft::FascicleScale scale;
  if (lines == Lines::Grain)
    scale.texture_elongation = ft::measure_texture_lengths(frame, m.region.bounds).elongation(m.mm_per_px_x, m.mm_per_px_y);
  return ft::fascicle_orientation(frame, m.region.bounds, m.cumulative[0], m.mm_per_px_x, scale);
}

Reading read_frame(const ft::sim::SimulatedExam& exam, const ft::MotionRecord& m, int k, Lines lines, ft::FascicleReadings& readings,
                   double product_grain) {
  const ft::Frame frame = exam.render_frame(k);
  const ft::DisplacementField& grid = m.cumulative[0];
  const ft::FibreField read = directions(frame, m, k, lines, readings, product_grain);
  const int w = m.region.bounds.width_px(), h = m.region.bounds.height_px();
  const std::vector<std::uint8_t> tissue = exam.tissue_map(k);
  Reading r;
  r.truth_deg = exam.frame_truth(k).rf_fibre_angle_deg;
  r.elongation = ft::measure_texture_lengths(frame, m.region.bounds).elongation(m.mm_per_px_x, m.mm_per_px_y);
  const int clear_px = int(std::lround(1.5 / m.mm_per_px_y));
  std::vector<float> angles, weights;
  std::vector<double> errors, side_errors;
  const int side_px = int(std::lround(8.0 / m.mm_per_px_x));  // lines lying level leave the image here
  int steep = 0;
  for (int row = 0; row < grid.rows; ++row)
    for (int col = 0; col < grid.columns; ++col) {
      const int x = int(grid.x_px(col)) - m.region.bounds.x0_px, y = int(grid.y_px(row)) - m.region.bounds.y0_px;
      if (!deep_in_rectus(tissue, w, h, x, y, clear_px)) continue;
      const std::size_t i = grid.index(col, row);
      angles.push_back(read.angle_deg[i]);
      weights.push_back(read.coherence[i]);
      const double error = std::abs(std::remainder(read.angle_deg[i] - r.truth_deg, 180.0));
      (std::min(x, w - 1 - x) < side_px ? side_errors : errors).push_back(error);
      steep += std::abs(read.angle_deg[i]) >= 55.0f;
    }
  r.points = int(angles.size());
  if (errors.empty() || side_errors.empty()) return r;
  r.mean_deg = ft::mean_orientation_deg(angles, weights);
  r.steep_share = double(steep) / double(angles.size());
  r.median_error_deg = median(errors);
  r.side_median_error_deg = median(side_errors);
  return r;
}

// A motion record of the exam's region and a grid of 8 px: what FascicleReadings reads on.
ft::MotionRecord grid_over(const ft::UltrasoundRegion& region) {
  constexpr int kStepPx = 8;
  ft::MotionRecord m;
  m.region = region;
  m.mm_per_px_x = region.mm_per_px_x;
  m.mm_per_px_y = region.mm_per_px_y;
  const int w = region.bounds.width_px(), h = region.bounds.height_px();
  m.cumulative.emplace_back(w / kStepPx, h / kStepPx, region.bounds.x0_px + kStepPx / 2, region.bounds.y0_px + kStepPx / 2,
                            kStepPx);
  return m;
}

// The frame of the steepest fibres (the contraction's peak).
int peak_frame(const ft::sim::SimulatedExam& exam) {
  int best = 0;
  for (int k = 1; k < exam.frame_count(); ++k)
    if (exam.frame_truth(k).rf_fibre_angle_deg > exam.frame_truth(best).rf_fibre_angle_deg) best = k;
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  std::printf("| condition | seed | frame | elongation (mm) | truth deg | read deg (mean) | median error deg, 8 mm or more from the sides | within 8 mm of a side | read >= 55 deg | points |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
  for (const std::string& condition : o.conditions) {
    double sum_bias = 0, sum_median = 0, sum_side = 0, sum_steep = 0;
    int n = 0;
    for (int s = 0; s < o.seeds; ++s) {
      const std::uint64_t seed = o.first_seed + std::uint64_t(s);
      const std::string preset = condition.empty() ? "real_intact" : "real_intact+" + condition;
      const ft::sim::SimulatedExam exam(ft::sim::make_preset(preset, seed));
      const ft::MotionRecord m = grid_over(exam.region());
      // The grain as the analysis judges it: on the first frame's texture (ClipAnalysis.h).
      const ft::Frame first = exam.render_frame(0);
      ft::AnalysisSettings asked;
      if (o.lines == Lines::Screen) asked.fascicles_along_grain = true;  // product: as the analysis defaults
      const double product_grain =
          ft::settings_at(asked, ft::measurement_scale(first, exam.region()), ft::measure_texture_lengths(first, m.region.bounds))
              .detection.fascicle_grain_elongation;
      ft::FascicleReadings readings;  // the clip's
      for (int k : {0, peak_frame(exam)}) {
        const Reading r = read_frame(exam, m, k, o.lines, readings, product_grain);
        std::printf("| %s | %llu | %d | %.2f | %.1f | %.1f | %.1f | %.1f | %.2f | %d |\n", condition.empty() ? "-" : condition.c_str(),
                    static_cast<unsigned long long>(seed), k, r.elongation, r.truth_deg, r.mean_deg, r.median_error_deg,
                    r.side_median_error_deg, r.steep_share, r.points);
        sum_bias += r.mean_deg - r.truth_deg;
        sum_median += r.median_error_deg;
        sum_side += r.side_median_error_deg;
        sum_steep += r.steep_share;
        ++n;
      }
    }
    std::printf("| **%s** | all | | | | mean bias %+.1f | mean median error %.1f | %.1f | %.2f | |\n",
                condition.empty() ? "-" : condition.c_str(), sum_bias / n, sum_median / n, sum_side / n, sum_steep / n);
  }
  return 0;
}
