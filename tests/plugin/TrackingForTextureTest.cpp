// The tracking sized to the image's texture (settings_at, size_tracking_to_texture in
// ClipAnalysis.h): our simulator's speckle keeps the defaults its benchmarks were measured with;
// texture as elongated as a recorded scanner screen's gets a template three texture lengths wide
// (up to the matcher's 33 px) and a backward match that may land up to three times as far across
// as in depth.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "ft/plugin/ClipAnalysis.h"
#include "ft/plugin/LiveTearMonitor.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft {
namespace {

MeasurementScale scale_of(double mm_per_px) {
  MeasurementScale s;
  s.source = ScaleSource::DepthScale;
  s.mm_per_px_x = s.mm_per_px_y = mm_per_px;
  return s;
}

int template_side_px(const AnalysisSettings& s, double mm_per_px) {
  return 2 * gpu::make_geometry(s.tracking, mm_per_px, 700, 560).kernel_half_px + 1;
}

}  // namespace

TEST(TrackingForTexture, OurSimulatorsSpeckleKeepsTheDefaults) {
  const AnalysisSettings defaults;
  for (const char* preset : {"intact", "full_tear", "real_intact", "real_tear+focused_beam", "real_intact+speckle_reduction",
                             "real_partial_tear+bipennate+curved_fascia", "real_vessel+probe_moved+speckle_reduction"})
    for (std::uint64_t seed : {7, 2001}) {
      SCOPED_TRACE(std::string(preset) + " seed " + std::to_string(seed));
      const sim::SimulatedExam exam(sim::make_preset(preset, seed, 2));
      const TextureLengths texture = measure_texture_lengths(exam.render_frame(0), exam.region().bounds);
      ASSERT_TRUE(texture.measured());
      const MeasurementScale scale = measurement_scale(exam.render_frame(0), exam.region());
      const AnalysisSettings sized = settings_at(defaults, scale, texture);
      EXPECT_EQ(sized.tracking.kernel_mm, defaults.tracking.kernel_mm) << texture.lateral_px << " px across";
      EXPECT_EQ(sized.tracking.forward_backward_lateral_scale, 1.0) << "elongation " << texture.elongation();
      EXPECT_EQ(sized_tracking_note(defaults.tracking, sized.tracking, scale), "");
      EXPECT_EQ(sized.detection.fascicle_grain_elongation, 1.0) << "fascicles read with lines of one length";
    }
}

TEST(TrackingForTexture, ARecordedScreensTextureGetsTheWidestTemplateAndALateralTolerance) {
  // A Telemed recording (isometric max_01_push_01): 19.2 px across, 3.4 px in depth, 0.088 mm/px.
  const AnalysisSettings defaults;
  const MeasurementScale scale = scale_of(0.088);
  const TextureLengths screen{19.2, 3.4};
  const AnalysisSettings sized = settings_at(defaults, scale, screen);
  EXPECT_EQ(template_side_px(settings_at(defaults, scale), 0.088), 21);
  EXPECT_EQ(template_side_px(sized, 0.088), 33);  // the matcher's largest
  EXPECT_DOUBLE_EQ(sized.tracking.forward_backward_lateral_scale, 3.0);
  const std::string note = sized_tracking_note(defaults.tracking, sized.tracking, scale);
  EXPECT_EQ(note,
            "for this smeared image the tracking was adjusted (matched over larger areas (2.9 mm across), and checked "
            "less strictly side to side): motion and layers thinner than the matched area are measured less precisely");
  MeasurementScale estimated = scale;
  estimated.source = ScaleSource::SpeckleEstimate;  // mm only where they can be trusted
  const std::string in_px = sized_tracking_note(defaults.tracking, settings_at(defaults, estimated, screen).tracking, estimated);
  EXPECT_NE(in_px.find("(33 px across)"), std::string::npos) << in_px;
  EXPECT_EQ(in_px.find(" mm"), std::string::npos) << in_px;
  // Only the tolerance changed (texture short across at a fine scale): only that is said.
  const MeasurementScale fine = scale_of(0.03);
  const std::string looser = sized_tracking_note(defaults.tracking, settings_at(defaults, fine, screen).tracking, fine);
  EXPECT_EQ(looser, "for this smeared image the tracking was adjusted (checked less strictly side to side)");
}

// The coarse levels match with a smaller template (TrackingGeometry::coarse_half_px): the 33 px
// template costs no level of reach on a recorded screen's image area, in the standard and in the
// station's "large motion" tracking (2.2 mm, 3 mm search), nor on a smaller image.
TEST(TrackingForTexture, TheWidestTemplateKeepsEveryPyramidLevel) {
  for (double search_mm : {2.5, 3.0})
    for (const auto& [w, h] : {std::pair{726, 566}, {400, 300}, {320, 240}}) {
      SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h) + ", search " + std::to_string(search_mm));
      AnalysisSettings unsized;
      unsized.tracking.search_mm = search_mm;
      const AnalysisSettings sized = settings_at(unsized, scale_of(0.088), TextureLengths{19.2, 3.4});
      const gpu::TrackingGeometry a = gpu::make_geometry(unsized.tracking, 0.088, w, h);
      const gpu::TrackingGeometry b = gpu::make_geometry(sized.tracking, 0.088, w, h);
      EXPECT_EQ(b.kernel_half_px, 16);
      EXPECT_EQ(b.levels, a.levels);
      EXPECT_EQ(b.capture_px, a.capture_px);
    }
}

