#include <gtest/gtest.h>

#include "TestSupport.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/DicomClipReader.h"
#include "ft/dicom/SecondaryCaptureWriter.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft::dicom {

TEST(SecondaryCaptureWriter, BurnsTheFindingIntoItsFrameOnly) {
  test::TempDir dir;
  const Clip clip = sim::SimulatedExam(sim::make_preset("full_tear", 11, 4)).render_clip();
  write_ultrasound_clip(clip, {}, dir.file("clip.dcm"));
  DetectionResult result;
  TearFinding f;
  f.frame = 2;
  f.centre_col_px = 160;
  f.centre_row_px = 100;
  f.gap_mm = 4.0;
  f.extent_pct = 90;
  f.muscle_thickness_mm = 11;
  result.findings.push_back(f);
  write_burned_in_capture(dir.file("clip.dcm"), result, dir.file("sc.dcm"));
  EXPECT_EQ(test::dciodvfy_errors(dir.file("sc.dcm")), "");
  DicomClipReader reader(dir.file("sc.dcm"));
  EXPECT_EQ(reader.info().sop_class_uid, "1.2.840.10008.5.1.4.1.1.7.2");
  EXPECT_EQ(reader.frame_count(), 4);
  EXPECT_EQ(reader.info().study_instance_uid, read_clip_info(dir.file("clip.dcm")).study_instance_uid);
  auto changed_near_finding = [&](int k) {
    const Frame burned = reader.read_frame(k);
    int changed = 0;
    for (int y = 70; y < 130; ++y)
      for (int x = 130; x < 190; ++x) changed += burned.value(x, y) != clip.frames[std::size_t(k)].value(x, y);
    return changed;
  };
  EXPECT_GT(changed_near_finding(2), 40) << "outline and caliper drawn on the finding's frame";
  EXPECT_EQ(changed_near_finding(1), 0) << "other frames untouched there";
}

}  // namespace ft::dicom
