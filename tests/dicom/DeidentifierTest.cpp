#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"

#include "TestSupport.h"
#include "ft/core/BitmapFont.h"
#include "ft/core/Error.h"
#include "ft/dicom/Deidentifier.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/DicomClipReader.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft::dicom {
namespace {

const SiteKey kKey = SiteKey::from_bytes("a site key of this test, 32 byte");

std::string value(const std::string& path, const DcmTagKey& tag) {
  DcmFileFormat f;
  EXPECT_TRUE(f.loadFile(path.c_str()).good());
  OFString v;
  f.getDataset()->findAndGetOFStringArray(tag, v);
  return v.c_str();
}

Clip simulated_clip() { return sim::SimulatedExam(sim::make_preset("full_tear", 6, 3)).render_clip(); }

std::string write_clip(const Clip& clip, const std::string& path, const std::string& sop_uid = "") {
  ClipWriteOptions o;
  o.exam.patient_name = "DOE^JANE";
  o.exam.patient_id = "MRN-12345";
  o.exam.patient_birth_date = "19800101";
  o.exam.accession_number = "ACC-9";
  o.exam.study_instance_uid = "2.25.1234";
  o.sop_instance_uid = sop_uid;
  write_ultrasound_clip(clip, o, path);
  return path;
}

// Loads `path`, lets `change` edit its data set, saves it back.
template <typename Change>
void edit(const std::string& path, Change change) {
  DcmFileFormat f;
  ASSERT_TRUE(f.loadFile(path.c_str()).good());
  f.loadAllDataIntoMemory();
  change(*f.getDataset());
  ASSERT_TRUE(f.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
}

// The 50 x 20 px patch of the image region (10 px in from its corner) the bit-plane overlay
// tests mark.
bool in_overlay_patch(const PixelRect& region, int x, int y) {
  return x >= region.x0_px + 10 && x < region.x0_px + 60 && y >= region.y0_px + 10 && y < region.y0_px + 30;
}

// The clip at `path` rewritten as 12 bits in 16: each pixel's word made by `word(x, y, grey)`.
template <typename Word>
void make_12_bit(const std::string& path, const Clip& clip, bool is_signed, Word word) {
  edit(path, [&](DcmDataset& ds) {
    std::vector<Uint16> words;
    for (const Frame& f : clip.frames)
      for (int y = 0; y < f.height_px(); ++y)
        for (int x = 0; x < f.width_px(); ++x) words.push_back(word(x, y, f.value(x, y)));
    ASSERT_TRUE(ds.putAndInsertUint16Array(DCM_PixelData, words.data(), words.size()).good());
    ASSERT_TRUE(ds.putAndInsertUint16(DCM_BitsAllocated, 16).good());
    ASSERT_TRUE(ds.putAndInsertUint16(DCM_BitsStored, 12).good());
    ASSERT_TRUE(ds.putAndInsertUint16(DCM_HighBit, 11).good());
    ASSERT_TRUE(ds.putAndInsertUint16(DCM_PixelRepresentation, is_signed ? 1 : 0).good());
  });
}

// De-identifying `in` is refused as Unsupported, the message saying `says`, and `out` not written.
void expect_refused(const std::string& in, const std::string& out, const std::string& says) {
  try {
    deidentify_file(in, out, kKey);
    ADD_FAILURE() << in << " was de-identified; expected a refusal saying " << says;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Unsupported);
    EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(out));
}

// The 16-bit words of a file's pixel data, every frame.
std::vector<Uint16> words_of(const std::string& path) {
  DcmFileFormat f;
  const Uint16* words = nullptr;
  unsigned long count = 0;
  if (f.loadFile(path.c_str()).bad() || f.getDataset()->findAndGetUint16Array(DCM_PixelData, words, &count).bad()) return {};
  return std::vector<Uint16>(words, words + count);
}

void put(DcmItem& item, const DcmTagKey& tag, const char* v) { ASSERT_TRUE(item.putAndInsertString(tag, v).good()) << DcmTag(tag).getTagName() << " " << tag.toString(); }
DcmItem& new_item(DcmItem& parent, const DcmTagKey& sequence) {
  DcmItem* item = nullptr;
  EXPECT_TRUE(parent.findOrCreateSequenceItem(sequence, item, -2).good());
  return *item;
}

// dciodvfy's error lines for `file` (empty when dciodvfy is not installed).
std::set<std::string> validator_errors(const std::string& file) {
  std::set<std::string> errors;
  if (!test::program_available("dciodvfy")) return errors;
  std::istringstream lines(test::run_command("dciodvfy '" + file + "' 2>&1").out);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("Error", 0) == 0) errors.insert(line);
  return errors;
}

