// The comparison view under Xvfb: two clips of one patient contracting at different paces,
// side by side; moving either cursor shows the other at the same contraction phase; both
// strain curves on one chart; the second clip offered from the local store of the same patient.
#include <gtest/gtest.h>

#include <algorithm>

#include <QLineSeries>

#include <QChartView>

#include <QTest>
#include <fstream>

#include "StationTestSupport.h"
#include "TestSupport.h"
#include "ft/plugin/ClipAnalysis.h"
#include "ft/plugin/ReviewScene.h"
#include "ft/core/RgbImage.h"
#include "ft/dicom/SecondaryCaptureWriter.h"
#include "ft/dicom/StudyStore.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"
#include "ft/ui/ComparisonPanel.h"

namespace ft {
namespace {

// A simulated clip of `frames` frames for `patient_id`; `quick`: the contraction comes early
// and fast (a fifth of the clip from onset to full) instead of the presets' slow ramp.
std::string write_clip(const test::TempDir& dir, const std::string& name, const char* preset, std::uint64_t seed,
                       int frames, const std::string& patient_id, bool quick = false, const std::string& side = "R",
                       const std::string& patient_name = "") {
  sim::SimulationConfig config = sim::make_preset(preset, seed, frames);
  if (quick) config.motion.profile.keyframes = {{0.0, 0.0}, {0.05, 0.0}, {0.25, 1.0}, {0.40, 1.0}, {1.0, 0.0}};
  dicom::ClipWriteOptions options;
  options.exam.patient_id = patient_id;
  options.exam.patient_name = patient_name.empty() ? "TEST^" + patient_id : patient_name;
  Clip clip = sim::SimulatedExam(config).render_clip();
  clip.source.laterality = side;
  dicom::write_ultrasound_clip(clip, options, dir.file(name));
  return dir.file(name);
}

// The strongest contraction of a pane's clip: onset, peak and release (its contracted stretch).
ContractionCycle main_contraction(const ui::ReviewPanel* pane) {
  const ContractionSummary& c = pane->analysis()->detection.contraction;
  for (const ContractionCycle& cycle : c.cycles)
    if (cycle.first_frame <= c.peak_frame && c.peak_frame <= cycle.last_frame) return cycle;
  ADD_FAILURE() << "no contraction cycle around the peak";
  return {};
}

}  // namespace

TEST(ComparisonPanel, KeepsBothCursorsOnTheSameContractionPhase) {
  test::TempDir dir;
  const std::string injured = write_clip(dir, "injured.dcm", "full_tear", 21, 40, "P1");
  const std::string other_leg = write_clip(dir, "other.dcm", "intact", 22, 64, "P1", true, "L");
  test::RecordingHost recorded;
  ui::WorkspaceHost host = recorded.host();
  ui::ComparisonPanel panel(host);
  panel.resize(1400, 900);
  panel.show();
  recorded.cursor_s = recorded.duration_s = -1;
  ASSERT_TRUE(panel.open_clips(QString::fromStdString(injured), QString::fromStdString(other_leg)));
  ASSERT_TRUE(test::wait_until([&] { return panel.synchronised(); }, 240)) << panel.status().toStdString();
  const ContractionCycle a = main_contraction(panel.first()), b = main_contraction(panel.second());
  ASSERT_LT(a.first_frame, a.peak_frame);
  ASSERT_LT(b.first_frame, b.peak_frame);
  ASSERT_NE(b.peak_frame - b.first_frame, a.peak_frame - a.first_frame) << "the clips must contract at different paces";
  // The chart names the clips by side (and date, series), not by file.
  const QString axis = panel.plots()->time_axis();
  // The panes' own small plots carry their units in their titles (their axes' were elided).
  EXPECT_TRUE(panel.first()->plots()->compact());
  EXPECT_EQ(panel.first()->plots()->title_of_strain_plot(), "Fibre strain (%)");
  EXPECT_FALSE(panel.plots()->compact()) << "the chart of both is full size";
  EXPECT_EQ(panel.plots()->title_of_strain_plot(), "Fibre strain");
  EXPECT_TRUE(axis.startsWith("time (s) of right, ")) << axis.toStdString();
  EXPECT_EQ(axis.indexOf("injured.dcm"), -1) << axis.toStdString();

  panel.first()->show_frame(a.peak_frame);
  EXPECT_EQ(panel.second()->frame(), b.peak_frame) << "peak with peak";
  panel.first()->show_frame(a.first_frame);
  EXPECT_EQ(panel.second()->frame(), b.first_frame) << "onset with onset";
  panel.first()->show_frame(a.last_frame);
  EXPECT_EQ(panel.second()->frame(), b.last_frame) << "release with release";
  const int a_mid = (a.first_frame + a.peak_frame) / 2;
  panel.first()->show_frame(a_mid);
  const double share = double(a_mid - a.first_frame) / (a.peak_frame - a.first_frame);
  EXPECT_NEAR(panel.second()->frame(), b.first_frame + share * (b.peak_frame - b.first_frame), 0.51) << "in proportion";
  panel.second()->show_frame(b.peak_frame);
  EXPECT_EQ(panel.first()->frame(), a.peak_frame) << "either cursor leads";
  panel.second()->step(b.last_frame - b.peak_frame);  // stepping (or playback) in the second pane too
  EXPECT_EQ(panel.first()->frame(), a.last_frame);
  EXPECT_EQ(recorded.cursor_s, -1) << "the shared exam timeline is the Review tab's clip's, not moved from here";
  EXPECT_EQ(recorded.duration_s, -1);
  EXPECT_TRUE(recorded.marks.empty()) << "nor are its tear marks replaced";

  EXPECT_GT(panel.plots()->strain_points(), 20);
  EXPECT_GT(panel.plots()->comparison_points(), 20) << "both strain curves on one chart";
  // On the chart of both, the second clip's curve is on the first's time by phase: its onset,
  // peak and release sit at the first clip's onset, peak and release, not at its own times.
  auto* chart = panel.plots()->findChild<QChartView*>("strainPlot")->chart();
  const QList<QPointF> other = static_cast<QLineSeries*>(chart->series().at(1))->points();
  const ClipAnalysis& second = *panel.second()->analysis();
  ASSERT_EQ(std::size_t(other.size()), second.kept_frames.size());
  const double dt = panel.first()->frame_time_s();
  for (const auto& [b_frame, a_frame] : {std::pair{b.first_frame, a.first_frame}, std::pair{b.peak_frame, a.peak_frame},
                                         std::pair{b.last_frame, a.last_frame}}) {
    const int k = analysed_index_at(second, b_frame);
    EXPECT_NEAR(other[k].x(), a_frame * dt, 0.51 * dt) << "the second's frame " << b_frame << " (its own time "
                                                         << b_frame * dt << " s)";
  }
  EXPECT_NE(panel.status().indexOf(QString("peak %1 ↔ %2").arg(a.peak_frame + 1).arg(b.peak_frame + 1)), -1)
      << panel.status().toStdString();
  EXPECT_NE(panel.status().indexOf("Synchronised"), -1) << panel.status().toStdString();
  // Both panes' arrows at one scale: the lesser of the clips' gains.
  const double gain = std::min(clip_arrow_gain(*panel.first()->analysis()), clip_arrow_gain(second));
  EXPECT_DOUBLE_EQ(panel.first()->arrow_gain(), gain);
  EXPECT_DOUBLE_EQ(panel.second()->arrow_gain(), gain);

  // Another clip opened in one pane: the old phases, curves and status go with the old clip.
  ASSERT_TRUE(panel.second()->open_clip(QString::fromStdString(injured)));
  EXPECT_FALSE(panel.synchronised());
  EXPECT_EQ(panel.plots()->comparison_points(), 0);
  EXPECT_EQ(panel.status().indexOf("Synchronised"), -1) << panel.status().toStdString();
  const int second_at = panel.second()->frame();
  panel.first()->show_frame(a.peak_frame);
  EXPECT_EQ(panel.second()->frame(), second_at) << "no longer moved by stale phases";
}

TEST(ComparisonPanel, OffersTheLocalStoresClipsOfTheSamePatient) {
  test::TempDir dir;
  const std::string first = write_clip(dir, "today.dcm", "intact", 31, 12, "P7");
  const std::string last_visit = write_clip(dir, "last_visit.dcm", "intact", 32, 12, "P7", false, "L");
  const std::string someone_else = write_clip(dir, "other_patient.dcm", "intact", 33, 12, "P8");
  // Another issuer's patient who has the same ID: not offered.
  const std::string same_id = write_clip(dir, "same_id.dcm", "intact", 34, 12, "P7", false, "L", "OTHER^PERSON");
  // A burned-in capture of the first clip: the same patient's, multi-frame, but a picture.
  const std::string capture = dir.file("capture.dcm");
  dicom::write_burned_in_capture(first, [](const Frame& f, int) { return grey_picture(f, 255, 128); }, capture);
  std::ofstream(dir.file("network.json")) << "{\"study_store_directory\": \"" << dir.file("store") << "\"}";
  {
    dicom::StudyStore store(dir.file("store"));
    for (const std::string& clip : {first, last_visit, someone_else, same_id, capture}) store.import_file(clip);
  }
  test::RecordingHost recorded;
  ui::WorkspaceHost host = recorded.host(dir.file("network.json"), dir.file("store"));
  ui::ComparisonPanel panel(host);
  EXPECT_TRUE(panel.clips_of_same_patient().empty()) << "no first clip yet";
  ASSERT_TRUE(panel.first()->open_clip(QString::fromStdString(first)));
  const auto offered = panel.clips_of_same_patient();
  ASSERT_EQ(offered.size(), 1u) << "the same patient's other clip, not the first itself nor another patient's (by ID or by name)";
  EXPECT_EQ(dicom::read_clip_info(offered[0].first.toStdString()).patient_id, "P7");
  EXPECT_NE(dicom::read_clip_info(offered[0].first.toStdString()).sop_instance_uid,
            dicom::read_clip_info(first).sop_instance_uid);
  EXPECT_NE(offered[0].second.indexOf("12 frames"), -1) << offered[0].second.toStdString();
  EXPECT_TRUE(offered[0].second.startsWith("left  ")) << "the side first: " << offered[0].second.toStdString();
}

}  // namespace ft
