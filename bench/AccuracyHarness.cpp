// Accuracy of the speckle tracker against the simulator's exact ground truth, beside
// OpenCV's DIS optical flow (presets FAST and MEDIUM) on the same frame pairs.
// Prints Markdown tables for docs/benchmarks.md.
// Run: build/default/bench/bench_accuracy [--quick]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "CommandLine.h"

#include <opencv2/core.hpp>
#include <opencv2/video/tracking.hpp>

#include "BenchScenes.h"
#include "ft/gpu/FieldOperations.h"
#include "ft/gpu/LagrangianTracker.h"
#include "ft/gpu/SpeckleTracker.h"

namespace {
using namespace ft;
using Clock = std::chrono::steady_clock;

struct Errors {
  double bias_x = 0, bias_y = 0, rmse = 0, epe = 0;
  long n = 0;
  void add(double ex, double ey) {
    bias_x += ex;
    bias_y += ey;
    rmse += ex * ex + ey * ey;
    epe += std::hypot(ex, ey);
    ++n;
  }
  void finish() {
    if (!n) return;
    bias_x /= double(n);
    bias_y /= double(n);
    rmse = std::sqrt(rmse / double(n));
    epe /= double(n);
  }
};

// Errors at the tracker's grid points that are valid in the truth and whose tissue stays
// inside the region (tissue leaving the field of view has no answer to find).
using Estimate = std::function<std::pair<double, double>(double x, double y, bool& valid)>;

void accumulate(Errors& e, const DisplacementField& grid, const DisplacementField& truth, const Estimate& estimate,
                const UltrasoundRegion& region, int margin_px) {
  for (int r = 0; r < grid.rows; ++r)
    for (int c = 0; c < grid.columns; ++c) {
      const double x = grid.x_px(c), y = grid.y_px(r);
      const int tc = int(std::lround(x - truth.origin_x_px)), tr = int(std::lround(y - truth.origin_y_px));
      const std::size_t j = truth.index(tc, tr);
      if (!truth.valid[j]) continue;
      const double tx = x + truth.dx_px[j], ty = y + truth.dy_px[j];
      if (tx < region.bounds.x0_px + margin_px || tx > region.bounds.x1_px - margin_px ||
          ty < region.bounds.y0_px + margin_px || ty > region.bounds.y1_px - margin_px)
        continue;
      bool valid = true;
      const auto [dx, dy] = estimate(x, y, valid);
      if (!valid) continue;
      e.add(dx - truth.dx_px[j], dy - truth.dy_px[j]);
    }
}

Estimate ours(const DisplacementField& f) {
  return [&f](double x, double y, bool& valid) {
    const std::size_t i = f.index(int(std::lround((x - f.origin_x_px) / f.step_px)), int(std::lround((y - f.origin_y_px) / f.step_px)));
    valid = f.valid[i];
    return std::make_pair(double(f.dx_px[i]), double(f.dy_px[i]));
  };
}

cv::Mat to_mat(const Frame& f, const PixelRect& r) {
  cv::Mat m(r.height_px(), r.width_px(), CV_8UC1);
  for (int y = 0; y < m.rows; ++y)
    for (int x = 0; x < m.cols; ++x) m.at<unsigned char>(y, x) = (unsigned char)f.value(r.x0_px + x, r.y0_px + y);
  return m;
}

struct Dis {
  cv::Ptr<cv::DISOpticalFlow> flow;
  cv::Mat result;
  double ms = 0;
  int pairs = 0;
  explicit Dis(int preset) : flow(cv::DISOpticalFlow::create(preset)) {}
  void run(const Frame& a, const Frame& b, const PixelRect& r) {
    const cv::Mat ma = to_mat(a, r), mb = to_mat(b, r);
    const auto t0 = Clock::now();
    flow->calc(ma, mb, result);
    ms += std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    ++pairs;
  }
  Estimate estimate(const PixelRect& r) const {
    return [this, r](double x, double y, bool& valid) {
      valid = true;
      const cv::Point2f v = result.at<cv::Point2f>(int(std::lround(y)) - r.y0_px, int(std::lround(x)) - r.x0_px);
      return std::make_pair(double(v.x), double(v.y));
    };
  }
};

struct Contender {
  const char* name;
  Errors errors;
  double ms = 0;
  int pairs = 0;
};

// One frame pair through our tracker and both DIS presets.
void compare_pair(const sim::SimulatedExam& exam, int from, int to, gpu::SpeckleTracker& tracker, Dis& fast, Dis& medium,
                  Contender* c, const DisplacementField* seed = nullptr, DisplacementField* out = nullptr) {
  const Frame a = exam.render_frame(from), b = exam.render_frame(to);
  const UltrasoundRegion region = exam.region();
  const DisplacementField truth = exam.true_displacement(from, to);
  const auto t0 = Clock::now();
  DisplacementField f = tracker.track(a, b, region, seed);
  c[0].ms += std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  ++c[0].pairs;
  const int margin = 12;
  accumulate(c[0].errors, f, truth, ours(f), region, margin);
  fast.run(a, b, region.bounds);
  accumulate(c[1].errors, f, truth, fast.estimate(region.bounds), region, margin);
  medium.run(a, b, region.bounds);
  accumulate(c[2].errors, f, truth, medium.estimate(region.bounds), region, margin);
  if (out) *out = std::move(f);
}

void print_row(const char* scene, Contender* c, Dis& fast, Dis& medium) {
  c[1].ms = fast.ms;
  c[1].pairs = fast.pairs;
  c[2].ms = medium.ms;
  c[2].pairs = medium.pairs;
  for (int i = 0; i < 3; ++i) {
    c[i].errors.finish();
    std::printf("| %s | %s | %.3f | %.3f | %.3f | %.3f | %.2f |\n", scene, c[i].name, c[i].errors.epe, c[i].errors.rmse,
                c[i].errors.bias_x, c[i].errors.bias_y, c[i].pairs ? c[i].ms / c[i].pairs : 0.0);
  }
}

sim::SimulationConfig rigid(double dx_px, double dy_px, int size, std::uint64_t seed) {
  sim::SimulationConfig c = bench::square_scene("still", size, seed, 2);
  c.motion.jitter_mm = 0;
  c.motion.probe_drift_x_mm_per_frame = dx_px * c.probe.pixel_pitch_mm;
  c.motion.probe_drift_z_mm_per_frame = dy_px * c.probe.pixel_pitch_mm;
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  static const char* const kUsage = "usage: bench_accuracy [--quick]\n";
  bool quick = false;
  for (int a = 1; a < argc; ++a) {
    if (std::strcmp(argv[a], "--quick") == 0) quick = true;
    else bench::usage_and_exit(kUsage, argv[a]);
  }
  const int size = 512;
  gpu::TrackingParameters parameters;
  gpu::SpeckleTracker tracker(parameters, gpu::Backend::Cpu);
  std::printf("Scenes: %dx%d px region at 0.1 mm/px; our tracker on the CPU (grid %d px, kernel %.1f mm), "
              "DIS on the full region, compared at our grid points.\n\n", size, size, parameters.grid_step_px,
              parameters.kernel_mm);

  std::printf("### Sub-pixel translations (x = s, y = s/2, s = 0..1 px in 0.1 px steps)\n\n");
  std::printf("| shift px | ours bias x | ours bias y | ours RMSE px | DIS-MEDIUM RMSE px |\n|---|---|---|---|---|\n");
  Errors all_ours, all_medium;
  for (int tenth = 0; tenth <= 10; ++tenth) {
    const double s = tenth / 10.0;
    const sim::SimulatedExam exam(rigid(s, s / 2, size, 1 + tenth));
    Dis fast(cv::DISOpticalFlow::PRESET_FAST), medium(cv::DISOpticalFlow::PRESET_MEDIUM);
    Contender c[3] = {{"ours", {}, 0, 0}, {"DIS-FAST", {}, 0, 0}, {"DIS-MEDIUM", {}, 0, 0}};
    compare_pair(exam, 0, 1, tracker, fast, medium, c);
    c[0].errors.finish();
    c[2].errors.finish();
    std::printf("| %.1f | %+.4f | %+.4f | %.4f | %.4f |\n", s, c[0].errors.bias_x, c[0].errors.bias_y, c[0].errors.rmse,
                c[2].errors.rmse);
    all_ours.rmse += c[0].errors.rmse * c[0].errors.rmse;
    all_medium.rmse += c[2].errors.rmse * c[2].errors.rmse;
  }
  std::printf("| all | | | %.4f | %.4f |\n\n", std::sqrt(all_ours.rmse / 11), std::sqrt(all_medium.rmse / 11));

  std::printf("### End-point error per scene (px; time per frame pair in ms, CPU)\n\n");
  std::printf("| scene | method | EPE px | RMSE px | bias x | bias y | ms/pair |\n|---|---|---|---|---|---|---|\n");
  for (auto [dx, dy] : {std::pair{10.0, 0.0}, std::pair{-10.0, 0.0}, std::pair{7.0, -7.0}}) {
    const sim::SimulatedExam exam(rigid(dx, dy, size, 5));
    Dis fast(cv::DISOpticalFlow::PRESET_FAST), medium(cv::DISOpticalFlow::PRESET_MEDIUM);
    Contender c[3] = {{"ours", {}, 0, 0}, {"DIS-FAST", {}, 0, 0}, {"DIS-MEDIUM", {}, 0, 0}};
    compare_pair(exam, 0, 1, tracker, fast, medium, c);
    char scene[64];
    std::snprintf(scene, sizeof scene, "translation (%+.0f, %+.0f) px", dx, dy);
    print_row(scene, c, fast, medium);
  }
  struct Sequence {
    const char* name;
    const char* preset;
    double shortening;
  };
  for (const Sequence& q : {Sequence{"contraction 5 %", "intact", 0.05}, Sequence{"contraction 10 %", "intact", 0.10},
                            Sequence{"contraction 15 %", "intact", 0.15}, Sequence{"sliding 4 mm", "sliding", 0.10},
                            Sequence{"full tear", "full_tear", 0.10}}) {
    sim::SimulationConfig cfg = bench::square_scene(q.preset, size, 7, 40);
    cfg.motion.rf_shortening = q.shortening;
    cfg.motion.jitter_mm = 0.08;
    const sim::SimulatedExam exam(cfg);
    Dis fast(cv::DISOpticalFlow::PRESET_FAST), medium(cv::DISOpticalFlow::PRESET_MEDIUM);
    Contender c[3] = {{"ours", {}, 0, 0}, {"DIS-FAST", {}, 0, 0}, {"DIS-MEDIUM", {}, 0, 0}};
    DisplacementField previous;
    for (int k = 0; k + 1 < exam.frame_count(); k += quick ? 6 : 2)
      compare_pair(exam, k, k + 1, tracker, fast, medium, c, previous.size() ? &previous : nullptr, &previous);
    print_row(q.name, c, fast, medium);
  }

  std::printf("\n### Accumulated (Lagrangian) drift over a 40-frame contraction\n\n");
  std::printf("Material points followed from frame 0; error of their accumulated displacement against the truth at "
              "peak contraction and at frame 39 (back at rest, where drift shows as a failure to return).\n\n");
  std::printf("| scene | mean error at peak, mm | mean error at frame 39, mm | 95th percentile at frame 39, mm |\n"
              "|---|---|---|---|\n");
  for (const char* preset : {"intact", "sliding"}) {
    const sim::SimulatedExam exam(bench::square_scene(preset, size, 11, 40));
    const int peak = exam.clip_truth().peak_frame;
    gpu::LagrangianTracker lagrangian(tracker, exam.region());
    lagrangian.reset(exam.render_frame(0));
    auto errors_now = [&](int k) {
      const DisplacementField truth = exam.true_displacement(0, k);
      const DisplacementField& f = lagrangian.cumulative();
      std::vector<double> errors;
      for (int r = 0; r < f.rows; ++r)
        for (int c = 0; c < f.columns; ++c) {
          const std::size_t i = f.index(c, r);
          const std::size_t j = truth.index(int(std::lround(f.x_px(c) - truth.origin_x_px)),
                                            int(std::lround(f.y_px(r) - truth.origin_y_px)));
          if (!f.valid[i] || !truth.valid[j]) continue;
          errors.push_back(std::hypot(f.dx_px[i] - truth.dx_px[j], f.dy_px[i] - truth.dy_px[j]) * 0.1);
        }
      std::sort(errors.begin(), errors.end());
      return errors;
    };
    auto mean = [](const std::vector<double>& v) {
      double m = 0;
      for (double e : v) m += e;
      return v.empty() ? 0.0 : m / double(v.size());
    };
    double at_peak = 0;
    for (int k = 1; k < 40; ++k) {
      lagrangian.add(exam.render_frame(k));
      if (k == peak) at_peak = mean(errors_now(k));
    }
    const std::vector<double> last = errors_now(39);
    std::printf("| %s | %.3f | %.3f | %.3f |\n", preset, at_peak, mean(last), last.empty() ? 0.0 : last[last.size() * 95 / 100]);
  }
  return 0;
}
