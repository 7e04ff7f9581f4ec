#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "TestSupport.h"
#include "ft/core/TearDetector.h"

// Each gate of the tear detector on a small constructed clip whose motion is known exactly:
// a muscle between two aponeuroses that shortens 15 % along its fibres (and thickens, area
// kept), cut across the fibres over half its thickness. The motion record is the exact
// displacement (no tracker), the frames are the same tissue warped by it, the gap between
// the fibre ends dark. One thing is changed per test — how far the ends separate, whether
// they slide instead, whether a side was tracked — and the detector's own evidence says
// which gate decided. The simulators and bench_detection cover realistic clips; this is the
// physics of each gate alone.
namespace ft {
namespace {

constexpr int kWidthPx = 300, kHeightPx = 200;
constexpr double kMmPerPx = 0.1;
constexpr double kCentreX = 150.0, kCentreY = 100.0;  // the contraction is about the middle
constexpr double kTearX = 150.0;                      // the cut, across the fibres (vertical)
constexpr double kFibreShortening = 0.15;
constexpr int kPeakFrame = 7;  // one contraction: over frames 0..7, held to frame 10
constexpr int kCycleFrames = 8;  // several: each contracts over 3 frames, holds 2, relaxes over 3

struct ConstructedTear {
  double jump_mm = 2.0;        // how far the fibre ends move apart at peak, beyond the muscle's strain
  bool sliding = false;        // the ends slide along the surface (jump along it) instead of opening
  double top_px = 65.0, bottom_px = 135.0;  // rows of the cut (frame 0): 7 of the muscle's 14 mm
  double untracked_right_of_px = 1e9;  // material right of this x (frame 0) is not tracked after frame 0
  bool echogenic = false;      // the gap fills with echoes like the muscle's, not dark fluid
  bool gap_decorrelates = false;  // the tissue at the cut is lost by the tracker after frame 0
  int contractions = 1;
  int opens_in_only = -1;      // >= 0: the ends separate in that contraction only (not a tear's way)
  std::vector<double> levels{};  // when set, each frame's contraction level (0 rest .. 1 peak): the clip's frames
  std::vector<int> lost_at{};    // at these frames the muscle 2-4.5 mm right of the cut is lost by the tracker
  std::vector<int> cut_tracked_at{};  // ... and the decorrelating cut is tracked after all (gap_decorrelates)
  std::vector<int> band_widened_at{};  // on these frames' images the dark gap looks 3 mm wide (a shadow, JPEG)
  // Material in these rows (frame 0), within 4 mm of the cut, is not tracked after frame 1 (a
  // haematoma decorrelating down to the aponeurosis, the plane's shear; the displacement held
  // there shows no cut): none when from > to.
  double untracked_from_px = 1.0, untracked_to_px = 0.0;
  // The tissue right of the cut (tear rows) shortens less over its first layer_mm: at the cut
  // by layer_share of the muscle's shortening, then rising to all of it at layer_mm
  // (layer_ramps) or all at once there (a layer that is carried, not contracting). Area kept.
  double layer_mm = 0.0;
  double layer_share = 0.0;
  bool layer_ramps = false;
  int frames() const {
    if (!levels.empty()) return int(levels.size());
    return contractions == 1 ? 11 : kCycleFrames * contractions + 1;
  }
};

// Level of contraction at frame k, 0 rest .. 1 peak.
double contraction_at(const ConstructedTear& t, int k) {
  if (!t.levels.empty()) return t.levels[std::size_t(k)];
  if (t.contractions == 1) return std::min(1.0, double(k) / kPeakFrame);
  static constexpr double kCycle[kCycleFrames] = {0.0, 1.0 / 3, 2.0 / 3, 1.0, 1.0, 2.0 / 3, 1.0 / 3, 0.0};
  return kCycle[k % kCycleFrames];
}

// The muscle's own deformation at frame k, x' = c + F (X - c): fibres (along x) shorten,
// the muscle thickens so that its area stays.
void muscle_f(const ConstructedTear& t, int k, double& fxx, double& fyy) {
  const double s = contraction_at(t, k);
  fxx = 1.0 - s * kFibreShortening;
  fyy = 1.0 / fxx;
}

bool in_tear_rows(const ConstructedTear& t, double y0) { return y0 >= t.top_px && y0 <= t.bottom_px; }

// Displacement of the tear's sides beyond the muscle's own: each side half of the jump.
void side_jump(const ConstructedTear& t, int k, double x0, double y0, double& jx, double& jy) {
  jx = jy = 0.0;
  if (!in_tear_rows(t, y0) || (t.opens_in_only >= 0 && k / kCycleFrames != t.opens_in_only)) return;
  const double half_px = 0.5 * contraction_at(t, k) * t.jump_mm / kMmPerPx * (x0 < kTearX ? -1.0 : 1.0);
  (t.sliding ? jy : jx) = half_px;
}

// Share of the muscle's shortening at depth d_px right of the cut (1 beyond the layer).
double layer_weight(const ConstructedTear& t, double d_px) {
  const double r_px = t.layer_mm / kMmPerPx;
  if (d_px >= r_px) return 1.0;
  return t.layer_ramps ? t.layer_share + (1.0 - t.layer_share) * d_px / r_px : t.layer_share;
}

// Displacement of the layer's material beyond the muscle's own: the muscle beyond the layer
// moves as in the intact muscle; the layer, shortening less, reaches further towards the cut
// (x), and thickens less (y, its area kept: it thickens by 1 / its own stretch).
void layer_shift(const ConstructedTear& t, int k, double x0, double y0, double& lx, double& ly) {
  lx = ly = 0.0;
  const double d_px = x0 - kTearX, r_px = t.layer_mm / kMmPerPx;
  if (t.layer_mm <= 0.0 || d_px < 0.0 || d_px >= r_px || !in_tear_rows(t, y0)) return;
  double fxx, fyy;
  muscle_f(t, k, fxx, fyy);
  // -(1 - fxx) times the integral of (1 - weight) from d to the layer's far side
  const double missing = t.layer_ramps ? (1.0 - t.layer_share) * (r_px - d_px) * (r_px - d_px) / (2.0 * r_px)
                                       : (1.0 - t.layer_share) * (r_px - d_px);
  lx = -(1.0 - fxx) * missing;
  const double stretch = 1.0 + (fxx - 1.0) * layer_weight(t, d_px);
  ly = (1.0 / stretch - fyy) * (y0 - kCentreY);
}

// Fascicles at kPennationDeg to the image (down to the right), a fine speckle on them, bright
// aponeuroses at 30 and 170 px. Oblique like real fascicles: perfectly level lines would read
// as fascial planes.
constexpr double kPennationDeg = 15.0;
float tissue(double x0, double y0) {
  if (std::abs(y0 - 30.0) < 3.0 || std::abs(y0 - 170.0) < 3.0) return 225.0f;
  const auto xi = std::uint32_t(std::lround(x0 + 1000.0)), yi = std::uint32_t(std::lround(y0 + 1000.0));
  std::uint32_t h = xi * 73856093u ^ yi * 19349663u;
  h = (h ^ (h >> 13)) * 1274126177u;
  const double speckle = double(h & 1023u) / 1023.0 - 0.5;
  const double across = y0 - std::tan(kPennationDeg * M_PI / 180.0) * x0;
  return float(105.0 + 30.0 * std::sin(2.0 * M_PI * across / 12.0) + 40.0 * speckle);
}

// Fibre strain of the muscle at peak: its fascicles' stretch under F, less one.
double peak_fibre_strain() {
  double fxx, fyy;
  muscle_f({}, kPeakFrame, fxx, fyy);
  const double a = kPennationDeg * M_PI / 180.0;
  return std::hypot(fxx * std::cos(a), fyy * std::sin(a)) - 1.0;
}

// Frame k: every pixel shows the material that moved there; none between the torn ends (dark fluid).
Frame render(const ConstructedTear& t, int k) {
  double fxx, fyy;
  muscle_f(t, k, fxx, fyy);
  Frame frame(kWidthPx, kHeightPx, PixelDepth::Bits8);
  for (int y = 0; y < kHeightPx; ++y)
    for (int x = 0; x < kWidthPx; ++x) {
      float v = t.echogenic ? tissue(x + 500.0, y) : 20.0f;  // fresh blood's echoes, or fluid
      for (int side : {-1, 0, 1}) {  // intact tissue, the left end, the right end
        double jx = 0, jy = 0;
        if (side != 0) side_jump(t, k, kTearX + side, kCentreY, jx, jy);
        double x0 = kCentreX + (x - jx - kCentreX) / fxx, y0 = kCentreY + (y - jy - kCentreY) / fyy;
        // The layer's material: a fixed point (the map contracts). Its shift read at the cut's
        // edge and rows while the guess lies outside them: the first guess, without the shift,
        // can lie left of the cut for material the layer moved into the gap.
        for (int it = 0; side > 0 && t.layer_mm > 0.0 && it < 12; ++it) {
          double lx, ly;
          layer_shift(t, k, std::max(x0, kTearX), std::clamp(y0, t.top_px, t.bottom_px), lx, ly);
          x0 = kCentreX + (x - jx - lx - kCentreX) / fxx;
          y0 = kCentreY + (y - jy - ly - kCentreY) / fyy;
        }
        const bool fits = side == 0 ? !in_tear_rows(t, y0) : in_tear_rows(t, y0) && (side < 0 ? x0 < kTearX : x0 >= kTearX);
        if (fits) {
          v = tissue(x0, y0);
          break;
        }
      }
      const bool widened = std::find(t.band_widened_at.begin(), t.band_widened_at.end(), k) != t.band_widened_at.end();
      if (widened && std::abs(x - kTearX) <= 15.0 && y >= t.top_px && y <= t.bottom_px) v = 20.0f;
      frame.set_value(x, y, v);
    }
  return frame;
}

MotionRecord motion_of(const ConstructedTear& t) {
  MotionRecord m = test::calibrated_motion_record(kWidthPx, kHeightPx, kMmPerPx);
  for (int k = 0; k < t.frames(); ++k) {
    DisplacementField u(74, 49, 4.0, 4.0, 4.0);
    double fxx, fyy;
    muscle_f(t, k, fxx, fyy);
    for (int r = 0; r < u.rows; ++r)
      for (int c = 0; c < u.columns; ++c) {
        const std::size_t i = u.index(c, r);
        const double x0 = u.x_px(c), y0 = u.y_px(r);
        double jx, jy, lx, ly;
        const bool unseen = k > 1 && y0 >= t.untracked_from_px && y0 <= t.untracked_to_px && std::abs(x0 - kTearX) <= 40.0;
        side_jump(t, k, x0, y0, jx, jy);
        layer_shift(t, k, x0, y0, lx, ly);
        if (unseen) jx = jy = 0.0;  // what a tracker fills lost points with shows no cut
        u.dx_px[i] = float((fxx - 1.0) * (x0 - kCentreX) + jx + lx);
        u.dy_px[i] = float((fyy - 1.0) * (y0 - kCentreY) + jy + ly);
        u.quality[i] = 1.0f;
        const bool at_cut = in_tear_rows(t, y0) && std::abs(x0 - kTearX) <= 6.0;
        const bool lost = std::find(t.lost_at.begin(), t.lost_at.end(), k) != t.lost_at.end() &&
                          x0 - kTearX >= 20.0 && x0 - kTearX <= 45.0;
        const bool decorrelates = t.gap_decorrelates && at_cut &&
                                  std::find(t.cut_tracked_at.begin(), t.cut_tracked_at.end(), k) == t.cut_tracked_at.end();
        u.valid[i] = k == 0 || (x0 <= t.untracked_right_of_px && !decorrelates && !lost && !unseen);
      }
    m.cumulative.push_back(std::move(u));
  }
  return m;
}

DetectionResult detect(const ConstructedTear& t, const DetectionSettings& s = {}) {
  const MotionRecord m = motion_of(t);
  return detect_tears(m, [&](int k) { return render(t, k); }, s);
}

// The judged candidate (not too small to judge) nearest the cut's centre, or null.
const CandidateEvidence* candidate_at_cut(const DetectionResult& r) {
  const CandidateEvidence* best = nullptr;
  double best_d = 25.0;  // px
  for (const CandidateEvidence& c : r.candidates) {
    const double d = std::hypot(c.centre_col_px - kTearX, c.centre_row_px - kCentreY);
    if (c.decision != "too_small" && d < best_d) {
      best = &c;
      best_d = d;
    }
  }
  return best;
}

double max_growth(const DetectionResult& r) {
  return *std::max_element(r.maps.log_area_growth.begin(), r.maps.log_area_growth.end());
}

}  // namespace

TEST(ConstructedField, FibreEndsThatSeparateByTwoMillimetresAreATear) {
  const DetectionResult r = detect({});
  ASSERT_EQ(r.findings.size(), 1u) << (r.notes.empty() ? "" : r.notes.back());
  const TearFinding& f = r.findings.front();
  EXPECT_EQ(f.kind, TearKind::Intramuscular);
  EXPECT_NEAR(f.centre_col_px, kTearX, 10.0);
  EXPECT_NEAR(f.opening_mm, 2.0, 0.3);
  // The dark band at peak (the two ends' separation), read along the fibres 15 deg off its normal.
  EXPECT_NEAR(f.gap_mm, 2.0 / std::cos(kPennationDeg * M_PI / 180.0), 0.4);
  EXPECT_NEAR(f.extent_pct, 50.0, 20.0);
  EXPECT_EQ(f.grade, TearGrade::Partial);
  // The median over the tracked tissue: its fascicles and the level aponeuroses.
  EXPECT_LT(r.contraction.peak_strain, peak_fibre_strain() + 0.02);
  EXPECT_GT(r.contraction.peak_strain, -kFibreShortening - 0.02);
  EXPECT_GT(r.tracked_fraction, 0.9);
  // Fascicles measured on each frame's image: at rest their pennation; at peak turned by the
  // muscle's own F (tan a' = (fyy / fxx) tan a, 15 -> 20.3 deg).
  double fxx, fyy;
  muscle_f({}, kPeakFrame, fxx, fyy);
  const double peak_deg = std::atan(fyy / fxx * std::tan(kPennationDeg * M_PI / 180.0)) * 180.0 / M_PI;
  EXPECT_NEAR(r.contraction.fascicle_angle_rest_deg, kPennationDeg, 3.0);
  EXPECT_NEAR(r.contraction.fascicle_angle_peak_deg, peak_deg, 3.0);
  EXPECT_GT(r.contraction.fascicle_angle_peak_deg, r.contraction.fascicle_angle_rest_deg + 2.0);
}

// Area growth: a muscle that only contracts (area kept) has no candidate; the cut's area grows.
TEST(ConstructedField, OnlyTheCutsAreaGrowsAboveTheThreshold) {
  const DetectionResult intact = detect({0.0});
  EXPECT_TRUE(intact.findings.empty());
  EXPECT_LT(max_growth(intact), 0.5 * intact.maps.candidate_threshold) << "contraction keeps the area";
  EXPECT_EQ(candidate_at_cut(intact), nullptr);
  // A 0.2 mm separation spreads over the deformation gradient's +-2 grid steps: under the threshold.
  const DetectionResult faint = detect({0.2});
  EXPECT_LT(max_growth(faint), faint.maps.candidate_threshold);
  EXPECT_TRUE(faint.findings.empty());
  const DetectionResult cut = detect({});
  EXPECT_GT(max_growth(cut), cut.maps.candidate_threshold);
  ASSERT_NE(candidate_at_cut(cut), nullptr);
  EXPECT_GT(candidate_at_cut(cut)->log_area_growth, cut.maps.candidate_threshold);
}

// The smallest separation reported is min_opening_mm (1 mm) beyond the muscle's own strain.
TEST(ConstructedField, EndsMustSeparateByAMillimetre) {
  const DetectionResult under = detect({0.7});
  EXPECT_TRUE(under.findings.empty());
  const CandidateEvidence* c = candidate_at_cut(under);
  ASSERT_NE(c, nullptr) << "0.7 mm still grows the area: the separation gate decides";
  EXPECT_EQ(c->decision, "no_opening") << c->reason;
  EXPECT_NEAR(c->opening_mm, 0.7, 0.15);
  const DetectionResult over = detect({1.4});
  ASSERT_EQ(over.findings.size(), 1u);
  EXPECT_NEAR(over.findings.front().opening_mm, 1.4, 0.2);
}

// Tissue that slides along a plane through the whole muscle (a shear, as muscles glide past
// each other) keeps its area: nothing opens, nothing is reported. The same 2 mm opening
// across that plane is a tear.
TEST(ConstructedField, SlidingAlongASurfaceIsNotATearAndOpeningAcrossItIs) {
  ConstructedTear slide;
  slide.sliding = true;
  slide.top_px = 0.0;
  slide.bottom_px = kHeightPx;
  const DetectionResult r = detect(slide);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_LT(max_growth(r), r.maps.candidate_threshold);
  ConstructedTear open = slide;
  open.sliding = false;
  EXPECT_EQ(detect(open).findings.size(), 1u);
}

// Every stump must be tracked muscle: with the tissue right of the cut lost after frame 0,
// the same opening is not reported (its other side cannot be shown to be contracting muscle).
TEST(ConstructedField, AStumpThatWasNotTrackedIsNoEvidence) {
  ConstructedTear lost;
  lost.untracked_right_of_px = kTearX + 6.0;
  const DetectionResult r = detect(lost);
  EXPECT_TRUE(r.findings.empty());
  const CandidateEvidence* c = candidate_at_cut(r);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->decision, "stumps_untracked") << c->reason;
  EXPECT_TRUE(std::isnan(c->stump_strain[1]));
}

