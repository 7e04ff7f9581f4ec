#include <gtest/gtest.h>

#include <sys/resource.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "DicomFileLoader.h"
#include "TestSupport.h"
#include "Transcoding.h"
#include "ft/core/Error.h"
#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcpixseq.h"
#include "dcmtk/dcmdata/dcpxitem.h"
#include "dcmtk/dcmdata/dctk.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/DicomClipReader.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft::dicom {
namespace {

// Luminance of frame 1 as DCMTK's own dcmj2pnm renders it (PGM or PPM), for comparison.
std::vector<double> reference_luminance(const std::string& path, const test::TempDir& dir, int& width, int& height) {
  const std::string out = dir.file("ref.pnm");
  const test::CommandResult r = test::run_command("dcmj2pnm --frame 1 --no-windowing '" + path + "' '" + out + "'");
  if (r.exit_code != 0) throw std::runtime_error("dcmj2pnm failed: " + r.err);
  const std::string data = test::read_file(out);
  std::istringstream header(data);
  std::string magic;
  int max_value = 0;
  header >> magic >> width >> height >> max_value;
  const std::size_t offset = std::size_t(header.tellg()) + 1;
  const int channels = magic == "P6" ? 3 : 1;
  std::vector<double> luma(std::size_t(width) * height);
  for (std::size_t i = 0; i < luma.size(); ++i) {
    auto v = [&](int c) { return double(static_cast<unsigned char>(data[offset + i * channels + c])); };
    luma[i] = channels == 3 ? 0.299 * v(0) + 0.587 * v(1) + 0.114 * v(2) : v(0);
  }
  return luma;
}

double mean_abs_difference(const Frame& f, const std::vector<double>& reference) {
  double sum = 0;
  for (int y = 0; y < f.height_px(); ++y)
    for (int x = 0; x < f.width_px(); ++x) sum += std::abs(f.value(x, y) - reference[std::size_t(y) * f.width_px() + x]);
  return sum / double(f.pixel_count());
}

}  // namespace

TEST(DicomClipReader, ReadsBackWhatTheWriterWroteExactly) {
  test::TempDir dir;
  const Clip clip = sim::SimulatedExam(sim::make_preset("vessel", 2, 5)).render_clip();
  write_ultrasound_clip(clip, {}, dir.file("c.dcm"));
  DicomClipReader reader(dir.file("c.dcm"));
  ASSERT_EQ(reader.frame_count(), 5);
  for (int k : {0, 4}) {
    const Frame f = reader.read_frame(k);
    EXPECT_TRUE(f.same_pixels(clip.frames[std::size_t(k)])) << k;
    EXPECT_EQ(f.acquisition_time_ns, clip.frames[std::size_t(k)].acquisition_time_ns);
  }
  EXPECT_THROW(reader.read_frame(5), Error);
}

// A frame of an odd number of bytes (8-bit, 49 x 41 pixels): DCMTK wants room for it rounded up
// to even, and every such clip, native or compressed, was refused as an "illegal call".
TEST(DicomClipReader, FramesOfAnOddNumberOfBytesAreRead) {
  test::TempDir dir;
  const std::string native = dir.file("odd.dcm");
  const test::CommandResult made = test::run_command("'" + test::cli_path() + "' simulate --preset intact --frames 2 " +
                                                     "--frame-size 49x41 --region-origin 4,4 --pitch-mm 1.0 --out '" + native + "'");
  ASSERT_EQ(made.exit_code, 0) << made.err;
  DicomClipReader reader(native);
  const Frame first = reader.read_frame(0);
  EXPECT_EQ(first.width_px(), 49);
  EXPECT_EQ(first.height_px(), 41);
  for (const char* encoder : {"dcmcrle", "dcmcjpeg +el", "dcmcjpls"}) {
    const std::string tool = std::string(encoder).substr(0, std::string(encoder).find(' '));
    if (!test::program_available(tool)) continue;
    const std::string encoded = dir.file(tool + ".dcm");
    ASSERT_EQ(test::run_command(std::string(encoder) + " '" + native + "' '" + encoded + "'").exit_code, 0) << encoder;
    EXPECT_TRUE(DicomClipReader(encoded).read_frame(1).same_pixels(reader.read_frame(1))) << encoder;
  }
}

