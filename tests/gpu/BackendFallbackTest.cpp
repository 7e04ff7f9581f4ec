#include <gtest/gtest.h>

#include "MatcherBackend.h"
#include "PairPlan.h"
#include "WorkerPool.h"
#include "TrackingScenes.h"
#include "ft/core/Error.h"
#include "ft/gpu/SpeckleTracker.h"

// "Never fail a user because of the GPU". No GPU here, so the accelerated matcher is
// the CPU one wrapped to misbehave as a broken device would: wrong results (a bad
// kernel or driver) or an error part-way through a clip (a lost device).
namespace ft::gpu {
namespace {

class MisbehavingMatcher final : public MatcherBackend {
 public:
  // WholePair, WholePairWrong: a backend that tracks whole pairs itself (as the CUDA one
  // does), here by the host's plan around the CPU matcher, right or off at every 7th point.
  // WholePairErrorAtCall: a whole-pair backend whose `failing_frames`-th track_pair call
  // (the self-test makes the first two) throws a Device error, as a lost GPU would mid-clip.
  enum class Fault { None, WrongAtCoarseLevel, ErrorFromMatchCall, WholePair, WholePairWrong, WholePairErrorAtCall };
  // ErrorFromMatchCall: the `failing_match`-th match after the `failing_frames`-th
  // set_frames from now (or from arm()) throws an ft::Error of `code`.
  MisbehavingMatcher(Fault fault, int failing_frames = 0, int failing_match = 0, ErrorCode code = ErrorCode::Device)
      : fault_(fault), code_(code) {
    arm(failing_frames, failing_match);
  }
  void arm(int failing_frames, int failing_match) {
    failing_frames_ = failing_frames;
    failing_match_ = failing_match;
    frames_set_ = matches_ = 0;
  }

  void set_frames(const std::vector<float>& previous, const std::vector<float>& next, int width, int height, int levels) override {
    ++frames_set_;
    matches_ = 0;
    inner_->set_frames(previous, next, width, height, levels);
  }
  LevelSize level_size(int level) const override { return inner_->level_size(level); }
  void match(int level, bool forward, const std::vector<GridPoint>& points, int columns, const std::vector<float>& seed_dx,
             const std::vector<float>& seed_dy, const MatchSettings& settings, std::vector<MatchResult>& results) override {
    if (fault_ == Fault::ErrorFromMatchCall && frames_set_ == failing_frames_ && ++matches_ == failing_match_)
      throw Error(code_, "CUDA match: an illegal memory access was encountered");
    inner_->match(level, forward, points, columns, seed_dx, seed_dy, settings, results);
    if (fault_ == Fault::WrongAtCoarseLevel && level > 0)
      for (MatchResult& r : results) r.dx += 0.25f;
  }
  bool track_pair(const PairPlan& plan, const std::vector<float>& seed_dx, const std::vector<float>& seed_dy,
                  GridValues& out) override {
    if (fault_ != Fault::WholePair && fault_ != Fault::WholePairWrong && fault_ != Fault::WholePairErrorAtCall) return false;
    ++pairs_tracked_whole_;
    if (fault_ == Fault::WholePairErrorAtCall && pairs_tracked_whole_ == failing_frames_)
      throw Error(ErrorCode::Device, "CUDA fill: an illegal memory access was encountered");
    track_pair_on_host(*inner_, pool_, plan, seed_dx, seed_dy, out);
    if (fault_ == Fault::WholePairWrong)
      for (std::size_t i = 0; i < out.dx.size(); i += 7) out.dx[i] += 0.05f;
    return true;
  }
  int pairs_tracked_whole() const { return pairs_tracked_whole_; }

