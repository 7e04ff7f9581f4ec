// Myotendinous tears read from the image: fluid opening between an aponeurosis and the fibre
// ends pulled off it. The motion-based path (CandidateEvaluation) needs tracked muscle at the
// fibre ends; where the gap widens beside the aponeurosis the speckle there changes and is
// lost (most of all under the scanner's speckle reduction), and the sliding of the
// aponeurosis against the muscle swamps the opening. A sonographer looks for the fluid.
#include <algorithm>
#include <cmath>
#include <optional>

#include "DetectionContext.h"
#include "ft/core/CandidateGates.h"
#include "ft/core/FascicleOrientation.h"
#include "ft/core/GapProfile.h"

namespace ft::detection {
namespace {

constexpr double kBandOffsetMm = 2.0;       // band centre from the plane's line, muscle side (the dip is
                                            // looked for within 2.5 mm of it: the layer on the plane)
constexpr double kProfileReachMm = 7.0;     // dark_band_width's profile, each side of its centre
constexpr double kBandHalfLengthMm = 1.0;   // the band averaged, the plane's line found, over +-1 mm of columns
constexpr double kPlaneSearchMm = 1.5;      // the plane's line in a later frame, around where the motion put it
// Where the muscle beside the plane is looked for: fibre ends pulled off retract several mm,
// and under speckle reduction the tracker loses the muscle next to the widening fluid.
constexpr double kMuscleFromMm = 1.0, kMuscleToMm = 8.0;
constexpr int kMinMuscleSamples = 2;        // every 0.5 mm: 1 mm of contracting muscle
// The fibres are read beyond the plane's own line, which the fascicle estimator reads as
// fibres within half its window of it (CompartmentMotion's clearance).
constexpr double kFibresFromMm = kFibresBeyondPlaneMm, kFibresToMm = kFibresFromMm + 4.0;
constexpr double kMaxUnsampledBridgeMm = 3.0;  // columns without a sample a run goes on across
constexpr double kMinRunMm = 3.0;           // along the plane at rest: a fibre bundle's attachment, not a speck
constexpr int kMinOpenColumns = 4;          // opening columns a run needs: what 3 mm held before gaps were bridged
constexpr double kOriginReachMm = 6.0;      // the muscle beside the fluid at peak: its tracked points this near ...
constexpr std::size_t kOriginPoints = 8;    // ... the nearest of them say where that muscle rested
constexpr int kMinOpenFrames = 3;           // the fluid stays open over a hold, not a frame's speckle

// One point of a plane, the muscle on one side of it, and its fluid layer at rest and at peak.
struct LayerSample {
  double rest_x = 0, rest_y = 0;  // the plane's line at rest (rest px)
  int side = 0;                   // -1: the muscle lies above the plane, +1: below
  int compartment = -1;           // the muscle's compartment (compartment_growth's label)
  double x0 = 0, y0 = 0;          // the plane's tissue on frame 0
  double peak_x = 0, peak_y = 0;  // the plane's line at peak
  BandWidth rest, peak;
  double peak_off_line_mm = 0;  // tissue between the plane's line and the layer at peak (off_the_line_mm)
  bool opens = false;
  // Placed on the plane's line at peak beyond its outermost carried sample (samples_at_peak): it
  // moves with the plane's point at the map's side (x0, y0), offset_x/y px from where the motion
  // puts that point, and rest_x, rest_y are that point's rest position with its offset from the
  // point's line at peak. Its `rest` band is read in frame first_seen: the first from rest
  // towards the peak where its tissue is in view.
  bool at_peak = false;
  double offset_x = 0, offset_y = 0;
  int first_seen = -1;
};
using Run = std::vector<const LayerSample*>;

// Whether some of the run's samples were placed at peak (samples_at_peak).
bool has_placed(const Run& run) {
  return std::any_of(run.begin(), run.end(), [](const LayerSample* s) { return s->at_peak; });
}

// A profile that ran into the region's edge or into darkness with no tissue beyond says
// nothing (dark_band_width leaves its contrast at 0); a faint band is still a width.
bool measured(const BandWidth& b) { return b.found || b.contrast > 0.0; }

// The frame-0 position of the tissue at rest position (x, y): fixed-point steps, the best
// kept (exact when rest is frame 0). Across a sliding plane the steps need not settle: false
// when even the best misses by more than 1 mm (the plane's line is then found again within
// 1.5 mm in each frame, and the muscle beside it is looked for over millimetres).
bool frame0_of_rest(const Context& ctx, double x, double y, double& x0, double& y0) {
  x0 = x;
  y0 = y;
  if (ctx.rest() == 0) return true;
  double qx = x, qy = y, best = 1e30;
  for (int it = 0; it < 8; ++it) {
    double rx, ry;
    position_in(ctx.m, ctx.rest(), qx, qy, rx, ry);
    const double miss = std::hypot((x - rx) * ctx.m.mm_per_px_x, (y - ry) * ctx.m.mm_per_px_y);
    if (miss < best) {
      best = miss;
      x0 = qx;
      y0 = qy;
    }
    qx += x - rx;
    qy += y - ry;
  }
  return best <= 1.0;
}

// Tracked points of contracting compartments (compartment_growth's labels) on `side` of the
// plane point, from_mm to to_mm from it (every 0.5 mm).
std::vector<std::size_t> muscle_beside(const Context& ctx, const CompartmentStatistics& compartments, double x, double y,
                                       int side, double from_mm = kMuscleFromMm, double to_mm = kMuscleToMm) {
  const DisplacementField& g = ctx.m.cumulative[0];
  std::vector<std::size_t> out;
  for (double d = from_mm; d <= to_mm + 1e-9; d += 0.5) {
    double x0, y0;
    if (!frame0_of_rest(ctx, x, y + side * d / ctx.m.mm_per_px_y, x0, y0)) continue;
    const long c = std::lround((x0 - g.origin_x_px) / g.step_px), r = std::lround((y0 - g.origin_y_px) / g.step_px);
    if (c < 0 || r < 0 || c >= g.columns || r >= g.rows) continue;
    const std::size_t i = g.index(int(c), int(r));
    if (compartments.label[i] >= 0) out.push_back(i);
  }
  return out;
}

// The plane's line near y: the brightest row (mean over +-half_px columns) within
// +-search_px. (The nearest bright local maximum instead, against an aponeurosis and the
// next muscle's epimysium 1-3 mm apart, locked onto the fibre ends' edge above a widening
// layer and read fluid on the other side of the plane: not used.)
// The grey summed over row y's columns x0..x1 inside the region, and how many were read.
struct GreySum {
  double sum = 0;
  int n = 0;
};
GreySum row_grey(const Frame& f, const PixelRect& r, int x0, int x1, int y) {
  GreySum g;
  if (y < r.y0_px || y > r.y1_px) return g;
  for (int xx = std::max(x0, r.x0_px); xx <= std::min(x1, r.x1_px); ++xx) {
    g.sum += f.value(xx, y);
    ++g.n;
  }
  return g;
}

double plane_row_near(const Frame& f, const PixelRect& r, double x, double y, double search_px, double half_px) {
  double best = -1.0, row = y;
  for (int yy = int(std::lround(y - search_px)); yy <= int(std::lround(y + search_px)); ++yy) {
    const auto [sum, n] = row_grey(f, r, int(std::lround(x - half_px)), int(std::lround(x + half_px)), yy);
    if (n > 0 && sum / n > best) {
      best = sum / n;
      row = yy;
    }
  }
  return row;
}

// The band as measured beside a plane on `side`; when its middle lies across the plane's
// line, no layer on this side (measured: width 0). The dip search (2.5 mm around a centre
// 2 mm off the line) reaches over the line and would read the other side's fluid as this side's.
BandWidth on_muscle_side(BandWidth b, int side) {
  if (side * (side * kBandOffsetMm + b.centre_offset_mm) <= 0.0) {
    b.found = false;
    b.width_mm = 0.0;
  }
  return b;
}

// The layer's band read at column x along a line of +-kBandHalfLengthMm that lies whole in the
// image: a column closer to the image's side is not read. A line cut short keeps more of the
// speckle (a "layer" at the right edge of intact muscle, seen through a focused beam, was a line
// cut to a third). Not slid inward instead: the columns near a side would all read one line, and
// one dip would make a run of them. in_view: whether column x has that room.
bool in_view(const Context& ctx, double x) {
  const PixelRect& b = ctx.m.region.bounds;
  const double room_px = std::min(x - b.x0_px, b.x1_px - 1 - x);  // bilinear sampling reads x + 1
  return room_px >= kBandHalfLengthMm / ctx.mm_per_px() - 1e-9;
}

BandWidth band_beside(const Context& ctx, const Frame& image, double x, double band_y, int side) {
  if (!in_view(ctx, x)) return {};
  return on_muscle_side(dark_band_width(image, ctx.m.region.bounds, x, band_y, 90.0, kBandHalfLengthMm, ctx.mm_per_px()),
                        side);
}

// How much tissue lies between the plane's line and the layer `band` read beside it on `side`
// (mm down the image, 0 where the layer begins at the line): from the line's edge to the layer's
// near edge. The line's edge is the last row, going out from its brightest row (line_y) towards
// the layer, still brighter than half way from the tissue's level to that row's grey: a thick
// aponeurosis is all line, and so is a second line of a doubled one on the way (the brighter of
// two lines 1-3 mm apart can be the far one).
double off_the_line_mm(const Context& ctx, const Frame& image, double x, double line_y, int side, const BandWidth& band) {
  const double mm = ctx.mm_per_px();
  const double near_mm = std::abs(side * kBandOffsetMm + band.centre_offset_mm) - 0.5 * band.width_mm;
  if (!band.found || near_mm <= 0.0) return 0.0;
  const int half_px = int(std::lround(kBandHalfLengthMm / ctx.m.mm_per_px_x)), column = int(std::lround(x));
  auto grey = [&](double y) {  // the row's mean over the band's columns and the rows beside
    GreySum all;
    for (int yy = int(std::lround(y)) - 1; yy <= int(std::lround(y)) + 1; ++yy) {
      const GreySum row = row_grey(image, ctx.m.region.bounds, column - half_px, column + half_px, yy);
      all.sum += row.sum;
      all.n += row.n;
    }
    return all.n > 0 ? all.sum / all.n : 0.0;
  };
  const double bright = 0.5 * (grey(line_y) + band.level);
  double edge_mm = 0.0;
  for (double d_px = 1.0; d_px * mm < near_mm; d_px += 1.0)
    if (grey(line_y + side * d_px) >= bright) edge_mm = d_px * mm;
  return near_mm - edge_mm;
}

// The fluid layer beside the plane point carried to frame k: the plane's line found near
// where the motion put it, the band measured on its muscle side.
BandWidth layer_in(const Context& ctx, const Frame& image, const LayerSample& s, double& plane_x, double& plane_y,
                   int k) {
  const double mm = ctx.mm_per_px();
  double x, y;
  position_in(ctx.m, k, s.x0, s.y0, x, y);
  x += s.offset_x;
  y += s.offset_y;
  plane_x = x;
  plane_y = plane_row_near(image, ctx.m.region.bounds, x, y, kPlaneSearchMm / mm, kBandHalfLengthMm / mm);
  return band_beside(ctx, image, x, plane_y + s.side * kBandOffsetMm / mm, s.side);
}

// Whether the band's profiles beside a plane line at row y, on either side, stay in the image.
bool profiles_in_image(const Context& ctx, double y) {
  const PixelRect& b = ctx.m.region.bounds;
  const double clear_px = (kBandOffsetMm + kProfileReachMm) / ctx.m.mm_per_px_y;
  return y - clear_px >= b.y0_px && y + clear_px <= b.y1_px;
}

std::vector<LayerSample> carried_samples(const Context& ctx, const CompartmentStatistics& compartments,
                                        const Frame& peak_image) {
  const double mm = ctx.mm_per_px();
  std::vector<LayerSample> out;
  for (std::size_t c = 0; c < ctx.planes.rows_px.size(); ++c) {
    const double x = ctx.planes.x0_px + double(c) * ctx.planes.step_px;
    for (double y : ctx.planes.rows_px[c]) {
      if (!profiles_in_image(ctx, y)) continue;
      for (int side : {-1, 1}) {
        const std::vector<std::size_t> muscle = muscle_beside(ctx, compartments, x, y, side);
        if (int(muscle.size()) < kMinMuscleSamples) continue;
        LayerSample s;
        s.rest_x = x;
        s.rest_y = y;
        s.side = side;
        s.compartment = most_common_compartment(compartments, muscle).label;
        if (!frame0_of_rest(ctx, x, y, s.x0, s.y0)) continue;
        s.rest = band_beside(ctx, ctx.rest_image, x, y + side * kBandOffsetMm / mm, side);
        if (!measured(s.rest)) continue;
        s.peak = layer_in(ctx, peak_image, s, s.peak_x, s.peak_y, ctx.peak());
        s.opens = gates::fluid_layer_opens(s.rest, s.peak, ctx.s);
        if (s.opens)  // only an opening layer is judged by it (rejected, off_the_plane)
          s.peak_off_line_mm = off_the_line_mm(ctx, peak_image, s.peak_x, s.peak_y, side, s.peak);
        out.push_back(s);
      }
    }
  }
  return out;
}

// The outermost carried sample on `side` of the plane that reaches the map's side at rest point
// (x, y), dir -1 the left side, +1 the right: the first met following the plane inward column by
// column (its row within a millimetre of the last), within kOutermostReachMm. Null where none is.
const LayerSample* outermost_carried(const Context& ctx, const std::vector<LayerSample>& carried, double x, double y,
                                     int dir, int side) {
  constexpr double kOutermostReachMm = 15.0;
  const double row_gap = 1.0 / ctx.m.mm_per_px_y, reach_px = kOutermostReachMm / ctx.m.mm_per_px_x;
  for (double xx = x, row = y; std::abs(xx - x) <= reach_px; xx -= dir * ctx.planes.step_px) {
    const std::optional<double> next = ctx.planes.plane_near(xx, row, row_gap);
    if (!next) continue;  // speckle hid the plane in this column
    row = *next;
    for (const LayerSample& s : carried)
      if (s.side == side && std::abs(s.rest_x - xx) < 0.5 && std::abs(s.rest_y - row) < 0.5) return &s;
  }
  return nullptr;
}

// Whether a carried sample of `s`'s side and muscle already lies at its column at peak (across
// a sliding plane carried positions can cross their neighbours').
bool carried_there_at_peak(const Context& ctx, const std::vector<LayerSample>& carried, const LayerSample& s) {
  return std::any_of(carried.begin(), carried.end(), [&](const LayerSample& c) {
    return c.side == s.side && c.compartment == s.compartment && std::abs(c.peak_x - s.peak_x) < 0.5 * ctx.planes.step_px &&
           std::abs(c.peak_y - s.peak_y) * ctx.m.mm_per_px_y <= 1.0;
  });
}

// The plane's point at a side of the map, dir -1 the left, +1 the right: at rest (x, y), on
// frame 0 (x0, y0), at peak where the motion puts it (px, py) and its line found again there
// (line_y).
struct PlaneAtSide {
  double x = 0, y = 0, x0 = 0, y0 = 0, px = 0, py = 0, line_y = 0;
  int dir = 0;
};

// The plane's line at peak followed on from `anchor` (its outermost carried sample on `side`)
// column by column to the image's side, while the peak image's plane map has it: the samples
// there, moving with the plane's point at the side.
void follow_out_at_peak(const Context& ctx, const PlaneMap& peak_planes, const Frame& peak_image,
                        const PlaneAtSide& at, const LayerSample& anchor, int side,
                        const std::vector<LayerSample>& carried, std::vector<LayerSample>& out) {
  const double mm = ctx.mm_per_px();
  const PixelRect& b = ctx.m.region.bounds;
  const double room_px = kBandHalfLengthMm / mm + 1.0;  // band_beside reads no nearer the side
  double yp = anchor.peak_y;
  for (double xp = anchor.peak_x + at.dir * ctx.planes.step_px; xp >= b.x0_px + room_px && xp <= b.x1_px - room_px;
       xp += at.dir * ctx.planes.step_px) {
    const std::optional<double> row = peak_planes.plane_near(xp, yp, 1.0 / ctx.m.mm_per_px_y);
    if (!row) return;  // the plane ends, or is lost, at peak
    yp = *row;
    if (!profiles_in_image(ctx, yp)) return;
    LayerSample s;
    s.at_peak = true;
    s.side = side;
    s.compartment = anchor.compartment;
    s.x0 = at.x0;
    s.y0 = at.y0;
    s.offset_x = xp - at.px;
    s.offset_y = yp - at.py;  // layer_in adds it to the motion's position, and searches for the line from there
    s.rest_x = at.x + s.offset_x;
    s.rest_y = at.y + (yp - at.line_y);
    s.peak_x = xp;
    s.peak_y = yp;
    // Outward of the anchor at rest too (the anchor need not have moved as the side did), and not
    // where a carried sample already lies at peak.
    if (at.dir * (s.rest_x - anchor.rest_x) <= 0 || carried_there_at_peak(ctx, carried, s)) continue;
    s.peak = band_beside(ctx, peak_image, xp, yp + side * kBandOffsetMm / mm, side);
    s.peak_off_line_mm = off_the_line_mm(ctx, peak_image, xp, yp, side, s.peak);
    out.push_back(s);
  }
}

// The plane at peak beyond its outermost carried sample, on to the image's side, where the
// plane slid into the image. The deep aponeurosis slides 15-35 mm against the muscle above it:
// at peak the image shows plane that lay beyond its side at rest, and fibre ends pulled off there
// lie over it (held-out 55000: the fluid 0-11 mm from the left side at peak, over aponeurosis
// that rested up to 15 mm beyond it). Beside the plane near that side at rest the muscle leaves
// the view by peak and is not tracked, so no carried sample is made there either. So where a
// plane that runs to a side of the map at rest slid inward from it (its point at the map's side
// by at least kMinSlideMm), its line at peak is followed on outward from its outermost carried
// sample of each side (follow_out_at_peak). Each point moves with the plane's point at the side,
// rigidly: the aponeurosis barely stretches, and an outermost sample up to 15 mm in, tracked
// across the sliding plane, need not move as the side does; a plane turning 2-3 deg between
// frames puts a point's line 1-1.5 mm off over 30 mm, within layer_in's 1.5 mm search. Its band
// is read first where its tissue is in view: at rest, or as it enters the image
// (read_where_first_seen). What the plane
// carries in with it (a vein, fat) is as dark as it enters as at peak, and does not open; fluid
// of fibre ends pulled off reaches it later. A vein in the muscle beneath moves with that muscle,
// not the plane's line, and can come under a point after it entered: its round shape refuses it
// (rejected, not_a_layer).
constexpr double kMinSlideMm = 1.0;

std::vector<LayerSample> samples_at_peak(const Context& ctx, const std::vector<LayerSample>& carried,
                                         const Frame& peak_image) {
  std::vector<LayerSample> out;
  if (ctx.planes.rows_px.empty()) return out;
  std::optional<PlaneMap> peak_planes;  // made where a plane slid in
  const std::size_t last = ctx.planes.rows_px.size() - 1;
  std::vector<const LayerSample*> followed;  // two rows of a side's column may lead to one sample
  for (const auto& [column, dir] : {std::pair<std::size_t, int>{0, -1}, {last, 1}})
    for (double y : ctx.planes.rows_px[column]) {
      PlaneAtSide at{ctx.planes.x0_px + double(column) * ctx.planes.step_px, y};
      at.dir = dir;
      if (!frame0_of_rest(ctx, at.x, at.y, at.x0, at.y0)) continue;
      position_in(ctx.m, ctx.peak(), at.x0, at.y0, at.px, at.py);
      if (dir * (at.x - at.px) * ctx.m.mm_per_px_x < kMinSlideMm) continue;  // it did not slide into the image
      const double mm = ctx.mm_per_px();
      at.line_y = plane_row_near(peak_image, ctx.m.region.bounds, at.px, at.py, kPlaneSearchMm / mm, kBandHalfLengthMm / mm);
      if (!peak_planes)
        peak_planes = plane_map(peak_image, ctx.m.region.bounds, ctx.planes.step_px, ctx.m.mm_per_px_x, ctx.m.mm_per_px_y);
      for (int side : {-1, 1}) {
        const LayerSample* anchor = outermost_carried(ctx, carried, at.x, at.y, dir, side);
        if (!anchor || std::find(followed.begin(), followed.end(), anchor) != followed.end()) continue;
        followed.push_back(anchor);
        follow_out_at_peak(ctx, *peak_planes, peak_image, at, *anchor, side, carried, out);
      }
    }
  return out;
}

// Each sample placed at peak read first where its tissue is in view, from rest towards the peak
// (every frame decoded once for all of them); it opens against that reading. One never read
// before the peak is dropped: nothing to open against.
void read_where_first_seen(const Context& ctx, std::vector<LayerSample>& placed) {
  const int step = ctx.peak() >= ctx.rest() ? 1 : -1;
  std::size_t unread = placed.size();
  for (int k = ctx.rest(); k != ctx.peak() && unread > 0; k += step) {
    const Frame image = ctx.frame_at(k);
    for (LayerSample& s : placed) {
      if (s.first_seen >= 0) continue;
      double x, y;
      const BandWidth b = layer_in(ctx, image, s, x, y, k);
      if (!measured(b)) continue;  // out of view (band_beside reads nothing there), or no band
      s.first_seen = k;
      s.rest = b;
      s.opens = gates::fluid_layer_opens(s.rest, s.peak, ctx.s);
      --unread;
    }
  }
  placed.erase(std::remove_if(placed.begin(), placed.end(), [](const LayerSample& s) { return s.first_seen < 0; }),
               placed.end());
}

std::vector<LayerSample> layer_samples(const Context& ctx, const CompartmentStatistics& compartments) {
  const Frame peak_image = ctx.frame_at(ctx.peak());
  std::vector<LayerSample> samples = carried_samples(ctx, compartments, peak_image);
  std::vector<LayerSample> beyond = samples_at_peak(ctx, samples, peak_image);
  read_where_first_seen(ctx, beyond);
  samples.insert(samples.end(), beyond.begin(), beyond.end());
  return samples;
}

// Whether a column between a and b of their plane, side and compartment was measured and did
// not open where the layer between them lies at peak: the layer is known to stay closed there.
// A column whose plane point the motion carried elsewhere (across a sliding plane the carried
// positions of neighbouring columns can cross) was measured beside another stretch of the
// plane, and says nothing about this one.
bool closed_between(const std::vector<LayerSample>& samples, const LayerSample& a, const LayerSample& b, double row_gap) {
  const double lo = std::min(a.peak_x, b.peak_x), hi = std::max(a.peak_x, b.peak_x);
  return std::any_of(samples.begin(), samples.end(), [&](const LayerSample& s) {
    return !s.opens && s.side == a.side && s.compartment == a.compartment && s.rest_x > a.rest_x && s.rest_x < b.rest_x &&
           std::abs(s.rest_y - a.rest_y) <= row_gap && s.peak_x >= lo && s.peak_x <= hi;
  });
}

// Runs of opening samples along one plane, side and compartment: columns up to two steps
// apart (one noisy column does not split a lesion), the plane's line within 1 mm. Columns
// with no sample at all (the plane's rest position not traced back to frame 0, as happens
// where the tissue tears and the fixed-point steps do not settle), or measured closed where
// the motion carried them past the stretch (closed_between), say nothing: across up to
// kMaxUnsampledBridgeMm of them a run goes on (the run then still needs kMinOpenColumns).
std::vector<Run> opening_runs(const Context& ctx, const std::vector<LayerSample>& samples) {
  Run open;
  for (const LayerSample& s : samples)
    if (s.opens) open.push_back(&s);
  std::sort(open.begin(), open.end(), [](const LayerSample* a, const LayerSample* b) { return a->rest_x < b->rest_x; });
  std::vector<Run> runs;
  const double column_gap = 2.5 * ctx.planes.step_px, row_gap = 1.0 / ctx.m.mm_per_px_y;
  const double bridge = kMaxUnsampledBridgeMm / ctx.m.mm_per_px_x;
  for (const LayerSample* s : open) {
    bool joined = false;
    for (auto& run : runs) {
      const LayerSample* last = run.back();
      const double dx = s->rest_x - last->rest_x;
      if (last->side == s->side && last->compartment == s->compartment && std::abs(s->rest_y - last->rest_y) <= row_gap &&
          (dx <= column_gap || (dx <= bridge && !closed_between(samples, *last, *s, row_gap)))) {
        run.push_back(s);
        joined = true;
        break;
      }
    }
    if (!joined) runs.push_back({s});
  }
  return runs;
}

double run_length_mm(const Context& ctx, const Run& run) {
  return std::hypot((run.back()->rest_x - run.front()->rest_x) * ctx.m.mm_per_px_x,
                    (run.back()->rest_y - run.front()->rest_y) * ctx.m.mm_per_px_y) +
         ctx.planes.step_px * ctx.m.mm_per_px_x;
}

// How far along the plane the run saw fluid at peak: the span of its samples' columns there (a
// column step added, as at rest). Across a sliding plane the motion can carry the plane's
// points apart: a run 3.5 mm long at rest saw a layer 14 mm long over 10 mm at peak.
double run_length_at_peak_mm(const Context& ctx, const Run& run) {
  const auto [left, right] = std::minmax_element(run.begin(), run.end(), [](const LayerSample* a, const LayerSample* b) {
    return a->peak_x < b->peak_x;
  });
  return std::hypot(((*right)->peak_x - (*left)->peak_x) * ctx.m.mm_per_px_x,
                    ((*right)->peak_y - (*left)->peak_y) * ctx.m.mm_per_px_y) +
         ctx.planes.step_px * ctx.m.mm_per_px_x;
}

// The samples of `from`'s plane and muscle (its side and compartment) between rest columns xa
// and xb, in order: the plane followed column by column from `from`, its line within 1 mm of the
// last column's (another plane of the same column is passed over). Columns without a sample are
// walked across as far as a run bridges them.
std::vector<const LayerSample*> along_the_plane(const Context& ctx, const std::vector<LayerSample>& samples,
                                                const LayerSample& from, double xa, double xb) {
  std::vector<const LayerSample*> same;
  for (const LayerSample& s : samples)
    if (s.side == from.side && s.compartment == from.compartment) same.push_back(&s);
  std::sort(same.begin(), same.end(), [](const LayerSample* a, const LayerSample* b) { return a->rest_x < b->rest_x; });
  const double row_gap = 1.0 / ctx.m.mm_per_px_y, column_gap = std::max(2.5 * ctx.planes.step_px, kMaxUnsampledBridgeMm / ctx.m.mm_per_px_x);
  const double lo = std::min(xa, xb) - column_gap, hi = std::max(xa, xb) + column_gap;
  std::vector<const LayerSample*> along{&from};
  for (int dir : {-1, 1}) {
    const LayerSample* last = &from;
    for (long i = long(std::find(same.begin(), same.end(), &from) - same.begin()) + dir; i >= 0 && i < long(same.size());
         i += dir) {
      const LayerSample* s = same[std::size_t(i)];
      if (s->rest_x < lo || s->rest_x > hi || std::abs(s->rest_x - last->rest_x) > column_gap) break;
      if (std::abs(s->rest_y - last->rest_y) > row_gap) continue;  // another plane of the same column
      along.push_back(s);
      last = s;
    }
  }
  std::sort(along.begin(), along.end(), [](const LayerSample* a, const LayerSample* b) { return a->rest_x < b->rest_x; });
  return along;
}

// Where the muscle beside the fluid at peak (x, y) lay on frame 0: the mean frame-0 position
// of the nearest tracked points of its own compartment at peak (within kOriginReachMm). The
// aponeurosis moves with the other muscle while this one slides 15-35 mm along it: the fluid
// at peak lies beside muscle that rested elsewhere along the plane. False when none is near.
bool frame0_origin(const Context& ctx, const CompartmentStatistics& compartments, int compartment, double x, double y,
                   double& x0, double& y0) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const DisplacementField& at_peak = ctx.m.cumulative[std::size_t(ctx.peak())];
  std::vector<std::pair<double, std::size_t>> near;
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (!ctx.muscle[i] || compartments.label[i] != compartment) continue;
    const int c = column_of(g, i), r = row_of(g, i);
    const double d = std::hypot((g.x_px(c) + at_peak.dx_px[i] - x) * ctx.m.mm_per_px_x,
                                (g.y_px(r) + at_peak.dy_px[i] - y) * ctx.m.mm_per_px_y);
    if (d <= kOriginReachMm) near.emplace_back(d, i);
  }
  if (near.empty()) return false;
  std::sort(near.begin(), near.end());
  near.resize(std::min<std::size_t>(near.size(), kOriginPoints));
  x0 = y0 = 0;
  for (const auto& [d, i] : near) {
    x0 += g.x_px(column_of(g, i));
    y0 += g.y_px(row_of(g, i));
  }
  x0 /= double(near.size());
  y0 /= double(near.size());
  return true;
}