// Every real file: our luminance matches DCMTK's rendering (J2K goes through GDCM first,
// as DCMTK's free edition has no JPEG 2000 decoder).
TEST(DicomClipReader, RealFilesDecodeToTheSameLuminanceAsDcmtk) {
  if (!test::file_exists(test::shared_data_dir() + "/README.md")) GTEST_SKIP() << "no ../shared/data";
  if (!test::program_available("dcmj2pnm")) GTEST_SKIP() << "dcmj2pnm not installed";
  for (const char* name : {"OBXXXX1A.dcm", "OBXXXX1A_rle_2frame.dcm", "US1_UNCR.dcm", "US1_J2KR.dcm", "color-pl.dcm",
                           "examples_ybr_color.dcm"}) {
    test::TempDir dir;
    std::string path = test::shared_data_dir() + "/" + name;
    DicomClipReader reader(path);
    const Frame frame = reader.read_frame(0);
    EXPECT_EQ(frame.width_px(), reader.info().columns) << name;
    if (std::string(name) == "US1_J2KR.dcm") {
      if (!test::program_available("gdcmconv")) continue;
      ASSERT_EQ(test::run_command("gdcmconv --raw '" + path + "' '" + dir.file("raw.dcm") + "'").exit_code, 0);
      path = dir.file("raw.dcm");
    }
    int width = 0, height = 0;
    const std::vector<double> reference = reference_luminance(path, dir, width, height);
    ASSERT_EQ(width, frame.width_px()) << name;
    ASSERT_EQ(height, frame.height_px()) << name;
    // Lossy YBR 4:2:2 JPEG may be upsampled differently; everything else agrees closely.
    EXPECT_LT(mean_abs_difference(frame, reference), 2.0) << name;
  }
}

}  // namespace ft::dicom

