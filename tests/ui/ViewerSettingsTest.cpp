#include "ft/ui/ViewerSettings.h"

#include <gtest/gtest.h>

#include <fstream>

#include "TestSupport.h"
#include "ft/core/Error.h"

namespace ft::ui {

TEST(ViewerSettings, PresetsChangeTheTrackingAndUnknownNamesAreRefused) {
  ViewerSettings s;
  const AnalysisSettings standard = analysis_settings(s);
  s.tracking_preset = "fine";
  EXPECT_LT(analysis_settings(s).grid_mm, standard.grid_mm);
  EXPECT_TRUE(analysis_settings(s).tracking.forward_backward);
  s.tracking_preset = "large motion";
  EXPECT_GT(analysis_settings(s).tracking.search_mm, standard.tracking.search_mm);
  s.tracking_preset = "turbo";
  EXPECT_THROW(analysis_settings(s), Error);
  s.tracking_preset = "fast";
  s.backend = "quantum";
  EXPECT_THROW(analysis_settings(s), Error);
}

TEST(ViewerSettings, SavedAndReadBackAndABrokenFileSaysWhere) {
  test::TempDir dir;
  EXPECT_EQ(load_viewer_settings(dir.file("none.json")).tracking_preset, "standard") << "missing file: defaults";
  ViewerSettings s;
  s.sources = {"igtl://scanner:18944", "sim:full_tear"};
  s.tracking_preset = "large motion";
  s.backend = "cpu";
  save_viewer_settings(s, dir.file("viewer.json"));
  const ViewerSettings back = load_viewer_settings(dir.file("viewer.json"));
  EXPECT_EQ(back.sources, s.sources);
  EXPECT_EQ(back.tracking_preset, "large motion");
  EXPECT_EQ(back.backend, "cpu");
  std::ofstream(dir.file("broken.json")) << "{\"tracking_preset\": 3";
  try {
    load_viewer_settings(dir.file("broken.json"));
    FAIL() << "a broken file must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("broken.json"), std::string::npos);
  }
}

}  // namespace ft::ui
