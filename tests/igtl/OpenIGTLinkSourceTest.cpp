#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "TestSupport.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomClipReader.h"
#include "ft/plugin/FrameJournal.h"
#include "ft/plugin/LivePipeline.h"
#include "ft/plugin/SourceFactory.h"
#include "ft/probes/OpenIGTLinkSource.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

// Real OpenIGTLink peers on free loopback ports, started and stopped by PID.
namespace ft {
namespace {

int free_port() { return test::free_loopback_port(); }

class Server {
 public:
  explicit Server(const std::string& command) {
    const test::CommandResult r = test::run_command(command + " >/dev/null 2>&1 & echo $!");
    pid_ = pid_t(std::stol(r.out));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let it listen
  }
  ~Server() { kill(); }
  void kill() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      pid_ = -1;
    }
  }

 private:
  pid_t pid_ = -1;
};

std::string our_server(int port, const char* mode, int fps = 20) {
  return std::string("'") + FT_IGTL_TEST_SERVER + "' " + std::to_string(port) + " " + std::to_string(fps) + " 100000 " + mode;
}

// Collects frames delivered by a source until `count` arrived or the time is up.
struct Collector {
  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<Frame> frames;
  FrameSource::FrameHandler handler() {
    return [this](Frame&& f) {
      std::lock_guard<std::mutex> lock(mutex);
      frames.push_back(std::move(f));
      arrived.notify_all();
    };
  }
  bool wait_for(std::size_t count, double seconds) {
    std::unique_lock<std::mutex> lock(mutex);
    return arrived.wait_for(lock, std::chrono::duration<double>(seconds * test::time_scale()),
                            [&] { return frames.size() >= count; });
  }
  std::size_t size() {
    std::lock_guard<std::mutex> lock(mutex);
    return frames.size();
  }
};

}  // namespace

TEST(OpenIGTLinkSource, ReceivesTheServersFramesWithCalibrationAndPose) {
  const int port = free_port();
  Server server(our_server(port, "ok"));
  auto source = make_frame_source("igtl://127.0.0.1:" + std::to_string(port) + "?device=FibreTrackSim");
  const StreamInfo info = source->stream_info();
  ASSERT_EQ(info.regions.size(), 1u);
  EXPECT_NEAR(info.regions[0].mm_per_px_x, 0.15, 1e-6);
  Collector c;
  source->start(c.handler());
  ASSERT_TRUE(c.wait_for(10, 10.0));
  source->stop();
  const sim::SimulatedExam exam(sim::make_preset("intact", 1, 40));
  const PixelRect r = exam.region().bounds;
  for (int k = 0; k < 10; ++k) {
    const Frame expected = exam.render_frame(k);
    const Frame& got = c.frames[std::size_t(k)];
    ASSERT_EQ(got.width_px(), r.width_px());
    bool same = true;
    for (int y = 0; y < r.height_px() && same; ++y)
      for (int x = 0; x < r.width_px() && same; ++x) same = got.value(x, y) == expected.value(r.x0_px + x, r.y0_px + y);
    EXPECT_TRUE(same) << "frame " << k << ": the first frames are never lost and arrive in order";
    EXPECT_EQ(got.sequence_number, std::uint64_t(k));
  }
  EXPECT_GT(c.frames[1].acquisition_time_ns, c.frames[0].acquisition_time_ns) << "server timestamps kept";
  auto* igtl = dynamic_cast<OpenIGTLinkSource*>(source.get());
  ASSERT_NE(igtl, nullptr);
  ASSERT_TRUE(igtl->latest_pose().has_value()) << "TRANSFORM messages are kept beside the frames";
}

