#include "ft/plugin/FrameJournal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "ft/core/DurableFiles.h"
#include "ft/core/Error.h"
#include "ft/core/JsonNumbers.h"

namespace ft {
namespace {

constexpr char kMagicLine[] = "FIBRETRACK-JOURNAL 1\n";
constexpr std::uint32_t kRecordMagic = 0x4D465446;  // "FTFM"

std::uint32_t crc32(const std::uint8_t* data, std::size_t n) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

template <typename T>
void put(std::vector<std::uint8_t>& b, T v) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
  b.insert(b.end(), p, p + sizeof v);
}

template <typename T>
bool get(const std::vector<std::uint8_t>& b, std::size_t& at, T& v) {
  if (at + sizeof v > b.size()) return false;
  std::memcpy(&v, b.data() + at, sizeof v);
  at += sizeof v;
  return true;
}

nlohmann::json header_json(const JournalHeader& h) {
  nlohmann::json regions = nlohmann::json::array();
  for (const auto& r : h.regions)
    regions.push_back({{"x0", r.bounds.x0_px}, {"y0", r.bounds.y0_px}, {"x1", r.bounds.x1_px}, {"y1", r.bounds.y1_px},
                       {"format", int(r.spatial_format)}, {"units_x", int(r.units_x)}, {"units_y", int(r.units_y)},
                       {"mm_per_px", {r.mm_per_px_x, r.mm_per_px_y}}});
  return {{"width", h.width_px}, {"height", h.height_px}, {"bits", int(h.depth)}, {"frame_time_ms", h.frame_time_ms},
          {"regions", regions}, {"manufacturer", h.source.manufacturer}, {"model", h.source.model_name},
          {"uri", h.source.source_uri}, {"laterality", h.source.laterality}};
}

// The header is ours, but a journal is read after a crash: a damaged header is an error that
// names the key, never an undefined conversion (1e30 into an int). The ranges are what the
// writer can write, so that every journal it wrote reads back: regions come from DICOM files
// (Physical Units such as 7, cm/s, and 32-bit bounds cast to int).
int required_whole(const nlohmann::json& j, const char* key, int min, int max) {
  if (!j.contains(key)) throw Error(ErrorCode::CorruptData, std::string(key) + " is missing");
  return whole_number(j, key, 0, min, max);
}

constexpr int kMostInt = std::numeric_limits<int>::max();
constexpr int kLeastInt = std::numeric_limits<int>::min();

// nlohmann writes NaN and infinities as null: read back as 0, "not known" (no calibration, no rate),
// so that a source's NaN does not make its recording unrecoverable.
double number_or_unknown(const nlohmann::json& v) { return v.is_null() ? 0.0 : v.get<double>(); }

template <typename Enum>
Enum enum_number(const nlohmann::json& j, const char* key) {
  return Enum(required_whole(j, key, 0, 65535));  // DICOM's US codes (0018,6012/6024/6026)
}

JournalHeader parse_header(const nlohmann::json& j) {
  JournalHeader h;
  // DICOM's Rows and Columns are 16-bit: no frame we record is larger.
  h.width_px = required_whole(j, "width", 0, 65535);
  h.height_px = required_whole(j, "height", 0, 65535);
  const int bits = required_whole(j, "bits", 8, 16);
  if (bits != 8 && bits != 16) throw Error(ErrorCode::CorruptData, "bits must be 8 or 16");
  h.depth = bits == 16 ? PixelDepth::Bits16 : PixelDepth::Bits8;
  h.frame_time_ms = number_or_unknown(j.at("frame_time_ms"));
  // 0: not known when the recording started (an OpenIGTLink stream does not say its rate).
  if (!(h.frame_time_ms >= 0.0 && std::isfinite(h.frame_time_ms)))
    throw Error(ErrorCode::CorruptData, "frame_time_ms must be a number of at least 0");
  if (!j.at("regions").is_array()) throw Error(ErrorCode::CorruptData, "regions must be a list");
  for (const auto& r : j.at("regions")) {
    UltrasoundRegion region;
    region.bounds = {required_whole(r, "x0", kLeastInt, kMostInt), required_whole(r, "y0", kLeastInt, kMostInt),
                     required_whole(r, "x1", kLeastInt, kMostInt), required_whole(r, "y1", kLeastInt, kMostInt)};
    region.spatial_format = enum_number<RegionSpatialFormat>(r, "format");
    region.units_x = enum_number<PhysicalUnits>(r, "units_x");
    region.units_y = enum_number<PhysicalUnits>(r, "units_y");
    region.mm_per_px_x = number_or_unknown(r.at("mm_per_px").at(0));
    region.mm_per_px_y = number_or_unknown(r.at("mm_per_px").at(1));
    h.regions.push_back(region);
  }
  h.source.manufacturer = j.value("manufacturer", "");
  h.source.model_name = j.value("model", "");
  h.source.source_uri = j.value("uri", "");
  h.source.laterality = j.value("laterality", "");
  return h;
}

void write_all(int fd, const std::uint8_t* data, std::size_t n, const std::string& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorCode::Io, "journal " + path + ": " + std::strerror(errno));
    }
    data += w;
    n -= std::size_t(w);
  }
}

}  // namespace