bool lists_method_code(const std::string& path, const char* code) {
  DcmFileFormat f;
  EXPECT_TRUE(f.loadFile(path.c_str()).good());
  DcmItem* item = nullptr;
  for (int k = 0; f.getDataset()->findAndGetSequenceItem(DCM_DeidentificationMethodCodeSequence, item, k).good(); ++k) {
    OFString v;
    if (item->findAndGetOFString(DCM_CodeValue, v).good() && v == code) return true;
  }
  return false;
}

}  // namespace

TEST(Deidentifier, RemovesIdentityKeepsCalibrationTimingAndTheImage) {
  test::TempDir dir;
  const Clip clip = simulated_clip();
  write_clip(clip, dir.file("a.dcm"));
  write_clip(clip, dir.file("b.dcm"), "2.25.999");
  const DeidentifyReport r = deidentify_file(dir.file("a.dcm"), dir.file("a_anon.dcm"), kKey);
  deidentify_file(dir.file("b.dcm"), dir.file("b_anon.dcm"), kKey);
  EXPECT_TRUE(r.pixels_cleaned);
  EXPECT_TRUE(r.outside_regions_blanked);
  EXPECT_EQ(r.text_lines_blanked, 0) << "simulated speckle is not text";
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
  EXPECT_NEAR(reader.info().regions[0].mm_per_px_x, clip.regions[0].mm_per_px_x, 1e-9);
  EXPECT_NEAR(reader.info().frame_time_ms, clip.frame_time_ms, 1e-6);
  const Frame f = reader.read_frame(1);
  const PixelRect& b = clip.regions[0].bounds;
  for (int y = 0; y < f.height_px(); ++y)
    for (int x = 0; x < f.width_px(); ++x)
      ASSERT_EQ(f.value(x, y), b.contains(x, y) ? clip.frames[1].value(x, y) : 0.0f) << x << "," << y;
  EXPECT_TRUE(validator_errors(anon).empty()) << *validator_errors(anon).begin();
  EXPECT_EQ(value(anon, DCM_LongitudinalTemporalInformationModified), "REMOVED");
  EXPECT_TRUE(lists_method_code(anon, "113100"));
  EXPECT_TRUE(lists_method_code(anon, "113101"));
  EXPECT_THROW(deidentify_file(anon, anon, kKey), Error);
}

