#include <gtest/gtest.h>

#include <fstream>

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"

#include "TestSupport.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft::dicom {
namespace {

std::string shared(const std::string& name) {
  const std::string path = test::shared_data_dir() + "/" + name;
  if (!test::file_exists(path)) throw std::runtime_error("missing shared test file " + path);
  return path;
}

ErrorCode error_code_of(const std::string& path) {
  try {
    read_clip_info(path);
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::Internal;
}

}  // namespace

class SharedData : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::file_exists(test::shared_data_dir() + "/README.md"))
      GTEST_SKIP() << "no ../shared/data beside the checkout";
  }
};

// Sizes, frames, encoding and calibration as an independent reader gives them
// (../shared/data/README.md).
TEST_F(SharedData, TwoRegionClipPicksTheTissueRegionNotTheTimeStrip) {
  const DicomClipInfo info = read_clip_info(shared("OBXXXX1A.dcm"));
  EXPECT_EQ(info.rows, 600);
  EXPECT_EQ(info.columns, 800);
  EXPECT_EQ(info.frames, 1);
  EXPECT_EQ(info.photometric, "PALETTE COLOR");
  ASSERT_EQ(info.regions.size(), 2u);
  const UltrasoundRegion tissue = info.analysis_region();
  EXPECT_EQ(tissue.bounds, (PixelRect{120, 60, 799, 518}));  // x1 800 clipped to the 800-px frame
  EXPECT_NEAR(tissue.mm_per_px_x, 0.2623, 1e-3);
  EXPECT_NEAR(tissue.mm_per_px_y, 0.2623, 1e-3);
  EXPECT_EQ(info.regions[1].units_x, PhysicalUnits::Second);
  EXPECT_FALSE(info.regions[1].has_mm_calibration());
}

TEST_F(SharedData, RleMultiframe) {
  const DicomClipInfo info = read_clip_info(shared("OBXXXX1A_rle_2frame.dcm"));
  EXPECT_EQ(info.frames, 2);
  EXPECT_EQ(info.transfer_syntax_uid, "1.2.840.10008.1.2.5");
  EXPECT_NEAR(info.analysis_region().mm_per_px_x, 0.2623, 1e-3);
}

TEST_F(SharedData, JpegCineWithRegionBoundsBeyondTheFrameIsClippedWithAWarning) {
  const DicomClipInfo info = read_clip_info(shared("examples_ybr_color.dcm"));
  EXPECT_EQ(info.frames, 30);
  EXPECT_EQ(info.rows, 240);
  EXPECT_EQ(info.columns, 320);
  EXPECT_EQ(info.photometric, "YBR_FULL_422");
  EXPECT_EQ(info.transfer_syntax_uid, "1.2.840.10008.1.2.4.50");
  ASSERT_EQ(info.regions.size(), 1u);
  EXPECT_EQ(info.regions[0].bounds, (PixelRect{84, 31, 319, 239}));
  EXPECT_NEAR(info.regions[0].mm_per_px_x, 0.5105, 1e-3);
  EXPECT_FALSE(info.warnings.empty());
}

TEST_F(SharedData, SixteenBitPaletteDualViewPicksACalibratedBModeRegion) {
  const DicomClipInfo info = read_clip_info(shared("gdcm-US-ALOKA-16.dcm"));
  EXPECT_EQ(info.bits_allocated, 16);
  EXPECT_EQ(info.rows, 480);
  EXPECT_EQ(info.columns, 640);
  EXPECT_EQ(info.regions.size(), 3u);
  const UltrasoundRegion r = info.analysis_region();
  EXPECT_TRUE(r.is_calibrated_tissue_image());
  EXPECT_NEAR(r.mm_per_px_x, 0.3827, 1e-3);
  EXPECT_EQ(r.bounds.y0_px, 24);
  EXPECT_EQ(r.bounds.y1_px, 415);
}

