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

// Decodes one J2K codestream (or JP2 file) of `width` x `height` pixels (the dataset's Columns
// and Rows) into interleaved samples. A codestream whose header gives another size is refused
// before it is decoded: a few damaged bytes could otherwise ask for a decode of an image of
// thousands of megapixels (seconds of work and gigabytes, found by the DICOM reader fuzzer).
// Throws ft::Error.
DecodedJpeg2000 decode_jpeg2000(const std::uint8_t* data, std::size_t size, int bits_allocated, int width, int height);

}  // namespace ft::dicom::detail