// Motion alone is not a tear: the gap must hold haematoma, dark on the image or decorrelating
// (fresh blood's echoes change from frame to frame) while the muscle around is tracked.
TEST(ConstructedField, AnOpeningMustHoldFluidOrDecorrelatingBlood) {
  ConstructedTear echoes;
  echoes.echogenic = true;
  const DetectionResult tracked_echoes = detect(echoes);
  EXPECT_TRUE(tracked_echoes.findings.empty());
  const CandidateEvidence* c = candidate_at_cut(tracked_echoes);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->decision, "no_haematoma") << c->reason;
  ConstructedTear blood = echoes;
  blood.gap_decorrelates = true;
  const DetectionResult r = detect(blood);
  ASSERT_EQ(r.findings.size(), 1u) << "an echogenic haematoma decorrelates";
  EXPECT_NEAR(r.findings.front().opening_mm, 2.0, 0.4);
}

// The maps --explain draws: the fluid between the ends is dark at peak where the gap lies in
// the peak frame, muscle is not; fibres read at their pennation inside the muscle.
TEST(ConstructedField, TheEvidenceMapsShowTheDarkGapAndTheFibres) {
  const DetectionResult r = detect({});
  const EvidenceMaps& m = r.maps;
  ASSERT_EQ(m.dark_at_peak.size(), std::size_t(m.columns) * std::size_t(m.rows));
  const auto at = [&](const std::vector<float>& map, double x, double y) {
    return map[std::size_t(std::lround((y - m.origin_y_px) / m.step_px)) * m.columns +
               std::size_t(std::lround((x - m.origin_x_px) / m.step_px))];
  };
  EXPECT_GT(at(m.dark_at_peak, kTearX, kCentreY), 0.6f) << "2 mm of fluid at the middle of the cut";
  EXPECT_LT(at(m.dark_at_peak, 60.0, kCentreY), 0.3f) << "muscle";
  EXPECT_LT(at(m.dark_at_peak, kTearX, 30.0), 0.3f) << "beyond the cut's end";
  const DetectionResult intact = detect({0.0});
  EXPECT_LT(at(intact.maps.dark_at_peak, kTearX, kCentreY), 0.3f) << "no cut, no fluid";
  EXPECT_NEAR(at(m.fibre_angle_deg, 80.0, 80.0), kPennationDeg, 5.0);
  EXPECT_GT(at(m.fibre_coherence, 80.0, 80.0), 0.1f);
  const CandidateEvidence* c = candidate_at_cut(r);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->grid_points.size(), std::size_t(c->points));
}

