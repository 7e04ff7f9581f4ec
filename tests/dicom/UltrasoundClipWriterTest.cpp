#include <gtest/gtest.h>

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"

#include "TestSupport.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/UidFactory.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft::dicom {
namespace {

Clip small_clip() {
  sim::SimulationConfig config = sim::make_preset("full_tear", 1, 6);
  return sim::SimulatedExam(config).render_clip();
}

}  // namespace

TEST(UltrasoundClipWriter, WritesAValidUltrasoundMultiframeImage) {
  if (!test::program_available("dciodvfy")) GTEST_SKIP() << "dciodvfy not installed (scripts/setup installs dicom3tools)";
  test::TempDir dir;
  const std::string path = dir.file("clip.dcm");
  write_ultrasound_clip(small_clip(), ClipWriteOptions{}, path);
  EXPECT_EQ(test::dciodvfy_errors(path), "");
}

TEST(UltrasoundClipWriter, KeepsPixelsCalibrationAndTimingExactly) {
  test::TempDir dir;
  const std::string path = dir.file("clip.dcm");
  const Clip clip = small_clip();
  ClipWriteOptions options;
  options.exam.patient_id = "P123";
  const std::string sop = write_ultrasound_clip(clip, options, path);

  const DicomClipInfo info = read_clip_info(path);
  EXPECT_EQ(info.sop_instance_uid, sop);
  EXPECT_EQ(info.sop_class_uid, UID_UltrasoundMultiframeImageStorage);
  EXPECT_EQ(info.frames, 6);
  EXPECT_EQ(info.columns, clip.width_px());
  EXPECT_EQ(info.rows, clip.height_px());
  EXPECT_EQ(info.photometric, "MONOCHROME2");
  EXPECT_NEAR(info.frame_time_ms, 50.0, 1e-9);
  ASSERT_EQ(info.regions.size(), 1u);
  EXPECT_EQ(info.regions[0].bounds, clip.regions[0].bounds);
  EXPECT_NEAR(info.regions[0].mm_per_px_x, 0.15, 1e-12);
  EXPECT_NEAR(info.regions[0].mm_per_px_y, 0.15, 1e-12);

  // Pixel data is the clip's frames, byte for byte, in order.
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(path.c_str()).good());
  const Uint8* pixels = nullptr;
  unsigned long count = 0;
  ASSERT_TRUE(file.getDataset()->findAndGetUint8Array(DCM_PixelData, pixels, &count).good());
  const std::size_t frame_bytes = clip.frames[0].byte_count();
  ASSERT_GE(count, frame_bytes * clip.frames.size());
  for (std::size_t k = 0; k < clip.frames.size(); ++k)
    EXPECT_EQ(std::memcmp(pixels + k * frame_bytes, clip.frames[k].bytes(), frame_bytes), 0) << "frame " << k;
}

TEST(UltrasoundClipWriter, UnevenFrameTimesAreWrittenAsAFrameTimeVector) {
  test::TempDir dir;
  Clip clip = small_clip();
  for (std::size_t k = 0; k < clip.frames.size(); ++k)
    clip.frames[k].acquisition_time_ns = std::int64_t(k * 50'000'000 + (k % 2) * 9'000'000);
  write_ultrasound_clip(clip, {}, dir.file("uneven.dcm"));
  const DicomClipInfo info = read_clip_info(dir.file("uneven.dcm"));
  EXPECT_EQ(info.frame_time_source, "FrameTimeVector");
  ASSERT_EQ(info.frame_time_vector_ms.size(), clip.frames.size());
  EXPECT_NEAR(info.frame_time_vector_ms[1], 59.0, 1e-6);
}

TEST(UltrasoundClipWriter, AFailedWriteSaysWhyAndLeavesNoFile) {
  test::TempDir dir;
  const std::string path = dir.file("missing-folder/clip.dcm");
  try {
    write_ultrasound_clip(small_clip(), {}, path);
    FAIL() << "expected ft::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Io);
    EXPECT_NE(std::string(e.what()).find("clip.dcm"), std::string::npos);
  }
  EXPECT_FALSE(test::file_exists(path));
  EXPECT_FALSE(test::file_exists(path + ".partial"));
  EXPECT_THROW(write_ultrasound_clip(Clip{}, {}, dir.file("empty.dcm")), Error);
}

TEST(UidFactory, UidsAreValidUniqueAndReproducibleByName) {
  const std::string a = new_uid(), b = new_uid();
  EXPECT_NE(a, b);
  for (const std::string& uid : {a, b, uid_from_name("x")}) {
    EXPECT_EQ(uid.rfind("2.25.", 0), 0u);
    EXPECT_LE(uid.size(), 64u);
    EXPECT_NE(uid[5], '0');
    EXPECT_EQ(uid.find_first_not_of("0123456789."), std::string::npos);
  }
  EXPECT_EQ(uid_from_name("study/1"), uid_from_name("study/1"));
  EXPECT_NE(uid_from_name("study/1"), uid_from_name("study/2"));
}

}  // namespace ft::dicom

namespace ft::dicom {

// More pixels than one object may hold is refused, never written with a truncated length;
// in parts, every frame lands once, in order, in one series with consecutive instance numbers.
TEST(UltrasoundClipWriter, AClipLongerThanOneObjectHoldsIsRefusedOrWrittenInParts) {
  test::TempDir dir;
  const Clip clip = sim::SimulatedExam(sim::make_preset("intact", 5, 7)).render_clip();
  const std::uint64_t frame_bytes = clip.frames.front().byte_count();
  ClipWriteOptions options;
  options.max_pixel_bytes = 3 * frame_bytes;  // three frames per object
  EXPECT_THROW(write_ultrasound_clip(clip, options, dir.file("whole.dcm")), Error);
  EXPECT_FALSE(test::file_exists(dir.file("whole.dcm")));
  options.instance_number = 4;
  const std::vector<WrittenPart> parts = write_ultrasound_clip_parts(clip, options, dir.file("clip.dcm"));
  ASSERT_EQ(parts.size(), 3u);  // 3 + 3 + 1
  EXPECT_EQ(parts[2].path, dir.file("clip-part3.dcm"));
  std::string series;
  for (std::size_t n = 0; n < parts.size(); ++n) {
    const DicomClipInfo info = read_clip_info(parts[n].path);
    EXPECT_EQ(info.frames, n < 2 ? 3 : 1);
    EXPECT_EQ(info.sop_instance_uid, parts[n].sop_instance_uid);
    if (n == 0) series = info.series_instance_uid;
    EXPECT_EQ(info.series_instance_uid, series);
    DcmFileFormat file;
    ASSERT_TRUE(file.loadFile(parts[n].path.c_str()).good());
    OFString number;
    file.getDataset()->findAndGetOFString(DCM_InstanceNumber, number);
    EXPECT_EQ(number, std::to_string(4 + n).c_str());
  }
  // One that fits is one object at the path asked for.
  options.max_pixel_bytes = kMaxPixelBytesPerObject;
  EXPECT_EQ(write_ultrasound_clip_parts(clip, options, dir.file("one.dcm")).front().path, dir.file("one.dcm"));
}

}  // namespace ft::dicom
