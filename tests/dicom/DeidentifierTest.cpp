#include <gtest/gtest.h>

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"

#include "TestSupport.h"
#include "ft/core/Error.h"
#include "ft/dicom/Deidentifier.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/DicomClipReader.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft::dicom {
namespace {
std::string value(const std::string& path, const DcmTagKey& tag) {
  DcmFileFormat f;
  EXPECT_TRUE(f.loadFile(path.c_str()).good());
  OFString v;
  f.getDataset()->findAndGetOFStringArray(tag, v);
  return v.c_str();
}
}  // namespace

TEST(Deidentifier, RemovesIdentityKeepsCalibrationTimingAndTheImage) {
  test::TempDir dir;
  const Clip clip = sim::SimulatedExam(sim::make_preset("full_tear", 6, 3)).render_clip();
  ClipWriteOptions o;
  o.exam.patient_name = "DOE^JANE";
  o.exam.patient_id = "MRN-12345";
  o.exam.patient_birth_date = "19800101";
  o.exam.accession_number = "ACC-9";
  o.exam.study_instance_uid = "2.25.1234";
  write_ultrasound_clip(clip, o, dir.file("a.dcm"));
  o.sop_instance_uid = "2.25.999";
  write_ultrasound_clip(clip, o, dir.file("b.dcm"));
  DeidentifyOptions options;
  options.uid_salt = "batch-1";
  const DeidentifyReport r = deidentify_file(dir.file("a.dcm"), dir.file("a_anon.dcm"), options);
  deidentify_file(dir.file("b.dcm"), dir.file("b_anon.dcm"), options);
  EXPECT_TRUE(r.pixels_cleaned);
  EXPECT_GT(r.uids_replaced, 2);
  const std::string anon = dir.file("a_anon.dcm");
  EXPECT_EQ(value(anon, DCM_PatientName), "ANONYMOUS");
  EXPECT_EQ(value(anon, DCM_PatientID).find("12345"), std::string::npos);
  EXPECT_EQ(value(anon, DCM_PatientBirthDate), "");
  EXPECT_EQ(value(anon, DCM_AccessionNumber), "");
  EXPECT_EQ(value(anon, DCM_PatientIdentityRemoved), "YES");
  EXPECT_EQ(value(anon, DCM_BurnedInAnnotation), "NO");
  EXPECT_NE(value(anon, DCM_StudyInstanceUID), "2.25.1234");
  EXPECT_EQ(value(anon, DCM_StudyInstanceUID), value(dir.file("b_anon.dcm"), DCM_StudyInstanceUID)) << "one study stays one";
  EXPECT_NE(value(anon, DCM_SOPInstanceUID), value(dir.file("b_anon.dcm"), DCM_SOPInstanceUID));
  // Calibration and timing kept; text around the image blanked; the image itself untouched.
  DicomClipReader reader(anon);
  ASSERT_EQ(reader.info().regions.size(), 1u);
  EXPECT_EQ(reader.info().regions[0].bounds, clip.regions[0].bounds);
  EXPECT_NEAR(reader.info().frame_time_ms, clip.frame_time_ms, 1e-6);
  const Frame f = reader.read_frame(1);
  const PixelRect& b = clip.regions[0].bounds;
  for (int y = 0; y < f.height_px(); ++y)
    for (int x = 0; x < f.width_px(); ++x)
      ASSERT_EQ(f.value(x, y), b.contains(x, y) ? clip.frames[1].value(x, y) : 0.0f) << x << "," << y;
  if (test::program_available("dciodvfy")) {
    const test::CommandResult v = test::run_command("dciodvfy '" + anon + "'");
    EXPECT_EQ((v.out + v.err).find("\nError"), std::string::npos) << v.err;
  }
  EXPECT_THROW(deidentify_file(anon, anon, options), Error);
}

TEST(Deidentifier, CompressedColourFilesAreDecompressedBeforeCleaning) {
  const std::string path = test::shared_data_dir() + "/OBXXXX1A_rle_2frame.dcm";
  if (!test::file_exists(path)) GTEST_SKIP() << "no ../shared/data";
  test::TempDir dir;
  const DeidentifyReport r = deidentify_file(path, dir.file("anon.dcm"), {});
  EXPECT_TRUE(r.pixels_cleaned);
  DicomClipReader reader(dir.file("anon.dcm"));
  EXPECT_EQ(reader.frame_count(), 2);
  EXPECT_EQ(reader.info().regions.size(), 2u);
  const Frame f = reader.read_frame(0);
  EXPECT_EQ(f.value(5, 5), reader.read_frame(1).value(5, 5));
}

}  // namespace ft::dicom
