// Tear detection against ground truth over a varied set of simulated clips: every
// preset, several seeds, pennation angles, depths, pixel pitches, frame rates, noise
// levels and frame layouts. Prints Markdown tables for docs/benchmarks.md.
// Run: build/default/bench/bench_detection [--first N] [--variants N] [--preset NAME] | [--first SEED] --real N [--plain];
//      --explain-dir DIR writes analyze --explain's evidence for every clip; --grid-mm MM the tracked points' spacing;
//      --phase-error PX (with --real) detects each clip again with every displacement moved by +-PX * sin(2 pi d)
//      and says what moved (PhaseErrorStability.h); --with CONDITION (with --real) lays one more exam
//      condition over every clip (focused_beam: another scanner's beam and TGC); --grabber-fps F the
//      odd clips' frame grabber (60: each 20 frames/s scanner frame three times; 61: now and then four);
//      --screen-recording F every clip as a screen recording at F frames/s (persistence, H.264: ScreenRecording.h);
//      --unsized keeps the default tracking where the texture is a recorded screen's (settings_at sizes it);
//      --fixed-lines reads fascicles along lines of one length there too, not along its grain
//      (AnalysisSettings::fascicles_along_grain off)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <unistd.h>

#include <opencv2/imgcodecs.hpp>

#include "CommandLine.h"
#include "LiveSession.h"
#include "OpenCvFrames.h"
#include "PhaseErrorStability.h"
#include "ScreenRecording.h"
#include "ft/plugin/ClipAnalysis.h"
#include "ft/plugin/DetectionExplanation.h"
#include "ft/plugin/FindingConfirmation.h"
#include "ft/core/Random.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace {
using namespace ft;

struct Variant {
  double pitch_mm, fps, pennation_offset_deg, noise_db, depth_mm;
  int frames, x0, y0;
};

Variant variant(int i) {
  const double pitches[] = {0.1, 0.15, 0.2, 0.12};
  const double rates[] = {20, 30, 15, 25, 12};
  const double pennation[] = {0, -6, 6, 3, -3};
  const double noise[] = {-38, -30, -34, -26};
  const double depths[] = {30, 36, 26, 40};
  const int frames[] = {40, 30, 50, 36};
  return {pitches[i % 4], rates[i % 5], pennation[(i / 2) % 5], noise[(i / 3) % 4], depths[(i / 4) % 4],
          frames[(i + 1) % 4], 20 + 37 * (i % 5), 16 + 23 * (i % 3)};
}

sim::SimulationConfig make_config(const std::string& preset, int i) {
  const Variant v = variant(i);
  sim::SimulationConfig c = sim::make_preset(preset, std::uint64_t(1000 + 17 * i), v.frames);
  c.probe.pixel_pitch_mm = v.pitch_mm;
  c.probe.frame_rate_hz = v.fps;
  c.probe.noise_db = v.noise_db;
  const double scale = v.depth_mm / c.probe.depth_mm;
  c.probe.depth_mm = v.depth_mm;
  c.anatomy.skin_mm *= scale;
  c.anatomy.fascia_mm *= scale;
  c.anatomy.aponeurosis_mm *= scale;
  c.anatomy.femur_mm *= scale;
  c.vessel.centre_z_mm *= scale;
  c.anatomy.rf_pennation_deg += v.pennation_offset_deg;
  c.layout.region_x0_px = v.x0;
  c.layout.region_y0_px = v.y0;
  c.layout.frame_width_px = v.x0 + c.region_width_px() + 40;
  c.layout.frame_height_px = v.y0 + c.region_height_px() + 20;
  c.validate();
  return c;
}

struct Tally {
  int tears = 0, found = 0, clean = 0, clean_passed = 0, localised = 0;
  double loc_sum = 0, gap_sum = 0, gap_rest_sum = 0, extent_sum = 0;
  int measured = 0, grade_right = 0;
  double conf_tp = 0, conf_fp = 0;
  int fp = 0;
};

