#pragma once
// Which grid points of a MotionRecord the detector may read: tissue in view and tracked
// at the frames it compares. Internal to the detection logic.
#include <cstdint>
#include <vector>

#include "ft/core/MotionRecord.h"

namespace ft::detection {

// Grid points (away from the region's edge) tracked in at least `share` of the frames:
// enough to find the contraction's rest and peak frames.
std::vector<std::uint8_t> tracked_in_most_frames(const MotionRecord& m, int border, double share);

// Points tracked at both frames (the rest -> peak comparison reads nothing else).
std::vector<std::uint8_t> tracked_at(const MotionRecord& m, int border, int frame_a, int frame_b);

// Trackable tissue (tracked in some frame) in view at both frames.
std::vector<std::uint8_t> trackable_in_view(const MotionRecord& m, int border, int frame_a, int frame_b);

// Of the trackable tissue in view at both frames, the share tracked at both.
double tracked_fraction(const MotionRecord& m, int border, int frame_a, int frame_b);

// Connected groups (8-neighbourhood) of set points.
std::vector<std::vector<std::size_t>> components(const std::vector<std::uint8_t>& set, int columns, int rows);

}  // namespace ft::detection
