#include "ft/probes/SimulatedProbe.h"

#include <chrono>

#include "ft/core/Error.h"

namespace ft {

SimulatedProbe::SimulatedProbe(sim::SimulationConfig config, bool loop)
    : exam_(std::move(config)), loop_(loop), rendered_(std::size_t(exam_.frame_count())) {}

SimulatedProbe::~SimulatedProbe() { stop(); }

void SimulatedProbe::start(FrameHandler handler) {
  if (thread_.joinable()) throw Error(ErrorCode::InvalidArgument, "simulated probe already started");
  stop_requested_ = false;
  {
    std::lock_guard<std::mutex> lock(status_mutex_);
    status_ = SourceStatus{SourceState::Streaming, {}, 0, 0};
  }
  thread_ = std::thread([this, handler = std::move(handler)]() mutable { run(std::move(handler)); });
}

void SimulatedProbe::stop() {
  stop_requested_ = true;
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(status_mutex_);
  if (status_.state == SourceState::Streaming) status_.state = SourceState::Stopped;
}

const Frame& SimulatedProbe::frame(int k) {
  Frame& f = rendered_[std::size_t(k)];
  if (f.empty()) f = exam_.render_frame(k);
  return f;
}

// Paces frames on a steady clock. A real probe does not wait for a slow consumer:
// frames whose time has passed while the handler was busy are dropped and counted.
void SimulatedProbe::run(FrameHandler handler) {
  using clock = std::chrono::steady_clock;
  const auto period = std::chrono::duration_cast<clock::duration>(
      std::chrono::duration<double>(1.0 / exam_.config().probe.frame_rate_hz));
  const int n = exam_.frame_count();
  // Render the whole exam before the clock starts: a probe does not drop its first
  // frames while warming up.
  for (int k = 0; k < n && !stop_requested_; ++k) frame(k);
  const auto t0 = clock::now();
  for (std::uint64_t tick = 0; !stop_requested_; ++tick) {
    if (!loop_ && tick >= std::uint64_t(n)) {
      std::lock_guard<std::mutex> lock(status_mutex_);
      status_.state = SourceState::Finished;
      return;
    }
    const auto due = t0 + period * std::int64_t(tick);
    if (clock::now() > due + period) {
      std::lock_guard<std::mutex> lock(status_mutex_);
      ++status_.frames_dropped;
      continue;
    }
    Frame out = frame(int(tick % std::uint64_t(n)));
    std::this_thread::sleep_until(due);
    if (stop_requested_) return;
    out.sequence_number = tick;
    out.acquisition_time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now().time_since_epoch()).count();
    handler(std::move(out));
    std::lock_guard<std::mutex> lock(status_mutex_);
    ++status_.frames_delivered;
  }
}

SourceStatus SimulatedProbe::status() const {
  std::lock_guard<std::mutex> lock(status_mutex_);
  return status_;
}

StreamInfo SimulatedProbe::stream_info() const {
  return StreamInfo{{exam_.region()}, exam_.config().probe.frame_rate_hz, "FibreTrack simulated linear probe"};
}

std::string SimulatedProbe::uri() const {
  return "sim:" + exam_.config().preset + "?seed=" + std::to_string(exam_.config().seed);
}

}  // namespace ft