// The layer at rest under the muscle that lies beside the fluid at peak and rested at frame-0
// point `muscle` (frame0_origin; vertical mm as dark_band_width reads it, 0 where none is seen):
// read on the mean profile of the plane's columns within half_length_mm of where that muscle rested, against the same plane's
// columns kIntactClearMm to kIntactClearMm + kReferenceMm beyond them that neither opened nor
// show fluid at rest in their own band (layer_beside_plane). A 0.6 mm layer over an aponeurosis,
// 1.9 mm along fibres at 18 deg, read 0 in every column alone. Where the muscle rested, not the
// plane points beside the fluid at peak: the aponeurosis slides 15-35 mm under the muscle, and
// those lay under intact muscle at rest. The plane is the one nearest that muscle among `of`'s
// side and compartment, followed column by column (along_the_plane): a septum or the second line
// of a doubled aponeurosis is another plane. nullopt where it cannot be read (too little plane,
// no layer shape): the columns' own readings stand.
constexpr double kIntactClearMm = 3.0, kReferenceMm = 10.0, kMinRestHalfMm = 2.0;

std::optional<double> rest_layer_on_mean_mm(const Context& ctx, const std::vector<LayerSample>& samples,
                                            const LayerSample& of, const PointPx& muscle, double half_length_mm) {
  double rx, ry;
  position_in(ctx.m, ctx.rest(), muscle.x, muscle.y, rx, ry);
  const LayerSample* nearest = nullptr;  // the plane nearest the muscle, in the column nearest it
  const double column_reach = 1.5 * ctx.planes.step_px;
  for (const LayerSample& s : samples)
    if (!s.at_peak && s.side == of.side && s.compartment == of.compartment && std::abs(s.rest_x - rx) <= column_reach &&
        (!nearest || std::abs(s.rest_y - ry) < std::abs(nearest->rest_y - ry)))
      nearest = &s;
  if (!nearest) return std::nullopt;
  const double half_px = half_length_mm / ctx.m.mm_per_px_x;
  const double clear_px = half_px + kIntactClearMm / ctx.m.mm_per_px_x, reach_px = clear_px + kReferenceMm / ctx.m.mm_per_px_x;
  std::vector<PointPx> torn, intact;
  for (const LayerSample* s : along_the_plane(ctx, samples, *nearest, rx - reach_px, rx + reach_px)) {
    if (s->at_peak) continue;  // its rest position extrapolated, maybe beyond the image
    const double off = std::abs(s->rest_x - rx);
    if (off <= half_px) torn.push_back({s->rest_x, s->rest_y});
    else if (off > clear_px && off <= reach_px && !s->opens && gates::fluid_width_mm(s->rest, ctx.s) == 0.0)
      intact.push_back({s->rest_x, s->rest_y});
  }
  const std::optional<BandWidth> layer = layer_beside_plane(ctx.rest_image, ctx.m.region.bounds, torn, intact, of.side,
                                                            kBandHalfLengthMm, ctx.m.mm_per_px_x, ctx.m.mm_per_px_y);
  if (!layer) return std::nullopt;
  return layer->found ? layer->width_mm : 0.0;
}