// Every attribute a de-identified copy was found to keep, at the top and nested, each holding
// a value found nowhere else: none may reach the copy, in any form.
TEST(Deidentifier, NothingOffTheAllowListSurvivesAtAnyDepth) {
  test::TempDir dir;
  const std::string in = write_clip(simulated_clip(), dir.file("in.dcm"));
  edit(in, [](DcmDataset& ds) {
    put(ds, DCM_SOPInstanceUID, "1.2.826.0.1.3680043.2.1125.777.1");
    put(ds, DCM_PatientName, "SECRET^PATIENT");
    put(ds, DCM_PatientID, "SECRET-MRN");
    put(ds, DCM_IssuerOfPatientID, "SECRET-ISSUER");
    put(ds, DCM_PatientBirthDate, "19360910");
    put(ds, DCM_PatientBirthTime, "235959.654321");
    put(ds, DCM_ReferringPhysicianAddress, "SECRET-REFADDR");
    put(ds, DCM_ReferringPhysicianTelephoneNumbers, "SECRET-REFTEL");
    put(ds, DCM_TimezoneOffsetFromUTC, "+0931");
    put(ds, DCM_MedicalAlerts, "SECRET-ALERT");
    put(ds, DCM_PatientReligiousPreference, "SECRET-RELIGION");
    put(ds, DCM_RequestedProcedureDescription, "SECRET-REQPROC");
    put(ds, DCM_RETIRED_StudyComments, "SECRET-STUDYCOMMENT");
    put(ds, DCM_RETIRED_AcquisitionComments, "SECRET-ACQCOMMENT");
    put(ds, DCM_FrameComments, "SECRET-FRAMECOMMENT");
    put(ds, DCM_DerivationDescription, "SECRET-DERIVATION");
    put(ds, DCM_PerformedStationName, "SECRET-PSTATION");
    put(ds, DCM_PerformedLocation, "SECRET-PLOCATION");
    put(ds, DCM_PerformedProcedureStepStartDate, "19320506");
    put(ds, DCM_CurrentPatientLocation, "SECRET-WARD");
    put(ds, DCM_DetectorID, "SECRET-DETECTOR");
    put(ds, DCM_DateOfLastCalibration, "19330607");
    put(ds, DCM_FrameAcquisitionDateTime, "19340708101010");
    put(ds, DCM_InstitutionName, "SECRET-INSTITUTION");
    put(ds, DCM_ImagingServiceRequestComments, "SECRET-ISRCOMMENT");  // on no remove list ever written
    put(ds, DcmTagKey(0x0009, 0x0010), "SECRETCREATOR");
    ASSERT_TRUE(ds.putAndInsertString(DcmTag(0x0009, 0x1001, EVR_LO), "SECRET-PRIVATE").good());
    put(ds, DcmTagKey(0x6000, 0x0022), "SECRET-OVERLAY");
    put(ds, DcmTagKey(0x6000, 0x4000), "SECRET-OVLCOMMENT");
    const Uint8 overlay_bits[8] = {'S', 'E', 'C', 'R', 'E', 'T', '-', 'O'};
    ASSERT_TRUE(ds.putAndInsertUint8Array(DcmTagKey(0x6000, 0x3000), overlay_bits, 8).good());
    put(ds, DcmTagKey(0x5000, 0x2500), "SECRET-CURVE");
    put(new_item(ds, DCM_IconImageSequence), DCM_ImageComments, "SECRET-ICON");
    DcmItem& content = new_item(ds, DCM_ContentSequence);
    put(content, DCM_PersonName, "SECRET^CONTENT");
    put(content, DCM_TextValue, "SECRET-TEXT");
    DcmItem& modified = new_item(new_item(ds, DCM_OriginalAttributesSequence), DCM_ModifiedAttributesSequence);
    put(modified, DCM_PatientName, "SECRET^ORIGINAL");
    put(modified, DCM_PatientID, "SECRET-ORIGID");
    put(modified, DCM_PatientBirthDate, "19310405");
    DcmItem& op = new_item(ds, DCM_OperatorIdentificationSequence);
    put(op, DCM_InstitutionName, "SECRET-OPINST");
    put(op, DCM_PersonAddress, "SECRET-OPADDR");
    DcmItem& institution = new_item(ds, DCM_InstitutionCodeSequence);
    put(institution, DCM_CodeValue, "SECRET-INSTCODE");
    put(institution, DCM_CodeMeaning, "SECRET-INSTMEANING");
    DcmItem& study = new_item(ds, DCM_ReferencedStudySequence);
    put(study, DCM_PatientName, "SECRET^NESTED");
    put(study, DCM_StudyDate, "19350809");
    DcmItem* region = nullptr;  // smuggled into a kept sequence: the region stays, the name goes
    ASSERT_TRUE(ds.findAndGetSequenceItem(DCM_SequenceOfUltrasoundRegions, region, 0).good());
    put(*region, DCM_InstitutionName, "SECRET-INREGION");
  });
  {  // and the 128-byte preamble, which DICOM leaves to the writer
    std::fstream f(in, std::ios::in | std::ios::out | std::ios::binary);
    f.write("SECRET-PREAMBLE!", 16);
  }
  const DeidentifyReport r = deidentify_file(in, dir.file("out.dcm"), kKey);
  const std::string bytes = test::read_file(dir.file("out.dcm"));
  for (const char* secret : {"SECRET", "19360910", "235959.654321", "+0931", "19320506", "19330607", "19340708",
                             "19310405", "19350809", "MRN-12345", "DOE^JANE", "19800101", "3680043.2.1125.777"})
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " survived de-identification";
  DcmFileFormat out;
  ASSERT_TRUE(out.loadFile(dir.file("out.dcm").c_str()).good());
  for (const DcmTagKey& tag :
       {DCM_IconImageSequence, DCM_ContentSequence, DCM_OriginalAttributesSequence, DCM_OperatorIdentificationSequence,
        DCM_InstitutionCodeSequence, DCM_ReferencedStudySequence, DCM_InstitutionName, DcmTagKey(0x6000, 0x3000),
        DcmTagKey(0x5000, 0x2500), DCM_IssuerOfPatientID, DCM_PatientBirthTime}) {
    DcmElement* e = nullptr;
    EXPECT_TRUE(out.getDataset()->findAndGetElement(tag, e, OFTrue /* nested too */).bad()) << DcmTag(tag).getTagName();
  }
  EXPECT_GT(r.attributes_removed, 30);
  EXPECT_EQ(read_clip_info(dir.file("out.dcm")).regions.size(), 1u) << "the calibration stays";
  EXPECT_TRUE(validator_errors(dir.file("out.dcm")).empty()) << *validator_errors(dir.file("out.dcm")).begin();
}

