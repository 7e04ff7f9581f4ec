// A finding drawn on any frame of its clip: where its tissue is in that frame, with that
// frame's gap (the review and the burned-in capture both draw it so).
#include "ft/plugin/ReviewScene.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "OverlayFixtures.h"
#include "ft/core/GapFollower.h"

namespace ft {

TEST(ReviewScene, AFindingMovesWithItsTissueAndTakesEachFramesGap) {
  ClipAnalysis a;
  a.kept_frames = {0, 2, 3};  // frame 1 repeats frame 0 (a grabber's repeat)
  a.motion.region = test::inset_region();
  a.motion.mm_per_px_x = a.motion.mm_per_px_y = 0.1;
  a.motion.cumulative = {test::whole_frame_field(0, 0), test::whole_frame_field(5, -3), test::whole_frame_field(9, -4)};
  // Near the finding, in frame 3 (analysed index 2), part of the tissue is untracked.
  DisplacementField& last = a.motion.cumulative[2];
  last.valid[last.index(12, 8)] = 0;
  last.dx_px[last.index(12, 8)] = 500;  // untracked: never read
  // Tissue far from the finding (more than three grid steps) moves otherwise: not its motion.
  for (int r = 0; r < last.rows; ++r)
    for (int c = 0; c < 6; ++c) last.dx_px[last.index(c, r)] = 40;
  TearFinding f;
  f.frame = 2;  // its peak: analysed index 1
  f.centre_col_px = 100 + 5;
  f.centre_row_px = 70 - 3;
  f.gap_mm = 4.0;
  f.gap_rest_mm = 1.5;
  f.gap_by_frame_mm = {0.0, 3.8, 3.0};  // the curve at the peak a little off the measured gap
  a.detection.findings = {f};

  const TearFinding at_start = finding_in_frame(f, a, 1);  // shows analysed frame 0
  EXPECT_NEAR(at_start.centre_col_px, 100, 1e-9);
  EXPECT_NEAR(at_start.centre_row_px, 70, 1e-9);
  EXPECT_DOUBLE_EQ(at_start.gap_mm, 1.5) << "no gap on the curve there: the rest gap";
  const TearFinding at_peak = finding_in_frame(f, a, 2);
  EXPECT_NEAR(at_peak.centre_col_px, f.centre_col_px, 1e-9);
  EXPECT_DOUBLE_EQ(at_peak.gap_mm, 4.0) << "on its own frame the gap measured (the report's), not the curve's";
  const TearFinding later = finding_in_frame(f, a, 3);
  EXPECT_NEAR(later.centre_col_px, 100 + 9, 1e-9) << "the untracked point is left out of the mean";
  EXPECT_NEAR(later.centre_row_px, 70 - 4, 1e-9);
  EXPECT_DOUBLE_EQ(later.gap_mm, 3.0);
  EXPECT_EQ(later.frame, 3);

  // The scene of each frame draws the finding there: its caliper centred on the moved centre.
  OverlayLayers layers;
  const OverlayScene scene = review_scene(a, 3, layers);
  ASSERT_GE(scene.lines.size(), 2u);
  const OverlayPolyline& caliper = scene.lines[1];
  ASSERT_EQ(caliper.points_px.size(), 2u);
  EXPECT_NEAR(0.5 * (caliper.points_px[0].x + caliper.points_px[1].x), 109, 1e-6);
  EXPECT_NEAR(std::abs(caliper.points_px[1].x - caliper.points_px[0].x), 30, 1e-6) << "3 mm at 0.1 mm/px";
  ASSERT_FALSE(scene.labels.empty());
  EXPECT_EQ(scene.labels.front().text, "gap 3.0 mm (peak 4.0), grade 0") << "this frame's gap, and the measured one";
  EXPECT_EQ(review_scene(a, 2, layers).labels.front().text, "gap 4.0 mm, grade 0");

  // Where the curve could not read the gap (its value there is the rest gap), the finding is
  // shown as found, as live analysis shows it, not as a gap that closed.
  f.gap_by_frame_mm = {0.0, 3.8, 1.5};
  f.gap_measured_by_frame = {1, 1, 0};
  a.detection.findings = {f};
  EXPECT_DOUBLE_EQ(finding_in_frame(f, a, 3).gap_mm, 4.0);
  EXPECT_FALSE(gap_read_in_frame(f, a, 3));
  EXPECT_EQ(review_scene(a, 3, layers).labels.front().text, "gap 4.0 mm (peak; not read on this frame), grade 0")
      << "drawn as found, and saying so: not this frame's measurement";
  EXPECT_EQ(review_scene(a, 2, layers).labels.front().text, "gap 4.0 mm, grade 0") << "its own frame";
}

// A layer named for review is drawn in review where its tissue is on the frame shown, as a
// finding is: its ring centred on the moved place.
TEST(ReviewScene, ALayerForReviewMovesWithItsTissue) {
  ClipAnalysis a;
  a.kept_frames = {0, 1, 2};
  a.motion.region = test::inset_region();
  a.motion.mm_per_px_x = a.motion.mm_per_px_y = 0.1;
  a.motion.cumulative = {test::whole_frame_field(0, 0), test::whole_frame_field(5, -3), test::whole_frame_field(9, -4)};
  TearFinding layer;
  layer.frame = 1;
  layer.centre_col_px = 100 + 5;
  layer.centre_row_px = 70 - 3;
  a.detection.for_review = {layer};
  OverlayLayers layers;
  const OverlayScene scene = review_scene(a, 2, layers);
  const auto ring = std::find_if(scene.lines.begin(), scene.lines.end(),
                                 [](const OverlayPolyline& l) { return l.colour.r == overlay_colour::kForReview.r &&
                                                                       l.colour.g == overlay_colour::kForReview.g; });
  ASSERT_NE(ring, scene.lines.end()) << "the layer's ring";
  double x = 0, y = 0;
  for (const PointPx& p : ring->points_px) x += p.x, y += p.y;
  EXPECT_NEAR(x / double(ring->points_px.size()), 109, 1e-6) << "moved with its tissue to frame 2";
  EXPECT_NEAR(y / double(ring->points_px.size()), 66, 1e-6);
  bool labelled = false;  // with the frame it was seen on, not the frame shown
  for (const OverlayLabel& l : scene.labels) labelled |= l.text.find("not a finding") != std::string::npos && l.text.find("(frame 2)") != std::string::npos;
  EXPECT_TRUE(labelled);
}

// Inside a wide gap nothing is tracked (fluid, churning echoes): a finding the analysis made
// moves with its two stumps, which are (the right one retracting further), not with the
// tissue around its centre.
TEST(ReviewScene, AFindingMovesWithItsStumpsWhereItsGapIsUntracked) {
  ClipAnalysis a;
  a.kept_frames = {0, 2, 3};
  a.motion.region = test::inset_region();
  a.motion.mm_per_px_x = a.motion.mm_per_px_y = 0.1;
  a.motion.cumulative = {test::whole_frame_field(0, 0), test::whole_frame_field(5, -3), test::whole_frame_field(9, -4)};
  DisplacementField& last = a.motion.cumulative[2];
  for (int r = 0; r < last.rows; ++r)
    for (int c = 12; c < last.columns; ++c) last.dx_px[last.index(c, r)] = 13;  // right of the gap (x >= 100)
  GapFollowerGeometry stumps;  // frame-0 px: grid points (9, 8) and (14, 8)
  stumps.stump_a_x_px = 76;
  stumps.stump_a_y_px = 68;
  stumps.stump_b_x_px = 116;
  stumps.stump_b_y_px = 68;
  TearFinding f;
  f.frame = 2;  // analysed index 1: the centre (96, 68) of frame 0 lies at (101, 65)
  f.centre_col_px = 101;
  f.centre_row_px = 65;
  f.gap_mm = 4.0;
  f.gap_by_frame_mm = {1.0, 4.0, 4.4};
  // Around the centre (four grid steps) nothing is tracked in the frame shown.
  for (int r = 0; r < last.rows; ++r)
    for (int c = 0; c < last.columns; ++c)
      if (std::hypot(last.x_px(c) + 5 - 101, last.y_px(r) - 3 - 65) <= 32) last.valid[last.index(c, r)] = 0;
  EXPECT_NEAR(finding_in_frame(f, a, 3).centre_col_px, 101, 1e-9) << "without its stumps it stays";
  f.follower = std::make_shared<GapFollower>(std::vector<std::size_t>{}, std::vector<Tensor2>{}, 1, 0.1, 0.1, stumps);
  const TearFinding later = finding_in_frame(f, a, 3);
  EXPECT_NEAR(later.centre_col_px, 101 + 0.5 * (4 + 8), 1e-9) << "the stumps' mean motion: 4 and 8 px";
  EXPECT_NEAR(later.centre_row_px, 65 - 1, 1e-9);
  EXPECT_NEAR(later.centre_x_mm - f.centre_x_mm, 0.6, 1e-9) << "and its mm with its px";
  EXPECT_NEAR(later.centre_z_mm - f.centre_z_mm, -0.1, 1e-9);
  EXPECT_DOUBLE_EQ(later.gap_mm, 4.4);
  const TearFinding back = finding_in_frame(f, a, 0);
  EXPECT_NEAR(back.centre_col_px, 96, 1e-9) << "and back to frame 0";
  EXPECT_NEAR(back.centre_row_px, 68, 1e-9);
}

// A clip that starts contracted: its arrows, like its strain layer, count from the rest frame,
// so at rest there are none, and later ones show the motion since rest; the clip's gain too.
TEST(ReviewScene, ArrowsCountFromTheRestFrame) {
  ClipAnalysis a;
  a.kept_frames = {0, 1, 2};
  a.motion.region = test::inset_region();
  a.motion.mm_per_px_x = a.motion.mm_per_px_y = 0.1;
  a.motion.cumulative = {test::whole_frame_field(0, 0), test::whole_frame_field(30, 0), test::whole_frame_field(32, 1)};
  a.detection.contraction.rest_frame = 1;  // contracted at the start, relaxed at frame 1
  OverlayLayers layers;
  layers.strain = false;
  layers.vector_gain = 4.0;
  EXPECT_TRUE(review_scene(a, 1, layers).arrows.empty()) << "no motion since rest";
  const OverlayScene later = review_scene(a, 2, layers);
  ASSERT_FALSE(later.arrows.empty());
  for (const OverlayArrow& arrow : later.arrows) {
    EXPECT_NEAR(arrow.tip_px.x - arrow.base_px.x, 4.0 * 2, 1e-6) << "2 px since rest, not 32 since the first frame";
    EXPECT_NEAR(arrow.tip_px.y - arrow.base_px.y, 4.0 * 1, 1e-6);
  }
  // The gain: frame 0 is 3 mm from rest (30 px), the most motion since rest: 4 mm / 3 mm.
  EXPECT_NEAR(clip_arrow_gain(a), 4.0 / 3.0, 1e-9);
}

// Tracks: where the tissue under each arrow was over the frames before, ending where it is
// now; a point untracked on the way keeps only the stretch since; off by default.
TEST(ReviewScene, TracksFollowTheTissueUnderEachArrowOverTheFramesBefore) {
  ClipAnalysis a;
  a.kept_frames = {0, 1, 2, 3};
  a.motion.region = test::inset_region();  // (40..159, 30..129)
  a.motion.cumulative = {test::whole_frame_field(0, 0), test::whole_frame_field(2, 1), test::whole_frame_field(5, 2),
                         test::whole_frame_field(9, 3)};
  const DisplacementField& f = a.motion.cumulative[0];
  const int every = int(std::lround(kArrowSpacingPx / f.step_px));  // 3 grid steps
  // The point at grid (7, 7) = (60, 60) px: an arrow's; (10, 7): untracked in frame 1; (13, 7):
  // untracked in frame 2, the middle of the window, so nothing before the frame shown is kept.
  a.motion.cumulative[1].valid[f.index(10, 7)] = 0;
  a.motion.cumulative[2].valid[f.index(13, 7)] = 0;
  ASSERT_EQ(7 % every, every / 2);

  OverlayLayers layers;
  EXPECT_TRUE(review_scene(a, 3, layers).lines.empty()) << "off by default";
  const std::vector<OverlayPolyline> tracks = tissue_tracks(a, 3, 2);
  ASSERT_FALSE(tracks.empty());
  const auto track_ending_at = [&](double x, double y) -> const OverlayPolyline* {
    for (const OverlayPolyline& t : tracks)
      if (std::abs(t.points_px.back().x - x) < 1e-9 && std::abs(t.points_px.back().y - y) < 1e-9) return &t;
    return nullptr;
  };
  const OverlayPolyline* t = track_ending_at(60 + 9, 60 + 3);
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->points_px.size(), 3u) << "frames 1..3: two frames back and the one shown";
  EXPECT_NEAR(t->points_px.front().x, 60 + 2, 1e-9);
  EXPECT_NEAR(t->points_px.front().y, 60 + 1, 1e-9);
  const OverlayPolyline* broken = track_ending_at(84 + 9, 60 + 3);
  ASSERT_NE(broken, nullptr);
  EXPECT_EQ(broken->points_px.size(), 2u) << "untracked in frame 1: only frames 2..3";
  EXPECT_EQ(track_ending_at(108 + 9, 60 + 3), nullptr) << "untracked in frame 2: a track of one point is none";
  for (const OverlayPolyline& track : tracks)
    for (const PointPx& p : track.points_px) EXPECT_TRUE(p.x >= 40 && p.x <= 159 && p.y >= 30 && p.y <= 129);
  layers.tracks = true;
  const OverlayScene with = review_scene(a, 3, layers);
  EXPECT_EQ(with.lines.size(), tissue_tracks(a, 3).size());
  EXPECT_EQ(with.lines.front().colour.b, overlay_colour::kTrack.b);
}

}  // namespace ft
