#include <gtest/gtest.h>

#include <dirent.h>

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "TestSupport.h"

namespace ft {
namespace {

std::vector<std::string> sample_clips() {
  std::vector<std::string> names;
  if (DIR* d = opendir(test::sample_data_dir().c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name.size() > 4 && name.substr(name.size() - 4) == ".dcm") names.push_back(name.substr(0, name.size() - 4));
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST(SampleData, EveryPresetHasAClipAndATruthFile) {
  const auto clips = sample_clips();
  for (const char* required : {"intact", "full_tear", "partial_tear", "vessel", "sliding"}) {
    EXPECT_NE(std::find(clips.begin(), clips.end(), required), clips.end()) << required;
    EXPECT_TRUE(test::file_exists(test::sample_data_dir() + "/" + required + ".truth.json")) << required;
  }
}

TEST(SampleData, ClipsPassDciodvfyAndInfoMatchesTheirTruth) {
  for (const std::string& name : sample_clips()) {
    const std::string path = test::sample_data_dir() + "/" + name + ".dcm";
    EXPECT_EQ(test::dciodvfy_errors(path), "") << name;
    const test::CommandResult info = test::run_command("'" + test::cli_path() + "' info --json '" + path + "'");
    ASSERT_EQ(info.exit_code, 0) << info.err;
    const auto j = nlohmann::json::parse(info.out);
    const auto truth = nlohmann::json::parse(test::read_file(test::sample_data_dir() + "/" + name + ".truth.json"));
    EXPECT_EQ(j["frames"], truth["frames"]) << name;
    ASSERT_EQ(j["regions"].size(), 1u) << name;
    for (const char* key : {"x0", "y0", "x1", "y1"}) EXPECT_EQ(j["regions"][0][key], truth["region"][key]) << name << key;
    EXPECT_NEAR(j["regions"][0]["mm_per_px"][0].get<double>(), truth["region"]["mm_per_px"][0].get<double>(), 1e-12);
    EXPECT_NEAR(j["frame_time_ms"].get<double>(), 1000.0 / truth["frame_rate_hz"].get<double>(), 1e-3) << name;
    const auto size = std::filesystem::file_size(path);
    EXPECT_LT(size, 5u * 1024 * 1024) << name << " must stay a few MB";
  }
}

TEST(SampleData, RegeneratesBitIdentically) {
  test::TempDir dir;
  const test::CommandResult r = test::run_command(std::string("'") + FT_SOURCE_DIR + "/scripts/make-sample-data' --cli '" +
                                                  test::cli_path() + "' '" + dir.path() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto clips = sample_clips();
  ASSERT_FALSE(clips.empty());
  for (const std::string& name : clips) {
    for (const std::string suffix : {".dcm", ".truth.json"}) {
      const std::string committed = test::read_file(test::sample_data_dir() + "/" + name + suffix);
      const std::string fresh = test::read_file(dir.file(name + suffix));
      EXPECT_TRUE(committed == fresh) << name << suffix << " differs from a fresh generation";
    }
  }
}

}  // namespace ft
