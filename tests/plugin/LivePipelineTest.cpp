// Live analysis end to end on the simulated probe (a full tear opening under contraction):
// between the detector's evaluations, the tear found is read on each frame tracked after it
// and published with that frame. Up to 150 s: a loaded 2-core machine finds the first tear
// several times later than an idle one (LiveCommandTest allows 120 s for that alone).
#include "ft/plugin/LivePipeline.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "ft/plugin/SourceFactory.h"

namespace ft {

TEST(LivePipeline, TheTearFoundIsReadOnEachFrameTrackedAfterItsEvaluation) {
  LivePipeline pipeline(make_frame_source("sim:full_tear?seed=4&fps=20"));
  pipeline.start();
  int views_followed = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(150);
  while (views_followed < 5 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const std::optional<LiveView> view = pipeline.take_view();
    if (!view || !view->findings_now.any_followed()) continue;
    ++views_followed;
    const FollowedFindings& now = view->findings_now;
    EXPECT_EQ(now.frame, view->processed_index) << "read on the frame it comes with";
    EXPECT_TRUE(now.calibrated) << "the simulated probe gives its spacing: mm";
    EXPECT_GT(now.mm_per_px_x, 0.0);
    for (const FollowedFinding& f : now.findings) {
      if (!f.followed) continue;
      EXPECT_EQ(f.now.frame, now.frame);
      EXPECT_GT(f.peak_gap_mm, 0.0);
      EXPECT_GE(f.now.gap_mm, 0.0);
      EXPECT_GE(f.now.retraction_mm, 0.0);
    }
  }
  pipeline.stop();
  EXPECT_GE(views_followed, 5) << "frames followed after a tear was found";
  const LiveStats s = pipeline.stats();
  EXPECT_GE(s.followed, views_followed) << "every followed frame is counted (the view shown is the newest)";
  EXPECT_LE(s.followed, s.processed);
  EXPECT_GT(s.followed_latency_p50_ms, 0.0);
  EXPECT_GE(s.followed_latency_p99_ms, s.followed_latency_p50_ms);
}

}  // namespace ft
