// Sustained live ingest over loopback OpenIGTLink with recording, tracking and
// detection on: frames lost to recording (must be 0), frames skipped by the analysis,
// latency p50/p99 and memory over time. A server thread in this process sends
// pre-rendered simulated frames at a fixed rate.
// Run: build/default/bench/bench_ingest --fps 60 --seconds 20 [--width 1024 --height 768]
//      [--region 720x574] [--scanner-fps 20] [--grid-mm 0.5]
//      [--coarsest-grid-mm 0.71] (as --grid-mm: the grid never changes)
//      [--preset full_tear+wide_beam] (the scene; wide_beam reads as a recorded screen's texture
//      and the tracking is sized to it) [--unsized] (as on such texture, but the default tracking)
// --width/--height: the frames sent; their image region is a square of the smaller side,
// or --region (then the frames are the region with a scanner's border around it).
// --scanner-fps: a scanner slower than the capture (a 20 frames/s scanner grabbed at 60):
// each scanner frame is sent several times, each repeat with a little noise of its own, as
// a frame grabber delivers them (never bit-identical).
#include <igtlImageMessage.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "BenchScenes.h"
#include "CommandLine.h"
#include "ft/core/Random.h"
#include "ft/plugin/LivePipeline.h"
#include "ft/plugin/SourceFactory.h"

namespace {
using namespace ft;

double rss_mb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return double(resident) * double(sysconf(_SC_PAGESIZE)) / 1048576.0;
}

struct Server {
  int listen_fd = -1;
  int port = 0;
  std::atomic<long> sent{0};
  std::atomic<bool> stop{false};
  std::thread thread;

  // messages: `copies` per scanner frame (the frame, then its noisy repeats). Sends at
  // `fps` what a scanner at `scanner_fps` shows at that moment.
  void start(const std::vector<std::vector<unsigned char>>& messages, double fps, double scanner_fps, int copies) {
    listen_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    ::listen(listen_fd, 1);
    thread = std::thread([this, &messages, fps, scanner_fps, copies] {
      const int fd = ::accept(listen_fd, nullptr, nullptr);
      const auto period = std::chrono::duration<double>(1.0 / fps);
      const auto t0 = std::chrono::steady_clock::now();
      const long scanner_frames = long(messages.size()) / copies;
      long shown = -1;
      int repeat = 0;
      for (long k = 0; !stop; ++k) {
        std::this_thread::sleep_until(t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(period * double(k)));
        const long scanner_frame = long(double(k) * scanner_fps / fps);
        repeat = scanner_frame == shown ? std::min(repeat + 1, copies - 1) : 0;
        shown = scanner_frame;
        const auto& m = messages[std::size_t((scanner_frame % scanner_frames) * copies + repeat)];
        if (::send(fd, m.data(), m.size(), MSG_NOSIGNAL) != ssize_t(m.size())) break;
        ++sent;
      }
      ::close(fd);
    });
  }
  void finish() {
    stop = true;
    if (thread.joinable()) thread.join();
    ::close(listen_fd);
  }
};

}  // namespace