TEST(TrackingForTexture, TheTemplateHoldsThreeTextureLengths) {
  const AnalysisSettings defaults;
  const MeasurementScale scale = scale_of(0.1);
  // 7.5 px across, 2 px deep (3.75): 22.5 px, rounded by the tracker to an odd side.
  EXPECT_EQ(template_side_px(settings_at(defaults, scale, TextureLengths{7.5, 2.0}), 0.1), 23);
  // Texture shorter across than the default template's third keeps the default (19 px at 0.1 mm).
  EXPECT_EQ(template_side_px(settings_at(defaults, scale, TextureLengths{5.0, 1.2}), 0.1), 19);
}

TEST(TrackingForTexture, TheLateralToleranceGrowsFromOneAtTheKneeToThreeOneUnitAbove) {
  const AnalysisSettings defaults;
  const MeasurementScale scale = scale_of(0.1);
  for (const auto& [lateral, axial, expected] :
       {std::tuple{6.0, 3.0, 1.0}, {7.2, 2.0, 1.0}, {8.2, 2.0, 2.0}, {9.2, 2.0, 3.0}, {60.0, 3.0, 3.0}}) {
    SCOPED_TRACE(lateral / axial);
    EXPECT_NEAR(settings_at(defaults, scale, TextureLengths{lateral, axial}).tracking.forward_backward_lateral_scale,
                expected, 1e-9);
  }
}

TEST(TrackingForTexture, TheElongationIsJudgedInMillimetres) {
  const AnalysisSettings defaults;
  MeasurementScale tall = scale_of(0.088);
  tall.mm_per_px_y = 0.176;  // pixels twice as tall as wide: 5.6 times in px is 2.8 in mm
  const AnalysisSettings at = settings_at(defaults, tall, TextureLengths{19.2, 3.4});
  EXPECT_EQ(at.tracking.kernel_mm, defaults.tracking.kernel_mm);
  EXPECT_EQ(at.detection.fascicle_grain_elongation, 1.0);
}

// By default (AnalysisSettings::fascicles_along_grain), fascicles on such texture are read along
// its grain (FascicleReadings), in px as the lines are laid; whether the tracking is sized or not
// (benchmarks compare the tracking alone). Turned off, along lines of one length.
TEST(TrackingForTexture, FasciclesAreReadAlongAScreensGrain) {
  AnalysisSettings defaults;
  const TextureLengths screen{19.2, 3.4};
  EXPECT_DOUBLE_EQ(settings_at(defaults, scale_of(0.088), screen).detection.fascicle_grain_elongation, 19.2 / 3.4);
  defaults.tracking_sized_to_texture = false;
  EXPECT_DOUBLE_EQ(settings_at(defaults, scale_of(0.088), screen).detection.fascicle_grain_elongation, 19.2 / 3.4);
  MeasurementScale wide = scale_of(0.088);
  wide.mm_per_px_x = 0.176;  // pixels twice as wide as tall: 3 times in px is 6 in mm, lines laid at 3
  EXPECT_DOUBLE_EQ(settings_at(defaults, wide, TextureLengths{9.0, 3.0}).detection.fascicle_grain_elongation, 3.0);
  AnalysisSettings off;
  off.fascicles_along_grain = false;
  EXPECT_EQ(settings_at(off, scale_of(0.088), screen).detection.fascicle_grain_elongation, 1.0) << "turned off";
}

// Through the simulator's wide beam, which reads as the recorded screens do, the default tracking
// held 6-43 % of the development set's muscle and the sized tracking 52-95 % (docs/benchmarks.md,
// "Real scanner recordings IV"): analyse_clip sizes it, and says so.
TEST(TrackingForTexture, AnalysingAClipOfSuchTextureTracksMostOfTheMuscle) {
  const sim::SimulatedExam exam(sim::make_preset("real_intact+wide_beam", 7));
  std::vector<Frame> frames;
  for (int k = 0; k < exam.frame_count(); ++k) frames.push_back(exam.render_frame(k));
  const auto frame_at = [&](int k) { return frames[std::size_t(k)]; };
  const ClipAnalysis a = analyse_clip(int(frames.size()), frame_at, exam.region());
  bool said = false;
  for (const std::string& w : a.warnings) said |= w.find("the tracking was adjusted") != std::string::npos;
  EXPECT_TRUE(said);
  AnalysisSettings unsized;
  unsized.tracking_sized_to_texture = false;
  const ClipAnalysis b = analyse_clip(int(frames.size()), frame_at, exam.region(), unsized);
  EXPECT_GE(a.detection.tracked_fraction, 0.5);
  EXPECT_GE(a.detection.tracked_fraction, b.detection.tracked_fraction + 0.15) << "unsized";
  EXPECT_FALSE(a.detection.tear_detected);
}

