#pragma once
// Block matching of one grid point by one warp of 32 lanes: the CUDA kernel's
// algorithm, written for a `Warp` that the kernel implements with shuffles and the host
// tests emulate with 32 fibres or threads (tests/gpu/HostWarp.h), so that its indexing, tiles and
// reductions are checked on a machine without a GPU.
//
// It is match_point() (BlockMatch.h) reorganised for the hardware, with the same
// per-pixel maths and the same decisions (search placement, walking, peak fit,
// sub-pixel steps; the shared helpers are BlockMatch.h's):
// - A's template (with a 1-px ring for its gradients) and B's search window are copied
//   once into the warp's shared-memory tiles; the template is never stored: each lane
//   forms (a - mean) / norm from the tile as it goes.
// - Up to kBlockedRadius, all shifts of the search are summed at once: each lane walks
//   down one template column keeping a (2r+1) x (2r+1) window of B in registers, so one
//   load of B feeds 3 (2r+1) multiply-adds. Wider searches (never chosen by
//   make_geometry, allowed by MatchSettings) sum one shift at a time.
// - Sums are reduced across the warp by butterfly (every lane gets the total), so every
//   lane takes the same branch and no lane waits on another.
// Only the order of float summation differs from the CPU: results agree to ~1e-5 px.
#include "ft/gpu/BlockMatch.h"

#if defined(__CUDACC__)
#define FT_UNROLL _Pragma("unroll")
#else
#define FT_UNROLL
#endif

