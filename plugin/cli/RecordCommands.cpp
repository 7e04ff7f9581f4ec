// fibretrack record / recover: crash-safe recording of a live source into a DICOM clip.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

#include "CommandLine.h"
#include "NetworkOptions.h"
#include "Commands.h"
#include "ft/core/DurableFiles.h"
#include "ft/core/Error.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/dicom/WorklistScu.h"
#include "ft/plugin/FrameJournal.h"
#include "ft/plugin/SourceFactory.h"

namespace ft::cli {
namespace {

// Journals frames from the source's thread; the main thread waits for the end.
class Recording {
 public:
  Recording(std::string journal_dir, StreamInfo info, std::string uri, long frames_wanted, std::uint64_t reserve_bytes)
      : dir_(std::move(journal_dir)), info_(std::move(info)), uri_(std::move(uri)), wanted_(frames_wanted),
        reserve_bytes_(reserve_bytes) {}

  void on_frame(Frame&& frame) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (done_) return;
    try {
      if (!writer_) {
        JournalHeader h;
        h.width_px = frame.width_px();
        h.height_px = frame.height_px();
        h.depth = frame.depth();
        h.frame_time_ms = info_.nominal_frame_rate_hz > 0 ? 1000.0 / info_.nominal_frame_rate_hz : 0.0;
        h.regions = info_.regions;
        h.source.source_uri = uri_;
        h.source.manufacturer = "FibreTrack";
        h.source.model_name = info_.description;
        writer_ = std::make_unique<FrameJournalWriter>(dir_, h, 16, reserve_bytes_);
      }
      writer_->append(frame);
      if (wanted_ > 0 && writer_->frames_written() >= wanted_) done_ = true;
    } catch (const Error& e) {
      error_ = e.what();  // e.g. disk full: what is journalled so far stays recoverable
      done_ = true;
    }
    if (done_) finished_.notify_all();
  }

  // Waits until enough frames, the time limit, or the source ending.
  void wait(double seconds, FrameSource& source) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds > 0 ? seconds : 1e9);
    std::unique_lock<std::mutex> lock(mutex_);
    while (!done_ && std::chrono::steady_clock::now() < deadline) {
      finished_.wait_for(lock, std::chrono::milliseconds(100));
      const SourceState state = source.status().state;
      if (state == SourceState::Finished || state == SourceState::Failed) break;
    }
  }

  long close() {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
    if (!writer_) return 0;
    writer_->close();
    return writer_->frames_written();
  }
  const std::optional<std::string>& error() const { return error_; }

 private:
  std::string dir_;
  StreamInfo info_;
  std::string uri_;
  long wanted_;
  std::uint64_t reserve_bytes_;
  std::mutex mutex_;
  std::condition_variable finished_;
  std::unique_ptr<FrameJournalWriter> writer_;
  bool done_ = false;
  std::optional<std::string> error_;
};

// The largest object written (--max-object-mb; default: what DICOM's 32-bit length allows).
std::uint64_t max_object_bytes(const CommandLine& cl) {
  const double mb = cl.number_or("max-object-mb", 0.0);
  if (mb < 0) throw Error(ErrorCode::InvalidArgument, "--max-object-mb must not be negative");
  return mb > 0 ? std::uint64_t(mb * 1048576.0) : dicom::kMaxPixelBytesPerObject;
}

// Writes the clip (synced before it is renamed into place, its folder after: save_atomically),
// in consecutive objects of one series when it is longer than one object may hold.
// The journal's removal on disk too: after a power loss a journal left beside the clip would
// refuse the next recording into the same place. The clip is safe either way.
void remove_journal(const std::string& journal) {
  std::filesystem::remove_all(journal);
  const std::filesystem::path parent = std::filesystem::path(journal).parent_path();
  try {
    sync_path(parent.empty() ? "." : parent.string());
  } catch (const Error&) {
    // At worst the journal comes back after a crash, beside a clip that holds every frame.
  }
}

std::vector<dicom::WrittenPart> write_clip_from_journal(const std::string& journal_dir, const std::string& out,
                                                        std::uint64_t max_object_bytes, const dicom::ExamContext& exam = {}) {
  const RecoveredJournal r = read_journal(journal_dir);
  if (r.clip.frames.empty()) throw Error(ErrorCode::CorruptData, journal_dir + ": the journal holds no complete frame");
  dicom::ClipWriteOptions options;
  options.exam = exam;
  options.max_pixel_bytes = max_object_bytes;
  const std::vector<dicom::WrittenPart> parts = dicom::write_ultrasound_clip_parts(r.clip, options, out);
  for (const dicom::WrittenPart& p : parts) std::printf("wrote %s: %d frames\n", p.path.c_str(), p.frames);
  if (parts.size() > 1)
    std::printf("  %zu frames in %zu objects of one series (one object holds at most %llu bytes of pixels)\n",
                r.clip.frames.size(), parts.size(), static_cast<unsigned long long>(max_object_bytes));
  if (r.truncated_tail) std::printf("  note: %s\n", r.note.c_str());
  return parts;
}

}  // namespace