void print_tally(const char* name, const Tally& t) {
  const double sens = t.tears ? double(t.found) / t.tears : 0.0, spec = t.clean ? double(t.clean_passed) / t.clean : 0.0;
  std::printf("| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s |\n", name, t.tears, t.clean,
              t.tears ? (std::to_string(sens).substr(0, 4)).c_str() : "-",
              t.clean ? (std::to_string(spec).substr(0, 4)).c_str() : "-",
              t.measured ? std::to_string(t.loc_sum / t.measured).substr(0, 4).c_str() : "-",
              t.tears ? std::to_string(double(t.localised) / t.tears).substr(0, 4).c_str() : "-",  // of all tears
              t.measured ? std::to_string(t.gap_sum / t.measured).substr(0, 4).c_str() : "-",
              t.measured ? std::to_string(t.gap_rest_sum / t.measured).substr(0, 4).c_str() : "-",
              t.measured ? std::to_string(double(t.grade_right) / t.measured).substr(0, 4).c_str() : "-");
}

// A frame as a frame grabber and a JPEG-compressing recorder would pass it on.
Frame jpeg(const Frame& f, int quality) {
  std::vector<unsigned char> bytes;
  cv::imencode(".jpg", bench::mat_view(f), bytes, {cv::IMWRITE_JPEG_QUALITY, quality});
  return bench::grey_frame(cv::imdecode(bytes, cv::IMREAD_GRAYSCALE));
}

// Which scanner frame a frame grabber's frame k shows, the grabber taking `per_scanner_frame`
// frames for each of the scanner's (3: a 20 frames/s scanner at 60; 3.05 at 61, where every
// twentieth scanner frame is grabbed four times).
int scanner_frame_of(int k, double per_scanner_frame) { return int(std::floor(k / per_scanner_frame + 1e-9)); }

std::string grabbed_label(double per_scanner_frame) {
  char text[32];
  std::snprintf(text, sizeof text, "x%.3g JPEG", per_scanner_frame);
  return text;
}

// The grade read and the truth's, each with its extent across the muscle: "2 86% (2 84%)", "?"
// after a grade in doubt (a partial one that may be complete, a complete one that may be
// partial). The extent shows how near a grade came to turning. Then the muscle beyond the tear's ends, mm: "held 1.8" where the part beside the end was tracked
// and did not open (may be partial), "lost 2.2" where it was not tracked (may be complete).
std::string grade_cell(const TearFinding& f, const sim::ClipTruth& truth) {
  char text[96];
  int n = std::snprintf(text, sizeof text, "%d%s %.0f%% (%d %.0f%%)", int(f.grade), may_be_complete(f) || may_be_partial(f) ? "?" : "",
                        f.extent_pct, truth.grade, truth.extent_pct);
  const double mm = 0.01 * f.muscle_thickness_mm;
  if (f.extent_spared_pct() > 0) n += std::snprintf(text + n, sizeof text - std::size_t(n), " held %.1f", f.extent_spared_pct() * mm);
  if (f.extent_unseen_pct() > 0) std::snprintf(text + n, sizeof text - std::size_t(n), " lost %.1f", f.extent_unseen_pct() * mm);
  return text;
}

// A frame grabber on the scanner's video output: each scanner frame about `per_scanner_frame`
// times, each copy with capture noise of +-noise_levels grey levels (0: bit-identical repeats),
// then JPEG at `quality` (0: none).
std::vector<Frame> grab(const std::vector<Frame>& scanner, double per_scanner_frame, int noise_levels, int quality,
                        std::uint64_t seed) {
  Random noise = Random::stream(seed, 0x6AB);
  std::vector<Frame> out;
  for (int k = 0; scanner_frame_of(k, per_scanner_frame) < int(scanner.size()); ++k) {
    Frame g = scanner[std::size_t(scanner_frame_of(k, per_scanner_frame))];
    if (noise_levels > 0)
      for (std::size_t i = 0; i < g.byte_count(); ++i)
        g.data8()[i] = std::uint8_t(std::clamp(
            int(g.data8()[i]) + int(std::lround(noise.uniform(-noise_levels, noise_levels))), 0, 255));
    out.push_back(quality > 0 ? jpeg(g, quality) : g);
  }
  return out;
}

// The scratch video of one clip's screen recording: this process's own, so that two sweeps
// over the same seeds do not read each other's.
std::string scratch_video(int seed, std::size_t preset_index) {
  return (std::filesystem::temp_directory_path() /
          ("ft-screen-recording-" + std::to_string(::getpid()) + "-" + std::to_string(seed) + "-" +
           std::to_string(preset_index) + ".mp4"))
      .string();
}