// The direction (deg, image px) from (xa, ya) to (xb, yb).
double direction_px_deg(double xa, double ya, double xb, double yb) { return std::atan2(yb - ya, xb - xa) * kDeg; }

// Whether a compartment's fascicles (one family: kMinFascicleAgreement, not a bipennate muscle's
// two) stand in for the fibres read beside a run at rest (`read_deg`): the reading lies across
// the plane's direction from them, and is no fibres of this muscle. Through a focused beam the
// muscle 3.5-7.5 mm above a deep aponeurosis read -10.4 deg against its compartment's +16.1 at
// rest (+39.6 at peak), and a 1.97 mm layer read as a 13.4 mm gap along them (41000
// myotendinous through the grabber). Only where each side is clear: the reading
// kAlongThePlaneDeg off the plane (as each of its directions is), the fascicles kClearOfPlaneDeg
// off it at rest and at peak, on one side (near the plane a sign is noise, and a gap read along
// fibres nearly parallel to the plane grows without bound). On the way to the peak the
// compartments carry no angle at peak (not read there): the reading stands.
constexpr double kAlongThePlaneDeg = 5.0;

double off_plane_deg(double deg, double plane_deg) { return std::remainder(deg - plane_deg, 180.0); }

// The compartment's fascicles are one family, clear of the plane at rest and at peak on one side of it.
bool fascicles_clear_of_plane(const EvidenceMaps::CompartmentEvidence& own, double plane_deg) {
  constexpr double kClearOfPlaneDeg = 10.0;
  return std::isfinite(own.fascicle_rest_deg) && std::isfinite(own.fascicle_peak_deg) &&
         own.fascicle_peak_agreement >= kMinFascicleAgreement &&
         std::abs(off_plane_deg(own.fascicle_rest_deg, plane_deg)) >= kClearOfPlaneDeg &&
         std::abs(off_plane_deg(own.fascicle_peak_deg, plane_deg)) >= kClearOfPlaneDeg &&
         off_plane_deg(own.fascicle_rest_deg, plane_deg) * off_plane_deg(own.fascicle_peak_deg, plane_deg) > 0.0;
}

