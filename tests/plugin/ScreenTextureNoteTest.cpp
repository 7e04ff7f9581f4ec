// The note that tells a user why a recorded screen tracks poorly (screen_texture_note,
// ClipAnalysis.h): never on our simulator's speckle, whatever the conditions; on texture as
// elongated as the recorded Telemed screens'.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "ft/plugin/ClipAnalysis.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft {

TEST(ScreenTextureNote, NeverOnOurSimulatorsSpeckle) {
  for (const char* preset : {"intact", "full_tear", "real_intact", "real_tear+focused_beam", "real_intact+speckle_reduction",
                             "real_partial_tear+bipennate+curved_fascia", "real_vessel+probe_moved+speckle_reduction"})
    for (std::uint64_t seed : {7, 2001}) {
      const sim::SimulatedExam exam(sim::make_preset(preset, seed, 2));
      const TextureLengths texture = measure_texture_lengths(exam.render_frame(0), exam.region().bounds);
      ASSERT_TRUE(texture.measured()) << preset;
      // Not just under the threshold (through a focused beam up to 3.2).
      EXPECT_LT(texture.elongation(), kScreenTextureElongation - 0.2) << preset << " seed " << seed;
      EXPECT_EQ(screen_texture_note(texture), "") << preset << " seed " << seed;
    }
}

TEST(ScreenTextureNote, OnARecordedScreensTextureItSaysWhyAndWhatHelps) {
  TextureLengths screen;  // a Telemed recording (isometric max_01_push_01): 19 px across, 3.4 px in depth
  screen.lateral_px = 19.2;
  screen.axial_px = 3.4;
  const std::string note = screen_texture_note(screen);
  EXPECT_NE(note.find("5.6 times longer across"), std::string::npos) << note;
  EXPECT_NE(note.find("screen recording"), std::string::npos) << note;
  EXPECT_NE(note.find("DICOM"), std::string::npos) << note;
  EXPECT_EQ(screen_texture_note(TextureLengths{}), "");  // not measured
}

}  // namespace ft