int main(int argc, char** argv) {
  double fps = 60, seconds = 20, scanner_fps = 0, grid_mm = 0, coarsest = 0;
  int width = 1024, height = 768, region_w = 0, region_h = 0;
  std::string preset = "full_tear";
  bool unsized = false;
  static const char* const kUsage =
      "usage: bench_ingest [--fps F] [--seconds S] [--width W --height H | --region WxH] [--scanner-fps F]\n"
      "                    [--grid-mm MM] [--coarsest-grid-mm MM] [--preset P] [--unsized]\n";
  for (int a = 1; a < argc; a += 2) {
    if (std::string(argv[a]) == "--unsized") {
      unsized = true;
      --a;
      continue;
    }
    const std::string k = argv[a];
    if (a + 1 >= argc) bench::usage_and_exit(kUsage, k);
    const char* v = argv[a + 1];
    if (k == "--fps") fps = bench::number_argument(k, v);
    else if (k == "--seconds") seconds = bench::number_argument(k, v);
    else if (k == "--width") width = bench::whole_argument(k, v);
    else if (k == "--height") height = bench::whole_argument(k, v);
    else if (k == "--region") bench::size_argument(k, v, region_w, region_h);
    else if (k == "--scanner-fps") scanner_fps = bench::number_argument(k, v);
    else if (k == "--grid-mm") grid_mm = bench::number_argument(k, v);
    else if (k == "--coarsest-grid-mm") coarsest = bench::number_argument(k, v);
    else if (k == "--preset") preset = v;
    else bench::usage_and_exit(kUsage, k);
  }
  if (scanner_fps <= 0 || scanner_fps > fps) scanner_fps = fps;
  // Pre-rendered frames (rendering 1024x768 in real time is not the point here).
  sim::SimulationConfig config;
  if (region_w > 0 && region_h > 0) {
    config = bench::scanner_scene(preset, region_w, region_h, 5, 20);
    width = config.layout.frame_width_px;
    height = config.layout.frame_height_px;
  } else {
    config = bench::square_scene(preset, std::min(width, height), 5, 20);
    config.layout.frame_width_px = width;
    config.layout.frame_height_px = height;
    config.layout.region_x0_px = (width - config.region_width_px()) / 2;
    config.layout.region_y0_px = (height - config.region_height_px()) / 2;
    config.validate();
  }
  const sim::SimulatedExam exam(config);
  // Each scanner frame as sent the first time, then its grabbed repeats (noise +-1).
  const int copies = int(std::ceil(fps / scanner_fps));
  std::vector<std::vector<unsigned char>> messages;
  Random noise(17);
  for (int k = 0; k < exam.frame_count(); ++k) {
    const Frame rendered = exam.render_frame(k);
    for (int copy = 0; copy < copies; ++copy) {
      Frame f = rendered;  // owns its pixels
      if (copy > 0) {
        std::uint8_t* p = f.data8();
        for (std::size_t i = 0; i < f.byte_count(); ++i)
          p[i] = std::uint8_t(std::clamp(int(p[i]) + int(std::lround(noise.uniform(-1.0, 1.0))), 0, 255));
      }
      int size[] = {width, height, 1};
      float spacing[] = {0.1f, 0.1f, 1.0f};
      igtl::ImageMessage::Pointer m = igtl::ImageMessage::New();
      m->SetDimensions(size);
      m->SetSpacing(spacing);
      m->SetScalarType(igtl::ImageMessage::TYPE_UINT8);
      m->SetDeviceName("Bench");
      m->AllocateScalars();
      std::memcpy(m->GetScalarPointer(), f.bytes(), f.byte_count());
      m->Pack();
      const auto* p = static_cast<const unsigned char*>(m->GetPackPointer());
      messages.emplace_back(p, p + m->GetPackSize());
    }
  }
  Server server;
  server.start(messages, fps, scanner_fps, copies);
  const std::string journal = (std::filesystem::temp_directory_path() / ("fibretrack-ingest-" + std::to_string(::getpid()))).string();
  const double rss_start = rss_mb();
  LiveSettings live;
  if (grid_mm > 0) live.analysis.grid_mm = grid_mm;
  if (coarsest > 0) live.coarsest_grid_mm = coarsest;
  live.analysis.tracking_sized_to_texture = !unsized;
  LivePipeline pipeline(make_frame_source("igtl://127.0.0.1:" + std::to_string(server.port)), live);
  pipeline.record_to(journal);
  pipeline.start();
  std::printf("| s | frames in | recorded | tracked | skipped | p50 ms | p99 ms | findings p50 / p99 ms | RSS MB |\n"
              "|---|---|---|---|---|---|---|---|---|\n");
  for (int s = 1; s <= int(seconds); ++s) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    if (s % 5 == 0 || s == 1) {
      const LiveStats st = pipeline.stats();
      std::printf("| %d | %ld | %ld | %ld | %ld | %.0f | %.0f | %.0f / %.0f | %.0f |\n", s, st.frames_in, st.recorded, st.processed,
                  st.skipped, st.latency_p50_ms, st.latency_p99_ms, st.findings_latency_p50_ms, st.findings_latency_p99_ms,
                  rss_mb());
      std::fflush(stdout);
    }
  }
  server.finish();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  pipeline.stop();
  const LiveStats st = pipeline.stats();
  // Counted as written (reading a long journal back would need it all in memory).
  const long recorded = st.recorded;
  std::filesystem::remove_all(journal);
  std::printf("\n%dx%d frames (image region %dx%d) at %.0f frames/s from a %.0f frames/s scanner for %.0f s: sent %ld, "
              "received %ld, recorded %ld (lost to recording: %ld), repeats %ld, tracked %ld, skipped by analysis %ld, "
              "latency p50 %.0f ms p99 %.0f ms, points %.2f mm apart at the end (%ld changes), %ld evaluations (%ld dropped), findings latency "
              "p50 %.0f ms p99 %.0f ms, findings followed on %ld frames p50 %.0f ms p99 %.0f ms, RSS %.0f -> %.0f MB%s%s\n",
              width, height, exam.region().bounds.width_px(), exam.region().bounds.height_px(), fps, scanner_fps, seconds,
              server.sent.load(), st.frames_in, recorded, server.sent.load() - recorded, st.repeats, st.processed, st.skipped,
              st.latency_p50_ms, st.latency_p99_ms, st.grid_mm, st.grid_changes, st.evaluations, st.evaluations_dropped, st.findings_latency_p50_ms,
              st.findings_latency_p99_ms, st.followed, st.followed_latency_p50_ms, st.followed_latency_p99_ms, rss_start, rss_mb(),
              st.recording_error.empty() ? "" : ", recording error: ", st.recording_error.c_str());
  return server.sent.load() == recorded ? 0 : 1;
}