bool compartment_stands_in(const EvidenceMaps::CompartmentEvidence& own, double read_deg, double plane_deg) {
  return fascicles_clear_of_plane(own, plane_deg) && std::abs(off_plane_deg(read_deg, plane_deg)) >= kAlongThePlaneDeg &&
         off_plane_deg(read_deg, plane_deg) * off_plane_deg(own.fascicle_rest_deg, plane_deg) < 0.0;
}

// Fibre direction (deg) of the muscle beside the run at rest, where the texture shows one, and
// at peak: carried there by each point's own deformation, or as read on the peak image where
// that reading is kUnderCarriedDeg to kMaxTurnDeg steeper to the plane than the carried one, on
// the same side of it (gates::take_fibres_read): the tracking under-carried the turn (under
// speckle reduction it carried a detachment's fibres from 18.6 to 23 deg against about 38: gap
// 8.4 mm against 5.7). Not a reading flatter than the
// carried one: the fluid layer's edges and the plane's line read as fibres along the plane. Nor
// one that agrees within kUnderCarriedDeg: there the peak image reads a few degrees steep (on
// the development set every such gap came out 0.1-0.4 mm shorter, away from the truth).
// The directions are the fibres' only: the plane's line and the layer's edges read as
// directions along the plane beside them (within kAlongThePlaneDeg of its local direction, the
// line through the neighbouring samples of the run, in the px space the fibres are read in: an
// aponeurosis curves), and a median over both flips between the two (held-out 46001 under
// speckle reduction: 46 of 94 readings at 0-2 deg, the rest at 18-26; the median read 17.5 or
// 8.2 deg as a hundredth of a pixel of tracking moved a point, the gap 4.4 or 8.3 mm against
// 4.7). So at rest, and on the peak image against the plane where it lies at peak. Where fewer
// than kMinReadPoints rest readings cross the plane, none is taken for the fibres' (the muscle's
// dominant direction stands in): the plane's line is no fallback.
// nullopt where no point of the run's own compartment shows a direction across the plane.
std::optional<double> fibres_at_peak_deg(const Context& ctx, const CompartmentStatistics& compartments, const Run& run,
                                         double plane_deg, double& at_rest_deg) {
  constexpr double kUnderCarriedDeg = 10.0, kMaxTurnDeg = 30.0;
  constexpr std::size_t kMinReadPoints = 5;
  const bool read_at_peak = !ctx.fibres_at_peak.angle_deg.empty();  // not on the way to the peak
  std::vector<double> rest, peak, seen;
  for (std::size_t j = 0; j < run.size(); ++j) {
    const LayerSample& before = *run[j == 0 ? 0 : j - 1];
    const LayerSample& after = *run[std::min(run.size() - 1, j + 1)];
    const LayerSample* s = run[j];
    if (s->at_peak) continue;  // no muscle tracked beside it at rest
    const double plane_rest_px_deg = direction_px_deg(before.rest_x, before.rest_y, after.rest_x, after.rest_y);
    const double plane_peak_px_deg = direction_px_deg(before.peak_x, before.peak_y, after.peak_x, after.peak_y);
    for (std::size_t i : muscle_beside(ctx, compartments, s->rest_x, s->rest_y, s->side, kFibresFromMm, kFibresToMm)) {
      if (compartments.label[i] != s->compartment) continue;                 // across another plane: another muscle
      if (ctx.fibres.coherence[i] < ctx.s.min_fibre_coherence) continue;  // no direction there (read as 0)
      if (gates::crosses_the_plane(ctx.fibres.angle_deg[i], plane_rest_px_deg, kAlongThePlaneDeg)) {
        rest.push_back(ctx.fibres.angle_deg[i]);
        peak.push_back(carried_direction_deg(ctx.rest_to_peak[i], ctx.fibres.angle_deg[i]));
      }
      if (read_at_peak && ctx.fibres_at_peak.coherence[i] >= ctx.s.min_fibre_coherence &&
          gates::crosses_the_plane(ctx.fibres_at_peak.angle_deg[i], plane_peak_px_deg, kAlongThePlaneDeg))
        seen.push_back(ctx.fibres_at_peak.angle_deg[i]);
    }
  }
  const EvidenceMaps::CompartmentEvidence& own = compartments.each[std::size_t(run.front()->compartment)];
  if (rest.size() < kMinReadPoints) {
    // Beside the plane followed at peak past the carried samples no muscle was tracked at rest:
    // the compartment's fascicles (one family, clear of the plane) stand in, as the muscle's
    // dominant direction does not turn with the contraction (20 -> 45 deg: the gap read along it
    // would be nearly twice too long).
    if (!has_placed(run) || !fascicles_clear_of_plane(own, plane_deg)) return std::nullopt;
    at_rest_deg = own.fascicle_rest_deg;
    return own.fascicle_peak_deg;
  }
  at_rest_deg = median_of(rest);
  if (compartment_stands_in(own, at_rest_deg, plane_deg)) {
    at_rest_deg = own.fascicle_rest_deg;
    return own.fascicle_peak_deg;
  }
  const double carried = median_of(peak);
  if (seen.size() < kMinReadPoints || 2 * seen.size() < rest.size()) return carried;
  const double read = median_of(seen);
  // Fascicles turn together across their compartment. A reading beside the fluid that agrees with
  // the compartment's own at peak (fascicle scale, CompartmentGrowth) where the carried direction
  // does not: the tracking mis-carried the turn (check clip 30001 under speckle reduction carried
  // 19 -> 54 deg; read 40 beside the fluid, 39 over the muscle, truth 40: gap 4.1 mm against 5.6).
  // As for any reading, not across the plane's direction from the carried one (mirrored), not
  // nearly along the plane (its line, the layer's edges: a compartment that holds both halves of
  // a bipennate muscle averages to about 0 deg), and within kMaxTurnDeg of the carried one.
  const double compartment_deg = compartments.each[std::size_t(run.front()->compartment)].fascicle_peak_deg;
  const double read_off = std::remainder(read - plane_deg, 180.0), carried_off = std::remainder(carried - plane_deg, 180.0);
  if (std::isfinite(compartment_deg) && gates::axial_difference_deg(read, compartment_deg) <= kUnderCarriedDeg &&
      gates::axial_difference_deg(carried, compartment_deg) > kUnderCarriedDeg && read_off * carried_off > 0.0 &&
      std::abs(read_off) >= kUnderCarriedDeg && std::abs(read_off - carried_off) <= kMaxTurnDeg)
    return read;
  // Never merely agreeing (agree_deg < 0): only a turn the tracking clearly under-carried.
  return gates::take_fibres_read(read, carried, plane_deg, -1.0, kUnderCarriedDeg, kMaxTurnDeg) ? read : carried;
}

