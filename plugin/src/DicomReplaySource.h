#pragma once
// A DICOM cine replayed as a live source: frames decoded one at a time and delivered at
// the clip's recorded rate (its frame time vector when it has one).
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include "ft/dicom/DicomClipReader.h"
#include "ft/probes/FrameSource.h"

namespace ft {

class DicomReplaySource final : public FrameSource {
 public:
  DicomReplaySource(const std::string& path, bool loop);
  ~DicomReplaySource() override;

  void start(FrameHandler handler) override;
  void stop() override;
  SourceStatus status() const override;
  StreamInfo stream_info() const override;
  std::string uri() const override;

 private:
  void run(FrameHandler handler);

  std::string path_;
  bool loop_;
  dicom::DicomClipReader reader_;  // used only by the replay thread once started
  std::thread thread_;
  std::atomic<bool> stop_requested_{false};
  mutable std::mutex status_mutex_;
  SourceStatus status_;
};

}  // namespace ft