std::string journal_path(const std::string& directory) { return directory + "/journal.ftj"; }

FrameJournalWriter::FrameJournalWriter(const std::string& directory, const JournalHeader& header, int sync_every,
                                       std::uint64_t disk_reserve_bytes)
    : directory_(directory), disk_reserve_bytes_(disk_reserve_bytes), header_(header), sync_every_(std::max(1, sync_every)) {
  // The journal is the exam's only copy until the clip is written: its folder, its file's
  // entry and its header are on disk before the first frame is accepted.
  create_directories_durably(directory, FolderAccess::OwnerOnly);
  check_free_space();
  const std::string path = journal_path(directory);
  // Never over an earlier journal: after a failed recording it is the only copy of that exam.
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);  // the exam's frames
  bool earlier = fd_ < 0 && errno == EEXIST;
  if (earlier && set_aside_if_it_holds_no_frame(directory)) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    earlier = fd_ < 0 && errno == EEXIST;
  }
  if (earlier)
    throw Error(ErrorCode::Io, "a journal is already in " + directory + " (a recording not yet recovered): recover it with "
                               "fibretrack recover '" + directory + "' --out CLIP.dcm, or record with another --journal");
  if (fd_ < 0) throw Error(ErrorCode::Io, "cannot create journal " + path + ": " + std::strerror(errno));
  ::flock(fd_, LOCK_EX | LOCK_NB);  // ours while it records (released when closed or the process ends)
  const std::string head = std::string(kMagicLine) + header_json(header).dump() + "\n";
  write_all(fd_, reinterpret_cast<const std::uint8_t*>(head.data()), head.size(), path);
  sync_data("the journal's header");
  sync_path(directory);
}

// A journal left by a recording that was cut before its first frame reached the disk (a
// power loss can keep the file's entry without its header) holds nothing to recover, yet would
// refuse every later recording into its folder: an empty one is removed, one whose header
// cannot be read is renamed aside (journal.ftj.unreadable-<time>), never deleted.
bool FrameJournalWriter::set_aside_if_it_holds_no_frame(const std::string& directory) {
  const std::string path = journal_path(directory);
  // A recording that has just started holds its journal locked (below): never touched.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool in_use = ::flock(fd, LOCK_EX | LOCK_NB) != 0;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};  // the lock is held until the journal is set aside
  if (in_use) return false;
  try {
    if (!read_journal(directory).clip.frames.empty()) return false;  // an exam to recover
    return ::unlink(path.c_str()) == 0;
  } catch (const Error& e) {
    if (e.code() != ErrorCode::CorruptData) return false;
    const std::string aside = path + ".unreadable-" + std::to_string(::time(nullptr));
    return ::rename(path.c_str(), aside.c_str()) == 0;
  }
}

void FrameJournalWriter::sync_data(const char* what) const {
  if (::fdatasync(fd_) != 0)
    throw Error(ErrorCode::Io, std::string("cannot write ") + what + " to disk (" + std::strerror(errno) + "): recording stopped after " +
                                   std::to_string(frames_) + " frames; those synced before are kept");
}