// Text inside the image is blanked too, a scanner's Burned In Annotation NO is not believed,
// and a file without Ultrasound Regions is searched over its whole frame.
TEST(Deidentifier, BurnedInTextIsBlankedInsideTheImageAndWithoutRegions) {
  test::TempDir dir;
  Clip clip = simulated_clip();
  const PixelRect& b = clip.regions[0].bounds;
  const int text_x = b.x0_px + 20, text_y = b.y0_px + b.height_px() / 2;  // over the muscle's speckle
  for (Frame& f : clip.frames) draw_text(f, text_x, text_y, "DOE JANE 1980", 255.0f, 2);
  const std::string in = write_clip(clip, dir.file("in.dcm"));
  edit(in, [](DcmDataset& ds) { put(ds, DCM_BurnedInAnnotation, "NO"); });
  const DeidentifyReport r = deidentify_file(in, dir.file("out.dcm"), kKey);
  EXPECT_EQ(r.text_lines_blanked, 1);
  EXPECT_EQ(value(dir.file("out.dcm"), DCM_BurnedInAnnotation), "NO");
  DicomClipReader reader(dir.file("out.dcm"));
  int changed_in_image = 0;
  for (int k : {0, reader.frame_count() - 1}) {
    const Frame f = reader.read_frame(k);
    for (int y = text_y; y < text_y + 2 * kGlyphHeightPx; ++y)
      for (int x = text_x; x < text_x + 13 * 2 * (kGlyphWidthPx + 1) - 2; ++x) ASSERT_EQ(f.value(x, y), 0.0f) << x << "," << y;
    for (int y = b.y0_px; y <= b.y1_px; ++y)
      for (int x = b.x0_px; x <= b.x1_px; ++x) changed_in_image += f.value(x, y) != clip.frames[std::size_t(k)].value(x, y);
  }
  EXPECT_LT(changed_in_image, 2 * 200 * 24) << "only the line of text, not the image";

  // The same clip with no regions: the text is still found, nothing else is blanked.
  edit(in, [](DcmDataset& ds) { ds.findAndDeleteElement(DCM_SequenceOfUltrasoundRegions); });
  const DeidentifyReport bare = deidentify_file(in, dir.file("bare.dcm"), kKey);
  EXPECT_FALSE(bare.outside_regions_blanked);
  EXPECT_GE(bare.text_lines_blanked, 2) << "the scanner's annotation around the image and the name inside";
  const Frame f = DicomClipReader(dir.file("bare.dcm")).read_frame(0);
  EXPECT_EQ(f.value(text_x + 1, text_y + 1), 0.0f);
  EXPECT_EQ(value(dir.file("bare.dcm"), DCM_BurnedInAnnotation), "NO");
}