// Real-clip conditions on top of the simulator: screen capture without Ultrasound
// Regions or calibration, each scanner frame captured 3 times, JPEG quality 60, and
// stronger normal sliding and probe motion than the presets have.
void stress(int clips_per_preset, const std::vector<std::string>& presets, const std::string& explain_dir,
            const AnalysisSettings& settings) {
  std::printf("\n### Screen-capture conditions (no regions, no calibration, frames x3, JPEG q60)\n\n");
  std::printf("| preset | clips | called tear | localised within 5 mm (px scale) | mm from the depth scale: right (within 2 %%) / wrong |\n"
              "|---|---|---|---|---|\n");
  for (const std::string& preset : presets) {
    int called = 0, localised = 0, ruler_right = 0, ruler_wrong = 0;
    for (int i = 0; i < clips_per_preset; ++i) {
      sim::SimulationConfig c = make_config(preset, 50 + i);
      const char* off = std::getenv("FT_STRESS_OFF");  // e.g. "jpeg,repeat,region,jitter" to isolate a cause
      auto on = [&](const char* what) { return !off || !std::strstr(off, what); };
      if (on("jitter")) c.motion.jitter_mm = 0.15;
      if (preset == "sliding") c.motion.sliding_mm = 6.0;
      const sim::SimulatedExam exam(c);
      std::vector<Frame> scanner;
      for (int k = 0; k < exam.frame_count(); ++k) scanner.push_back(exam.render_frame(k));
      const std::vector<Frame> frames = grab(scanner, on("repeat") ? 3 : 1, 0, on("jpeg") ? 60 : 0, c.seed);
      UltrasoundRegion whole = exam.region();
      if (on("region")) {
        whole = UltrasoundRegion{};
        whole.bounds = {0, 0, frames[0].width_px() - 1, frames[0].height_px() - 1};
      }
      const ClipAnalysis a = analyse_clip(int(frames.size()), [&](int k) { return frames[std::size_t(k)]; }, whole, settings);
      if (!explain_dir.empty())
        write_detection_explanation(explain_dir + "/stress-" + preset + "-" + std::to_string(i), a,
                                    [&](int k) { return frames[std::size_t(a.kept_frames[std::size_t(k)])]; });
      if (std::getenv("FT_STRESS_VERBOSE")) {
        std::printf("  %s %d: pitch %.2f, region %d-%d x %d-%d (truth %d-%d x %d-%d), found %d;", preset.c_str(), i,
                    c.probe.pixel_pitch_mm, a.region.bounds.x0_px, a.region.bounds.x1_px, a.region.bounds.y0_px,
                    a.region.bounds.y1_px, exam.region().bounds.x0_px, exam.region().bounds.x1_px,
                    exam.region().bounds.y0_px, exam.region().bounds.y1_px, int(a.detection.tear_detected));
        for (const auto& w : a.warnings) std::printf(" %s;", w.c_str());
        for (const auto& f : a.detection.findings) std::printf(" finding at (%.0f,%.0f) px;", f.centre_col_px, f.centre_row_px);
        std::printf("\n");
      }
      if (a.scale.source == ScaleSource::DepthScale)
        (std::abs(a.scale.mm_per_px() / c.probe.pixel_pitch_mm - 1.0) <= 0.02 ? ruler_right : ruler_wrong) += 1;
      if (!a.detection.tear_detected) continue;
      ++called;
      const TearFinding& f = a.detection.findings.front();
      const sim::ClipTruth truth = exam.clip_truth();
      if (!truth.tear_present) continue;
      const sim::FrameTruth& t = truth.frames[std::size_t(f.frame / (on("repeat") ? 3 : 1))];
      const double err_mm = std::hypot(f.centre_col_px - t.tear.centre_col_px, f.centre_row_px - t.tear.centre_row_px) *
                            c.probe.pixel_pitch_mm;
      localised += err_mm <= 5.0;
    }
    std::printf("| %s | %d | %d | %d | %d / %d |\n", preset.c_str(), clips_per_preset, called, localised, ruler_right,
                ruler_wrong);
    std::fflush(stdout);
  }
}

