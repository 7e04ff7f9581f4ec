// fibretrack live: headless live analysis of a source; findings as they change and one
// stats line per second (JSON lines with --json-stream); at the end the session's strongest
// finding of each place (SessionFindings).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "CommandLine.h"
#include "Commands.h"
#include "ft/core/Error.h"
#include "ft/plugin/FindingConfirmation.h"
#include "ft/plugin/LivePipeline.h"
#include "ft/plugin/SessionFindings.h"
#include "ft/plugin/SourceFactory.h"

namespace ft::cli {
namespace {

nlohmann::json stats_json(const LiveStats& s) {
  auto r1 = [](double v) { return std::round(v * 10.0) / 10.0; };
  auto r2 = [](double v) { return std::round(v * 100.0) / 100.0; };  // mm of the grid (0.71)
  return {{"type", "stats"},         {"seconds", r1(s.seconds)},      {"frames_in", s.frames_in},
          {"processed", s.processed}, {"skipped", s.skipped},         {"repeats", s.repeats},
          {"dropped", s.dropped},     {"fps_in", r1(s.seconds > 0 ? s.frames_in / s.seconds : 0)},
          {"fps_processed", r1(s.seconds > 0 ? s.processed / s.seconds : 0)}, {"scanner_fps", r1(s.scanner_fps)},
          {"latency_p50_ms", r1(s.latency_p50_ms)}, {"latency_p99_ms", r1(s.latency_p99_ms)},
          {"evaluations", s.evaluations},           {"evaluations_dropped", s.evaluations_dropped},
          {"findings_latency_p50_ms", r1(s.findings_latency_p50_ms)},
          {"findings_latency_p99_ms", r1(s.findings_latency_p99_ms)},
          {"followed", s.followed},
          {"followed_latency_p50_ms", r1(s.followed_latency_p50_ms)},
          {"followed_latency_p99_ms", r1(s.followed_latency_p99_ms)},
          {"grid_mm", r2(s.grid_mm)}, {"asked_grid_mm", r2(s.asked_grid_mm)}, {"grid_changes", s.grid_changes},
          {"analysis_error", s.analysis_error},     {"recording_error", s.recording_error}};
}

nlohmann::json findings_json(const DetectionResult& r) {
  nlohmann::json findings = nlohmann::json::array();
  const double mm_per_px = r.mm_per_px();
  for (const auto& f : r.findings) {
    // mm only from a calibration or the depth scale (as analyze --json).
    nlohmann::json j{{"frame", f.frame}, {"center_px", {f.centre_col_px, f.centre_row_px}},
                     {"grade", has_grade_number(f.grade) ? nlohmann::json(int(f.grade)) : nlohmann::json(nullptr)}, {"confidence", f.confidence}, {"gap", describe_gap(f, r)}};
    j["may_be_complete"] = may_be_complete(f);
    j["may_be_partial"] = may_be_partial(f);
    j["center_mm"] = r.calibrated ? nlohmann::json{f.centre_x_mm, f.centre_z_mm} : nlohmann::json(nullptr);
    j["gap_mm"] = r.calibrated ? nlohmann::json(f.gap_mm) : nlohmann::json(nullptr);
    j["gap_px"] = mm_per_px > 0 ? nlohmann::json(f.gap_mm / mm_per_px) : nlohmann::json(nullptr);
    findings.push_back(j);
  }
  return {{"type", "findings"}, {"tear_detected", r.tear_detected}, {"conclusive", r.conclusive},
          {"verdict", describe_verdict(r)}, {"findings", findings}, {"calibrated", r.calibrated}, {"notes", r.notes}};
}

// Findings "change" when a tear appears or disappears, a "no tear" becomes conclusive or stops
// being so, or the lead finding moves or its gap changes noticeably; small jitter is not news.
bool changed(const std::optional<DetectionResult>& before, const DetectionResult& now) {
  // A possible tear waiting for confirmation is news however inconclusive the result before was.
  const bool waits_now = now.inconclusive_reason == kWaitsForConfirmation;
  if (!before || before->tear_detected != now.tear_detected || before->conclusive != now.conclusive ||
      before->findings.size() != now.findings.size() || waits_now != (before->inconclusive_reason == kWaitsForConfirmation))
    return true;
  if (now.findings.empty()) return false;
  const TearFinding &a = before->findings.front(), &b = now.findings.front();
  return std::hypot(a.centre_x_mm - b.centre_x_mm, a.centre_z_mm - b.centre_z_mm) > 2.0 || std::abs(a.gap_mm - b.gap_mm) > 0.5;
}

// What `live` prints: every result in order, when it differs from the one shown (a
// window's last evaluation and the next window's first can end within the same second),
// and the counters.
struct LivePrinter {
  bool json = false;
  std::optional<DetectionResult> shown;
  bool found = false;  // a tear was shown
  bool analysis_error_said = false;