// Red text on an RGB clip: dim in luma (76 of 255), bright in its brightest channel.
TEST(Deidentifier, ColouredTextOnAnRgbClipIsBlanked) {
  test::TempDir dir;
  const Clip clip = simulated_clip();
  const PixelRect& b = clip.regions[0].bounds;
  const int text_x = b.x0_px + 20, text_y = b.y0_px + b.height_px() / 2;
  Frame mask(clip.frames[0].width_px(), clip.frames[0].height_px());
  draw_text(mask, text_x, text_y, "DOE JANE", 255.0f, 2);
  const std::string in = write_clip(clip, dir.file("in.dcm"));
  edit(in, [&](DcmDataset& ds) {
    std::vector<Uint8> rgb;
    for (const Frame& f : clip.frames)
      for (int y = 0; y < f.height_px(); ++y)
        for (int x = 0; x < f.width_px(); ++x) {
          const bool text = mask.value(x, y) > 0;
          const auto grey = Uint8(f.value(x, y));
          rgb.insert(rgb.end(), {text ? Uint8(255) : grey, text ? Uint8(0) : grey, text ? Uint8(0) : grey});
        }
    ASSERT_TRUE(ds.putAndInsertUint8Array(DCM_PixelData, rgb.data(), rgb.size()).good());
    put(ds, DCM_PhotometricInterpretation, "RGB");
    ASSERT_TRUE(ds.putAndInsertUint16(DCM_SamplesPerPixel, 3).good());
    ASSERT_TRUE(ds.putAndInsertUint16(DCM_PlanarConfiguration, 0).good());
  });
  const DeidentifyReport r = deidentify_file(in, dir.file("out.dcm"), kKey);
  EXPECT_EQ(r.text_lines_blanked, 1);
  const Frame f = DicomClipReader(dir.file("out.dcm")).read_frame(1);
  for (int y = text_y; y < text_y + 2 * kGlyphHeightPx; ++y)
    for (int x = text_x; x < text_x + 8 * 2 * (kGlyphWidthPx + 1) - 2; ++x) ASSERT_EQ(f.value(x, y), 0.0f) << x << "," << y;
}

// A retired bit-plane overlay in the bits above Bits Stored (here "bit 15 set" over a patch of a
// 12-bit clip) is cleared with the other burned-in marks; the pixel values stay as they were.
TEST(Deidentifier, ABitPlaneOverlayAboveBitsStoredIsCleared) {
  test::TempDir dir;
  const Clip clip = simulated_clip();
  const std::string in = write_clip(clip, dir.file("in.dcm"));
  const PixelRect& b = clip.regions[0].bounds;
  const auto overlaid = [&](int x, int y) { return in_overlay_patch(b, x, y); };
  const auto stored_value = [](float grey) { return Uint16(std::lround(grey) * 16); };  // 8 bits to 12
  make_12_bit(in, clip, false, [&](int x, int y, float grey) { return Uint16(stored_value(grey) | (overlaid(x, y) ? 0x8000 : 0)); });
  const DeidentifyReport r = deidentify_file(in, dir.file("out.dcm"), kKey);
  EXPECT_EQ(r.samples_with_unused_bits_cleared, clip.frames.size() * 50 * 20) << "the overlay's samples, said";
  const std::vector<Uint16> words = words_of(dir.file("out.dcm"));
  ASSERT_EQ(words.size(), std::size_t(clip.frames.size()) * clip.frames[0].width_px() * clip.frames[0].height_px());
  int overlay_bits_left = 0, values_changed_inside = 0;
  std::size_t i = 0;
  for (const Frame& f : clip.frames)
    for (int y = 0; y < f.height_px(); ++y)
      for (int x = 0; x < f.width_px(); ++x, ++i) {
        overlay_bits_left += (words[i] & 0xF000) != 0;
        values_changed_inside += clip.regions[0].bounds.contains(x, y) && !overlaid(x, y) && words[i] != stored_value(f.value(x, y));
      }
  EXPECT_EQ(overlay_bits_left, 0);
  EXPECT_EQ(values_changed_inside, 0) << "the image's own values are kept";
  // Values stored in the high bits (High Bit 15): clearing "the bits above" would clear the image.
  edit(in, [](DcmDataset& ds) { ASSERT_TRUE(ds.putAndInsertUint16(DCM_HighBit, 15).good()); });
  expect_refused(in, dir.file("high.dcm"), "High Bit 15");
}

