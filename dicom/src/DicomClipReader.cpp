#include "ft/dicom/DicomClipReader.h"

#include <cmath>
#include <mutex>

#include "DatasetHelpers.h"
#include "DicomFileLoader.h"
#include "Jpeg2000Decoder.h"
#include "PixelConversion.h"
#include "JpegLsFrameCheck.h"
#include "RleFrameCheck.h"
#include "Transcoding.h"
#include "dcmtk/dcmdata/dcpixseq.h"
#include "dcmtk/dcmdata/dcpxitem.h"
#include "ft/core/Error.h"

namespace ft::dicom {
namespace {
using namespace detail;

}  // namespace

DicomClipReader::DicomClipReader(const std::string& path) {
  register_decoders();
  info_ = read_clip_info(path);  // validates the header first, with clear errors
  loader_ = std::make_unique<DicomFileLoader>(path);
}

DicomClipReader::~DicomClipReader() = default;

std::vector<std::uint8_t> DicomClipReader::decode_raw(int index, std::string& colour_model) {
  DcmDataset& ds = loader_->dataset();
  DcmElement* element = nullptr;
  if (ds.findAndGetElement(DCM_PixelData, element).bad() || !element)
    throw Error(ErrorCode::Unsupported, info_.path + ": no pixel data");
  auto* pixels = static_cast<DcmPixelData*>(element);
  const DcmXfer xfer(ds.getOriginalXfer());
  if (is_jpeg2000(info_.transfer_syntax_uid)) {
    const auto compressed = encapsulated_frame(*pixels, xfer, index, info_.frames);
    DecodedJpeg2000 decoded;
    try {
      decoded = decode_jpeg2000(compressed.data(), compressed.size(),
                                {info_.columns, info_.rows, info_.samples_per_pixel, info_.bits_allocated});
    } catch (const Error& e) {
      throw Error(e.code(), info_.path + ", frame " + std::to_string(index + 1) + ": " + e.what());
    }
    colour_model = decoded.components == 3 ? "RGB" : "MONOCHROME2";
    return std::move(decoded.pixels);
  }
  Uint32 frame_size = 0;
  if (pixels->getUncompressedFrameSize(&ds, frame_size).bad() || frame_size == 0)
    throw Error(ErrorCode::CorruptData, info_.path + ": cannot size a frame");
  if (frame_size > 256u * 1024u * 1024u) throw Error(ErrorCode::CorruptData, info_.path + ": implausible frame size");
  if (DcmXfer(ds.getOriginalXfer()).isNotEncapsulated() &&
      double(pixels->getLength()) < double(frame_size) * double(index + 1) - 1.0)
    throw Error(ErrorCode::CorruptData, info_.path + ": pixel data ends before frame " + std::to_string(index + 1) +
                                            " (file truncated?)");
  check_rle_frame(ds, index, info_.path);  // before DCMTK's RLE decoder reads where a damaged header points
  check_jpeg_ls_frames(ds, info_.path, index);  // before CharLS asserts on a damaged scan header
  // DCMTK wants room for the frame rounded up to an even length (an odd frame, e.g. 8-bit
  // 49 x 41, was refused as an "illegal call" with room for its exact length).
  std::vector<std::uint8_t> raw(std::size_t(frame_size) + 1);
  Uint32 start_fragment = 0;
  OFString model;
  const OFCondition status =
      pixels->getUncompressedFrame(&ds, Uint32(index), start_fragment, raw.data(), Uint32(raw.size()), model, nullptr);
  if (status.bad())
    throw Error(status == EC_CannotChangeRepresentation ? ErrorCode::Unsupported : ErrorCode::CorruptData,
                info_.path + ": frame " + std::to_string(index + 1) + " cannot be decoded (" + status.text() + ", " +
                    info_.transfer_syntax_name + ")");
  colour_model = model.empty() ? info_.photometric : model.c_str();
  raw.resize(frame_size);
  return raw;
}

Frame DicomClipReader::read_frame(int index) {
  if (index < 0 || index >= info_.frames)
    throw Error(ErrorCode::InvalidArgument, "frame " + std::to_string(index) + " outside 0.." + std::to_string(info_.frames - 1));
  std::string colour_model;
  const std::vector<std::uint8_t> raw = decode_raw(index, colour_model);
  PixelLayout layout;
  layout.rows = info_.rows;
  layout.columns = info_.columns;
  layout.samples_per_pixel = info_.samples_per_pixel;
  layout.bits_allocated = info_.bits_allocated;
  layout.bits_stored = info_.bits_stored;
  layout.pixel_representation = info_.pixel_representation;
  // Decoders hand colour back pixel by pixel; native data keeps its own arrangement.
  const bool native = DcmXfer(loader_->dataset().getOriginalXfer()).isNotEncapsulated();
  layout.planar_configuration = native ? info_.planar_configuration : 0;
  layout.photometric = colour_model;
  const Palette palette = colour_model == "PALETTE COLOR" ? read_palette(loader_->dataset()) : Palette{};
  Frame frame = to_luminance(raw, layout, palette);
  frame.sequence_number = std::uint64_t(index);
  double time_ms = 0;
  if (!info_.frame_time_vector_ms.empty()) {
    for (int k = 1; k <= index && k < int(info_.frame_time_vector_ms.size()); ++k) time_ms += info_.frame_time_vector_ms[std::size_t(k)];
  } else {
    time_ms = index * info_.frame_time_ms;
  }
  frame.acquisition_time_ns = std::int64_t(std::llround(time_ms * 1e6));
  return frame;
}

Clip DicomClipReader::read_clip(int max_frames) {
  Clip clip;
  clip.frame_time_ms = info_.frame_time_ms;
  clip.regions = info_.regions;
  clip.source.manufacturer = info_.manufacturer;
  clip.source.model_name = info_.model_name;
  clip.source.source_uri = "file:" + info_.path;
  const int n = max_frames < 0 ? info_.frames : std::min(max_frames, info_.frames);
  clip.frames.reserve(std::size_t(n));
  for (int k = 0; k < n; ++k) clip.frames.push_back(read_frame(k));
  return clip;
}

}  // namespace ft::dicom
