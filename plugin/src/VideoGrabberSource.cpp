#include "VideoGrabberSource.h"

#include <clocale>
#include <QCamera>
#include <QCoreApplication>
#include <QEventLoop>
#include <QImage>
#include <QMediaCaptureSession>
#include <QMediaDevices>
#include <QTimer>
#include <QVideoFrame>
#include <QVideoSink>
#include <chrono>
#include <cstring>
#include <memory>

#include "ft/core/Error.h"
#include "ft/plugin/VideoCalibration.h"

namespace ft {

VideoGrabberSource::VideoGrabberSource(std::string device, double first_frame_timeout_s) : device_(std::move(device)) {
  thread_ = std::thread([this] { run(); });
  std::unique_lock<std::mutex> lock(mutex_);
  const bool arrived = first_arrived_.wait_for(lock, std::chrono::duration<double>(first_frame_timeout_s),
                                               [this] { return first_.has_value() || !open_error_.empty(); });
  if (first_ && open_error_.empty()) return;
  const std::string why = !open_error_.empty() ? open_error_ : "no frame from video device '" + device_ + "' within the timeout";
  (void)arrived;
  lock.unlock();
  stop();
  throw Error(open_error_.rfind("no video", 0) == 0 ? ErrorCode::NotFound : ErrorCode::Io, why);
}

VideoGrabberSource::~VideoGrabberSource() { stop(); }

void VideoGrabberSource::deliver(Frame&& frame) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!first_ && !handler_ && status_.frames_delivered == 0) {
    // Before start(): keep the first frame (size and calibration), so that it is not lost.
    if (info_.regions.empty()) {
      // On the grabber's thread: a calibration that cannot be used ends the opening with its
      // reason (the constructor throws it), never the program.
      try {
        UltrasoundRegion r;
        r.bounds = {0, 0, frame.width_px() - 1, frame.height_px() - 1};
        if (auto c = load_video_calibration(device_)) r = c->region_in_frame(frame.width_px(), frame.height_px());
        info_.regions.push_back(r);
      } catch (const std::exception& e) {
        open_error_ = e.what();
        first_arrived_.notify_all();
        return;
      }
    }
    first_ = std::move(frame);
    first_arrived_.notify_all();
    return;
  }
  if (!handler_) return;  // between the first frame and start(): a grabber does not wait
  FrameHandler handler = handler_;
  frame.sequence_number = status_.frames_delivered++;
  lock.unlock();
  std::lock_guard<std::mutex> one_at_a_time(delivering_);
  handler(std::move(frame));
}

void VideoGrabberSource::run() {
  int argc = 1;
  static char name[] = "fibretrack";
  char* argv[] = {name, nullptr};
  std::unique_ptr<QCoreApplication> app;
  if (!QCoreApplication::instance()) {
    app = std::make_unique<QCoreApplication>(argc, argv);
    std::setlocale(LC_NUMERIC, "C");  // Qt sets the user's locale; our numbers need '.' decimals
  }
  QCameraDevice chosen;
  QStringList names;
  for (const QCameraDevice& d : QMediaDevices::videoInputs()) {
    names << d.description();
    const QString wanted = QString::fromStdString(device_);
    if ((device_ == "default" && d.isDefault()) || d.description().contains(wanted) || QString(d.id()) == wanted) chosen = d;
  }
  if (chosen.isNull()) {
    std::lock_guard<std::mutex> lock(mutex_);
    open_error_ = "no video input '" + device_ + "' (devices: " + (names.isEmpty() ? std::string("none") : names.join(", ").toStdString()) + ")";
    first_arrived_.notify_all();
    return;
  }
  QCamera camera(chosen);
  QMediaCaptureSession session;
  QVideoSink sink;
  session.setCamera(&camera);
  session.setVideoSink(&sink);
  QObject::connect(&sink, &QVideoSink::videoFrameChanged, [this](const QVideoFrame& video) {
    const QImage image = video.toImage().convertToFormat(QImage::Format_Grayscale8);
    if (image.isNull()) return;
    Frame frame(image.width(), image.height(), PixelDepth::Bits8);
    for (int y = 0; y < image.height(); ++y)
      std::memcpy(frame.data8() + std::size_t(y) * image.width(), image.constScanLine(y), std::size_t(image.width()));
    frame.acquisition_time_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
    deliver(std::move(frame));
  });
  QObject::connect(&camera, &QCamera::errorOccurred, [this](QCamera::Error, const QString& text) {
    std::lock_guard<std::mutex> lock(mutex_);
    status_.state = SourceState::Failed;
    status_.message = text.toStdString();
    if (!first_) open_error_ = "video device '" + device_ + "': " + text.toStdString();
    first_arrived_.notify_all();
  });
  camera.start();
  QEventLoop loop;
  QTimer poll;
  QObject::connect(&poll, &QTimer::timeout, [&] {
    if (stop_requested_) loop.quit();
  });
  poll.start(50);
  loop.exec();
  camera.stop();
}

void VideoGrabberSource::start(FrameHandler handler) {
  // The first frame goes to the handler from this thread while the grabber's thread may
  // already have the second: the handler is called by one thread at a time, in order.
  std::lock_guard<std::mutex> one_at_a_time(delivering_);
  std::optional<Frame> first;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    handler_ = handler;
    status_.state = SourceState::Streaming;
    first.swap(first_);
    if (first) first->sequence_number = status_.frames_delivered++;
  }
  if (first) handler(std::move(*first));
}

void VideoGrabberSource::stop() {
  stop_requested_ = true;
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  handler_ = nullptr;
  if (status_.state == SourceState::Streaming) status_.state = SourceState::Stopped;
}

SourceStatus VideoGrabberSource::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return status_;
}

StreamInfo VideoGrabberSource::stream_info() const {
  std::lock_guard<std::mutex> lock(mutex_);
  StreamInfo info = info_;
  info.description = "frame grabber " + device_;
  return info;
}

}  // namespace ft
