#include <gtest/gtest.h>

#include <cmath>

#include "TestSupport.h"
#include "ft/dicom/DicomClipReader.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

// Every transfer syntax we claim to read (docs: README, conformance): a clip re-encoded
// by DCMTK's and GDCM's own converters decodes to the original pixels (lossless) or
// close to them (lossy JPEG).
namespace ft::dicom {
namespace {

struct Variant {
  const char* name;
  const char* tool;  // program that must be installed
  const char* command;  // %IN% and %OUT%
  const char* uid;
  bool lossless;
};

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

}  // namespace

TEST(TransferSyntaxes, EncodedVariantsDecodeToTheOriginalPixels) {
  test::TempDir dir;
  const Clip clip = sim::SimulatedExam(sim::make_preset("partial_tear", 5, 4)).render_clip();
  const std::string original = dir.file("original.dcm");
  write_ultrasound_clip(clip, {}, original);
  const Variant variants[] = {
      {"implicit little endian", "dcmconv", "dcmconv +ti %IN% %OUT%", "1.2.840.10008.1.2", true},
      {"explicit big endian", "dcmconv", "dcmconv +tb %IN% %OUT%", "1.2.840.10008.1.2.2", true},
      {"deflated", "dcmconv", "dcmconv +td %IN% %OUT%", "1.2.840.10008.1.2.1.99", true},
      {"RLE", "dcmcrle", "dcmcrle %IN% %OUT%", "1.2.840.10008.1.2.5", true},
      {"JPEG lossless SV1", "dcmcjpeg", "dcmcjpeg +e1 %IN% %OUT%", "1.2.840.10008.1.2.4.70", true},
      {"JPEG lossless", "dcmcjpeg", "dcmcjpeg +el %IN% %OUT%", "1.2.840.10008.1.2.4.57", true},
      {"JPEG-LS lossless", "dcmcjpls", "dcmcjpls +el %IN% %OUT%", "1.2.840.10008.1.2.4.80", true},
      {"JPEG 2000 lossless", "gdcmconv", "gdcmconv --j2k %IN% %OUT%", "1.2.840.10008.1.2.4.90", true},
      {"JPEG baseline", "dcmcjpeg", "dcmcjpeg +eb %IN% %OUT%", "1.2.840.10008.1.2.4.50", false},
      {"JPEG extended", "dcmcjpeg", "dcmcjpeg +ee %IN% %OUT%", "1.2.840.10008.1.2.4.51", false},
  };
  int tested = 0;
  for (const Variant& v : variants) {
    if (!test::program_available(v.tool)) continue;
    const std::string out = dir.file(std::string("variant") + std::to_string(tested) + ".dcm");
    const std::string command = replace_all(replace_all(v.command, "%IN%", "'" + original + "'"), "%OUT%", "'" + out + "'");
    const test::CommandResult r = test::run_command(command);
    ASSERT_EQ(r.exit_code, 0) << v.name << ": " << r.err;
    DicomClipReader reader(out);
    EXPECT_EQ(reader.info().transfer_syntax_uid, v.uid) << v.name;
    ASSERT_EQ(reader.frame_count(), int(clip.frames.size())) << v.name;
    EXPECT_EQ(reader.info().regions.size(), 1u) << v.name << ": calibration must survive";
    for (int k = 0; k < reader.frame_count(); ++k) {
      const Frame f = reader.read_frame(k);
      const Frame& o = clip.frames[std::size_t(k)];
      if (v.lossless) {
        EXPECT_TRUE(f.same_pixels(o)) << v.name << " frame " << k;
      } else {
        double diff = 0;
        for (int y = 0; y < o.height_px(); ++y)
          for (int x = 0; x < o.width_px(); ++x) diff += std::abs(f.value(x, y) - o.value(x, y));
        EXPECT_LT(diff / double(o.pixel_count()), 4.0) << v.name << " frame " << k;
      }
    }
    ++tested;
  }
  EXPECT_GE(tested, 8) << "scripts/setup installs dcmtk and libgdcm-tools";
}

}  // namespace ft::dicom