namespace ft::dicom {

// The Aloka file's palette is segmented, which neither dcmj2pnm nor GDCM expands: check
// that ours gives a textured B-mode image in its tissue regions and black around them.
TEST(DicomClipReader, SegmentedSixteenBitPaletteGivesATexturedImage) {
  const std::string path = test::shared_data_dir() + "/gdcm-US-ALOKA-16.dcm";
  if (!test::file_exists(path)) GTEST_SKIP() << "no ../shared/data";
  DicomClipReader reader(path);
  const Frame f = reader.read_frame(0);
  const UltrasoundRegion r = reader.info().analysis_region();
  double sum = 0, sum2 = 0, n = 0;
  for (int y = r.bounds.y0_px + 50; y < r.bounds.y1_px - 50; ++y)
    for (int x = r.bounds.x0_px + 50; x < r.bounds.x1_px - 50; ++x) {
      sum += f.value(x, y);
      sum2 += f.value(x, y) * f.value(x, y);
      ++n;
    }
  const double mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
  EXPECT_GT(mean, 5.0);
  EXPECT_LT(mean, 250.0);
  EXPECT_GT(sd, 5.0) << "a B-mode image has speckle";
}

// One changed byte in an RLE frame's header (a segment's offset pointing far past the frame)
// made DCMTK's RLE decoder read outside its buffer and crash the viewer and every command that
// decodes a frame (found by the DICOM reader fuzzer). Now the damaged frame is refused with a
// clear error and the intact frame still reads. So is a segment too short to decode to
// anything, from which DCMTK read the byte before its buffer.
namespace {
// A copy of `original` (RLE) whose frame `frame` (1-based) has its first segment's offset
// changed to what `offset` makes of the fragment's length.
std::string with_first_segment_at(const std::string& original, unsigned frame, std::uint32_t (*offset)(std::uint32_t length),
                                  const std::string& out) {
  DcmFileFormat file;
  EXPECT_TRUE(file.loadFile(original.c_str()).good());
  DcmElement* element = nullptr;
  file.getDataset()->findAndGetElement(DCM_PixelData, element);
  DcmPixelSequence* fragments = nullptr;
  static_cast<DcmPixelData*>(element)->getEncapsulatedRepresentation(EXS_RLELossless, nullptr, fragments);
  DcmPixelItem* item = nullptr;
  fragments->getItem(item, frame);
  Uint8* bytes = nullptr;
  item->getUint8Array(bytes);
  const std::uint32_t value = offset(item->getLength());
  for (int b = 0; b < 4; ++b) bytes[4 + b] = Uint8(value >> (8 * b));  // word 1, little endian
  EXPECT_TRUE(file.saveFile(out.c_str(), EXS_RLELossless).good());
  return out;
}

void expect_refused(DicomClipReader& reader, int index, const std::string& why) {
  try {
    reader.read_frame(index);
    ADD_FAILURE() << why;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("damaged RLE frame"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("frame " + std::to_string(index + 1)), std::string::npos) << e.what();
  }
}
}  // namespace

TEST(DicomClipReader, ADamagedRleFrameIsRefusedNotDecodedOutsideItsBytes) {
  const std::string original = test::shared_data_dir() + "/OBXXXX1A_rle_2frame.dcm";
  if (!test::file_exists(original)) GTEST_SKIP() << "no ../shared/data";
  test::TempDir dir;
  // The fuzzer's: "0.2." read as an offset, far past the second frame.
  DicomClipReader far(with_first_segment_at(original, 2, [](std::uint32_t) { return 0x2e322e30u; }, dir.file("far.dcm")));
  EXPECT_NO_THROW(far.read_frame(0));
  expect_refused(far, 1, "a frame whose header points outside it was decoded");
  // The last byte alone as the segment: it decodes to nothing.
  DicomClipReader short_segment(
      with_first_segment_at(original, 1, [](std::uint32_t length) { return length - 1; }, dir.file("short.dcm")));
  expect_refused(short_segment, 0, "a segment of one byte was decoded");
  EXPECT_NO_THROW(short_segment.read_frame(1));
}

// The DICOM reader fuzzer's out-of-memory file (tests/fuzz/regressions): 2.7 KB of JPEG
// Lossless whose header claims frames of 65 473 x 65 304 px. Decompressing it (what `send`
// does for a peer that refuses compression) made DCMTK's decoder allocate 4 GB; it is now
// refused before any decoder runs. So is a header whose frames, each plausible, would add up
// to more than one uncompressed object can hold.
TEST(DicomClipReader, AHeaderClaimingHugeFramesIsRefusedBeforeDecompressing) {
  const std::string fuzzed = std::string(FT_SOURCE_DIR) + "/tests/fuzz/regressions/jpeg-lossless-claiming-4-gigapixel-frames.dcm";
  rusage before{};
  ::getrusage(RUSAGE_SELF, &before);
  dicom::detail::DicomFileLoader loader(fuzzed);
  try {
    dicom::detail::decompress(loader.dataset(), fuzzed);
    ADD_FAILURE() << "decompressed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("65473x65304 px are too large to decompress"), std::string::npos) << e.what();
  }
  rusage after{};
  ::getrusage(RUSAGE_SELF, &after);
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 200L * 1024) << "kB more at the peak";

  DcmDataset many;
  many.putAndInsertUint16(DCM_Rows, 768);
  many.putAndInsertUint16(DCM_Columns, 1024);
  many.putAndInsertUint16(DCM_SamplesPerPixel, 3);
  many.putAndInsertUint16(DCM_BitsAllocated, 8);
  many.putAndInsertString(DCM_NumberOfFrames, "1900");  // 2.25 MiB each: 4.2 GB in all
  try {
    dicom::detail::decompress(many, "many.dcm");
    ADD_FAILURE() << "decompressed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("1900 frames would take 4 GiB or more uncompressed"), std::string::npos) << e.what();
  }
}