namespace ft::gpu {

constexpr int kWarpLanes = 32;
constexpr int kBlockedRadius = 2;
constexpr int kMaxScores = (2 * kMaxSearchRadius + 1) * (2 * kMaxSearchRadius + 1);

// A warp's shared memory for one match: the three arrays below, in this order.
struct WarpTileSizes {
  int a_side = 0;  // template side + 2 (its gradients read one px beyond)
  int b_side = 0;  // search window (side + 2r), or the sub-pixel step's window (side + 3)
  FT_HOST_DEVICE int a_floats() const { return a_side * a_side; }
  FT_HOST_DEVICE int b_floats() const { return b_side * b_side; }
  FT_HOST_DEVICE int floats() const { return a_floats() + b_floats() + kMaxScores; }
};

FT_HOST_DEVICE WarpTileSizes warp_tile_sizes(const MatchSettings& s) {
  const int side = 2 * clamped_half(s) + 1, r = clamped_radius(s);
  WarpTileSizes t;
  t.a_side = side + 2;
  t.b_side = side + (2 * r > 3 ? 2 * r : 3);
  return t;
}

// The largest a warp ever needs (33 x 33 template, radius 4): 2 987 floats.
constexpr int kMaxWarpFloats = (kMaxSide + 2) * (kMaxSide + 2) + (kMaxSide + 2 * kMaxSearchRadius) * (kMaxSide + 2 * kMaxSearchRadius) + kMaxScores;

struct WarpTiles {
  float* a = nullptr;
  float* b = nullptr;
  float* score = nullptr;
};

FT_HOST_DEVICE WarpTiles carve_warp_tiles(float* base, const WarpTileSizes& sizes) {
  return {base, base + sizes.a_floats(), base + sizes.a_floats() + sizes.b_floats()};
}

// Copies the side x side square of `image` at (x0, y0) into `tile`; returns a view of it
// in the image's coordinates. The caller keeps the square inside the image.
template <class Warp>
FT_HOST_DEVICE ImageView load_tile(const Warp& w, const ImageView& image, int x0, int y0, int side, float* tile) {
  w.sync();  // no lane still reads what the tile held
  for (int k = w.lane(); k < side * side; k += kWarpLanes) tile[k] = image.at(x0 + k % side, y0 + k / side);
  w.sync();
  ImageView view;
  view.data = tile;
  view.x0 = x0;
  view.y0 = y0;
  view.width = side;
  view.height = side;
  view.stride = side;
  return view;
}

// prepare_template()'s sums, with the lanes taking every 32nd template pixel.
template <class Warp>
FT_HOST_DEVICE bool warp_template_stats(const Warp& w, const ImageView& at, int px, int py, int h, TemplateStats& s) {
  const int side = 2 * h + 1, count = side * side;
  s.n = float(count);
  float sa = 0, saa = 0;
  for (int k = w.lane(); k < count; k += kWarpLanes) {
    const float v = at.at(px - h + k % side, py - h + k / side);
    sa += v;
    saa += v * v;
  }
  if (!set_template_norm(w.sum(sa), w.sum(saa), s)) return false;
  float gxx = 0, gyy = 0, gxy = 0, sgx = 0, sgy = 0, sgxa = 0, sgya = 0;
  for (int k = w.lane(); k < count; k += kWarpLanes) {
    const int x = px - h + k % side, y = py - h + k / side;
    const float va = at.at(x, y);
    const float dx = central_difference(at.at(x - 1, y), at.at(x + 1, y)), dy = central_difference(at.at(x, y - 1), at.at(x, y + 1));
    gxx += dx * dx; gyy += dy * dy; gxy += dx * dy;
    sgx += dx; sgy += dy;
    sgxa += dx * va; sgya += dy * va;
  }
  s.gxx = w.sum(gxx); s.gyy = w.sum(gyy); s.gxy = w.sum(gxy);
  s.sgx = w.sum(sgx); s.sgy = w.sum(sgy);
  s.sgxa = w.sum(sgxa); s.sgya = w.sum(sgya);
  return true;
}

// All (2R+1)^2 shifts around (cx, cy) at once. Lane l walks down template column l (and
// l + 32 for a 33-px template) holding B's rows j-R..j+R at columns -R..R in `window`.
template <int R, class Warp>
FT_HOST_DEVICE void warp_search_blocked(const Warp& w, const ImageView& at, const ImageView& bt, const TemplateStats& s,
                                        int px, int py, int h, int cx, int cy, float* score) {
  constexpr int S = 2 * R + 1;
  const int side = 2 * h + 1;
  float acc_t[S * S], acc_s[S * S], acc_q[S * S];
  FT_UNROLL for (int k = 0; k < S * S; ++k) acc_t[k] = acc_s[k] = acc_q[k] = 0.0f;
  for (int i = w.lane(); i < side; i += kWarpLanes) {
    const int bx = cx - h + i - R;  // B's column for shift -R
    float window[S][S];
    FT_UNROLL for (int m = 0; m < S - 1; ++m) {
      const float* row = bt.row(cy - h + m - R) + bx;
      FT_UNROLL for (int x = 0; x < S; ++x) window[m][x] = row[x];
    }
    for (int j = 0; j < side; ++j) {
      const float* row = bt.row(cy - h + j + R) + bx;
      FT_UNROLL for (int x = 0; x < S; ++x) window[S - 1][x] = row[x];
      const float t = template_value(at.at(px - h + i, py - h + j), s);
      FT_UNROLL for (int m = 0; m < S; ++m) {
        FT_UNROLL for (int x = 0; x < S; ++x) {
          const float b = window[m][x];
          acc_t[m * S + x] += t * b;
          acc_s[m * S + x] += b;
          acc_q[m * S + x] += b * b;
        }
      }
      FT_UNROLL for (int m = 0; m < S - 1; ++m) {
        FT_UNROLL for (int x = 0; x < S; ++x) window[m][x] = window[m + 1][x];
      }
    }
  }
  FT_UNROLL for (int k = 0; k < S * S; ++k) {
    const float value = search_score(w.sum(acc_t[k]), w.sum(acc_s[k]), w.sum(acc_q[k]), s.n);
    if (w.lane() == 0) score[k] = value;
  }
  w.sync();
}

// One shift at a time, lanes over the template's pixels: for radii above kBlockedRadius,
// whose register window would not fit.
template <class Warp>
FT_HOST_DEVICE void warp_search_by_shift(const Warp& w, const ImageView& at, const ImageView& bt, const TemplateStats& s,
                                         int px, int py, int h, int r, int cx, int cy, float* score) {
  const int side = 2 * h + 1, count = side * side, shifts = 2 * r + 1;
  for (int k = 0; k < shifts * shifts; ++k) {
    const int sx = k % shifts - r, sy = k / shifts - r;
    float stb = 0, sb = 0, sbb = 0;
    for (int q = w.lane(); q < count; q += kWarpLanes) {
      const int i = q % side - h, j = q / side - h;
      const float t = template_value(at.at(px + i, py + j), s), b = bt.at(cx + sx + i, cy + sy + j);
      stb += t * b;
      sb += b;
      sbb += b * b;
    }
    const float value = search_score(w.sum(stb), w.sum(sb), w.sum(sbb), s.n);
    if (w.lane() == 0) score[k] = value;
  }
  w.sync();
}

// How warp_match_point() searches, fixed when compiling: each kernel built with one
// holds only that search's registers (the radius-2 window needs 160 on sm_90, radius 1
// 115), so the fine level's kernel fits more warps on a multiprocessor than one kernel
// able to search any radius would.
template <int R>
struct FixedRadiusSearch {
  static_assert(R <= kBlockedRadius, "wider searches go one shift at a time (WideSearch)");
  template <class Warp>
  FT_HOST_DEVICE void operator()(const Warp& w, const ImageView& at, const ImageView& bt, const TemplateStats& s, int px, int py,
                                 int h, int /*r*/, int cx, int cy, float* score) const {
    warp_search_blocked<R>(w, at, bt, s, px, py, h, cx, cy, score);
  }
};

struct WideSearch {  // radii above kBlockedRadius
  template <class Warp>
  FT_HOST_DEVICE void operator()(const Warp& w, const ImageView& at, const ImageView& bt, const TemplateStats& s, int px, int py,
                                 int h, int r, int cx, int cy, float* score) const {
    warp_search_by_shift(w, at, bt, s, px, py, h, r, cx, cy, score);
  }
};

// Calls f(search) with the search for s's radius (clamped as match_point() clamps it):
// the CUDA backend picks its kernel so, and the host emulation of the kernel its search.
template <class F>
void with_search_for(const MatchSettings& s, const F& f) {
  switch (clamped_radius(s)) {
    case 0: f(FixedRadiusSearch<0>{}); break;
    case 1: f(FixedRadiusSearch<1>{}); break;
    case 2: f(FixedRadiusSearch<2>{}); break;
    default: f(WideSearch{});
  }
}

// refine_step() by the warp: the (side+3)^2 window of B (or of its spline coefficients,
// on_spline) at the current integer offset in the tile; lane l interpolates template
// column l down the rows, keeping the four x-interpolated rows the vertical cubic needs.
template <class Warp>
FT_HOST_DEVICE bool warp_refine_step(const Warp& w, const ImageView& at, const ImageView& b, bool on_spline, const SplineGain& gain,
                                     float* b_tile, const TemplateStats& s, int px, int py, int h, float& dx, float& dy,
                                     float& quality) {
  const int side = 2 * h + 1;
  const int ix = int(floorf(dx)), iy = int(floorf(dy));
  if (!b.holds(px + ix, py + iy, h + 2)) return false;
  float wx[4], wy[4];
  sampling_weights(on_spline, dx - float(ix), wx);
  sampling_weights(on_spline, dy - float(iy), wy);
  const ImageView bt = load_tile(w, b, px + ix - h - 1, py + iy - h - 1, side + 3, b_tile);
  RefineSums sums;
  for (int i = w.lane(); i < side; i += kWarpLanes) {
    const int bx = px + ix - h + i, x = px - h + i;
    float rows[4];  // B interpolated along x at rows j-1 .. j+2 of the template
    FT_UNROLL for (int m = 0; m < 3; ++m) rows[m] = cubic_sample(wx, bt.row(py + iy - h - 1 + m) + bx);
    for (int j = 0; j < side; ++j) {
      rows[3] = cubic_sample(wx, bt.row(py + iy - h + 2 + j) + bx);
      const int y = py - h + j;
      const float t = template_value(at.at(x, y), s);
      sums.add(t, central_difference(at.at(x - 1, y), at.at(x + 1, y)), central_difference(at.at(x, y - 1), at.at(x, y + 1)),
               cubic_sample(wy, rows + 1));
      FT_UNROLL for (int m = 0; m < 3; ++m) rows[m] = rows[m + 1];
    }
  }
  sums.sb = w.sum(sums.sb);
  sums.sbb = w.sum(sums.sbb);
  sums.stb = w.sum(sums.stb);
  sums.sgxb = w.sum(sums.sgxb);
  sums.sgyb = w.sum(sums.sgyb);
  return apply_refine_step(s, sums, gain, dx, dy, quality);
}

// match_point() by one warp. `tiles` is this warp's shared memory, carved for `s`;
// `search` is the one with_search_for() picks for s's radius; `splines` for s.spline_steps
// (match_point's rule).
template <class Warp, class Search>
FT_HOST_DEVICE MatchResult warp_match_point(const Warp& w, const ImageView& a, const ImageView& b,
                                            const SplineViews& splines, int px, int py, float seed_dx, float seed_dy,
                                            const MatchSettings& s, const WarpTiles& tiles, const Search& search) {
  seed_dx = usable_seed(seed_dx);
  seed_dy = usable_seed(seed_dy);
  MatchResult result;
  result.dx = seed_dx;
  result.dy = seed_dy;
  const int h = clamped_half(s), r = clamped_radius(s);
  if (!a.holds(px, py, h + 1)) return result;
  const ImageView at = load_tile(w, a, px - h - 1, py - h - 1, 2 * h + 3, tiles.a);
  TemplateStats stats;
  if (!warp_template_stats(w, at, px, py, h, stats)) {
    result.status = kMatchFlat;
    return result;
  }
  SearchArea area = place_search(b, px, py, seed_dx, seed_dy, h, r);
  if (area.empty()) return result;
  int best = 0;
  for (int round = 0; round < kMaxSearchRounds; ++round) {
    const ImageView bt = load_tile(w, b, area.cx - r - h, area.cy - r - h, 2 * (h + r) + 1, tiles.b);
    search(w, at, bt, stats, px, py, h, r, area.cx, area.cy, tiles.score);
    if (!pick_best(tiles.score, r, round, area, best)) break;
  }
  finish_search(tiles.score, best, r, px, py, area, result);
  if (result.status == kMatchFlat) return result;
  const int side = 2 * r + 1;
  const float peak_dx = float(area.cx + best % side - r - px), peak_dy = float(area.cy + best / side - r - py);
  refine_from_peak(s, splines.at_hand(), peak_dx, peak_dy, result,
                   [&](bool on_spline, float& dx, float& dy, float& q) {
                     // Chosen by value: a reference to one of two kernel parameters would
                     // put both in local memory.
                     const ImageView from = on_spline ? splines.b : b;
                     const SplineGain gain = on_spline ? *splines.a_gain : SplineGain{};
                     return warp_refine_step(w, at, from, on_spline, gain, tiles.b, stats, px, py, h, dx, dy, q);
                   });
  return result;
}

}  // namespace ft::gpu