// Three contractions: a tear opens with each, and says so; a surface that opens in one of
// them only (a probe slip, a vessel's pulse, tracking noise) is not a tear.
TEST(ConstructedField, ATearOpensWithEveryContraction) {
  ConstructedTear three;
  three.contractions = 3;
  const DetectionResult r = detect(three);
  ASSERT_EQ(r.contraction.cycles.size(), 3u);
  EXPECT_EQ(r.contraction.cycles[1].peak_frame / kCycleFrames, 1);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings.front().contractions_seen, 3);
  EXPECT_EQ(r.findings.front().contractions_opened, 3);
  EXPECT_NEAR(r.findings.front().opening_mm, 2.0, 0.3);
  ConstructedTear once = three;
  once.opens_in_only = 1;
  const DetectionResult o = detect(once);
  EXPECT_TRUE(o.findings.empty());
  const CandidateEvidence* c = candidate_at_cut(o);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->decision, "opens_in_few_contractions") << c->reason;
  EXPECT_EQ(c->contractions_seen, 3);
  EXPECT_EQ(c->contractions_opened, 1);
}

// Rest and peak are plateaus: relaxed frames before and after the contraction, a hold of four.
// Which frame of each is the extreme is noise (here 0.0015 of strain steers it), and so is which
// tissue the tracker happened to lose, or keep, on one frame. The haematoma gate's shares are
// medians over the plateaus: steered to the frames where the muscle beside the gap was lost and
// the gap itself tracked, or away from them, the same echogenic, decorrelating tear is judged
// the same way, on the same shares. (Read on the steered frames alone: 0.45 of the muscle
// around tracked, none of the gap lost, and no haematoma.)
TEST(ConstructedField, TheHaematomaGateReadsTheRestAndPeakPlateausNotTheirExtremeFrame) {
  ConstructedTear blood;
  blood.echogenic = blood.gap_decorrelates = true;
  blood.levels = {0, 0, 0, 1.0 / 3, 2.0 / 3, 1, 1, 1, 1, 2.0 / 3, 1.0 / 3, 0, 0, 0};
  blood.lost_at = {2, 8};
  blood.cut_tracked_at = {8};
  ConstructedTear steered_to_the_lost_frames = blood, steered_away = blood;
  steered_to_the_lost_frames.levels[2] = -0.01;  // 0.0015 longer: the most relaxed
  steered_to_the_lost_frames.levels[8] = 1.01;
  steered_away.levels[0] = -0.01;  // the rest is taken before the peak (ContractionAnalysis.cpp)
  steered_away.levels[5] = 1.01;
  const DetectionResult lost = detect(steered_to_the_lost_frames), kept = detect(steered_away);
  ASSERT_EQ(lost.contraction.rest_frame, 2);
  ASSERT_EQ(lost.contraction.peak_frame, 8);
  ASSERT_EQ(kept.contraction.rest_frame, 0);
  ASSERT_EQ(kept.contraction.peak_frame, 5);
  EXPECT_EQ(lost.contraction.rest_plateau, (std::vector<int>{0, 1, 2, 11, 12, 13}));
  EXPECT_EQ(lost.contraction.peak_plateau, (std::vector<int>{5, 6, 7, 8}));
  EXPECT_EQ(kept.contraction.rest_plateau, lost.contraction.rest_plateau);
  EXPECT_EQ(kept.contraction.peak_plateau, lost.contraction.peak_plateau);
  const CandidateEvidence* a = candidate_at_cut(lost);
  const CandidateEvidence* b = candidate_at_cut(kept);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->decision, b->decision) << a->reason << " / " << b->reason;
  EXPECT_DOUBLE_EQ(a->surround_tracked_share, b->surround_tracked_share);
  EXPECT_DOUBLE_EQ(a->untracked_share, b->untracked_share);
  EXPECT_GE(a->surround_tracked_share, 0.6);
  EXPECT_GE(a->untracked_share, 0.3);
  EXPECT_EQ(lost.findings.size(), 1u);
  EXPECT_EQ(kept.findings.size(), 1u);
}

