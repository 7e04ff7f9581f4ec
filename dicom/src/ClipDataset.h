#pragma once
// Pixel and timing attributes shared by every multi-frame object we write (the US clip,
// the burned-in secondary capture).
#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"

#include "ft/core/Clip.h"

namespace ft::dicom::detail {

// Frame Time when the frames are evenly spaced (within 1 %), Frame Time Vector otherwise;
// Cine Rate; the matching Frame Increment Pointer.
void put_timing(DcmDataset& ds, const Clip& clip);
// Image Pixel module for MONOCHROME2 frames of the clip's depth, lossless.
void put_pixels(DcmDataset& ds, const Clip& clip);

}  // namespace ft::dicom::detail
