#pragma once
// JPEG 2000 frames through OpenJPEG: DCMTK's free edition has no JPEG 2000 codec.
#include <cstdint>
#include <vector>

namespace ft::dicom::detail {

struct DecodedJpeg2000 {
  int width = 0;
  int height = 0;
  int components = 0;
  int precision = 0;
  std::vector<std::uint8_t> pixels;  // interleaved, 8 or 16 bit little endian (as bits_allocated)
};

// What the dataset says a frame is: Columns, Rows, Samples per Pixel, Bits Allocated.
struct Jpeg2000FrameShape {
  int width = 0;
  int height = 0;
  int samples = 1;
  int bits_allocated = 8;
};

// Decodes one J2K codestream (or JP2 file) of the dataset's `shape` into interleaved samples.
// A codestream whose header gives another size, another number of components or subsampled
// components is refused before it is decoded: a few damaged bytes could otherwise ask for a
// decode of thousands of megapixels or components (seconds of work and gigabytes, found by the
// DICOM reader fuzzer). Throws ft::Error.
DecodedJpeg2000 decode_jpeg2000(const std::uint8_t* data, std::size_t size, const Jpeg2000FrameShape& shape);

}  // namespace ft::dicom::detail