// The finding of one run: centred on the fluid at peak, its gap read along the fibres that
// pulled off (the layer is crossed obliquely, at the fibres' angle to the plane). `along`: what
// the gap was read from (the gates judge how much the fibres' angle decides it).
TearFinding finding_of(const Context& ctx, const CompartmentStatistics& compartments, const Run& run,
                       CandidateEvidence& ev, gates::LayerAlongFibres& along) {
  double px = 0, py = 0, rest_gap = 0, peak_gap = 0, contrast = 0;
  for (const LayerSample* s : run) {
    px += s->peak_x;
    py += s->peak_y + (s->side * kBandOffsetMm + s->peak.centre_offset_mm) / ctx.m.mm_per_px_y;  // the layer's middle
    rest_gap += gates::layer_before_mm(s->rest, s->peak, ctx.s);  // a faint band at rest is no visible layer
    peak_gap += s->peak.width_mm;
    contrast += s->peak.contrast;
  }
  const double n = double(run.size());
  px /= n, py /= n, rest_gap /= n, peak_gap /= n, contrast /= n;
  const LayerSample& first = *run.front();
  const LayerSample& last = *run.back();
  const LayerSample& middle = *run[run.size() / 2];
  const double plane_deg = std::atan2((last.rest_y - first.rest_y) * ctx.m.mm_per_px_y,
                                      (last.rest_x - first.rest_x) * ctx.m.mm_per_px_x) * kDeg;
  // Without a fibre direction beside the run, the muscle's dominant one (at rest and at peak).
  double fibre_rest_deg = ctx.dominant_fibre_deg;
  const std::optional<double> fibres_measured = fibres_at_peak_deg(ctx, compartments, run, plane_deg, fibre_rest_deg);
  const double fibre_peak_deg = fibres_measured.value_or(fibre_rest_deg);
  TearFinding f;
  f.kind = TearKind::Myotendinous;
  f.frame = ctx.peak();
  f.centre_col_px = px;
  f.centre_row_px = py;
  f.centre_x_mm = (px - ctx.m.region.bounds.x0_px) * ctx.m.mm_per_px_x;
  f.centre_z_mm = (py - ctx.m.region.bounds.y0_px) * ctx.m.mm_per_px_y;
  f.surface_angle_deg = plane_deg + 90.0;  // from the vertical: the surface runs along the plane
  f.fibre_angle_deg = fibre_peak_deg;
  along = {rest_gap, peak_gap, fibre_rest_deg, fibre_peak_deg, plane_deg};
  f.gap_rest_mm = along.rest_gap_mm();
  f.gap_mm = std::max(f.gap_rest_mm, along.peak_gap_mm());
  f.opening_mm = f.gap_mm - f.gap_rest_mm;
  f.retraction_mm = 0.5 * f.opening_mm;  // as for every finding: the mean of the two sides
  // Only the muscle's side retracts, the aponeurosis stays. The surface normal (plane + 90 deg)
  // points down the image: away from muscle above the plane.
  (middle.side < 0 ? f.retraction_left_mm : f.retraction_right_mm) = f.opening_mm;
  const double length_mm = run_length_mm(ctx, run);
  // The muscle beside the middle of the run, for its thickness (placed at peak: beside the plane's
  // point at the map's side that it moves with).
  double mx0 = middle.x0, my0 = middle.y0 + (middle.at_peak ? middle.side * kBandOffsetMm / ctx.m.mm_per_px_y : 0.0);
  double bx0, by0;
  if (!middle.at_peak &&
      frame0_of_rest(ctx, middle.rest_x, middle.rest_y + middle.side * kBandOffsetMm / ctx.m.mm_per_px_y, bx0, by0)) {
    mx0 = bx0;
    my0 = by0;
  }
  f.muscle_thickness_mm = compartment_thickness_mm(ctx, mx0, my0, kMuscleToMm);
  f.extent_pct = f.muscle_thickness_mm > 0 ? std::min(100.0, 100.0 * length_mm / f.muscle_thickness_mm) : -1.0;
  f.grade = grade_of(f.kind, f.extent_pct, f.retraction_mm);
  const double z = 3.0 * ((peak_gap - rest_gap) / ctx.s.min_opening_mm - 1.0) + 4.0 * (contrast - 0.15);
  f.confidence = 1.0 / (1.0 + std::exp(-z));

  ev.centre_col_px = mx0;
  ev.centre_row_px = my0;
  ev.points = int(run.size());
  ev.surface_normal_deg = plane_deg + 90.0;
  ev.fibre_angle_deg = fibre_rest_deg;
  ev.fibres_pulled_off_deg = fibres_measured ? fibre_rest_deg : kUnmeasured;
  ev.fibre_cut = gates::fibre_cut(fibre_rest_deg, ev.surface_normal_deg);
  // Not a patch of motion: its area growth, opening share and surroundings were not measured.
  ev.area_mm2 = kUnmeasured;
  ev.log_area_growth = kUnmeasured;
  ev.opening_share = kUnmeasured;
  ev.surround_tracked_share = kUnmeasured;
  ev.length_along_mm = length_mm;
  ev.opening_mm = f.opening_mm;
  ev.best_frame = ctx.peak();
  ev.band_rest_mm = rest_gap;
  ev.band_peak_mm = peak_gap;
  ev.band_contrast = contrast;
  // Across the plane, where three quarters of the run's columns or more lie at least as far off:
  // a detachment's fluid touches the line at least where it is widest; a slit in the muscle nowhere.
  std::vector<double> off_plane;
  for (const LayerSample* s : run) off_plane.push_back(s->peak_off_line_mm);
  std::sort(off_plane.begin(), off_plane.end());
  ev.band_off_plane_mm = off_plane[off_plane.size() / 4] * std::cos(plane_deg / kDeg);
  ev.near_aponeurosis = true;
  ev.kind = "myotendinous";
  return f;
}