TEST_F(SharedData, UncalibratedColourFilesFallBackToTheWholeFrameInPixels) {
  for (const char* name : {"US1_J2KR.dcm", "US1_UNCR.dcm", "color-pl.dcm"}) {
    const DicomClipInfo info = read_clip_info(shared(name));
    EXPECT_TRUE(info.regions.empty()) << name;
    const UltrasoundRegion r = info.analysis_region();
    EXPECT_FALSE(r.has_mm_calibration()) << name;
    EXPECT_EQ(r.bounds.width_px(), info.columns) << name;
  }
  const DicomClipInfo j2k = read_clip_info(shared("US1_J2KR.dcm"));
  EXPECT_EQ(j2k.photometric, "YBR_RCT");
  EXPECT_EQ(j2k.transfer_syntax_uid, "1.2.840.10008.1.2.4.90");
  EXPECT_EQ(j2k.rows, 480);
  EXPECT_EQ(read_clip_info(shared("color-pl.dcm")).planar_configuration, 1);
}

TEST(DicomClipInfo, BadInputGivesAClearError) {
  test::TempDir dir;
  EXPECT_EQ(error_code_of(dir.file("nope.dcm")), ErrorCode::NotFound);
  { std::ofstream(dir.file("text.dcm")) << "this is not DICOM at all, just text"; }
  EXPECT_EQ(error_code_of(dir.file("text.dcm")), ErrorCode::CorruptData);
  { std::ofstream(dir.file("empty.dcm")); }
  EXPECT_EQ(error_code_of(dir.file("empty.dcm")), ErrorCode::CorruptData);
  EXPECT_EQ(error_code_of(dir.path()), ErrorCode::InvalidArgument);

  DcmFileFormat no_pixels;
  no_pixels.getDataset()->putAndInsertString(DCM_SOPClassUID, UID_BasicTextSRStorage);
  no_pixels.getDataset()->putAndInsertString(DCM_SOPInstanceUID, "2.25.1");
  ASSERT_TRUE(no_pixels.saveFile(dir.file("sr.dcm").c_str(), EXS_LittleEndianExplicit).good());
  EXPECT_EQ(error_code_of(dir.file("sr.dcm")), ErrorCode::Unsupported);
}

TEST(DicomClipInfo, TruncatedFileIsReportedNotCrashedOn) {
  if (!test::file_exists(test::shared_data_dir() + "/US1_UNCR.dcm")) GTEST_SKIP() << "no shared data";
  test::TempDir dir;
  const std::string whole = test::read_file(test::shared_data_dir() + "/US1_UNCR.dcm");
  for (std::size_t keep : {std::size_t(10), std::size_t(200), std::size_t(1000), whole.size() / 2}) {
    const std::string path = dir.file("cut" + std::to_string(keep) + ".dcm");
    std::ofstream(path, std::ios::binary).write(whole.data(), std::streamsize(keep));
    try {
      const DicomClipInfo info = read_clip_info(path);
      // DCMTK may accept a file cut inside the pixel data; then sizes must still be right.
      EXPECT_EQ(info.rows, 480) << keep;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
}

}  // namespace ft::dicom

namespace ft::dicom {

// Enhanced multi-frame objects carry their spacing in the shared functional groups.
TEST(DicomClipInfo, EnhancedObjectsAreCalibratedFromTheirPixelMeasuresGroup) {
  test::TempDir dir;
  write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("intact", 2, 2)).render_clip(), {}, dir.file("clip.dcm"));
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(dir.file("clip.dcm").c_str()).good());
  DcmDataset& ds = *file.getDataset();
  ds.findAndDeleteElement(DCM_SequenceOfUltrasoundRegions);
  ds.putAndInsertString(DCM_SOPClassUID, UID_EnhancedUSVolumeStorage);
  DcmItem* shared = nullptr;
  DcmItem* measures = nullptr;
  ASSERT_TRUE(ds.findOrCreateSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, -2).good());
  ASSERT_TRUE(shared->findOrCreateSequenceItem(DCM_PixelMeasuresSequence, measures, -2).good());
  measures->putAndInsertString(DCM_PixelSpacing, "0.2\\0.25");
  ASSERT_TRUE(file.saveFile(dir.file("enhanced.dcm").c_str(), EXS_LittleEndianExplicit).good());
  const DicomClipInfo info = read_clip_info(dir.file("enhanced.dcm"));
  ASSERT_TRUE(info.pixel_spacing_mm.has_value());
  const UltrasoundRegion r = info.analysis_region();
  EXPECT_TRUE(r.has_mm_calibration());
  EXPECT_NEAR(r.mm_per_px_y, 0.2, 1e-9);
  EXPECT_NEAR(r.mm_per_px_x, 0.25, 1e-9);
}

}  // namespace ft::dicom
