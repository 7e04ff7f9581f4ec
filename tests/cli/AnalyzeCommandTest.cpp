#include <gtest/gtest.h>

#include <cctype>
#include <cmath>

#include <QImage>

#include <nlohmann/json.hpp>

#include "TestSupport.h"

namespace ft {
namespace {
test::CommandResult fibretrack(const std::string& args) { return test::run_command("'" + test::cli_path() + "' " + args); }
}  // namespace

// Every sample clip and every real file: the command runs, writes the documented JSON,
// and says why when it finds nothing.
TEST(AnalyzeCommand, RunsOnEverySampleClipAndRealFile) {
  std::vector<std::string> clips;
  for (const char* name : {"intact", "full_tear", "partial_tear", "vessel", "sliding", "contracted_start"})
    clips.push_back(test::sample_data_dir() + "/" + name + ".dcm");
  if (test::file_exists(test::shared_data_dir() + "/README.md"))
    for (const char* name : {"OBXXXX1A.dcm", "OBXXXX1A_rle_2frame.dcm", "US1_J2KR.dcm", "US1_UNCR.dcm", "color-pl.dcm",
                             "examples_ybr_color.dcm", "gdcm-US-ALOKA-16.dcm"})
      clips.push_back(test::shared_data_dir() + "/" + name);
  test::TempDir dir;
  for (const std::string& clip : clips) {
    const test::CommandResult r = fibretrack("analyze '" + clip + "' --json '" + dir.file("a.json") + "'");
    ASSERT_EQ(r.exit_code, 0) << clip << ": " << r.err;
    const auto j = nlohmann::json::parse(test::read_file(dir.file("a.json")));
    for (const char* key : {"tear_detected", "findings", "contraction", "notes", "disclaimer", "tracked_fraction", "conclusive",
                            "verdict", "scale", "layers_for_review"})
      EXPECT_TRUE(j.contains(key)) << clip << " " << key;
    EXPECT_TRUE(j["layers_for_review"].is_array()) << "no finding among them; empty where none";
    EXPECT_TRUE(j["contraction"].contains("peak_frame"));
    EXPECT_TRUE(j["contraction"].contains("peak_strain"));
    // The pennation on the rest and the peak frame: degrees, or null where unmeasured (no contraction).
    for (const char* when : {"rest", "peak"}) {
      const auto& angle = j["contraction"]["fascicle_angle_deg"][when];
      EXPECT_TRUE(angle.is_null() || (angle.is_number() && std::abs(angle.get<double>()) <= 90.0)) << clip << " " << when;
    }
    // mm only from a calibration or a depth scale: otherwise the notes say how sizes are given.
    if (j["scale"]["source"] == "speckle_estimate") {
      EXPECT_FALSE(j["calibrated"].get<bool>()) << clip;
      for (const auto& f : j["findings"]) EXPECT_TRUE(f["gap_mm"].is_null()) << clip;
    }
    if (!j["tear_detected"].get<bool>()) {
      EXPECT_FALSE(j["notes"].empty()) << clip;
    }
    for (const auto& f : j["findings"])
      for (const char* key : {"kind", "frame", "center_px", "center_mm", "gap_mm", "gap_rest_mm", "retraction_mm",
                              "extent_pct", "grade", "confidence"})
        EXPECT_TRUE(f.contains(key)) << clip << " " << key;
  }
}

TEST(AnalyzeCommand, SampleTearsAreFoundWhereTheTruthSaysAndConfoundersAreNot) {
  test::TempDir dir;
  for (const char* name : {"full_tear", "partial_tear", "contracted_start", "intact", "vessel", "sliding"}) {
    const std::string base = test::sample_data_dir() + "/" + name;
    ASSERT_EQ(fibretrack("analyze '" + base + ".dcm' --json '" + dir.file("a.json") + "'").exit_code, 0);
    const auto j = nlohmann::json::parse(test::read_file(dir.file("a.json")));
    const auto truth = nlohmann::json::parse(test::read_file(base + ".truth.json"));
    ASSERT_EQ(j["tear_detected"], truth["tear_detected"]) << name;
    if (!truth["tear_detected"].get<bool>()) continue;
    const auto& f = j["findings"][0];
    const auto& t = truth["per_frame"][f["frame"].get<int>()];
    EXPECT_NEAR(f["center_px"][0].get<double>(), t["center_px"][0].get<double>(), 20.0) << name;
    EXPECT_NEAR(f["center_px"][1].get<double>(), t["center_px"][1].get<double>(), 20.0) << name;
    EXPECT_NEAR(f["gap_mm"].get<double>(), t["gap_mm"].get<double>(), 1.0) << name;
    EXPECT_EQ(f["grade"], truth["grade"]) << name;
  }
}

// --explain: every candidate with its measurements and the gate that decided, the
// reported one among them, and the maps as pictures.
TEST(AnalyzeCommand, ExplainWritesTheEvidenceForEveryCandidate) {
  test::TempDir dir;
  const std::string clip = test::sample_data_dir() + "/full_tear.dcm";
  const test::CommandResult r =
      fibretrack("analyze '" + clip + "' --json '" + dir.file("a.json") + "' --explain '" + dir.file("why") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto a = nlohmann::json::parse(test::read_file(dir.file("a.json")));
  const auto e = nlohmann::json::parse(test::read_file(dir.file("why/explain.json")));
  ASSERT_FALSE(e["candidates"].empty());
  EXPECT_EQ(e["candidates"].size(), a["candidates_evaluated"].get<std::size_t>());
  int reported = 0, n = 0;
  for (const auto& c : e["candidates"]) {
    ++n;
    EXPECT_FALSE(c["decision"].get<std::string>().empty());
    EXPECT_FALSE(c["reason"].get<std::string>().empty());
    reported += c["decision"] == "reported";
    if (c["decision"] != "too_small") {  // every judged candidate has its picture (up to 24 of them)
      EXPECT_EQ(c["picture"], "candidate-" + std::to_string(n) + ".png");
      EXPECT_TRUE(test::file_exists(dir.file("why/candidate-" + std::to_string(n) + ".png"))) << c["decision"];
    }
  }
  EXPECT_GE(reported, int(a["findings"].size()));
  // Eight panels (rest, peak, tracked, area growth, opening, fibre strain, darkening, fibres),
  // and a candidate's own picture outlines its points (cyan) where the overview has none.
  const QImage overview(QString::fromStdString(dir.file("why/overview.png")));
  ASSERT_FALSE(overview.isNull());
  const auto cyan = [](const QImage& image) {
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
      for (int x = 0; x < image.width(); ++x) n += image.pixel(x, y) == qRgb(0, 255, 255);
    return n;
  };
  std::string reported_picture;
  for (const auto& c : e["candidates"])
    if (c["decision"] == "reported" && c["picture"].is_string() && reported_picture.empty()) reported_picture = c["picture"];
  ASSERT_FALSE(reported_picture.empty()) << "the reported candidate has its picture";
  const QImage marked(QString::fromStdString(dir.file("why/" + reported_picture)));
  EXPECT_EQ(marked.size(), overview.size());
  EXPECT_GT(cyan(marked), cyan(overview) + 20);
  const auto& region = a["region"];
  EXPECT_EQ(overview.width(), 4 * (region["x1"].get<int>() - region["x0"].get<int>() + 1) + 12) << "4 x 2 panels";
  EXPECT_EQ(overview.height(), 2 * (region["y1"].get<int>() - region["y0"].get<int>() + 1) + 4);
  EXPECT_GE(e["tracked_fraction"].get<double>(), 0.5);
}

}  // namespace ft

namespace ft {

// Painting the capture's text starts Qt, which sets the user's locale: a German one must not
// turn the capture's Frame Time into "50,000" (not a DICOM decimal string) nor the findings
// printed after it into "19,6 mm". The locale is compiled into the test's folder.
TEST(AnalyzeCommand, ABurnedInCaptureUnderACommaDecimalLocaleKeepsItsDecimalPoints) {
  test::TempDir dir;
  const test::CommandResult made =
      test::run_command("localedef -c -i de_DE -f UTF-8 '" + dir.file("de_DE.UTF-8") + "' 2>&1");
  if (!test::file_exists(dir.file("de_DE.UTF-8/LC_NUMERIC")))
    GTEST_SKIP() << "no locale sources to compile de_DE (Debian package locales): " << made.out;
  const test::CommandResult r =
      test::run_command("LOCPATH='" + dir.path() + "' LC_ALL=de_DE.UTF-8 '" + test::cli_path() + "' analyze '" +
                        test::sample_data_dir() + "/full_tear.dcm' --dicom-out '" + dir.file("out") + "' --burn-in");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("mm, frame"), std::string::npos) << r.out;
  for (std::size_t i = 1; i + 1 < r.out.size(); ++i)
    EXPECT_FALSE(r.out[i] == ',' && std::isdigit(static_cast<unsigned char>(r.out[i - 1])) &&
                 std::isdigit(static_cast<unsigned char>(r.out[i + 1])))
        << "a decimal comma in: " << r.out.substr(i > 20 ? i - 20 : 0, 40);
  EXPECT_EQ(test::dciodvfy_errors(dir.file("out/full_tear_burned_in_sc.dcm")), "");
  const test::CommandResult dump = test::run_command("dcmdump +P FrameTime '" + dir.file("out/full_tear_burned_in_sc.dcm") + "'");
  EXPECT_NE(dump.out.find("[50.000]"), std::string::npos) << dump.out;
}

}  // namespace ft
