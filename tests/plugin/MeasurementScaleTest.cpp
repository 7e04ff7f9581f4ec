// Where the mm come from when a clip has no calibration: the depth scale the scanner
// burned in beside the image, else no mm at all (px and fractions of the thickness).
#include <gtest/gtest.h>

#include "ft/plugin/ClipAnalysis.h"
#include "ft/plugin/MeasurementScale.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft {
namespace {

UltrasoundRegion without_calibration(UltrasoundRegion r) {
  r.units_x = r.units_y = PhysicalUnits::None;
  r.mm_per_px_x = r.mm_per_px_y = 0.0;
  return r;
}

}  // namespace

TEST(MeasurementScale, ACalibrationIsUsedAsItIs) {
  const sim::SimulatedExam exam(sim::make_preset("intact", 61, 2));
  const MeasurementScale s = measurement_scale(exam.render_frame(0), exam.region());
  EXPECT_EQ(s.source, ScaleSource::Calibration);
  EXPECT_DOUBLE_EQ(s.mm_per_px_x, exam.region().mm_per_px_x);
  EXPECT_TRUE(s.note.empty());
}

TEST(MeasurementScale, WithoutCalibrationTheScannersDepthScaleGivesTheMm) {
  for (double pitch_mm : {0.1, 0.15}) {
    sim::SimulationConfig config = sim::make_preset("intact", 62, 2);
    config.probe.pixel_pitch_mm = pitch_mm;
    config.layout.frame_width_px = 40 + config.region_width_px() + 60;  // room for the ruler and its labels
    config.layout.frame_height_px = 30 + config.region_height_px() + 20;
    const sim::SimulatedExam exam(config);
    const MeasurementScale s = measurement_scale(exam.render_frame(0), without_calibration(exam.region()));
    EXPECT_EQ(s.source, ScaleSource::DepthScale) << pitch_mm;
    EXPECT_NEAR(s.mm_per_px_x, pitch_mm, 0.01 * pitch_mm) << pitch_mm;
    EXPECT_TRUE(s.trusted());
    EXPECT_NE(s.note.find("depth scale"), std::string::npos);
  }
}

TEST(MeasurementScale, WithoutCalibrationOrDepthScaleTheMmAreNotReported) {
  sim::SimulationConfig config = sim::make_preset("full_tear", 63);
  config.layout.burn_in_text = false;  // a capture cropped to the image: no ruler
  const sim::SimulatedExam exam(config);
  std::vector<Frame> frames;
  for (int k = 0; k < exam.frame_count(); ++k) frames.push_back(exam.render_frame(k));
  const ClipAnalysis a =
      analyse_clip(int(frames.size()), [&](int k) { return frames[std::size_t(k)]; }, without_calibration(exam.region()));
  EXPECT_EQ(a.scale.source, ScaleSource::SpeckleEstimate);
  EXPECT_FALSE(a.detection.calibrated);
  ASSERT_TRUE(a.detection.tear_detected);
  const std::string gap = describe_gap(a.detection.findings.front(), a.detection);
  EXPECT_NE(gap.find("px"), std::string::npos) << gap;
  EXPECT_EQ(gap.find("mm"), std::string::npos) << gap;
  EXPECT_NE(gap.find("thickness"), std::string::npos) << gap;
}

}  // namespace ft