// The development set at real-muscle magnitudes (probes/RealisticPresets): fascicles
// rotating ~20 -> ~42 deg, 27-38 % fibre shortening, the deep aponeurosis sliding 15-25 mm,
// the muscle moving 10-15 mm under the probe, up to 1.5 mm between frames, speckle that
// decorrelates out of plane. Odd clips go through a frame grabber (repeats, JPEG). Each
// clip also carries one of the exam conditions in turn (or none; `plain` turns them off):
// curved layers, a bipennate muscle, the scanner's speckle reduction, a probe moved mid-clip.
std::string condition_for(const std::string& preset, int seed, std::size_t preset_index, bool plain) {
  if (plain) return "";
  const char* conditions[] = {"", "curved_fascia", "bipennate", "speckle_reduction", "probe_moved"};
  std::string c = conditions[(std::size_t(seed) * 3 + preset_index) % 5];
  if (c == "bipennate" && preset == "real_myotendinous_tear") c = "curved_fascia";  // modelled unipennate only
  return c;
}

// only_preset: one real_* preset (diagnosis); the others are skipped but keep their place, so a
// clip gets the same condition and grabber as in the whole set. with: an exam condition laid
// over every clip on top of its own (the same set, seen through another scanner's beam).
void real_magnitudes(int seeds, int first_seed, const std::string& explain_dir, bool plain, const std::string& only_preset,
                     const std::string& with, double grabber_fps, double recording_fps, const AnalysisSettings& settings,
                     double phase_error_px, bool live, const LiveSettings& live_as) {
  std::vector<std::string> presets;
  for (const std::string& name : sim::preset_names())
    if (name.rfind("real_", 0) == 0) presets.push_back(name);
  const bool stability = phase_error_px > 0 && !live;
  std::printf("| seed | preset | condition | grabber | truth | found | kind | loc err mm | gap mm (truth) | rest mm (truth) | grade extent (truth) | "
              "tracked | conf | false beside |%s\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|%s\n",
              stability ? (" moves at +-" + std::to_string(phase_error_px).substr(0, 5) + " px |").c_str() : "",
              stability ? "---|" : "");
  int findings_moved = 0, frames_moved = 0;  // clips, with --phase-error
  Tally all;
  int false_beside = 0;  // findings more than 10 mm from the tear of a clip that has one
  // Layers named for review (not findings): on clean clips, a sonographer's extra look; beside a
  // clip's tear (more than 10 mm from it), the same; at the tear, the tear seen faintly.
  int review_clean = 0, review_beside = 0, review_at_tear = 0;
  // Partial grades that may be complete (tracking lost between a tear's end and its
  // aponeurosis), by the truth's grade: right on complete tears, a needless doubt on partial ones.
  int may_be_complete_of_complete = 0, may_be_complete_of_partial = 0;
  // Complete grades that may be partial (the muscle beyond an end moved without opening): right
  // on partial tears, a needless doubt on complete ones.
  int may_be_partial_of_partial = 0, may_be_partial_of_complete = 0;
  std::vector<Tally> per(presets.size());
  std::map<std::string, Tally> per_condition;
  std::vector<double> tracked_intact;
  // What a "no tear" said: on a missed tear a conclusive one is the worst outcome there is; on a
  // clean clip an inconclusive one is honest where the detector cannot see (a recorded screen's texture).
  int missed_no_tear = 0, missed_conclusive = 0, clean_no_tear = 0, clean_conclusive = 0;
  for (int i = first_seed; i < first_seed + seeds; ++i)
    for (std::size_t p = 0; p < presets.size(); ++p) {
      if (!only_preset.empty() && presets[p] != only_preset) continue;
      const std::string condition = condition_for(presets[p], i, p, plain);
      const std::string laid_over = (condition.empty() ? "" : "+" + condition) + (with.empty() ? "" : "+" + with);
      const sim::SimulatedExam exam(sim::make_preset(presets[p] + laid_over, std::uint64_t(i)));
      std::vector<Frame> frames;
      for (int k = 0; k < exam.frame_count(); ++k) frames.push_back(exam.render_frame(k));
      const double scanner_fps = exam.config().probe.frame_rate_hz;
      const bool recorded = recording_fps > 0;
      const bool grabber = !recorded && (i + int(p)) % 2 == 1;
      const double copies = recorded ? recording_fps / scanner_fps : grabber ? grabber_fps / scanner_fps : 1.0;
      if (grabber) frames = grab(frames, copies, 2, 70, std::uint64_t(i));
      std::vector<double> content;  // recorded: the scanner frame each frame shows
      if (recorded) {
        bench::ScreenRecording recording = bench::record_screen(frames, {scanner_fps, recording_fps, 3, scratch_video(i, p)});
        frames = std::move(recording.frames);
        content = std::move(recording.content_scanner_frame);
      }
      // The truth of what clip frame k shows.
      const auto truth_frame = [&](int k) {
        const int n = exam.frame_count();
        const int j = recorded ? int(std::lround(content[std::size_t(k)])) : scanner_frame_of(k, copies);
        return std::clamp(j, 0, n - 1);
      };
      const FrameAt clip_at = [&](int k) { return frames[std::size_t(k)]; };
      // --live: what live monitoring would have shown over the session (LiveSession.h).
      // Each evaluation that read a tear to stderr, with its evidence: why a session showed what it did.
      LiveSettings live_settings = live_as;
      live_settings.analysis = settings;
      live_settings.record_evidence = true;
      const bench::EachEvaluation log = [&](const WindowEvaluation& e, const DetectionResult& r, int at) {
        if (r.findings.empty() && r.inconclusive_reason != kWaitsForConfirmation) return;
        std::fprintf(stderr, "%d %s%s:\n", i, presets[p].c_str(), laid_over.c_str());
        bench::print_evaluation(stderr, e, r, at);
      };
      const ClipAnalysis a = live ? bench::analyse_live(int(frames.size()), clip_at, exam.region(), live_settings, 1, log).analysis
                                  : analyse_clip(int(frames.size()), clip_at, exam.region(), settings);
      const sim::ClipTruth truth = exam.clip_truth();
      if (!explain_dir.empty() && !live)  // the evidence behind every call, as analyze --explain writes it
        write_detection_explanation(explain_dir + "/" + std::to_string(i) + "-" + exam.config().preset, a,
                                    [&](int k) { return frames[std::size_t(a.kept_frames[std::size_t(k)])]; });
      // A clip with a tear counts as found only where a finding lies within kAtTheTearMm of it: a
      // finding elsewhere sends the sonographer to healthy muscle and is counted beside it.
      constexpr double kAtTheTearMm = 10.0;
      const TearFinding* f = nullptr;
      const sim::FrameTruth* ft = nullptr;
      double loc = -1, gap = -1, truth_gap = -1;
      int beside = 0;
      if (truth.tear_present)
        for (const TearFinding& g : a.detection.findings) {  // the finding closest to the truth
          const sim::FrameTruth& cand = truth.frames[std::size_t(truth_frame(g.frame))];
          const double e = std::hypot(g.centre_x_mm - cand.tear.centre_x_mm, g.centre_z_mm - cand.tear.centre_z_mm);
          if (loc < 0 || e < loc) { loc = e; f = &g; ft = &cand; }
          if (e <= kAtTheTearMm) continue;
          ++beside;  // and where it was made
          std::fprintf(stderr, "%d %s%s: beside the tear: %s at (%.1f, %.1f) mm, frame %d, gap %.1f mm\n", i,
                       presets[p].c_str(), laid_over.c_str(), describe_grade(g).c_str(), g.centre_x_mm, g.centre_z_mm,
                       g.frame, g.gap_mm);
        }
      const bool called = a.detection.tear_detected;
      const bool found = truth.tear_present ? f && loc <= kAtTheTearMm : called;
      if (!found) f = nullptr;
      if (!truth.tear_present) tracked_intact.push_back(a.detection.tracked_fraction);
      if (!called) {
        int& said = truth.tear_present ? missed_no_tear : clean_no_tear;
        int& conclusive = truth.tear_present ? missed_conclusive : clean_conclusive;
        ++said;
        conclusive += a.detection.conclusive;
      }
      Tally& by_condition = per_condition[condition.empty() ? "none" : condition];
      for (Tally* t : {&per[p], &all, &by_condition}) {
        if (truth.tear_present) { ++t->tears; t->found += found; }
        else { ++t->clean; t->clean_passed += !found; t->fp += found; }
      }
      false_beside += beside;
      for (const TearFinding& layer : a.detection.for_review) {
        if (!truth.tear_present) { ++review_clean; continue; }
        const sim::FrameTruth& at = truth.frames[std::size_t(truth_frame(layer.frame))];
        const bool at_tear = std::hypot(layer.centre_x_mm - at.tear.centre_x_mm, layer.centre_z_mm - at.tear.centre_z_mm) <= kAtTheTearMm;
        ++(at_tear ? review_at_tear : review_beside);
      }
      if (f) {
        gap = f->gap_mm;
        truth_gap = ft->tear.gap_mm;
        for (Tally* t : {&per[p], &all, &by_condition}) {
          ++t->measured;
          t->loc_sum += loc;
          t->localised += loc <= 5.0;
          t->gap_sum += std::abs(gap - truth_gap);
          t->gap_rest_sum += std::abs(f->gap_rest_mm - truth.gap_rest_mm);
          t->grade_right += int(f->grade) == truth.grade;
        }
        const bool truly_complete = truth.grade == int(TearGrade::CompleteWithRetraction);
        if (may_be_complete(*f)) ++(truly_complete ? may_be_complete_of_complete : may_be_complete_of_partial);
        if (may_be_partial(*f)) ++(truly_complete ? may_be_partial_of_complete : may_be_partial_of_partial);
      }
      std::string moves;
      if (stability) {
        const bench::PhaseErrorMoves moved = bench::what_moves_with_phase_error(
            a, [&](int k) { return frames[std::size_t(a.kept_frames[std::size_t(k)])]; }, settings, phase_error_px);
        findings_moved += moved.findings_moved;
        frames_moved += moved.frames_moved && !moved.findings_moved;
        moves = " " + moved.text + " |";
      }
      std::printf("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2f | %s | %d |%s\n", i, presets[p].c_str(),
                  condition.empty() ? "-" : condition.c_str(),
                  recorded ? "H.264 screen" : grabber ? grabbed_label(copies).c_str() : "-",
                  truth.tear_present ? "tear" : "none", found ? "tear" : called ? "beside" : "none", f ? to_string(f->kind) : "-",
                  f ? std::to_string(loc).substr(0, 4).c_str() : "-",
                  f ? (std::to_string(gap).substr(0, 4) + " (" + std::to_string(truth_gap).substr(0, 4) + ")").c_str() : "-",
                  f ? (std::to_string(f->gap_rest_mm).substr(0, 4) + " (" + std::to_string(truth.gap_rest_mm).substr(0, 4) + ")").c_str()
                    : "-",
                  f ? grade_cell(*f, truth).c_str() : "-",
                  a.detection.tracked_fraction, f ? std::to_string(f->confidence).substr(0, 4).c_str() : "-", beside,
                  moves.c_str());
      std::fflush(stdout);
    }
  std::printf("\n| preset | tear clips | clean clips | sensitivity | specificity | loc. error mm | within 5 mm | gap MAE mm | "
              "rest gap MAE mm | grade right |\n|---|---|---|---|---|---|---|---|---|---|\n");
  for (std::size_t p = 0; p < presets.size(); ++p) print_tally(presets[p].c_str(), per[p]);
  print_tally("**all**", all);
  if (!plain) {
    std::printf("\n| condition | tear clips | clean clips | sensitivity | specificity | loc. error mm | within 5 mm | gap MAE mm | "
                "rest gap MAE mm | grade right |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (const auto& [name, tally] : per_condition) print_tally(name.c_str(), tally);
  }
  std::printf("\nfalse findings beside a tear (more than 10 mm from it; a tear with only such findings is a miss): %d\n",
              false_beside);
  std::printf("\n\"no tear\" read as conclusive: %d of %d on missed tears, %d of %d on clean clips (the rest inconclusive)\n",
              missed_conclusive, missed_no_tear, clean_conclusive, clean_no_tear);
  std::printf("\nlayers named for review (not findings): %d on clean clips, %d beside a tear, %d at a tear\n", review_clean,
              review_beside, review_at_tear);
  std::printf("\npartial grades that may be complete (grade 2?, tracking lost beside the aponeurosis): %d on complete tears, "
              "%d on partial tears\n", may_be_complete_of_complete, may_be_complete_of_partial);
  std::printf("\ncomplete grades that may be partial (grade 3?, the muscle beyond an end moved without opening): %d on "
              "partial tears, %d on complete tears\n", may_be_partial_of_partial, may_be_partial_of_complete);
  if (stability)
    std::printf("\nwith a phase error of +-%g px: clips whose findings moved %d; whose rest or peak frame alone moved %d\n",
                phase_error_px, findings_moved, frames_moved);
  std::sort(tracked_intact.begin(), tracked_intact.end());
  if (!tracked_intact.empty())
    std::printf("\ntracked_fraction on clips without a tear: min %.2f, median %.2f\n", tracked_intact.front(),
                tracked_intact[tracked_intact.size() / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  // Options in any order: read them all first, then run the one mode asked for.
  int variants = 11, first = 0, real = 0, stress_clips = 0;
  double phase_error_px = 0.0;  // --phase-error: each --real clip detected again with its displacements moved
  bool plain = false;  // --plain: the real_* presets without exam conditions (the set before they existed)
  bool live = false;   // --live: each --real clip through live monitoring, the session's findings scored
  LiveSettings live_as;  // --unconfirmed, --window-strain: live monitoring's own rules, to compare
  std::string explain_dir, with;  // --with: an exam condition laid over every --real clip
  double grabber_fps = 60.0;      // --grabber-fps: the odd --real clips' grabber (the presets' scanner: 20 frames/s)
  double recording_fps = 0.0;     // --screen-recording: every --real clip as a screen recording at this rate (ScreenRecording.h)
  AnalysisSettings settings;  // --grid-mm: the tracked points' spacing
  std::vector<std::string> presets{"intact", "full_tear", "partial_tear", "vessel", "sliding", "contracted_start"};
  bool one_preset = false;
  static const char* const kUsage =
      "usage: bench_detection [--first N] [--variants N] [--preset NAME] [--grid-mm MM] [--explain-dir DIR]\n"
      "       bench_detection [--first SEED] --real N [--plain] [--preset NAME] [--grid-mm MM] [--explain-dir DIR]\n"
      "                       [--phase-error PX] [--with CONDITION] [--grabber-fps F] [--screen-recording FPS] [--unsized]\n"
      "                       [--fixed-lines] [--live [--unconfirmed] [--window-strain S]]\n"
      "       bench_detection --stress N [--preset NAME]\n";
  for (int a = 1; a < argc; a += 2) {
    const std::string option = argv[a];
    if (option == "--plain" || option == "--unsized" || option == "--fixed-lines" || option == "--live" ||
        option == "--unconfirmed") {
      if (option == "--plain") plain = true;
      else if (option == "--live") live = true;
      else if (option == "--unconfirmed") live_as.confirm_findings = false;
      else if (option == "--unsized") settings.tracking_sized_to_texture = false;  // the default tracking on a recorded screen's texture too
      else settings.fascicles_along_grain = false;  // fascicles read along lines of one length on a screen's texture too
      --a;  // a flag without a value
      continue;
    }
    if (a + 1 >= argc) bench::usage_and_exit(kUsage, option);
    const char* value = argv[a + 1];
    if (option == "--variants") variants = bench::whole_argument(option, value);
    else if (option == "--first") first = bench::whole_argument(option, value);
    else if (option == "--real") real = bench::whole_argument(option, value);
    else if (option == "--stress") stress_clips = bench::whole_argument(option, value);
    else if (option == "--grid-mm") settings.grid_mm = bench::number_argument(option, value);  // live may track coarser
    else if (option == "--explain-dir") explain_dir = value;
    else if (option == "--window-strain") live_as.min_window_strain = bench::number_argument(option, value);
    else if (option == "--with") with = value;
    else if (option == "--grabber-fps") grabber_fps = bench::number_argument(option, value);
    else if (option == "--screen-recording") recording_fps = bench::number_argument(option, value);
    else if (option == "--phase-error") phase_error_px = bench::number_argument(option, value);
    else if (option == "--preset") {
      presets = {value};
      one_preset = true;
    } else {
      bench::usage_and_exit(kUsage, option);
    }
  }
  if (real > 0) {
    real_magnitudes(real, first ? first : 2000, explain_dir, plain, one_preset ? presets.front() : "", with, grabber_fps,
                    recording_fps, settings, phase_error_px, live, live_as);
    return 0;
  }
  if (stress_clips > 0) {
    stress(stress_clips, one_preset ? presets
                                    : std::vector<std::string>{"full_tear", "partial_tear", "intact", "vessel", "sliding"},
           explain_dir, settings);
    return 0;
  }
  std::vector<Tally> per_preset(presets.size());
  Tally all;
  const auto t0 = std::chrono::steady_clock::now();
  std::printf("| clip | preset | pitch mm | fps | frames | truth | found | loc err mm | gap mm (truth) | rest mm (truth) | "
              "extent %% (truth) | grade (truth) | conf |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (int i = first; i < first + variants; ++i) {
    for (std::size_t p = 0; p < presets.size(); ++p) {
      const sim::SimulationConfig config = make_config(presets[p], i);
      const sim::SimulatedExam exam(config);
      std::vector<Frame> frames;
      for (int k = 0; k < exam.frame_count(); ++k) frames.push_back(exam.render_frame(k));
      const ClipAnalysis a = analyse_clip(int(frames.size()), [&](int k) { return frames[std::size_t(k)]; }, exam.region(), settings);
      const sim::ClipTruth truth = exam.clip_truth();
      if (!explain_dir.empty())
        write_detection_explanation(explain_dir + "/" + std::to_string(i) + "-" + presets[p], a,
                                    [&](int k) { return frames[std::size_t(a.kept_frames[std::size_t(k)])]; });
      Tally& t = per_preset[p];
      const bool found = a.detection.tear_detected;
      double loc = -1, gap = -1, truth_gap = -1;
      const TearFinding* f = found ? &a.detection.findings.front() : nullptr;
      for (Tally* tally : {&t, &all}) {
        if (truth.tear_present) {
          ++tally->tears;
          tally->found += found;
        } else {
          ++tally->clean;
          tally->clean_passed += !found;
          if (found) {
            ++tally->fp;
            tally->conf_fp += f->confidence;
          }
        }
      }
      if (truth.tear_present && f) {
        const sim::FrameTruth& ft = truth.frames[std::size_t(f->frame)];
        loc = std::hypot(f->centre_x_mm - ft.tear.centre_x_mm, f->centre_z_mm - ft.tear.centre_z_mm);
        gap = f->gap_mm;
        truth_gap = ft.tear.gap_mm;
        for (Tally* tally : {&t, &all}) {
          ++tally->measured;
          tally->loc_sum += loc;
          tally->localised += loc <= 5.0;
          tally->gap_sum += std::abs(gap - truth_gap);
          tally->gap_rest_sum += std::abs(f->gap_rest_mm - truth.gap_rest_mm);
          tally->extent_sum += std::abs(f->extent_pct - truth.extent_pct);
          tally->grade_right += int(f->grade) == truth.grade;
          tally->conf_tp += f->confidence;
        }
      }
      std::printf("| %d | %s | %.2f | %.0f | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", i, presets[p].c_str(),
                  config.probe.pixel_pitch_mm, config.probe.frame_rate_hz, config.frame_count,
                  truth.tear_present ? "tear" : "none", found ? "tear" : "none", loc >= 0 ? std::to_string(loc).substr(0, 4).c_str() : "-",
                  f ? (std::to_string(gap).substr(0, 4) + " (" + std::to_string(truth_gap).substr(0, 4) + ")").c_str() : "-",
                  f ? (std::to_string(f->gap_rest_mm).substr(0, 4) + " (" + std::to_string(truth.gap_rest_mm).substr(0, 4) + ")").c_str() : "-",
                  f ? (std::to_string(int(f->extent_pct)) + " (" + std::to_string(int(truth.extent_pct)) + ")").c_str() : "-",
                  f ? (std::to_string(int(f->grade)) + " (" + std::to_string(truth.grade) + ")").c_str() : "-",
                  f ? std::to_string(f->confidence).substr(0, 4).c_str() : "-");
      std::fflush(stdout);
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("\n%d clips in %.0f s.\n\n| preset | tear clips | clean clips | sensitivity | specificity | loc. error mm | "
              "within 5 mm | gap MAE mm | rest gap MAE mm | grade right |\n|---|---|---|---|---|---|---|---|---|---|\n",
              variants * int(presets.size()), seconds);
  for (std::size_t p = 0; p < presets.size(); ++p) print_tally(presets[p].c_str(), per_preset[p]);
  print_tally("**all**", all);
  if (all.measured) std::printf("\nMean confidence: true findings %.2f", all.conf_tp / all.measured);
  if (all.fp) std::printf(", false findings %.2f (%d)", all.conf_fp / all.fp, all.fp);
  std::printf("\n");
  return 0;
}