// Signed 12-bit pixels: blanked to the most negative value as every other sample holds it, the
// sign filling the bits above Bits Stored (0xF800, not 0x0800, which a reader that does not mask
// reads as +2048: bright, not black).
TEST(Deidentifier, SignedPixelsAreBlankedToTheMostNegativeValueSignFilled) {
  test::TempDir dir;
  const Clip clip = simulated_clip();
  const std::string in = write_clip(clip, dir.file("in.dcm"));
  const auto stored_value = [](float grey) { return Uint16(Sint16(std::lround(grey) * 16 - 2048)); };  // -2048..2032
  make_12_bit(in, clip, true, [&](int, int, float grey) { return stored_value(grey); });
  const DeidentifyReport r = deidentify_file(in, dir.file("out.dcm"), kKey);
  EXPECT_EQ(r.samples_with_unused_bits_cleared, 0u) << "the sign's own bits are no overlay";
  const std::vector<Uint16> words = words_of(dir.file("out.dcm"));
  ASSERT_FALSE(words.empty());
  const PixelRect& b = clip.regions[0].bounds;
  ASSERT_GT(b.x0_px, 0) << "a column outside the image region";
  EXPECT_EQ(words[0], 0xF800) << "outside the image region: blanked";
  const std::size_t inside = std::size_t(b.y0_px + 5) * std::size_t(clip.frames[0].width_px()) + std::size_t(b.x0_px + 5);
  EXPECT_EQ(words[inside], stored_value(clip.frames[0].value(b.x0_px + 5, b.y0_px + 5)));
}

// Signed pixels whose bits above Bits Stored are zeros (PS3.5 allows it: only Bits Stored hold the
// value) hold no overlay: they are sign-filled as they are copied, and not counted as cleared; an
// overlay bit over them is.
TEST(Deidentifier, ZeroPaddedSignedPixelsAreNoOverlayButABitSetOverThemIs) {
  test::TempDir dir;
  const Clip clip = simulated_clip();
  const std::string in = write_clip(clip, dir.file("in.dcm"));
  const PixelRect& b = clip.regions[0].bounds;
  const auto overlaid = [&](int x, int y) { return in_overlay_patch(b, x, y); };
  const auto value = [](float grey) { return Uint16(Sint16(std::lround(grey) * 16 - 2048)); };  // sign-filled
  make_12_bit(in, clip, true, [&](int x, int y, float grey) { return Uint16((value(grey) & 0x0FFF) | (overlaid(x, y) ? 0x8000 : 0)); });
  const DeidentifyReport r = deidentify_file(in, dir.file("out.dcm"), kKey);
  EXPECT_EQ(r.samples_with_unused_bits_cleared, clip.frames.size() * 50 * 20) << "the overlay's samples only";
  const std::vector<Uint16> words = words_of(dir.file("out.dcm"));
  ASSERT_EQ(words.size(), std::size_t(clip.frames.size()) * clip.frames[0].width_px() * clip.frames[0].height_px());
  int not_sign_filled = 0;
  std::size_t i = 0;
  for (const Frame& f : clip.frames)
    for (int y = 0; y < f.height_px(); ++y)
      for (int x = 0; x < f.width_px(); ++x, ++i) not_sign_filled += b.contains(x, y) && words[i] != value(f.value(x, y));
  EXPECT_EQ(not_sign_filled, 0);
}

// A JPEG'd clip that does not say so itself: decompressed to be cleaned, it keeps the trace
// that its pixels went through lossy compression (Lossy Image Compression, Type 1C).
TEST(Deidentifier, ACleanedJpegClipStillSaysItWasLossy) {
  if (!test::program_available("dcmcjpeg") || !test::program_available("dcmodify")) GTEST_SKIP() << "no DCMTK tools";
  test::TempDir dir;
  const std::string in = write_clip(simulated_clip(), dir.file("in.dcm"));
  ASSERT_EQ(test::run_command("dcmcjpeg +eb '" + in + "' '" + dir.file("jpeg.dcm") + "' && dcmodify -nb -imt -ea '(0028,2110)' -ea "
                              "'(0028,2112)' -ea '(0028,2114)' '" + dir.file("jpeg.dcm") + "'").exit_code, 0);
  ASSERT_EQ(value(dir.file("jpeg.dcm"), DCM_LossyImageCompression), "");
  deidentify_file(dir.file("jpeg.dcm"), dir.file("out.dcm"), kKey);
  EXPECT_EQ(value(dir.file("out.dcm"), DCM_LossyImageCompression), "01");
  EXPECT_EQ(value(dir.file("out.dcm"), DCM_LossyImageCompressionMethod), "ISO_10918_1");
}

