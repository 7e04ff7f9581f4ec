#pragma once
// The built-in simulated probe: a FrameSource that plays a SimulatedExam in real time
// at its frame rate (looping), so the whole product runs with no hardware attached.
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "ft/probes/FrameSource.h"
#include "ft/probes/SimulatedExam.h"

namespace ft {

class SimulatedProbe final : public FrameSource {
 public:
  // loop: play the exam again from the start when it ends; otherwise finish.
  explicit SimulatedProbe(sim::SimulationConfig config, bool loop = true);
  ~SimulatedProbe() override;

  void start(FrameHandler handler) override;
  void stop() override;
  SourceStatus status() const override;
  StreamInfo stream_info() const override;
  std::string uri() const override;

  const sim::SimulatedExam& exam() const noexcept { return exam_; }

 private:
  void run(FrameHandler handler);
  const Frame& frame(int k);

  sim::SimulatedExam exam_;
  bool loop_;
  std::vector<Frame> rendered_;  // frames are rendered once, then replayed
  std::thread thread_;
  std::atomic<bool> stop_requested_{false};
  mutable std::mutex status_mutex_;
  SourceStatus status_;
};

}  // namespace ft