TEST(OpenIGTLinkSource, RecordsExactlyTheFramesTheImagerServerExampleSent) {
  if (std::string(FT_IMAGER_SERVER).empty()) GTEST_SKIP() << "openigtlink-examples not installed";
  const int port = free_port();
  Server server(std::string("'") + FT_IMAGER_SERVER + "' " + std::to_string(port) + " 40 '" + FT_IMAGER_IMAGES + "'");
  test::TempDir dir;
  const test::CommandResult r = test::run_command("'" + test::cli_path() + "' record --source igtl://127.0.0.1:" +
                                                  std::to_string(port) + " --frames 12 --out '" + dir.file("imager.dcm") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  dicom::DicomClipReader reader(dir.file("imager.dcm"));
  ASSERT_EQ(reader.frame_count(), 12);
  EXPECT_EQ(reader.info().columns, 256);
  EXPECT_NEAR(reader.info().regions.at(0).mm_per_px_x, 1.0, 1e-6);
  for (int k = 0; k < 12; ++k) {
    const std::string raw = test::read_file(std::string(FT_IMAGER_IMAGES) + "/igtlTestImage" + std::to_string(k % 5 + 1) + ".raw");
    const Frame f = reader.read_frame(k);
    ASSERT_EQ(raw.size(), f.byte_count());
    EXPECT_EQ(std::memcmp(raw.data(), f.bytes(), raw.size()), 0) << "frame " << k;
  }
}

// The server dies mid-stream and comes back: the client reconnects on its own and the
// recording holds every frame that was received, before and after.
TEST(OpenIGTLinkSource, ReconnectsWhenTheServerComesBackAndTheRecordingKeepsEveryFrame) {
  const int port = free_port();
  auto server = std::make_unique<Server>(our_server(port, "ok"));
  test::TempDir dir;
  LivePipeline pipeline(make_frame_source("igtl://127.0.0.1:" + std::to_string(port)));
  pipeline.record_to(dir.file("journal"));
  pipeline.start();
  auto wait_for_frames = [&](long n) {
    for (int i = 0; i < int(200 * test::time_scale()) && pipeline.stats().frames_in < n; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return pipeline.stats().frames_in >= n;
  };
  ASSERT_TRUE(wait_for_frames(8));
  server->kill();
  std::this_thread::sleep_for(std::chrono::milliseconds(int(800 * test::time_scale())));
  const long before = pipeline.stats().frames_in;
  EXPECT_EQ(pipeline.source().status().state, SourceState::Reconnecting);
  server = std::make_unique<Server>(our_server(port, "ok"));
  EXPECT_TRUE(wait_for_frames(before + 8)) << "frames flow again after the restart";
  pipeline.stop();
  const LiveStats s = pipeline.stats();
  EXPECT_EQ(long(read_journal(dir.file("journal")).clip.frames.size()), s.frames_in);
}

TEST(OpenIGTLinkSource, BrokenMessagesAreRejectedAndTheStreamGoesOn) {
  for (const char* mode : {"crc", "unknown", "short", "huge"}) {
    const int port = free_port();
    Server server(our_server(port, mode));
    auto source = make_frame_source("igtl://127.0.0.1:" + std::to_string(port));
    auto* igtl = dynamic_cast<OpenIGTLinkSource*>(source.get());
    Collector c;
    source->start(c.handler());
    EXPECT_TRUE(c.wait_for(12, 15.0)) << mode;
    source->stop();
    if (std::string(mode) != "unknown") {
      EXPECT_GT(igtl->rejected_messages(), 0) << mode;
    }
    for (const Frame& f : c.frames) EXPECT_EQ(f.width_px(), 253) << mode << ": only whole, valid frames";
  }
}

TEST(OpenIGTLinkSource, NoServerIsAClearNetworkError) {
  const int port = free_port();
  try {
    make_frame_source("igtl://127.0.0.1:" + std::to_string(port) + "?timeout=1");
    FAIL() << "expected ft::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Network);
    EXPECT_NE(std::string(e.what()).find(std::to_string(port)), std::string::npos);
  }
}

}  // namespace ft

namespace ft {

TEST(VideoGrabberSource, AMissingDeviceIsNamedWithTheDevicesThereAre) {
  try {
    make_frame_source("video:No Such Grabber?timeout=2");
    FAIL() << "expected ft::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_NE(std::string(e.what()).find("No Such Grabber"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("devices:"), std::string::npos) << e.what();
  }
}

}  // namespace ft