// Gap-time curves: the layer at each sample followed through the clip, every frame decoded
// once for all of them, read along the fibres (turning from their rest to their finding's
// peak angle as the muscle shortens); where the layer is not found, the finding's rest gap.
struct FollowedGap {
  const LayerSample* sample;
  TearFinding* finding;
  std::vector<double>* measured = nullptr;  // when set: the raw widths, NaN where the layer was lost contracted
};

void follow_gaps(const Context& ctx, const std::vector<FollowedGap>& gaps, double plane_deg, double fibre_rest_deg) {
  for (const FollowedGap& g : gaps) {
    g.finding->gap_by_frame_mm.clear();
    g.finding->gap_measured_by_frame.clear();
    if (g.measured) g.measured->clear();
  }
  for (int k = 0; k < ctx.m.frame_count(); ++k) {
    const Frame image = ctx.frame_at(k);
    const double share = ctx.contraction.peak_strain < 0
                             ? std::clamp(ctx.contraction.strain_by_frame[std::size_t(k)] / ctx.contraction.peak_strain, 0.0, 1.0)
                             : 0.0;
    for (const FollowedGap& g : gaps) {
      double x, y;
      const BandWidth b = layer_in(ctx, image, *g.sample, x, y, k);
      TearFinding& f = *g.finding;
      const double fibre_deg = fibre_rest_deg + share * std::remainder(f.fibre_angle_deg - fibre_rest_deg, 180.0);  // axial
      // A faint band where the fluid lies at peak is no layer, as at rest (gates::layer_before_mm).
      const bool seen = b.found && !gates::fainter_than_fluid(b, g.sample->peak, ctx.s);
      f.gap_by_frame_mm.push_back(seen ? gates::along_fibres_mm(b.width_mm, fibre_deg, plane_deg) : f.gap_rest_mm);
      // Relaxed, an unseen layer is a closed one; contracted, it may be lost (JPEG, a repeat).
      // Out of the image it is not seen at all: a plane that slides in with each contraction is
      // not shown closed by having been beyond the image's side while relaxed.
      const bool measured = seen || (share < 0.3 && in_view(ctx, x));
      f.gap_measured_by_frame.push_back(measured ? 1 : 0);
      if (g.measured) g.measured->push_back(measured ? f.gap_by_frame_mm.back() : kUnmeasured);
    }
  }
  // One frame's speckle can move the band's edge by a millimetre. A measured frame between two
  // that were not takes their rest gap from the median: no longer its own reading.
  for (const FollowedGap& g : gaps) {
    g.finding->gap_by_frame_mm = gates::running_median3(std::move(g.finding->gap_by_frame_mm));
    g.finding->gap_measured_by_frame = gates::readings_after_median3(g.finding->gap_measured_by_frame);
  }
}

// The layer's middle at peak, frame px.
void layer_middle_at_peak(const Context& ctx, const LayerSample& s, double& x, double& y) {
  x = s.peak_x;
  y = s.peak_y + (s.side * kBandOffsetMm + s.peak.centre_offset_mm) / ctx.m.mm_per_px_y;
}

// A run's finding measured on its wide stretch at peak (gates::stretch_around_largest: at least
// kWideShare of the widest layer): placed at the middle of the stretch's extent, its gap read
// where the layer is widest. Fibres pulled off retract furthest in the middle of the detached
// stretch, and a sonographer measures the gap there: the run's mean read a 5.6 mm gap as 3.5.
// The middle of the extent, not a mean over its samples: the contraction squeezes parts of the
// plane, piling their samples up at peak (the run's mean was pulled 4 mm off a gap); nor where
// the layer opened most from rest: a detachment's own rest gap is seen at rest in some columns
// and not in others. The gates read the run's mean layer, followed at its middle; this reading
// replaces it once they pass, unless it no longer opens by min_opening_mm (the stretch's rest
// layer wider than the run's mean): then nullopt, and the run's own measurement stands. Its
// gap-time curve is followed with the gates' (follow_gaps), at `widest`.
constexpr double kWideShare = 0.75;

struct WideStretchReading {
  TearFinding finding;
  gates::LayerAlongFibres along;  // what its gap was read from
  const LayerSample* widest = nullptr;
  std::optional<PointPx> muscle_origin;  // frame0_origin of the muscle beside it, where found
};

std::optional<WideStretchReading> on_wide_stretch(const Context& ctx, const CompartmentStatistics& compartments,
                                                  const std::vector<LayerSample>& samples, const Run& run,
                                                  const CandidateEvidence& ev, TearFinding f) {
  std::vector<double> peak_widths;
  for (const LayerSample* s : run) peak_widths.push_back(s->peak.width_mm);
  const gates::Stretch wide = gates::stretch_around_largest(peak_widths, kWideShare);
  const LayerSample* left = run[wide.first];
  const LayerSample* right = run[wide.first];
  std::vector<double> rest_widths;
  for (std::size_t i = wide.first; i <= wide.last; ++i) {
    if (run[i]->peak_x < left->peak_x) left = run[i];
    if (run[i]->peak_x > right->peak_x) right = run[i];
    rest_widths.push_back(gates::layer_before_mm(run[i]->rest, run[i]->peak, ctx.s));  // a faint band at rest is no visible layer
  }
  double xl, yl, xr, yr;
  layer_middle_at_peak(ctx, *left, xl, yl);
  layer_middle_at_peak(ctx, *right, xr, yr);
  f.centre_col_px = 0.5 * (xl + xr);
  f.centre_row_px = 0.5 * (yl + yr);
  f.centre_x_mm = (f.centre_col_px - ctx.m.region.bounds.x0_px) * ctx.m.mm_per_px_x;
  f.centre_z_mm = (f.centre_row_px - ctx.m.region.bounds.y0_px) * ctx.m.mm_per_px_y;
  const double plane_deg = ev.surface_normal_deg - 90.0;
  const LayerSample* widest = run[wide.largest];
  // The rest layer under the muscle beside the wide stretch, over the whole run's length: a few
  // millimetres of columns leave too much speckle in their mean.
  std::optional<PointPx> origin;
  double x0, y0;
  if (frame0_origin(ctx, compartments, widest->compartment, f.centre_col_px, f.centre_row_px, x0, y0)) origin = PointPx{x0, y0};
  const double half_mm = std::max(kMinRestHalfMm, 0.5 * run_length_at_peak_mm(ctx, run));
  std::optional<double> rest_width;
  if (origin) rest_width = rest_layer_on_mean_mm(ctx, samples, *widest, *origin, half_mm);
  if (!rest_width) rest_width = median_of(rest_widths);
  const gates::LayerAlongFibres along{*rest_width, wide.largest_value, ev.fibre_angle_deg, f.fibre_angle_deg, plane_deg};
  f.gap_rest_mm = along.rest_gap_mm();
  f.gap_mm = std::max(f.gap_rest_mm, along.peak_gap_mm());
  f.opening_mm = f.gap_mm - f.gap_rest_mm;
  f.retraction_mm = 0.5 * f.opening_mm;
  f.retraction_left_mm = widest->side < 0 ? f.opening_mm : 0.0;
  f.retraction_right_mm = widest->side < 0 ? 0.0 : f.opening_mm;
  if (f.opening_mm < ctx.s.min_opening_mm) return std::nullopt;
  return WideStretchReading{std::move(f), along, widest, origin};
}

