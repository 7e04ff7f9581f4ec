#include "ft/ui/ViewerSettings.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "SyncLog.h"
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

// Not a test of its own: run by the next one in a process of its own, with the sync-log shim
// preloaded (it must be there from the process's start).
TEST(ViewerSettings, DISABLED_SavedForTheSyncLog) {
  const char* path = std::getenv("FT_VIEWER_SETTINGS_FILE");
  ASSERT_NE(path, nullptr);
  ViewerSettings s;
  s.sources = {"igtl://scanner:18944"};
  save_viewer_settings(s, path);
}

// The station's settings (its probe sources and tracking preset) survive a power loss as the
// old file or the new one, never as an empty file that stops the station from starting.
TEST(ViewerSettings, AreSyncedBeforeTheyReplaceTheOldOnesAndTheirFolderAfter) {
  test::TempDir dir;
  const std::string file = test::resolved_path(dir.path()) + "/station/viewer.json";
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  const test::SyncedRun run = test::run_with_sync_log(
      dir, "FT_VIEWER_SETTINGS_FILE='" + file + "' '" + self +
               "' --gtest_also_run_disabled_tests --gtest_filter=ViewerSettings.DISABLED_SavedForTheSyncLog");
  ASSERT_EQ(run.result.exit_code, 0) << run.result.out << run.result.err;
  std::string why;
  EXPECT_TRUE(test::replaced_durably(run.events, file + ".partial", file, why)) << why;
  EXPECT_EQ(load_viewer_settings(file).sources, std::vector<std::string>{"igtl://scanner:18944"});
}

}  // namespace ft::ui