 private:
  WorkerPool pool_{1};
  std::unique_ptr<MatcherBackend> inner_ = make_cpu_matcher(pool_);
  Fault fault_;
  ErrorCode code_;
  int failing_frames_ = 0, failing_match_ = 0;
  int frames_set_ = 0, matches_ = 0;
  int pairs_tracked_whole_ = 0;
};

// A tracker on a matcher that fails once tracking has begun (after its self-test):
// in the `pair`-th pair, at its `match`-th match call.
struct ArmedTracker {
  MisbehavingMatcher* matcher;
  std::unique_ptr<SpeckleTracker> tracker;
};

ArmedTracker failing_mid_clip(TrackingParameters p, Backend backend, int pair, int match, ErrorCode code = ErrorCode::Device) {
  auto m = std::make_unique<MisbehavingMatcher>(MisbehavingMatcher::Fault::ErrorFromMatchCall, -1, -1, code);
  MisbehavingMatcher* raw = m.get();
  auto tracker = std::make_unique<SpeckleTracker>(p, backend, std::move(m));
  raw->arm(pair, match);
  return {raw, std::move(tracker)};
}

std::unique_ptr<MatcherBackend> misbehaving(MisbehavingMatcher::Fault fault, int failing_frames = 0, int failing_match = 0) {
  return std::make_unique<MisbehavingMatcher>(fault, failing_frames, failing_match);
}

// Tracks `pairs` pairs of a clip (from frame 10) on `gpu` and on the CPU: the same per-point
// code on both, so the fields must be the same, the failing pair included; `gpu` must turn
// to the CPU at pair index `first_on_cpu` and stay there.
void expect_cpu_fields_and_fallback_at(SpeckleTracker& gpu, const TrackingParameters& p, int pairs, int first_on_cpu) {
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 3));
  SpeckleTracker cpu(p, Backend::Cpu);
  DisplacementField seed_cpu, seed_gpu;
  for (int i = 0, k = 10; i < pairs; ++i, ++k) {
    const DisplacementField want = cpu.track(exam.render_frame(k), exam.render_frame(k + 1), exam.region(), seed_cpu.size() ? &seed_cpu : nullptr);
    const DisplacementField got = gpu.track(exam.render_frame(k), exam.render_frame(k + 1), exam.region(), seed_gpu.size() ? &seed_gpu : nullptr);
    ASSERT_EQ(got.dx_px, want.dx_px) << "pair " << i;
    ASSERT_EQ(got.dy_px, want.dy_px) << "pair " << i;
    ASSERT_EQ(got.valid, want.valid) << "pair " << i;
    EXPECT_EQ(gpu.backend(), i < first_on_cpu ? Backend::Cuda : Backend::Cpu) << "pair " << i;
    seed_cpu = want;
    seed_gpu = got;
  }
}

}  // namespace

TEST(BackendFallback, AHealthyAcceleratorPassesTheSelfTestAndIsUsed) {
  SpeckleTracker tracker({}, Backend::Auto, misbehaving(MisbehavingMatcher::Fault::None));
  EXPECT_EQ(tracker.backend(), Backend::Cuda);
  EXPECT_EQ(tracker.backend_note(), "");
}

TEST(BackendFallback, AnAcceleratorThatDisagreesWithTheCpuIsNotUsed) {
  SpeckleTracker automatic({}, Backend::Auto, misbehaving(MisbehavingMatcher::Fault::WrongAtCoarseLevel));
  EXPECT_EQ(automatic.backend(), Backend::Cpu);
  EXPECT_NE(automatic.backend_note().find("self-test"), std::string::npos) << automatic.backend_note();
  EXPECT_NE(automatic.backend_note().find("level 2"), std::string::npos) << automatic.backend_note();
  // Asked for by name, a failing GPU is an error, not a silent CPU run.
  EXPECT_THROW(SpeckleTracker({}, Backend::Cuda, misbehaving(MisbehavingMatcher::Fault::WrongAtCoarseLevel)), Error);
}

TEST(BackendFallback, ABackendTrackingWholePairsIsUsedAndTracksAsTheCpuDoes) {
  auto m = std::make_unique<MisbehavingMatcher>(MisbehavingMatcher::Fault::WholePair);
  MisbehavingMatcher* raw = m.get();
  TrackingParameters p;
  p.forward_backward = true;
  SpeckleTracker whole(p, Backend::Auto, std::move(m)), cpu(p, Backend::Cpu);
  ASSERT_EQ(whole.backend(), Backend::Cuda) << whole.backend_note();
  EXPECT_EQ(raw->pairs_tracked_whole(), 2) << "the self-test tracks two whole pairs, 8- and 16-bit";
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 3));
  const DisplacementField got = whole.track(exam.render_frame(10), exam.render_frame(11), exam.region());
  const DisplacementField want = cpu.track(exam.render_frame(10), exam.render_frame(11), exam.region());
  EXPECT_EQ(raw->pairs_tracked_whole(), 3);
  EXPECT_EQ(got.dx_px, want.dx_px);
  EXPECT_EQ(got.valid, want.valid);
}

