// bench_live_replay: recorded clips through live monitoring (LiveTearMonitor), every evaluation
// printed, deterministically. `fibretrack live --source file:CLIP.dcm` replays a clip at its
// recorded rate and the computer decides which frames it skips; this reads every distinct frame
// (the pipeline's repeats dropped by ClipAnalysis's rule), or every Nth of them (--every N: a
// computer that keeps up with one frame in N), so a change of the live path can be compared
// clip by clip. What `analyze` concludes on the same clip is a different path (the whole clip
// in one evaluation): the two are meant to agree.
#include <cstdio>
#include <string>
#include <vector>

#include "CommandLine.h"
#include "ft/core/TearFinding.h"
#include "ft/dicom/DicomClipReader.h"
#include "ft/plugin/ClipAnalysis.h"
#include "LiveSession.h"

namespace {

constexpr const char* kUsage =
    "usage: bench_live_replay [--grid-mm MM] [--every N] [--quiet] [--unconfirmed] [--window-strain S] CLIP.dcm...\n"
    "  every distinct frame of each clip through live monitoring, each evaluation's findings printed;\n"
    "  --grid-mm: the points' spacing (0.71: what live tracking settles on when it cannot keep up)\n"
    "  --every N: every Nth distinct frame only; --quiet: the session's summary line only\n"
    "  --unconfirmed, --window-strain S: live monitoring's own rules off, or its contraction asked for, to compare\n";

struct Options {
  double grid_mm = 0.5;
  int every = 1;
  bool quiet = false;
  bool unconfirmed = false;
  double window_strain = ft::LiveSettings{}.min_window_strain;
  std::vector<std::string> clips;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--grid-mm" && has_value) o.grid_mm = ft::bench::number_argument(a, argv[++i]);
    else if (a == "--every" && has_value) o.every = ft::bench::whole_argument(a, argv[++i]);
    else if (a == "--quiet") o.quiet = true;
    else if (a == "--unconfirmed") o.unconfirmed = true;
    else if (a == "--window-strain" && has_value) o.window_strain = ft::bench::number_argument(a, argv[++i]);
    else if (a.rfind("--", 0) == 0) ft::bench::usage_and_exit(kUsage, a);
    else o.clips.push_back(a);
  }
  if (o.clips.empty() || o.every < 1 || o.grid_mm <= 0) ft::bench::usage_and_exit(kUsage, "");
  return o;
}

void print_findings(const char* what, const std::vector<ft::TearFinding>& findings) {
  for (const ft::TearFinding& f : findings)
    std::printf("    %s %s at (%.1f, %.1f) mm, frame %d, gap %.1f mm (rest %.1f), confidence %.2f\n", what,
                ft::describe_grade(f).c_str(), f.centre_x_mm, f.centre_z_mm, f.frame, f.gap_mm, f.gap_rest_mm,
                f.confidence);
}

// One clip: returns how many places the session reported a tear at.
std::size_t replay(const std::string& path, const Options& o) {
  ft::dicom::DicomClipReader reader(path);
  const ft::dicom::DicomClipInfo info = reader.info();
  const ft::FrameAt frame_at = [&reader](int k) { return reader.read_frame(k); };
  ft::LiveSettings settings;
  settings.analysis.grid_mm = o.grid_mm;
  settings.analysis.backend = ft::gpu::Backend::Cpu;
  settings.record_evidence = !o.quiet;  // why each finding was made
  settings.confirm_findings = !o.unconfirmed;
  settings.min_window_strain = o.window_strain;
  int inconclusive = 0;
  const auto each = [&](const ft::WindowEvaluation& evaluation, const ft::DetectionResult& r, int at) {
    if (!r.conclusive && !r.tear_detected) ++inconclusive;
    if (!o.quiet) ft::bench::print_evaluation(stdout, evaluation, r, at);
  };
  const ft::bench::LiveSession live = ft::bench::analyse_live(info.frames, frame_at, info.analysis_region(), settings, o.every, each);
  const std::vector<ft::TearFinding>& strongest = live.analysis.detection.findings;
  std::printf("%s: %zu of %d frames analysed, %d evaluations (%d inconclusive, %d with findings), %zu places with a tear\n",
              path.c_str(), live.analysis.kept_frames.size(), info.frames, live.evaluations, inconclusive,
              live.evaluations_with_findings, strongest.size());
  print_findings("session:", strongest);
  return strongest.size();
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  int with_tear = 0;
  for (const std::string& clip : o.clips) with_tear += replay(clip, o) > 0 ? 1 : 0;
  std::printf("clips with a tear reported live: %d of %zu\n", with_tear, o.clips.size());
  return 0;
}