// The DICOM reader fuzzer's file (tests/fuzz/regressions): a small JPEG-LS clip whose first
// frame's scan header names no components and a NEAR of 229, past the 127 that 8 bits allow.
// DCMTK's bundled CharLS asserted on it and aborted the program (fibretrack analyze died with
// SIGABRT). Now that frame is refused with a clear error, and an undamaged JPEG-LS clip still reads.
TEST(DicomClipReader, ADamagedJpegLsScanHeaderIsRefusedNotAborted) {
  const std::string fuzzed = std::string(FT_SOURCE_DIR) + "/tests/fuzz/regressions/jpeg-ls-scan-without-components.dcm";
  DicomClipReader damaged(fuzzed);
  try {
    damaged.read_frame(0);
    ADD_FAILURE() << "a damaged JPEG-LS scan header was decoded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("damaged JPEG-LS frame: a scan of 0 components"), std::string::npos) << e.what();
  }
  const test::CommandResult r = test::run_command("'" + test::cli_path() + "' analyze '" + fuzzed + "'");
  EXPECT_NE(r.exit_code, -1) << "killed by a signal: " << r.err;
  EXPECT_NE(r.err.find("damaged JPEG-LS frame"), std::string::npos) << r.err;
  if (!test::program_available("dcmcjpls")) GTEST_SKIP() << "dcmcjpls (DCMTK) not installed";
  test::TempDir dir;
  write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("full_tear", 5, 2)).render_clip(), {}, dir.file("clip.dcm"));
  ASSERT_EQ(test::run_command("dcmcjpls '" + dir.file("clip.dcm") + "' '" + dir.file("jls.dcm") + "'").exit_code, 0);
  DicomClipReader intact(dir.file("jls.dcm"));
  EXPECT_NO_THROW(intact.read_frame(0)) << "an undamaged JPEG-LS frame reads";
  EXPECT_NO_THROW(intact.read_frame(1));
}

namespace {
long peak_resident_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}
}  // namespace

// A JPEG 2000 frame whose header claims 60000 x 60000 pixels in a 3 KB file: OpenJPEG used to
// decode the whole claimed image before the size was compared with Rows/Columns (1 GB and 6 s
// for this one, 11 GB at 200000 x 200000; found by the DICOM reader fuzzer). The header is now
// read first and the frame refused before anything is decoded.
TEST(DicomClipReader, AJpeg2000FrameClaimingAnotherSizeIsRefusedBeforeItIsDecoded) {
  if (!test::program_available("gdcmconv")) GTEST_SKIP() << "gdcmconv missing (scripts/setup installs libgdcm-tools)";
  test::TempDir dir;
  write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("intact", 3, 2)).render_clip(), {}, dir.file("native.dcm"));
  ASSERT_EQ(test::run_command("gdcmconv --j2k '" + dir.file("native.dcm") + "' '" + dir.file("j2k.dcm") + "'").exit_code, 0);
  const std::string encoded = test::read_file(dir.file("j2k.dcm"));
  const std::size_t siz = encoded.find("\xff\x4f\xff\x51");  // start of codestream, then the SIZ marker
  ASSERT_NE(siz, std::string::npos);
  // The codestream's SIZ with another image and tile size (big endian).
  const auto claiming = [&](std::uint32_t width, std::uint32_t height, std::uint32_t tile_w, std::uint32_t tile_h) {
    std::string bytes = encoded;
    const auto put32 = [&](std::size_t at, std::uint32_t v) {
      for (int b = 0; b < 4; ++b) bytes[at + std::size_t(b)] = char((v >> (24 - 8 * b)) & 0xff);
    };
    put32(siz + 8, width);
    put32(siz + 12, height);
    put32(siz + 24, tile_w);
    put32(siz + 28, tile_h);
    const std::string path = dir.file("claims-" + std::to_string(width) + ".dcm");
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  };
  // One tile of 60000 x 60000; and the fuzzer's: a million pixels across in tiles of 32 x 24,
  // which OpenJPEG set up one by one while reading the header (354 MB for a 32 x 24 clip).
  const auto info = read_clip_info(dir.file("j2k.dcm"));
  for (const std::string& path : {claiming(60000, 60000, 60000, 60000), claiming(1048608, std::uint32_t(info.rows), 32, 24)}) {
    DicomClipReader reader(path);
    const long before_kb = peak_resident_kb();
    try {
      reader.read_frame(0);
      ADD_FAILURE() << path << ": a frame of another size was decoded";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("differs from Rows/Columns"), std::string::npos) << e.what();
    }
    EXPECT_LT(peak_resident_kb() - before_kb, 100 * 1024) << path << ": the claimed image was set up or decoded";
  }
}

}  // namespace ft::dicom