namespace {

std::vector<Frame> frames_of(const char* preset, int count) {
  const sim::SimulatedExam exam(sim::make_preset(preset, 7, count));
  std::vector<Frame> frames;
  for (int k = 0; k < count; ++k) frames.push_back(exam.render_frame(k));
  return frames;
}

// Feeds `frames` to `monitor` as one window of their own.
void one_window(LiveTearMonitor& monitor, const std::vector<Frame>& frames) {
  monitor.end_window();
  for (const Frame& f : frames) monitor.add_frame(f);
}

}  // namespace

// Live monitoring follows the same rule from the texture it reads at each window, and says so.
TEST(TrackingForTexture, LiveMonitoringSizesItsTrackingToo) {
  const std::vector<Frame> screen = frames_of("real_intact+wide_beam", 24);
  LiveSettings settings;
  settings.update_every = 8;
  LiveTearMonitor monitor(sim::SimulatedExam(sim::make_preset("real_intact+wide_beam", 7, 24)).region(), settings);
  std::optional<DetectionResult> last;
  for (const Frame& f : screen)
    if (auto r = monitor.add_frame(f)) last = r;
  ASSERT_TRUE(last);
  EXPECT_EQ(monitor.tracking().forward_backward_lateral_scale, 3.0);
  EXPECT_GT(monitor.tracking().kernel_mm, AnalysisSettings{}.tracking.kernel_mm);
  bool said = false;
  for (const std::string& n : last->notes) said |= n.find("the tracking was adjusted") != std::string::npos;
  EXPECT_TRUE(said);
}

// One window of other texture (a probe half lifted) changes nothing; two in a row do.
TEST(TrackingForTexture, LiveMonitoringChangesItsTrackingOnlyWhenTwoWindowsAgree) {
  const std::vector<Frame> speckle = frames_of("real_intact", 4), screen = frames_of("real_intact+wide_beam", 4);
  LiveTearMonitor monitor(sim::SimulatedExam(sim::make_preset("real_intact", 7, 4)).region());
  const double default_kernel_mm = AnalysisSettings{}.tracking.kernel_mm;
  one_window(monitor, speckle);
  EXPECT_EQ(monitor.tracking().kernel_mm, default_kernel_mm);
  one_window(monitor, screen);
  EXPECT_EQ(monitor.tracking().kernel_mm, default_kernel_mm) << "one window";
  one_window(monitor, speckle);
  one_window(monitor, screen);
  EXPECT_EQ(monitor.tracking().kernel_mm, default_kernel_mm) << "one window again";
  one_window(monitor, screen);
  EXPECT_GT(monitor.tracking().kernel_mm, default_kernel_mm) << "two windows in a row";
  one_window(monitor, speckle);
  EXPECT_GT(monitor.tracking().kernel_mm, default_kernel_mm) << "one window back";
  one_window(monitor, speckle);
  EXPECT_EQ(monitor.tracking().kernel_mm, default_kernel_mm) << "two windows back";
}

// Live monitoring reads fascicles along a screen's grain from the texture it has settled on (two
// windows agree), also with the tracking left unsized: then only the detection's settings change,
// and they must.
TEST(TrackingForTexture, LiveMonitoringReadsFasciclesAlongTheGrainItSettledOn) {
  const std::vector<Frame> speckle = frames_of("real_intact", 4), screen = frames_of("real_intact+wide_beam", 4);
  LiveSettings settings;
  settings.analysis.tracking_sized_to_texture = false;
  LiveTearMonitor monitor(sim::SimulatedExam(sim::make_preset("real_intact", 7, 4)).region(), settings);
  one_window(monitor, speckle);
  EXPECT_EQ(monitor.detection().fascicle_grain_elongation, 1.0);
  one_window(monitor, screen);
  EXPECT_EQ(monitor.detection().fascicle_grain_elongation, 1.0) << "one window";
  one_window(monitor, screen);
  EXPECT_GE(monitor.detection().fascicle_grain_elongation, kScreenTextureElongation) << "two windows in a row";
  EXPECT_EQ(monitor.tracking().kernel_mm, AnalysisSettings{}.tracking.kernel_mm) << "the tracking left unsized";
  LiveSettings off;
  off.analysis.fascicles_along_grain = false;
  LiveTearMonitor not_asked(sim::SimulatedExam(sim::make_preset("real_intact+wide_beam", 7, 4)).region(), off);
  one_window(not_asked, screen);
  one_window(not_asked, screen);
  EXPECT_EQ(not_asked.detection().fascicle_grain_elongation, 1.0) << "turned off";
}

}  // namespace ft