TEST(Deidentifier, AcceptedBurnedInTextIsSaidSoAndPixelsStayAsTheyAre) {
  test::TempDir dir;
  const Clip clip = simulated_clip();
  const std::string in = write_clip(clip, dir.file("in.dcm"));
  DeidentifyOptions keep;
  keep.accept_burned_in = true;
  const DeidentifyReport r = deidentify_file(in, dir.file("out.dcm"), kKey, keep);
  EXPECT_FALSE(r.pixels_cleaned);
  EXPECT_EQ(value(dir.file("out.dcm"), DCM_BurnedInAnnotation), "YES") << "the writer said nothing: it may hold anything";
  // A scanner's NO is not taken on trust for pixels nobody looked at (scanners say NO over
  // burned-in names): what is written says what was done.
  edit(in, [](DcmDataset& ds) { put(ds, DCM_BurnedInAnnotation, "NO"); });
  deidentify_file(in, dir.file("out-said-no.dcm"), kKey, keep);
  EXPECT_EQ(value(dir.file("out-said-no.dcm"), DCM_BurnedInAnnotation), "YES") << "not looked at, whatever the scanner said";
  EXPECT_TRUE(lists_method_code(dir.file("out.dcm"), "113100"));
  EXPECT_FALSE(lists_method_code(dir.file("out.dcm"), "113101")) << "Clean Pixel Data not claimed";
  DicomClipReader reader(dir.file("out.dcm"));
  for (int k : {0, 2}) {
    const Frame f = reader.read_frame(k);
    for (int y = 0; y < f.height_px(); ++y)
      for (int x = 0; x < f.width_px(); ++x) ASSERT_EQ(f.value(x, y), clip.frames[std::size_t(k)].value(x, y)) << x << "," << y;
  }
}

// Pixels the cleaner cannot look at (here a photometric interpretation it does not read) are
// refused, and the refusal says how to copy them anyway; copied, they are marked as holding text.
TEST(Deidentifier, PixelsItCannotJudgeAreRefusedAndTheRefusalNamesTheWayOut) {
  test::TempDir dir;
  const std::string in = write_clip(simulated_clip(), dir.file("in.dcm"));
  edit(in, [](DcmDataset& ds) {
    put(ds, DCM_PhotometricInterpretation, "YBR_RCT");
    put(ds, DCM_BurnedInAnnotation, "NO");
  });
  expect_refused(in, dir.file("out.dcm"), "--accept-burned-in");
  DeidentifyOptions keep;
  keep.accept_burned_in = true;
  deidentify_file(in, dir.file("out.dcm"), kKey, keep);
  EXPECT_EQ(value(dir.file("out.dcm"), DCM_BurnedInAnnotation), "YES");
}

TEST(Deidentifier, PseudonymsAreKeyedAndNamesComeFromTheNewUids) {
  test::TempDir dir;
  const std::string in = write_clip(simulated_clip(), dir.file("DOE_JANE_knee.dcm"));
  const DeidentifyReport a = deidentify_into_folder(in, dir.file("out"), kKey);
  const DeidentifyReport again = deidentify_into_folder(in, dir.file("again"), kKey);
  const DeidentifyReport other = deidentify_into_folder(in, dir.file("other"), SiteKey::from_bytes("another site's key, 32 bytes...."));
  EXPECT_EQ(a.written_path.find("DOE"), std::string::npos) << a.written_path;
  EXPECT_EQ(std::filesystem::path(a.written_path).stem().string(), value(a.written_path, DCM_SOPInstanceUID));
  EXPECT_EQ(std::filesystem::path(a.written_path).parent_path().filename().string(), value(a.written_path, DCM_StudyInstanceUID));
  EXPECT_EQ(value(a.written_path, DCM_PatientID), value(again.written_path, DCM_PatientID)) << "same site, same pseudonym";
  EXPECT_EQ(value(a.written_path, DCM_StudyInstanceUID), value(again.written_path, DCM_StudyInstanceUID));
  EXPECT_NE(value(a.written_path, DCM_PatientID), value(other.written_path, DCM_PatientID)) << "another key, another pseudonym";
  EXPECT_NE(value(a.written_path, DCM_StudyInstanceUID), value(other.written_path, DCM_StudyInstanceUID));
}