TEST(BackendFallback, AWholePairFailingOnTheDeviceMidClipIsTrackedAgainOnTheCpuWithTheRest) {
  TrackingParameters p;
  p.forward_backward = true;
  // Calls 1 and 2 are the self-test's; the clip's second pair is call 4.
  SpeckleTracker gpu(p, Backend::Auto, misbehaving(MisbehavingMatcher::Fault::WholePairErrorAtCall, 4));
  ASSERT_EQ(gpu.backend(), Backend::Cuda) << gpu.backend_note();
  expect_cpu_fields_and_fallback_at(gpu, p, 4, 1);
  EXPECT_NE(gpu.backend_note().find("after 1 matched frame pairs"), std::string::npos) << gpu.backend_note();
  EXPECT_NE(gpu.backend_note().find("CUDA fill"), std::string::npos) << gpu.backend_note();
}

TEST(BackendFallback, ABackendWhoseWholePairDiffersFromTheCpuIsNotUsed) {
  SpeckleTracker tracker({}, Backend::Auto, misbehaving(MisbehavingMatcher::Fault::WholePairWrong));
  EXPECT_EQ(tracker.backend(), Backend::Cpu);
  EXPECT_NE(tracker.backend_note().find("whole 8-bit pair"), std::string::npos) << tracker.backend_note();
}

TEST(BackendFallback, AnAcceleratorThatFailsToStartIsNotUsed) {
  // An error in the self-test's first match is a device that cannot run.
  SpeckleTracker tracker({}, Backend::Auto, misbehaving(MisbehavingMatcher::Fault::ErrorFromMatchCall, 1, 1));
  EXPECT_EQ(tracker.backend(), Backend::Cpu);
  EXPECT_NE(tracker.backend_note().find("illegal memory access"), std::string::npos) << tracker.backend_note();
}

TEST(BackendFallback, AnErrorMidClipHandsThatPairAndTheRestToTheCpu) {
  TrackingParameters p;
  p.forward_backward = true;
  // The third pair's second match fails, part-way through its pyramid.
  ArmedTracker armed = failing_mid_clip(p, Backend::Auto, 3, 2);
  SpeckleTracker& gpu = *armed.tracker;
  ASSERT_EQ(gpu.backend(), Backend::Cuda);
  expect_cpu_fields_and_fallback_at(gpu, p, 5, 2);
  EXPECT_NE(gpu.backend_note().find("after 2 matched frame pairs"), std::string::npos) << gpu.backend_note();
  EXPECT_NE(gpu.backend_note().find("illegal memory access"), std::string::npos) << gpu.backend_note();
}

TEST(BackendFallback, AskedForByNameAGpuErrorMidClipIsThrown) {
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 3));
  ArmedTracker armed = failing_mid_clip({}, Backend::Cuda, 1, 1);
  SpeckleTracker& gpu = *armed.tracker;
  ASSERT_EQ(gpu.backend(), Backend::Cuda);
  try {
    gpu.track(exam.render_frame(10), exam.render_frame(11), exam.region());
    FAIL() << "a GPU error with --backend cuda must reach the caller";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Device);
  }
}

TEST(BackendFallback, AnErrorThatIsNotTheGpusIsNotBlamedOnIt) {
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 3));
  ArmedTracker armed = failing_mid_clip({}, Backend::Auto, 1, 1, ErrorCode::InvalidArgument);
  SpeckleTracker& gpu = *armed.tracker;
  EXPECT_THROW(gpu.track(exam.render_frame(10), exam.render_frame(11), exam.region()), Error);
  EXPECT_EQ(gpu.backend(), Backend::Cuda);
  EXPECT_EQ(gpu.backend_note(), "");
}

}  // namespace ft::gpu