// The gap is read on the images of every frame that opens about as much as the widest, not on
// the widest alone: there one image shows the dark gap 3 mm wide (a shadow, a JPEG block), and
// a thousandth of strain more makes that frame the widest.
TEST(ConstructedField, AGapIsMeasuredOverTheFramesWhereItIsWidestNotOnOneImage) {
  ConstructedTear tear;
  tear.levels = {0, 1.0 / 3, 2.0 / 3, 1, 1, 1, 1, 2.0 / 3, 1.0 / 3, 0};
  ConstructedTear shadowed = tear;
  shadowed.band_widened_at = {6};
  shadowed.levels[6] = 1.01;
  const DetectionResult plain = detect(tear), widest_shadowed = detect(shadowed);
  ASSERT_EQ(plain.findings.size(), 1u);
  ASSERT_EQ(widest_shadowed.findings.size(), 1u);
  EXPECT_EQ(widest_shadowed.findings.front().frame, 6) << "the widest frame is the shadowed one";
  EXPECT_NEAR(plain.findings.front().gap_mm, 2.0, 0.4);
  EXPECT_NEAR(widest_shadowed.findings.front().gap_mm, plain.findings.front().gap_mm, 0.2);
}

// A stump is tissue that shortens like its muscle, read over its search (the median from the
// gap's edge plus its 1.5 mm margin to 3 mm further), not at its first point: beside a gap the
// shortening rises over a millimetre or two from the gap's own. The cut here runs through the
// muscle's whole thickness, so that a layer beside it that thickens less than the muscle leaves
// no slit above or below it (which would join the patch and move its edge).
// - A layer carried along without shortening (fat, tendon) 6 mm thick on one side is no stump:
//   the opening beside it is not a tear.
// - The price of the median: 4 mm of it passes now, as it did not when the first point decided
//   (the edge lies 0.8 mm from the cut here: rejected from about 4.7 mm, before from about 3.5).
// - A stump whose shortening rises slowly from nothing at the gap to the muscle's 10 mm out read
//   0.035 at its first point (0.28 of its compartment's, under the gate's 0.33) and 0.056 over
//   its search: a tear.
TEST(ConstructedField, AStumpIsReadOverItsSearchNotAtItsFirstPoint) {
  ConstructedTear carried;
  carried.top_px = 0.0;
  carried.bottom_px = kHeightPx;
  carried.layer_mm = 6.0;
  const DetectionResult thick = detect(carried);
  EXPECT_TRUE(thick.findings.empty());
  const CandidateEvidence* c = candidate_at_cut(thick);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->decision, "stumps_not_contracting") << c->reason;
  const double share = DetectionSettings{}.contracting_share;
  EXPECT_NEAR(c->stump_strain[0], c->muscle_strain, 0.01) << "the cut's left side is muscle";
  EXPECT_GT(c->stump_strain[1], share * c->muscle_strain);
  carried.layer_mm = 4.0;
  const DetectionResult thinner = detect(carried);
  ASSERT_EQ(thinner.findings.size(), 1u);
  EXPECT_NEAR(thinner.findings.front().centre_col_px, kTearX, 10.0);
  ConstructedTear slope = carried;
  slope.layer_mm = 10.0;
  slope.layer_ramps = true;
  const DetectionResult r = detect(slope);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NEAR(r.findings.front().centre_col_px, kTearX, 10.0);
  const CandidateEvidence* s = candidate_at_cut(r);
  ASSERT_NE(s, nullptr);
  EXPECT_LT(s->stump_strain[1], share * s->muscle_strain);
  EXPECT_GT(s->stump_strain[1], 0.8 * s->muscle_strain) << "shortening less than the muscle next to the gap";
}

