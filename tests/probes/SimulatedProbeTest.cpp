#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "ft/probes/SimulatedProbe.h"
#include "ft/probes/SimulationPreset.h"

namespace ft {

TEST(SimulatedProbe, DeliversNumberedFramesInRealTimeAndFinishes) {
  sim::SimulationConfig config = sim::make_preset("intact", 1, 12);
  config.probe.frame_rate_hz = 40.0;
  SimulatedProbe probe(config, /*loop=*/false);
  std::mutex mutex;
  std::condition_variable done;
  std::vector<Frame> frames;
  probe.start([&](Frame&& f) {
    std::lock_guard<std::mutex> lock(mutex);
    frames.push_back(std::move(f));
    done.notify_one();
  });
  {
    std::unique_lock<std::mutex> lock(mutex);
    done.wait_for(lock, std::chrono::seconds(20), [&] { return frames.size() >= 12; });
  }
  probe.stop();
  const SourceStatus status = probe.status();
  ASSERT_EQ(frames.size() + status.frames_dropped, 12u);
  for (std::size_t i = 1; i < frames.size(); ++i) {
    EXPECT_GT(frames[i].sequence_number, frames[i - 1].sequence_number);
    EXPECT_GT(frames[i].acquisition_time_ns, frames[i - 1].acquisition_time_ns);
  }
  // Paced, loosely: 12 frames at 40 Hz take at least ~0.25 s (exact rates are for benchmarks).
  const double span_s = double(frames.back().acquisition_time_ns - frames.front().acquisition_time_ns) / 1e9;
  EXPECT_GT(span_s, 0.2);
  EXPECT_EQ(probe.stream_info().regions.size(), 1u);
  EXPECT_EQ(probe.uri(), "sim:intact?seed=1");
}

// Stopped while it loops, it delivers nothing more. It is stopped once it is seen looping
// (frames delivered), not after a fixed time: on a loaded machine rendering the first frames
// can take longer than any fixed wait.
TEST(SimulatedProbe, StopsPromptlyWhileLooping) {
  SimulatedProbe probe(sim::make_preset("intact", 2, 4), /*loop=*/true);
  std::atomic<int> delivered{0};  // counted on the probe's thread
  probe.start([&](Frame&&) { ++delivered; });
  for (int waited_ms = 0; delivered < 2 && waited_ms < 30000; waited_ms += 10)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  probe.stop();
  const int after_stop = delivered;
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_EQ(delivered.load(), after_stop);
  EXPECT_GE(after_stop, 2);
  EXPECT_EQ(probe.status().state, SourceState::Stopped);
}

}  // namespace ft