TEST(Deidentifier, ReportsAndPresentationStatesAreRefusedNotCopied) {
  test::TempDir dir;
  const std::string in = write_clip(simulated_clip(), dir.file("in.dcm"));
  edit(in, [](DcmDataset& ds) {
    ds.findAndDeleteElement(DCM_PixelData);
    put(ds, DCM_SOPClassUID, UID_ComprehensiveSRStorage);
  });
  EXPECT_THROW(deidentify_file(in, dir.file("out.dcm"), kKey), Error);
  EXPECT_FALSE(test::file_exists(dir.file("out.dcm")));
}

TEST(Deidentifier, CompressedColourFilesAreDecompressedBeforeCleaning) {
  const std::string path = test::shared_data_dir() + "/OBXXXX1A_rle_2frame.dcm";
  if (!test::file_exists(path)) GTEST_SKIP() << "no ../shared/data";
  test::TempDir dir;
  const DeidentifyReport r = deidentify_file(path, dir.file("anon.dcm"), kKey);
  EXPECT_TRUE(r.pixels_cleaned);
  DicomClipReader reader(dir.file("anon.dcm"));
  EXPECT_EQ(reader.frame_count(), 2);
  ASSERT_EQ(reader.info().regions.size(), 2u);
  EXPECT_EQ(value(dir.file("anon.dcm"), DCM_LossyImageCompression), value(path, DCM_LossyImageCompression));
  const Frame f = reader.read_frame(1);
  DicomClipReader original(path);
  const Frame before = original.read_frame(1);
  int outside_lit = 0, inside_kept = 0, inside = 0;
  for (int y = 0; y < f.height_px(); ++y)
    for (int x = 0; x < f.width_px(); ++x) {
      const bool in_image = std::any_of(reader.info().regions.begin(), reader.info().regions.end(),
                                        [&](const UltrasoundRegion& r) { return r.bounds.contains(x, y); });
      if (!in_image) outside_lit += f.value(x, y) > 1.0f;  // the palette's darkest entry
      inside += in_image;
      inside_kept += in_image && f.value(x, y) == before.value(x, y);
    }
  EXPECT_EQ(outside_lit, 0);
  EXPECT_GT(inside_kept, inside * 9 / 10) << "the image itself kept";
}

// The public test collection's real files: each de-identified copy keeps its pixels'
// description and regions, names nobody, and dciodvfy finds no error the original lacked.
TEST(Deidentifier, TheSharedRealFilesComeOutValidAndWithoutIdentity) {
  const std::string data = test::shared_data_dir();
  if (!std::filesystem::is_directory(data)) GTEST_SKIP() << "no ../shared/data";
  test::TempDir dir;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(data)) {
    if (entry.path().extension() != ".dcm") continue;
    const std::string in = entry.path().string();
    SCOPED_TRACE(in);
    const DicomClipInfo before = read_clip_info(in);
    const DeidentifyReport r = deidentify_into_folder(in, dir.file("out"), kKey);
    ++files;
    const DicomClipInfo after = read_clip_info(r.written_path);
    EXPECT_EQ(after.frames, before.frames);
    EXPECT_EQ(after.regions.size(), before.regions.size());
    EXPECT_EQ(value(r.written_path, DCM_PatientName), "ANONYMOUS");
    EXPECT_EQ(value(r.written_path, DCM_BurnedInAnnotation), "NO");
    const test::CommandResult dump = test::run_command("dcmdump '" + r.written_path + "'");
    EXPECT_EQ(dump.out.find("(0008,0080)"), std::string::npos) << "Institution Name";
    EXPECT_EQ(dump.out.find("(0008,1010)"), std::string::npos) << "Station Name";
    if (DcmXfer(before.transfer_syntax_uid.c_str()).isLossy()) {  // decompressed to clean: the history stays
      EXPECT_EQ(value(r.written_path, DCM_LossyImageCompression), "01");
    }
    const std::set<std::string> had = validator_errors(in);
    for (const std::string& e : validator_errors(r.written_path)) EXPECT_TRUE(had.count(e)) << "new: " << e;
  }
  EXPECT_GE(files, 5);
}

}  // namespace ft::dicom
