#include "DicomReplaySource.h"

#include <chrono>

#include "ft/core/Error.h"

namespace ft {

DicomReplaySource::DicomReplaySource(const std::string& path, bool loop) : path_(path), loop_(loop), reader_(path) {}

DicomReplaySource::~DicomReplaySource() { stop(); }

void DicomReplaySource::start(FrameHandler handler) {
  if (thread_.joinable()) throw Error(ErrorCode::InvalidArgument, "replay already started");
  stop_requested_ = false;
  {
    std::lock_guard<std::mutex> lock(status_mutex_);
    status_ = SourceStatus{SourceState::Streaming, {}, 0, 0};
  }
  thread_ = std::thread([this, handler = std::move(handler)]() mutable { run(std::move(handler)); });
}

void DicomReplaySource::stop() {
  stop_requested_ = true;
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(status_mutex_);
  if (status_.state == SourceState::Streaming) status_.state = SourceState::Stopped;
}

void DicomReplaySource::run(FrameHandler handler) {
  using clock = std::chrono::steady_clock;
  const double fallback_ms = reader_.info().frame_time_ms > 0 ? reader_.info().frame_time_ms : 50.0;
  std::uint64_t sequence = 0;
  auto due = clock::now();
  do {
    std::int64_t previous_ns = 0;
    for (int k = 0; k < reader_.frame_count() && !stop_requested_; ++k) {
      Frame frame;
      try {
        frame = reader_.read_frame(k);
      } catch (const Error& e) {
        std::lock_guard<std::mutex> lock(status_mutex_);
        status_.state = SourceState::Failed;
        status_.message = e.what();
        return;
      }
      // Pace by the clip's own timing: the gap to the previous frame as recorded.
      const double gap_ms = k == 0 ? 0.0 : (frame.acquisition_time_ns > previous_ns
                                                ? double(frame.acquisition_time_ns - previous_ns) / 1e6
                                                : fallback_ms);
      previous_ns = frame.acquisition_time_ns;
      due += std::chrono::duration_cast<clock::duration>(std::chrono::duration<double, std::milli>(gap_ms));
      std::this_thread::sleep_until(due);
      frame.sequence_number = sequence++;
      frame.acquisition_time_ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now().time_since_epoch()).count();
      handler(std::move(frame));
      std::lock_guard<std::mutex> lock(status_mutex_);
      ++status_.frames_delivered;
    }
    due += std::chrono::duration_cast<clock::duration>(std::chrono::duration<double, std::milli>(fallback_ms));
  } while (loop_ && !stop_requested_);
  std::lock_guard<std::mutex> lock(status_mutex_);
  if (!stop_requested_) status_.state = SourceState::Finished;
}

SourceStatus DicomReplaySource::status() const {
  std::lock_guard<std::mutex> lock(status_mutex_);
  return status_;
}

StreamInfo DicomReplaySource::stream_info() const {
  const dicom::DicomClipInfo& info = reader_.info();
  return StreamInfo{info.regions.empty() ? std::vector<UltrasoundRegion>{info.analysis_region()} : info.regions,
                    info.frame_time_ms > 0 ? 1000.0 / info.frame_time_ms : 0.0, "replay of " + path_};
}

std::string DicomReplaySource::uri() const { return "file:" + path_ + (loop_ ? "?loop=1" : ""); }

}  // namespace ft