  SessionFindings session;      // every result's, printed or not
  DetectionResult scale;        // the last result: the session's scale for the summary
  // The session's "no tear" rests on a window that could rule one out; else the last window's why.
  bool some_window_conclusive = false;
  std::string last_inconclusive_reason;
  bool waiting_at_end = false;  // a possible tear was read and nothing has ruled on it since
  std::set<std::string> notes_said;  // text: each note once, with the first result shown that has it

  // The notes of a result shown that were not said yet (where the mm come from, a screen
  // recording's texture, how much was tracked...): all of them, not only the first.
  void say_new_notes(const std::vector<std::string>& notes) {
    for (const std::string& note : notes)
      if (notes_said.insert(note).second) std::printf("  note: %s\n", note.c_str());
  }

  void results(std::vector<DetectionResult> all) {
    for (DetectionResult& r : all) {
      session.add(r);
      scale.calibrated = r.calibrated, scale.mm_per_px_x = r.mm_per_px_x, scale.mm_per_px_y = r.mm_per_px_y;
      some_window_conclusive |= r.conclusive;
      if (!r.conclusive) last_inconclusive_reason = r.inconclusive_reason;
      // Cleared only by a reading that rules on it: a tear, or a conclusive "no tear" (not by a
      // window that saw no contraction, nor by a replay's short last window).
      if (r.inconclusive_reason == kWaitsForConfirmation) waiting_at_end = true;
      else if (r.conclusive || r.tear_detected) waiting_at_end = false;
      if (!changed(shown, r)) continue;
      if (json) {
        std::printf("%s\n", findings_json(r).dump().c_str());
      } else if (r.tear_detected) {
        for (const auto& f : r.findings)
          std::printf("  finding: %s at %s, %s, confidence %.2f\n", describe_grade(f).c_str(), describe_position(f, r).c_str(),
                      describe_gap(f, r).c_str(), f.confidence);
      } else if (r.conclusive) {
        std::printf("  no tear\n");
      } else {
        std::printf("  %s\n", describe_verdict(r).c_str());
      }
      if (!json) say_new_notes(r.notes);
      found |= r.tear_detected;
      shown = std::move(r);
    }
  }

  // The session as one result: its strongest findings at the last scale; a "no tear" conclusive
  // where some window could rule a tear out, else inconclusive for the last window's reason.
  DetectionResult session_result(const std::vector<TearFinding>& strongest) const {
    DetectionResult all = scale;
    all.findings = strongest;
    all.tear_detected = !strongest.empty();
    // A possible tear read last, never confirmed: no "no tear", and what to do about it.
    const bool unconfirmed = !all.tear_detected && waiting_at_end;
    all.conclusive = all.tear_detected || (some_window_conclusive && !unconfirmed);
    all.inconclusive_reason =
        all.conclusive ? ""
        : unconfirmed  ? "a possible tear was read and never confirmed: repeat the contraction"
                       : last_inconclusive_reason;
    return all;
  }