FrameJournalWriter::~FrameJournalWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void FrameJournalWriter::append(const Frame& frame) {
  if (fd_ < 0) throw Error(ErrorCode::Io, "journal already closed");
  if (frame.width_px() != header_.width_px || frame.height_px() != header_.height_px || frame.depth() != header_.depth)
    throw Error(ErrorCode::InvalidArgument, "frame size changed during the recording");
  buffer_.clear();
  put(buffer_, kRecordMagic);
  put(buffer_, std::uint64_t(frame.sequence_number));
  put(buffer_, std::int64_t(frame.acquisition_time_ns));
  put(buffer_, std::uint32_t(frame.byte_count()));
  buffer_.insert(buffer_.end(), frame.bytes(), frame.bytes() + frame.byte_count());
  put(buffer_, crc32(buffer_.data(), buffer_.size()));
  write_all(fd_, buffer_.data(), buffer_.size(), "record");
  if (++frames_ % sync_every_ == 0) {
    sync_data("the journal");
    check_free_space();
  }
}

void FrameJournalWriter::check_free_space() const {
  struct statvfs fs {};
  if (::statvfs(directory_.c_str(), &fs) != 0) return;  // unknown: the write itself will tell
  const std::uint64_t free_bytes = std::uint64_t(fs.f_bavail) * fs.f_frsize;
  if (free_bytes >= disk_reserve_bytes_) return;
  throw Error(ErrorCode::Io, "disk nearly full (" + std::to_string(free_bytes >> 20) + " MB free in " + directory_ +
                                 ", " + std::to_string(disk_reserve_bytes_ >> 20) + " MB kept in reserve): recording stopped after " +
                                 std::to_string(frames_) + " frames, all of them kept");
}

void FrameJournalWriter::close() {
  if (fd_ < 0) return;
  const bool synced = ::fdatasync(fd_) == 0;
  ::close(fd_);
  fd_ = -1;
  if (!synced) throw Error(ErrorCode::Io, std::string("journal could not be flushed: ") + std::strerror(errno));
}

RecoveredJournal read_journal(const std::string& directory) {
  const std::string path = journal_path(directory);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::NotFound, path + ": no journal here");
  std::string magic, header_line;
  std::getline(in, magic);
  std::getline(in, header_line);
  if (magic + "\n" != kMagicLine) throw Error(ErrorCode::CorruptData, path + ": not a FibreTrack journal");
  JournalHeader header;
  try {
    header = parse_header(nlohmann::json::parse(header_line));
  } catch (const std::exception& e) {
    throw Error(ErrorCode::CorruptData, path + ": journal header unreadable (" + e.what() + ")");
  }
  const std::vector<std::uint8_t> body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  RecoveredJournal out;
  out.clip.frame_time_ms = header.frame_time_ms;
  out.clip.regions = header.regions;
  out.clip.source = header.source;
  const std::size_t frame_bytes = std::size_t(header.width_px) * std::size_t(header.height_px) *
                                  (header.depth == PixelDepth::Bits16 ? 2u : 1u);
  std::size_t at = 0;
  while (at < body.size()) {
    const std::size_t start = at;
    std::uint32_t magic_value = 0, bytes = 0, crc = 0;
    std::uint64_t sequence = 0;
    std::int64_t time_ns = 0;
    if (!get(body, at, magic_value) || magic_value != kRecordMagic || !get(body, at, sequence) || !get(body, at, time_ns) ||
        !get(body, at, bytes) || at + bytes + 4 > body.size()) {
      out.truncated_tail = true;
      break;
    }
    // Compared before the frame is allocated: the record's length is bounded by the file.
    if (bytes != frame_bytes) {
      out.truncated_tail = true;
      break;
    }
    Frame frame(header.width_px, header.height_px, header.depth);
    std::memcpy(frame.bytes(), body.data() + at, bytes);
    at += bytes;
    get(body, at, crc);
    if (crc != crc32(body.data() + start, at - start - 4)) {
      out.truncated_tail = true;
      break;
    }
    frame.sequence_number = sequence;
    frame.acquisition_time_ns = time_ns;
    out.clip.frames.push_back(std::move(frame));
  }
  if (out.truncated_tail)
    out.note = "the journal ends in an incomplete record (the recording was interrupted); it was left out";
  return out;
}

}  // namespace ft
