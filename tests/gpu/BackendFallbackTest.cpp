#include <gtest/gtest.h>

#include "MatcherBackend.h"
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
  enum class Fault { None, WrongAtCoarseLevel, ErrorFromMatchCall };
  // ErrorFromMatchCall: the `failing_match`-th match after the `failing_frames`-th
  // set_frames throws (the self-test is the first set_frames).
  MisbehavingMatcher(Fault fault, int failing_frames = 0, int failing_match = 0)
      : fault_(fault), failing_frames_(failing_frames), failing_match_(failing_match) {}

  void set_frames(const std::vector<float>& previous, const std::vector<float>& next, int width, int height, int levels) override {
    ++frames_set_;
    matches_ = 0;
    inner_->set_frames(previous, next, width, height, levels);
  }
  LevelSize level_size(int level) const override { return inner_->level_size(level); }
  void match(int level, bool forward, const std::vector<GridPoint>& points, int columns, const std::vector<float>& seed_dx,
             const std::vector<float>& seed_dy, const MatchSettings& settings, std::vector<MatchResult>& results) override {
    if (fault_ == Fault::ErrorFromMatchCall && frames_set_ == failing_frames_ && ++matches_ == failing_match_)
      throw Error(ErrorCode::Internal, "CUDA match: an illegal memory access was encountered");
    inner_->match(level, forward, points, columns, seed_dx, seed_dy, settings, results);
    if (fault_ == Fault::WrongAtCoarseLevel && level > 0)
      for (MatchResult& r : results) r.dx += 0.25f;
  }

 private:
  std::unique_ptr<MatcherBackend> inner_ = make_cpu_matcher(1);
  Fault fault_;
  int failing_frames_, failing_match_;
  int frames_set_ = 0, matches_ = 0;
};

std::unique_ptr<MatcherBackend> misbehaving(MisbehavingMatcher::Fault fault, int failing_frames = 0, int failing_match = 0) {
  return std::make_unique<MisbehavingMatcher>(fault, failing_frames, failing_match);
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
  EXPECT_NE(automatic.backend_note().find("level 1"), std::string::npos) << automatic.backend_note();
  // Asked for by name, a failing GPU is an error, not a silent CPU run.
  EXPECT_THROW(SpeckleTracker({}, Backend::Cuda, misbehaving(MisbehavingMatcher::Fault::WrongAtCoarseLevel)), Error);
}

TEST(BackendFallback, AnAcceleratorThatFailsToStartIsNotUsed) {
  // An error in the self-test's first match is a device that cannot run.
  SpeckleTracker tracker({}, Backend::Auto, misbehaving(MisbehavingMatcher::Fault::ErrorFromMatchCall, 1, 1));
  EXPECT_EQ(tracker.backend(), Backend::Cpu);
  EXPECT_NE(tracker.backend_note().find("illegal memory access"), std::string::npos) << tracker.backend_note();
}

TEST(BackendFallback, AnErrorMidClipHandsThatPairAndTheRestToTheCpu) {
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 3));
  TrackingParameters p;
  p.forward_backward = true;
  SpeckleTracker cpu(p, Backend::Cpu);
  // The self-test sets the first frames; the third pair's second match fails, part-way
  // through its pyramid.
  SpeckleTracker gpu(p, Backend::Auto, misbehaving(MisbehavingMatcher::Fault::ErrorFromMatchCall, 4, 2));
  ASSERT_EQ(gpu.backend(), Backend::Cuda);
  DisplacementField seed_cpu, seed_gpu;
  for (int k = 10; k < 15; ++k) {
    const DisplacementField want = cpu.track(exam.render_frame(k), exam.render_frame(k + 1), exam.region(), seed_cpu.size() ? &seed_cpu : nullptr);
    const DisplacementField got = gpu.track(exam.render_frame(k), exam.render_frame(k + 1), exam.region(), seed_gpu.size() ? &seed_gpu : nullptr);
    // The same per-point code on both: the fields are the same, the failing pair included.
    ASSERT_EQ(got.dx_px, want.dx_px) << "pair " << k;
    ASSERT_EQ(got.dy_px, want.dy_px) << "pair " << k;
    ASSERT_EQ(got.valid, want.valid) << "pair " << k;
    EXPECT_EQ(gpu.backend(), k < 12 ? Backend::Cuda : Backend::Cpu) << "pair " << k;
    seed_cpu = want;
    seed_gpu = got;
  }
  EXPECT_NE(gpu.backend_note().find("frame pair 3"), std::string::npos) << gpu.backend_note();
  EXPECT_NE(gpu.backend_note().find("illegal memory access"), std::string::npos) << gpu.backend_note();
}

}  // namespace ft::gpu
