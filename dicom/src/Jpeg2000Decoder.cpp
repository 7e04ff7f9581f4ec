#include "Jpeg2000Decoder.h"

#include <openjpeg.h>

#include <algorithm>
#include <cstring>
#include <cmath>
#include <memory>

#include "ft/core/Error.h"

namespace ft::dicom::detail {
namespace {

struct MemoryStream {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t offset;
};

OPJ_SIZE_T read_cb(void* buffer, OPJ_SIZE_T bytes, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  if (s->offset >= s->size) return OPJ_SIZE_T(-1);
  const std::size_t n = std::min<std::size_t>(bytes, s->size - s->offset);
  std::memcpy(buffer, s->data + s->offset, n);
  s->offset += n;
  return n;
}
OPJ_OFF_T skip_cb(OPJ_OFF_T bytes, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  const auto target = std::clamp<OPJ_OFF_T>(OPJ_OFF_T(s->offset) + bytes, 0, OPJ_OFF_T(s->size));
  const OPJ_OFF_T moved = target - OPJ_OFF_T(s->offset);
  s->offset = std::size_t(target);
  return moved;
}
OPJ_BOOL seek_cb(OPJ_OFF_T to, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  if (to < 0 || std::size_t(to) > s->size) return OPJ_FALSE;
  s->offset = std::size_t(to);
  return OPJ_TRUE;
}

std::uint32_t big_endian32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | std::uint32_t(p[3]);
}

// The frame the codestream describes must be the one the dataset describes.
void require_shape(long width, long height, long components, const Jpeg2000FrameShape& shape) {
  if (width != shape.width || height != shape.height)
    throw Error(ErrorCode::CorruptData, "JPEG 2000 frame size differs from Rows/Columns");
  if (components != shape.samples)
    throw Error(ErrorCode::CorruptData, "JPEG 2000 frame has " + std::to_string(components) +
                                            " components where Samples per Pixel is " + std::to_string(shape.samples));
}

// A raw codestream's SIZ marker segment, read before OpenJPEG reads the header: OpenJPEG sets up
// every tile while it reads the header, so a header claiming a million pixels across in tiles of
// 32 (found by the fuzzer: 354 MB and 1.4 s for a 6 KB file) costs before any size can be
// compared. The size and components must be the dataset's, and the tiles not absurdly many.
void check_siz(const std::uint8_t* data, std::size_t size, const Jpeg2000FrameShape& shape) {
  constexpr std::size_t kSizFields = 42;  // SOC, SIZ, Lsiz ... Csiz
  if (size < kSizFields || data[0] != 0xFF || data[1] != 0x4F || data[2] != 0xFF || data[3] != 0x51) return;  // JP2: OpenJPEG's checks
  const std::uint32_t x = big_endian32(data + 8), y = big_endian32(data + 12);
  const std::uint32_t x0 = big_endian32(data + 16), y0 = big_endian32(data + 20);
  const std::uint32_t tile_w = big_endian32(data + 24), tile_h = big_endian32(data + 28);
  const int components = int(data[40]) << 8 | int(data[41]);
  require_shape(long(x) - long(x0), long(y) - long(y0), components, shape);
  constexpr double kMaxTiles = 65536;  // encoders use one tile or a few hundred
  if (tile_w == 0 || tile_h == 0 || std::ceil(double(x) / tile_w) * std::ceil(double(y) / tile_h) > kMaxTiles)
    throw Error(ErrorCode::CorruptData, "JPEG 2000 frame in implausibly many tiles");
}

struct CodecDeleter { void operator()(opj_codec_t* c) const { opj_destroy_codec(c); } };
struct StreamDeleter { void operator()(opj_stream_t* s) const { opj_stream_destroy(s); } };
struct ImageDeleter { void operator()(opj_image_t* i) const { opj_image_destroy(i); } };

}  // namespace

DecodedJpeg2000 decode_jpeg2000(const std::uint8_t* data, std::size_t size, const Jpeg2000FrameShape& shape) {
  const int bits_allocated = shape.bits_allocated;
  if (size < 12) throw Error(ErrorCode::CorruptData, "JPEG 2000 frame too short");
  check_siz(data, size, shape);
  const bool jp2 = data[4] == 'j' && data[5] == 'P';
  std::unique_ptr<opj_codec_t, CodecDeleter> codec(opj_create_decompress(jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K));
  opj_dparameters_t parameters;
  opj_set_default_decoder_parameters(&parameters);
  if (!codec || !opj_setup_decoder(codec.get(), &parameters)) throw Error(ErrorCode::Internal, "OpenJPEG decoder setup failed");
  MemoryStream memory{data, size, 0};
  std::unique_ptr<opj_stream_t, StreamDeleter> stream(opj_stream_create(OPJ_J2K_STREAM_CHUNK_SIZE, OPJ_TRUE));
  opj_stream_set_user_data(stream.get(), &memory, nullptr);
  opj_stream_set_user_data_length(stream.get(), size);
  opj_stream_set_read_function(stream.get(), read_cb);
  opj_stream_set_skip_function(stream.get(), skip_cb);
  opj_stream_set_seek_function(stream.get(), seek_cb);
  opj_image_t* raw_image = nullptr;
  if (!opj_read_header(stream.get(), codec.get(), &raw_image))
    throw Error(ErrorCode::CorruptData, "JPEG 2000 header unreadable");
  std::unique_ptr<opj_image_t, ImageDeleter> image(raw_image);
  require_shape(long(image->x1) - long(image->x0), long(image->y1) - long(image->y0), long(image->numcomps), shape);
  for (OPJ_UINT32 c = 0; c < image->numcomps; ++c)
    if (image->comps[c].dx != 1 || image->comps[c].dy != 1)
      throw Error(ErrorCode::Unsupported, "JPEG 2000 frame with subsampled components");
  if (!opj_decode(codec.get(), stream.get(), image.get()) || !opj_end_decompress(codec.get(), stream.get()))
    throw Error(ErrorCode::CorruptData, "JPEG 2000 frame could not be decoded");
  DecodedJpeg2000 out;
  out.components = int(image->numcomps);
  if (out.components < 1) throw Error(ErrorCode::CorruptData, "JPEG 2000 frame without components");
  out.width = int(image->comps[0].w);
  out.height = int(image->comps[0].h);
  require_shape(out.width, out.height, out.components, shape);
  out.precision = int(image->comps[0].prec);
  const std::size_t pixels = std::size_t(out.width) * std::size_t(out.height);
  const int bytes = bits_allocated == 16 ? 2 : 1;
  out.pixels.resize(pixels * std::size_t(out.components) * std::size_t(bytes));
  for (int c = 0; c < out.components; ++c) {
    const opj_image_comp_t& comp = image->comps[c];
    if (int(comp.w) != out.width || int(comp.h) != out.height)
      throw Error(ErrorCode::Unsupported, "JPEG 2000 frame with subsampled components");
    for (std::size_t i = 0; i < pixels; ++i) {
      const std::uint32_t v = std::uint32_t(comp.data[i]);
      const std::size_t k = (i * std::size_t(out.components) + std::size_t(c)) * std::size_t(bytes);
      out.pixels[k] = std::uint8_t(v & 0xFF);
      if (bytes == 2) out.pixels[k + 1] = std::uint8_t((v >> 8) & 0xFF);
    }
  }
  return out;
}

}  // namespace ft::dicom::detail
