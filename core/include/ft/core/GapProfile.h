#pragma once
// The width of the haematoma-filled gap between torn fibre ends, measured on the image: a
// dark (hypoechoic) band across a line, or, where the haematoma is as bright as muscle, a
// band whose speckle does not persist from one scanner frame to the next.
#include <optional>
#include <vector>

#include "ft/core/Frame.h"
#include "ft/core/TearGeometry.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

struct BandWidth {
  bool found = false;
  double width_mm = 0.0;
  double contrast = 0.0;  // (surrounding level - band minimum) / surrounding level
  double centre_offset_mm = 0.0;  // the band's middle from the profile's centre, along the normal
  double level = 0.0;             // the surrounding grey level the contrast is taken against
};

// Profile through (cx, cy) along `normal_angle_deg`, averaged over +-half_length_mm along
// the band (perpendicular to the normal). Width at half depth of the dip.
BandWidth dark_band_width(const Frame& frame, const PixelRect& region, double cx_px, double cy_px,
                          double normal_angle_deg, double half_length_mm, double mm_per_px);

// The band where two images of the same tissue stop matching: the correlation of each line
// of `a` with the same line of `b` shifted by (shift_x_px, shift_y_px), across the band as
// above, width where it falls half way from the surrounding tissue's to the band's. Muscle
// speckle persists between two scanner frames close in time; a haematoma's filling (blood,
// loose clot) churns and does not. Contrast is that fall in correlation; found where the
// surrounding tissue still correlates (0.5) and the band falls by at least 0.3. Lines with no
// speckle in either image (black beyond the sector, saturation) are left out, not read as churning.
BandWidth decorrelated_band_width(const Frame& a, const Frame& b, const PixelRect& region, double cx_px, double cy_px,
                                  double shift_x_px, double shift_y_px, double normal_angle_deg, double half_length_mm,
                                  double mm_per_px);

// A thin dark layer on one side of a bright plane (fluid over an aponeurosis), thinner than one
// column's speckle lets dark_band_width see: a 0.6 mm layer at rest read 0 there, its dip lost
// among speckle dips 1.5-2.5 mm into the muscle. Read instead on the mean profile down the
// columns of a stretch of one plane (each point's columns +-half_length_mm around it, averaged
// along the plane's slope through the given points, the line found again within 0.5 mm and placed
// on its crest), against the same plane's mean profile where it holds no layer (`intact`, in
// order along the plane; no point of both). side -1: the layer above the line (smaller rows), +1
// below. The layer's width is where the share of echo amplitude missing is at least half its
// largest, which lies within 2.5 mm of the line; its contrast is the grey deficit there over the
// intact level. Found when that contrast exceeds 0.15 and every stretch of the intact points as
// long as this one (or half of them) reads against the others. Not found: width 0. Nothing is
// measured (nullopt) with fewer than two stretch or four intact points wholly inside the region,
// where the deficit is already half as deep on the line's crest (the line itself dimmer), still
// deepening 2.5 mm from it, or runs on past 4 mm (wider than read).
std::optional<BandWidth> layer_beside_plane(const Frame& frame, const PixelRect& region, const std::vector<PointPx>& stretch,
                                            const std::vector<PointPx>& intact, int side, double half_length_mm,
                                            double mm_per_px_x, double mm_per_px_y);

}  // namespace ft