// What a sample's `rest` band says of the layer beside it at rest, mm (carried_layer_mm: 0 where
// none as dark as the fluid is seen); nullopt where it says nothing. A sample placed at peak
// whose tissue came into view only on the way to the peak (read_where_first_seen) was read part
// way through the contraction. A layer no wider at peak than then is a structure carried in
// whole (a vein, fat), or one the muscle carried on past it: its reading stands. One that widened
// since (by kWidenedMm, beyond the band's noise) opened with the contraction and had opened part
// way when read: it says nothing of the layer at rest (on a plane sliding 2 mm, a haematoma 1.5 mm
// at rest and 3 mm at peak, running past the image's side, read 2.3-2.9 mm where it came into
// view, 3.1-3.5 at peak, and was taken for a layer as wide at rest). Taking such a reading back
// to rest in step with the contraction was tried: where a sample has just come into view its band
// reads up to 0.5 mm wide (2.9 mm at 57 % of the contraction for 2.4), and taken back it still
// read as wide as the fluid at peak.
std::optional<double> rest_layer_read_mm(const Context& ctx, const LayerSample& s, const BandWidth& fluid) {
  constexpr double kWidenedMm = 0.2;
  const double read = gates::carried_layer_mm(s.rest, fluid, ctx.s);
  if (!s.at_peak || s.first_seen == ctx.rest() || read <= 0.0) return read;
  const double at_peak = s.peak.found ? s.peak.width_mm : 0.0;
  if (at_peak < read + kWidenedMm) return read;
  return std::nullopt;
}

// The layers at rest (0 where none is seen) along the same plane and muscle between rest
// columns xa and xb, in order, following the plane column by column from the run (its line
// within 1 mm of the last column's): what the muscle now beside the fluid had beneath it
// somewhere on its way, as dark as the fluid at peak (gates::carried_layer_mm;
// gates::fluid_is_new judges them). Readings made on the way to the peak, where the plane slid
// into view, only as rest_layer_read_mm allows.
std::vector<double> rest_layers_along_mm(const Context& ctx, const std::vector<LayerSample>& samples,
                                         const LayerSample& from, double xa, double xb, const BandWidth& fluid) {
  const std::vector<const LayerSample*> along = along_the_plane(ctx, samples, from, xa, xb);
  std::vector<double> widths;
  // Fluid at rest by the standard fluid at peak must meet: a layer clearly dark
  // (min_fluid_contrast). Beside an aponeurosis's bright line its partial-volume edge and dark
  // speckle read 1.5-2.9 mm "layers" of contrast 0.15-0.25 here and there; on the 20-30 mm a
  // muscle slides along a deep aponeurosis, a few adjacent columns of them passed for carried fluid.
  for (const LayerSample* s : along)
    if (const std::optional<double> w = rest_layer_read_mm(ctx, *s, fluid)) widths.push_back(*w);
  return widths;
}

// The plane's line in the rest image at column x near row y (px): the rest plane map's plane
// within 1 mm, else the brightest row within 1 mm. The map's columns each average 4 mm, so it
// begins 2 mm or more inside the image's sides, and a plane dim over a stretch (two aponeuroses
// converging) is not in it there. Within 1 mm: a second line 1-3 mm away (an aponeurosis's
// double, the next muscle's epimysium) is taken only where the first moved a millimetre.
double rest_line_near(const Context& ctx, double x, double y) {
  const double tolerance_px = 1.0 / ctx.m.mm_per_px_y;
  if (const std::optional<double> mapped = ctx.planes.plane_near(x, y, tolerance_px)) return *mapped;
  return plane_row_near(ctx.rest_image, ctx.m.region.bounds, x, y, tolerance_px, kBandHalfLengthMm / ctx.mm_per_px());
}

// The layers at rest (0 where none is seen) in the image's own place of the run at peak, in
// order across the image: beside the plane's line at rest (rest_line_near) at the columns where
// the run's samples lie at peak, one reading per column. Only where the sample's plane point moved
// further than the run is long: a plane that slides (a deep aponeurosis, 15-35 mm against
// the muscle above it) carries its samples over whatever lies beside its line there, and a band
// that stayed with the image while the plane moved over it (on a recorded passive stretch, the
// wedge of darker muscle between two converging aponeuroses at the image's side) was beside the
// line at rest as at peak, however the samples' own tissue read at rest. Where the plane moved
// less, the place at rest held the run's own tissue, which fluid_carried has read already (a
// haematoma there at rest, widening, is the tear's own fluid).
std::vector<double> rest_layers_in_place_mm(const Context& ctx, const Run& run, const BandWidth& fluid) {
  const double mm = ctx.mm_per_px(), run_mm = run_length_mm(ctx, run);
  Run moved;
  for (const LayerSample* s : run)
    if (std::hypot((s->peak_x - s->rest_x) * ctx.m.mm_per_px_x, (s->peak_y - s->rest_y) * ctx.m.mm_per_px_y) > run_mm)
      moved.push_back(s);
  std::sort(moved.begin(), moved.end(), [](const LayerSample* a, const LayerSample* b) { return a->peak_x < b->peak_x; });
  std::vector<double> widths;
  double last_x = -1e30;
  for (const LayerSample* s : moved) {
    if (s->peak_x - last_x < 0.5 * ctx.planes.step_px) continue;  // samples piled up at peak: one column, one reading
    last_x = s->peak_x;
    const double line_y = rest_line_near(ctx, s->peak_x, s->peak_y);
    const BandWidth rest = band_beside(ctx, ctx.rest_image, s->peak_x, line_y + s->side * kBandOffsetMm / mm, s->side);
    widths.push_back(gates::carried_layer_mm(rest, fluid, ctx.s));
  }
  return widths;
}

// In how many of the clip's contractions a layer opened, from its widths by frame (NaN where it
// was lost while contracted). A contraction in which it was never seen did not open it: lost
// frames count only between frames where it was seen.
gates::ContractionsOpened layer_opened_in(const Context& ctx, std::vector<double> measured, double gap_rest_mm) {
  for (const ContractionCycle& c : ctx.contraction.cycles) {
    const int last = std::min(c.last_frame, int(measured.size()) - 1);
    bool seen = false;
    for (int k = c.first_frame; k <= last; ++k) seen |= std::isfinite(measured[std::size_t(k)]);
    if (!seen)
      for (int k = c.first_frame; k <= last; ++k) measured[std::size_t(k)] = gap_rest_mm;
  }
  return gates::contractions_opened(measured, ctx.contraction.cycles, ctx.contraction.peak_strain);
}

// The speckle beside the muscle's way: its plane's band at rest within kSpeckleReachMm before
// and after [xa, xb] (rest columns: the run and the muscle's way along the plane, which
// fluid_carried judges), each stretch against `contrast` on its own. Not the way itself: a
// haematoma already there at rest, widening, is the tear's own fluid. Not the whole plane: along
// a sloping aponeurosis the depth, and a focused beam's blur with it, changes. A band whose dip
// lay across the plane's line (on_muscle_side: not found) reads 0.
constexpr double kSpeckleReachMm = 15.0;

// Fluid: darker than the speckle on both sides (gates::darker_than_plane_speckle). Faint: not
// that, yet dipping past the speckle's darkest stretch on both (gates::dips_past_plane_speckle):
// a layer to name for review where it opens as fluid does, not to report. AsDark: neither.
enum class BesideSpeckle { Fluid, Faint, AsDark };

BesideSpeckle against_speckle_beside(const Context& ctx, const std::vector<LayerSample>& samples, const LayerSample& from,
                                     double xa, double xb, double contrast) {
  const double reach_px = kSpeckleReachMm / ctx.m.mm_per_px_x;
  std::vector<double> before, after;
  for (const LayerSample* s : along_the_plane(ctx, samples, from, xa - reach_px, xb + reach_px)) {
    const double band = s->rest.found ? s->rest.contrast : 0.0;
    if (s->rest_x < xa) before.push_back(band);
    if (s->rest_x > xb) after.push_back(band);
  }
  if (gates::darker_than_plane_speckle(contrast, before) && gates::darker_than_plane_speckle(contrast, after))
    return BesideSpeckle::Fluid;
  if (gates::dips_past_plane_speckle(contrast, before) && gates::dips_past_plane_speckle(contrast, after))
    return BesideSpeckle::Faint;
  return BesideSpeckle::AsDark;
}