// A tear's extent where the muscle beside its aponeurosis could not be tracked. The cut runs
// through the whole muscle (aponeuroses at 3 and 17 mm deep), but the tracker lost the tissue
// around it from the top plane down to 5.2 mm deep: its evidence stops 2.4 mm short of the plane
// (83 % of the muscle). A cut that stops 2.2 mm short of the plane, its last fibres intact but
// lost the same way, looks alike: both are graded partial on what was seen, and both may be
// complete, which a note says (above the tear: the superficial aponeurosis). So does a cut lost
// down to 7.5 mm deep. Where those last fibres were tracked holding, the grade stands unqualified.
TEST(ConstructedField, ATearEndingInMuscleTheTrackerLostMayBeComplete) {
  ConstructedTear through;
  through.top_px = 0.0;
  through.bottom_px = kHeightPx;
  through.untracked_from_px = 0.0;
  through.untracked_to_px = 52.0;
  ConstructedTear short_of_it = through;
  short_of_it.top_px = 52.0;
  ConstructedTear deeper = through;
  deeper.untracked_to_px = 75.0;
  for (const auto& [t, lost_mm] : {std::pair{through, 2.4}, std::pair{short_of_it, 2.4}, std::pair{deeper, 4.6}}) {
    SCOPED_TRACE("cut from " + std::to_string(t.top_px) + " px, lost to " + std::to_string(t.untracked_to_px) + " px");
    const DetectionResult r = detect(t);
    ASSERT_EQ(r.findings.size(), 1u) << (r.notes.empty() ? "" : r.notes.back());
    const TearFinding& f = r.findings.front();
    EXPECT_NEAR(0.01 * f.extent_pct * f.muscle_thickness_mm, 14.0 - lost_mm, 0.3);
    EXPECT_EQ(f.grade, TearGrade::Partial);
    EXPECT_NEAR(0.01 * f.extent_unseen_above_pct * f.muscle_thickness_mm, lost_mm, 0.3);
    EXPECT_EQ(f.extent_unseen_below_pct, 0.0) << "the cut reaches the deep aponeurosis";
    EXPECT_TRUE(may_be_complete(f));
    EXPECT_EQ(describe_grade(f), "partial tear (may be complete)");
    DetectionResult shown = r;
    note_tear_ends(shown);
    const std::string note = describe_unseen_end(f, r);
    EXPECT_NE(std::find(shown.notes.begin(), shown.notes.end(), note), shown.notes.end());
    EXPECT_NE(note.find("before the superficial aponeurosis"), std::string::npos) << note;
  }

  ConstructedTear held;  // the end 2.2 mm short, its last fibres tracked
  held.top_px = 52.0;
  held.bottom_px = kHeightPx;
  const DetectionResult partial = detect(held);
  ASSERT_EQ(partial.findings.size(), 1u);
  EXPECT_EQ(partial.findings.front().grade, TearGrade::Partial);
  EXPECT_EQ(partial.findings.front().extent_unseen_pct(), 0.0);
  EXPECT_FALSE(may_be_complete(partial.findings.front()));
  const TearFinding& h = partial.findings.front();
  EXPECT_NEAR(0.01 * h.extent_spared_above_pct * h.muscle_thickness_mm, 2.4, 0.5) << "the last fibres, tracked without opening";
  EXPECT_EQ(h.extent_spared_below_pct, 0.0) << "the cut reaches the deep aponeurosis";
}

}  // namespace ft
