#pragma once
// Pixel and timing attributes shared by every multi-frame object we write (the US clip,
// the burned-in secondary capture).
#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"

#include <cstdint>
#include <functional>
#include <vector>

#include "ft/core/Clip.h"

namespace ft::dicom::detail {

// Frame Time when the frames are evenly spaced (within 1 %), Frame Time Vector otherwise;
// Cine Rate; the matching Frame Increment Pointer.
void put_timing(DcmDataset& ds, const Clip& clip);
void put_timing(DcmDataset& ds, const std::vector<std::int64_t>& acquisition_times_ns, double frame_time_ms);
// Image Pixel module for MONOCHROME2 frames of the clip's depth, lossless.
void put_pixels(DcmDataset& ds, const Clip& clip);
// Image Pixel module for `frames` RGB frames (8 bits a sample, colour-by-pixel), each written
// straight into the pixel data by fill(frame index, its width * height * 3 bytes).
void put_rgb_pixels(DcmDataset& ds, int width_px, int height_px, int frames,
                    const std::function<void(int, std::uint8_t*)>& fill);

}  // namespace ft::dicom::detail