// The gate one run of opening fluid failed, or null when it is a myotendinous tear. The gap-time
// curves of `f` and of its wide-stretch reading are followed together.
const char* rejected(const Context& ctx, const std::vector<LayerSample>& samples, const Run& run,
                     const CompartmentStatistics& compartments, const std::vector<PlacedFinding>& found, TearFinding& f,
                     std::optional<WideStretchReading>& wide, CandidateEvidence& ev) {
  const LayerSample& middle = *run[run.size() / 2];
  double x0, y0;
  if (frame0_origin(ctx, compartments, middle.compartment, f.centre_col_px, f.centre_row_px, x0, y0)) {
    ev.centre_col_px = x0;  // the muscle that pulled off, where it rested
    ev.centre_row_px = y0;
  }
  // Only a tear across the fibres owns the fluid at its end. Fibres pulled off here and seen
  // as motion are the same detachment as this fluid: the lesion merging keeps the fluid's
  // reading (LesionMerging.cpp), which measures the gap where the motion's small patch cannot.
  for (const PlacedFinding& t : found)
    if (t.finding.kind == TearKind::Intramuscular &&
        mm_from_tear_surface({ctx.m.mm_per_px_x, ctx.m.mm_per_px_y}, t, ev.centre_col_px, ev.centre_row_px) <
            ctx.s.tear_end_reach_mm) {
      ev.reason = "fluid at a tear found by its motion (on its surface or within tear_end_reach_mm of its end): that tear's own gap";
      return "same_lesion";
    }
  // Beside points placed at peak no muscle was tracked at rest, and on the way to the peak the
  // compartments carry no fascicle angle there: with no fibre direction read, the muscle's
  // dominant one at rest stands in, and a layer crossed at 6.7 deg read 9.7 mm for 4.9.
  if (has_placed(run) && !std::isfinite(ev.fibres_pulled_off_deg)) {
    ev.reason = "beside the plane followed past its tracked points no fibre direction was read: the gap cannot be measured along the fibres";
    return "fibres_unread";
  }
  // The dark space's shape where it is seen, at peak (or at rest, where the run was longer).
  if (!gates::runs_along_the_plane(std::max(ev.length_along_mm, run_length_at_peak_mm(ctx, run)), ev.band_peak_mm)) {
    ev.reason = "the dark space is about as long along the plane as it is thick: a round structure pressed against it (a vessel), not fluid between fibre ends and an aponeurosis";
    return "not_a_layer";
  }
  if (!gates::lies_against_the_plane(ev.band_off_plane_mm)) {
    ev.reason = "more than 1.5 mm of tissue lies between the plane's line and the dark space at peak: a vessel or fluid in the muscle, not fibres pulled off the aponeurosis";
    return "off_the_plane";
  }
  double rx, ry;  // where the muscle beside the fluid rested: its way runs from there to the run
  position_in(ctx.m, ctx.rest(), ev.centre_col_px, ev.centre_row_px, rx, ry);
  const double way_from = std::min(run.front()->rest_x, rx), way_to = std::max(run.back()->rest_x, rx);
  const BesideSpeckle speckle = against_speckle_beside(ctx, samples, middle, way_from, way_to, ev.band_contrast);
  if (speckle == BesideSpeckle::AsDark) {
    ev.reason = "the layer at peak is no darker than its plane's band reads beside the muscle's way at rest by speckle alone (beyond a focused beam's focus): no fluid";
    return "speckle_dark";
  }
  const BandWidth fluid_at_peak{true, ev.band_peak_mm, ev.band_contrast};
  const std::vector<double> before = rest_layers_along_mm(ctx, samples, middle, way_from, way_to, fluid_at_peak);
  if (!gates::fluid_is_new(ev.band_peak_mm, before, ctx.s)) {
    ev.reason = "the dark layer at peak was as wide at rest somewhere beneath the same muscle: fluid, fat or a vessel carried along, not new fluid";
    return "fluid_carried";
  }
  if (const std::vector<double> in_place = rest_layers_in_place_mm(ctx, run, fluid_at_peak);
      !in_place.empty() && !gates::fluid_is_new(ev.band_peak_mm, in_place, ctx.s)) {
    ev.reason = "the plane slid over the place where the dark layer lies at peak, and beside its line there at rest a layer lay as wide: a dark band that stayed with the image (fat, the wedge between two aponeuroses), not new fluid";
    return "fluid_in_place";
  }
  if (f.opening_mm < ctx.s.min_opening_mm) {
    ev.reason = "read along the fibres, the fluid widens by less than min_opening_mm";
    return "no_opening";
  }
  std::vector<double> measured;  // for the contractions: a frame where the layer was lost is not a closed gap
  std::vector<FollowedGap> gaps{{&middle, &f, &measured}};
  if (wide) gaps.push_back({wide->widest, &wide->finding});
  follow_gaps(ctx, gaps, ev.surface_normal_deg - 90.0, ev.fibre_angle_deg);
  if (!gates::stays_open(f.gap_by_frame_mm, f.gap_rest_mm, ctx.s.min_opening_mm, kMinOpenFrames)) {
    ev.reason = "the layer is wider at peak only: it does not stay open over the contraction";
    return "not_sustained";
  }
  const gates::ContractionsOpened cycles = layer_opened_in(ctx, std::move(measured), f.gap_rest_mm);
  ev.contractions_seen = cycles.seen;
  ev.contractions_opened = cycles.opened;
  for (TearFinding* reading : {&f, wide ? &wide->finding : nullptr})
    if (reading) {  // the wide stretch's reading may speak for the finding
      reading->contractions_seen = std::max(1, cycles.seen);
      reading->contractions_opened = std::max(1, cycles.opened);
    }
  if (!gates::opens_with_the_contractions(cycles)) {
    ev.reason = "the layer widens in too few of the clip's contractions: fibres pulled off open with each one";
    return "opens_in_few_contractions";
  }
  if (speckle == BesideSpeckle::Faint) {
    ev.reason = "the layer opened as fluid does, but its dip is within 15 % of the speckle's beside the muscle's way at rest (on one side at least): too faint to tell from speckle; named for review, not reported";
    return "faint_layer";
  }
  if (ev.fibre_angle_margin_deg < ctx.s.min_fibre_angle_margin_deg) {
    ev.reason = "the layer opened as fluid does, but with the fibres read min_fibre_angle_margin_deg flatter at rest and steeper at peak it would not open by min_opening_mm: its opening rests on the fibre angle (a band there at rest that widens as the fascicles turn, as intact muscle's dark stretch beside an aponeurosis does); named for review, not reported";
    return "opening_within_angle_error";
  }
  return nullptr;
}

}  // namespace

std::vector<std::pair<TearFinding, CandidateEvidence>> fluid_layers_opening(const Context& ctx,
                                                                            const CompartmentStatistics& compartments,
                                                                            const std::vector<PlacedFinding>& found) {
  std::vector<std::pair<TearFinding, CandidateEvidence>> out;
  const std::vector<LayerSample> samples = layer_samples(ctx, compartments);
  for (const Run& run : opening_runs(ctx, samples)) {
    // Specks of dark speckle, not recorded. A bridged run still needs the opening columns an
    // unbridged 3 mm run has: two open columns 3 mm apart are two specks, not a layer.
    if (run_length_mm(ctx, run) < kMinRunMm || int(run.size()) < kMinOpenColumns) continue;
    CandidateEvidence ev;
    gates::LayerAlongFibres along;
    TearFinding f = finding_of(ctx, compartments, run, ev, along);
    std::optional<WideStretchReading> wide = on_wide_stretch(ctx, compartments, samples, run, ev, f);
    // The reading reported must open beyond the fibres' angle error (rejected judges the margin).
    // A wide stretch's that does not gives way to the run's own, as one that does not open at all.
    if (wide) ev.fibre_angle_margin_deg = gates::fibre_angle_margin_deg(wide->along, ctx.s.min_opening_mm);
    if (wide && ev.fibre_angle_margin_deg < ctx.s.min_fibre_angle_margin_deg) wide.reset();
    if (!wide) ev.fibre_angle_margin_deg = gates::fibre_angle_margin_deg(along, ctx.s.min_opening_mm);
    if (const char* gate = rejected(ctx, samples, run, compartments, found, f, wide, ev)) {
      ev.decision = gate;
    } else {
      ev.decision = "reported";
      ev.reason = "a dark fluid layer opened between the aponeurosis and the fibre ends under contraction (image)";
      if (wide) {
        f = std::move(wide->finding);
        ev.opening_mm = f.opening_mm;
        if (wide->muscle_origin) {  // the muscle that pulled off there, where it rested (merging compares it)
          ev.centre_col_px = wide->muscle_origin->x;
          ev.centre_row_px = wide->muscle_origin->y;
        }
      }
    }
    out.emplace_back(std::move(f), std::move(ev));
  }
  return out;
}

}  // namespace ft::detection