  // At the end: the strongest finding of each place over the session (a tear read weaker by
  // the last window is still named), so that a script need not keep every line.
  void session_summary() {
    const std::vector<TearFinding> strongest = session.strongest();
    if (json) {
      nlohmann::json j = findings_json(session_result(strongest));
      j["type"] = "session_findings";
      std::printf("%s\n", j.dump().c_str());
      return;
    }
    std::printf("session: %s\n", strongest.empty() ? describe_verdict(session_result(strongest)).c_str()
                                                    : "the strongest finding of each place");
    for (const TearFinding& f : strongest)
      std::printf("  %s at %s, %s, confidence %.2f, frame %d\n", describe_grade(f).c_str(), describe_position(f, scale).c_str(),
                  describe_gap(f, scale).c_str(), f.confidence, f.frame + 1);
  }

  // `final`: the counts after stop(), marked so in JSON (a per-second line may share its
  // rounded seconds).
  void stats(const LiveStats& s, bool final = false) {
    if (json) {
      nlohmann::json j = stats_json(s);
      if (final) j["type"] = "final_stats";
      std::printf("%s\n", j.dump().c_str());
    } else {
      std::printf("%5.0f s  in %.1f fps  tracked %.1f fps  skipped %ld  repeats %ld  dropped %ld  latency p50 %.0f ms p99 %.0f ms"
                  "  findings p50 %.0f ms p99 %.0f ms  followed on %ld frames p99 %.0f ms  points %.2f mm apart%s\n",
                  s.seconds, s.frames_in / s.seconds, s.processed / s.seconds, s.skipped, s.repeats, s.dropped,
                  s.latency_p50_ms, s.latency_p99_ms, s.findings_latency_p50_ms, s.findings_latency_p99_ms, s.followed,
                  s.followed_latency_p99_ms, s.grid_mm,
                  s.grid_mm > s.asked_grid_mm * 1.001 ? " (coarser than asked, to keep up)" : "");
      if (!s.analysis_error.empty() && !analysis_error_said) std::printf("  analysis stopped: %s\n", s.analysis_error.c_str());
    }
    analysis_error_said = !s.analysis_error.empty();
    std::fflush(stdout);
  }
};

}  // namespace

int run_live(const Args& args) {
  const CommandLine cl(args, {"json-stream", "until-finding"});
  cl.reject_unknown({"source", "seconds", "json-stream", "until-finding"});
  const std::string uri = cl.value_or("source", "sim:intact");
  const double seconds = cl.number_or("seconds", 0.0);
  const bool json = cl.has("json-stream");
  // A scripted check of a probe set-up stops at the first finding rather than a clock:
  // how soon one comes depends on how fast this machine analyses (--seconds is the cap).
  const bool until_finding = cl.has("until-finding");
  LivePipeline pipeline(make_frame_source(uri));
  if (!json) std::printf("live analysis of %s (FibreTrack is decision support, not a certified medical device)\n", uri.c_str());
  pipeline.start();
  LivePrinter print;
  print.json = json;
  const auto t0 = std::chrono::steady_clock::now();
  for (int tick = 1;; ++tick) {
    std::this_thread::sleep_until(t0 + std::chrono::seconds(tick));
    print.results(pipeline.take_results());
    const LiveStats s = pipeline.stats();
    print.stats(s);
    const SourceState state = pipeline.source().status().state;
    // Once the analysis has stopped no finding can come: `live` records nothing, so it ends.
    if ((seconds > 0 && tick >= seconds) || (until_finding && print.found) || state == SourceState::Finished ||
        state == SourceState::Failed || !s.analysis_error.empty())
      break;
  }
  // A replayed clip that has ended has its last frames evaluated by stop(): its last findings
  // and the session's final counts come after it.
  pipeline.stop(true);
  print.results(pipeline.take_results());
  const LiveStats end = pipeline.stats();
  print.stats(end, true);
  print.session_summary();
  if (!end.analysis_error.empty()) {
    std::fprintf(stderr, "fibretrack live: the analysis stopped: %s\n", end.analysis_error.c_str());
    return 1;
  }
  return 0;
}

}  // namespace ft::cli