// The patient and study of the exam: from the worklist entry with this accession number
// (or the only one scheduled), so that nobody types names.
dicom::ExamContext exam_from_worklist(const CommandLine& cl) {
  const auto node = cl.value("worklist");
  if (!node) return {};
  const NetworkOptions net(cl);
  dicom::WorklistQuery q;
  const auto items = dicom::find_worklist(net.node(*node), q, net.network());
  const std::string accession = cl.value_or("accession", "");
  std::vector<dicom::WorklistItem> chosen;
  for (const auto& w : items)
    if (accession.empty() || w.exam.accession_number == accession) chosen.push_back(w);
  if (chosen.size() != 1)
    throw Error(ErrorCode::NotFound, std::to_string(chosen.size()) + " worklist entries match" +
                                         (accession.empty() ? "; choose one with --accession" : " accession " + accession));
  dicom::ExamContext exam = chosen.front().exam;
  // Patient names stay out of this output (it ends up in logs); the clip carries them.
  std::printf("exam from the worklist: accession %s, study %s\n", exam.accession_number.c_str(),
              exam.study_instance_uid.c_str());
  return exam;
}

int run_record(const Args& args) {
  const CommandLine cl(args, {"tls"});
  cl.reject_unknown(with_network_flags(
      {"source", "frames", "seconds", "out", "journal", "worklist", "accession", "disk-reserve-mb", "max-object-mb"}));
  const auto out = cl.value("out");
  if (!out) throw Error(ErrorCode::InvalidArgument, "--out CLIP.dcm is required");
  const long frames = long(cl.integer_or("frames", 0));
  const double seconds = cl.number_or("seconds", 0.0);
  if (frames <= 0 && seconds <= 0) throw Error(ErrorCode::InvalidArgument, "give --frames N or --seconds S");
  const std::string uri = cl.value_or("source", "sim:intact");
  const std::string journal = cl.value_or("journal", *out + ".journal");
  const dicom::ExamContext exam = exam_from_worklist(cl);  // before recording: a wrong patient stops here
  std::unique_ptr<FrameSource> source = make_frame_source(uri);
  const double reserve_mb = cl.number_or("disk-reserve-mb", double(kDefaultDiskReserveBytes >> 20));
  if (reserve_mb < 0) throw Error(ErrorCode::InvalidArgument, "--disk-reserve-mb must not be negative");
  Recording recording(journal, source->stream_info(), uri, frames, std::uint64_t(reserve_mb * 1048576.0));
  source->start([&recording](Frame&& f) { recording.on_frame(std::move(f)); });
  recording.wait(seconds, *source);
  source->stop();
  const long written = recording.close();
  const SourceStatus status = source->status();
  std::printf("recorded %ld frames from %s (%llu dropped by the source)\n", written, uri.c_str(),
              static_cast<unsigned long long>(status.frames_dropped));
  if (recording.error())
    throw Error(ErrorCode::Io, "recording stopped: " + *recording.error() +
                                   (written > 0 ? "; recover it with: fibretrack recover '" + journal + "' --out CLIP.dcm"
                                                : "; nothing was recorded"));
  if (status.state == SourceState::Failed) std::printf("  source failed: %s\n", status.message.c_str());
  // The journal goes only once the clip on disk is synced and reads back whole; until then
  // every failure (a disk that fills or fails at the sync, a short file) says how to recover.
  const std::string keep = "; the journal is kept: fibretrack recover '" + journal + "' --out CLIP.dcm";
  std::vector<dicom::WrittenPart> parts;
  try {
    parts = write_clip_from_journal(journal, *out, max_object_bytes(cl), exam);
    dicom::check_parts_read_back(parts);
  } catch (const Error& e) {
    throw Error(e.code(), std::string(e.what()) + keep);
  }
  remove_journal(journal);
  return 0;
}

int run_recover(const Args& args) {
  const CommandLine cl(args, {});
  cl.reject_unknown({"out", "max-object-mb"});
  const std::string dir = cl.positional_at(0, "journal folder");
  const auto out = cl.value("out");
  if (!out) throw Error(ErrorCode::InvalidArgument, "--out CLIP.dcm is required");
  write_clip_from_journal(dir, *out, max_object_bytes(cl));
  return 0;
}

}  // namespace ft::cli
