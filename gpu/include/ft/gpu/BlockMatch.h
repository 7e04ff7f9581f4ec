#pragma once
// Block matching of one grid point. The per-pixel maths (FT_HOST_DEVICE) is written once
// for both backends; the loops over a template are the CPU's here, four pixels at a time
// (FourFloats.h), and the GPU's in WarpMatch.h, a warp's lanes at a time.
//
// Zero-mean normalised cross-correlation (ZNCC) of a (2h+1)^2 template of frame A
// against frame B over integer shifts within +-radius of the seed, then sub-pixel
// refinement. A 3-point Gaussian/parabolic peak fit alone is biased toward integer
// shifts ("pixel locking"); we use it only to start Gauss-Newton steps on the
// brightness-normalised block difference with B sampled at the displaced positions.
// How B is sampled sets the remaining bias: bilinear and Catmull-Rom sampling move the
// block by their phase error (+-0.02 px for Catmull-Rom on speckle). So the steps that set
// the quality sample B by Catmull-Rom (it matches decorrelating speckle better), and the last
// steps sample it by its cubic B-spline interpolant, from coefficients the pyramid computes
// once per frame (SplineSampling.h; refine_from_peak; bench_accuracy measures the residual
// bias over sub-pixel sweeps).
#include <math.h>

#include "ft/gpu/HostDevice.h"
#include "ft/gpu/ImageView.h"
#include "ft/gpu/SplineSampling.h"
#if !defined(__CUDACC__)
#include "ft/gpu/FourFloats.h"
#endif

namespace ft::gpu {

constexpr int kMaxSearchRadius = 4;
constexpr int kMaxSearchRounds = 6;  // searches of one point, each re-centred on a border maximum

enum MatchStatus : unsigned char {
  kMatchOk = 0,
  kMatchOutside = 1,     // template or search area leaves the image
  kMatchFlat = 2,        // no texture to match (e.g. shadow, anechoic)
  kMatchOnBorder = 3,    // best integer shift on the search border: may be a false peak
};

struct MatchSettings {
  int half = 8;                // template half size, px
  int radius = 2;              // integer search radius, px (<= kMaxSearchRadius)
  int refine_iterations = 2;   // Gauss-Newton sub-pixel steps on B by Catmull-Rom (0: peak fit only)
  // ... then steps on B's cubic B-spline coefficients, which move the estimate but keep the
  // Catmull-Rom quality; taken only where there were Catmull-Rom steps and every one of them
  // was taken (refine_from_peak). Catmull-Rom matches decorrelating speckle better (its
  // smoothing between pixels), the B-spline has the smaller phase error: one step on it from
  // the Catmull-Rom estimate brings the sub-pixel bias from 0.024 to below 0.005 px
  // (docs/benchmarks.md).
  int spline_steps = 0;
};

// A frame's cubic B-spline interpolant at one pyramid level (SplineSampling.h): its
// coefficients (a view the size of the level) and its gradient gain over the level (where
// the backend keeps it: host or device memory).
struct SplineLevel {
  ImageView coefficients;
  const SplineGain* gain = nullptr;
};

// What the steps on the spline read of one match: B's coefficients, to sample B, and A's
// gradient gain, for their Hessian (apply_refine_step). Empty where a backend has none.
struct SplineViews {
  ImageView b;
  const SplineGain* a_gain = nullptr;
  FT_HOST_DEVICE SplineViews() {}
  FT_HOST_DEVICE SplineViews(const SplineLevel& a, const SplineLevel& b_level) : b(b_level.coefficients), a_gain(a.gain) {}
  FT_HOST_DEVICE bool at_hand() const { return b.data != nullptr && a_gain != nullptr; }
};

struct MatchResult {
  float dx = 0.0f;
  float dy = 0.0f;
  float quality = 0.0f;  // ZNCC at the final position, -1..1
  unsigned char status = kMatchOutside;
};

// Offset of a peak from the middle of three samples: Gaussian fit where all are
// positive, parabolic otherwise; clamped to +-0.5.
FT_HOST_DEVICE float peak_offset(float left, float centre, float right) {
  float offset = 0.0f;
  if (left > 1e-3f && centre > 1e-3f && right > 1e-3f) {
    const float ll = logf(left), lc = logf(centre), lr = logf(right);
    const float denom = 2.0f * (ll - 2.0f * lc + lr);
    if (denom < -1e-12f) offset = (ll - lr) / denom;
  } else {
    const float denom = 2.0f * (left - 2.0f * centre + right);
    if (denom < -1e-12f) offset = (left - right) / denom;
  }
  return fminf(0.5f, fmaxf(-0.5f, offset));
}

FT_HOST_DEVICE float zncc_from_sums(float n, float sa, float saa, float sb, float sbb, float sab) {
  const float va = saa - sa * sa / n, vb = sbb - sb * sb / n;
  if (va <= 1e-6f * n || vb <= 1e-6f * n) return 0.0f;
  return (sab - sa * sb / n) / sqrtf(va * vb);
}

// ZNCC of the template at (px, py) in A against B at integer position (qx, qy), one
// pixel at a time: a plain reference for the tests, not used in tracking.
FT_HOST_DEVICE float zncc_at(const ImageView& a, const ImageView& b, int px, int py, int qx, int qy, int h) {
  float sa = 0, saa = 0, sb = 0, sbb = 0, sab = 0;
  for (int j = -h; j <= h; ++j) {
    const float* ra = a.row(py + j) + px;
    const float* rb = b.row(qy + j) + qx;
    for (int i = -h; i <= h; ++i) {
      const float va = ra[i], vb = rb[i];
      sa += va;
      saa += va * va;
      sb += vb;
      sbb += vb * vb;
      sab += va * vb;
    }
  }
  const float n = float((2 * h + 1) * (2 * h + 1));
  return zncc_from_sums(n, sa, saa, sb, sbb, sab);
}

// Catmull-Rom weights for samples at -1, 0, 1, 2 around a fractional offset f in [0, 1).
FT_HOST_DEVICE void cubic_weights(float f, float w[4]) {
  const float f2 = f * f, f3 = f2 * f;
  w[0] = 0.5f * (-f3 + 2.0f * f2 - f);
  w[1] = 0.5f * (3.0f * f3 - 5.0f * f2 + 2.0f);
  w[2] = 0.5f * (-3.0f * f3 + 4.0f * f2 + f);
  w[3] = 0.5f * (f3 - f2);
}

// The weights for a fractional offset f: Catmull-Rom on the samples, or the cubic B-spline's
// on its coefficients.
FT_HOST_DEVICE void sampling_weights(bool on_spline, float f, float w[4]) {
  if (on_spline) bspline_weights(f, w);
  else cubic_weights(f, w);
}

// Samples (or spline coefficients) at -1, 0, 1, 2 combined with weights w (each a float,
// or four side by side).
template <class Value>
FT_HOST_DEVICE Value cubic_combine(const float w[4], Value before, Value at, Value after, Value after_next) {
  return w[0] * before + w[1] * at + w[2] * after + w[3] * after_next;
}

// Four samples p[-1..2] (or a column of them, `step` apart) interpolated with weights w.
FT_HOST_DEVICE float cubic_sample(const float w[4], const float* p, int step = 1) {
  return cubic_combine(w, p[-step], p[0], p[step], p[2 * step]);
}

constexpr int kMinHalf = 2;   // template side at least 5 px (the CPU reads rows four pixels at a time)
constexpr int kMaxHalf = 16;  // template side at most 33 px
constexpr int kMaxSide = 2 * kMaxHalf + 1;

// Template half size and search radius as both backends use them.
FT_HOST_DEVICE int clamped_half(const MatchSettings& s) {
  return s.half < kMinHalf ? kMinHalf : (s.half < kMaxHalf ? s.half : kMaxHalf);
}
FT_HOST_DEVICE int clamped_radius(const MatchSettings& s) {
  return s.radius < 0 ? 0 : (s.radius < kMaxSearchRadius ? s.radius : kMaxSearchRadius);
}

// The sums of a template that the search and the sub-pixel steps need; the CUDA kernel
// (WarpMatch.h) computes the same ones with a warp.
struct TemplateStats {
  float n = 0;
  float mean = 0;
  float norm = 0;  // sqrt(sum (a - mean)^2)
  float gxx = 0, gyy = 0, gxy = 0, sgx = 0, sgy = 0, sgxa = 0, sgya = 0;
};

// The block of frame A around one grid point, prepared once and matched many times:
// zero-mean and unit-norm (so that ZNCC needs one product per pixel), with the
// gradients and sums the sub-pixel steps need.
struct Template : TemplateStats {
  int half = 0;
  float t[kMaxSide * kMaxSide];
  float gx[kMaxSide * kMaxSide];
  float gy[kMaxSide * kMaxSide];
};

// Per-pixel pieces of the template, written once for both backends (each value a float,
// or four side by side).
template <class Value>
FT_HOST_DEVICE Value template_value(Value va, const TemplateStats& s) { return (va - s.mean) / s.norm; }
template <class Value>
FT_HOST_DEVICE Value central_difference(Value before, Value after) { return 0.5f * (after - before); }
// Mean and norm from the pixel sums; false when the block has no texture.
FT_HOST_DEVICE bool set_template_norm(float sa, float saa, TemplateStats& s) {
  s.mean = sa / s.n;
  const float var = saa - sa * s.mean;
  if (var <= 1e-6f * s.n) return false;
  s.norm = sqrtf(var);
  return true;
}

// ZNCC of the prepared template at one shift, from the window's sums: sum t*b, sum b and
// sum b^2 over n pixels (the template is zero-mean and unit-norm).
FT_HOST_DEVICE float search_score(float stb, float sb, float sbb, float n) {
  const float vb = sbb - sb * sb / n;
  return vb > 1e-6f * n ? stb / sqrtf(vb) : 0.0f;
}

// What one sub-pixel step sums over the template: B sampled at the displaced positions,
// against the template and its gradients.
struct RefineSums {
  float sb = 0, sbb = 0, stb = 0, sgxb = 0, sgyb = 0;
  FT_HOST_DEVICE void add(float t, float gx, float gy, float vb) {
    sb += vb; sbb += vb * vb; stb += t * vb; sgxb += gx * vb; sgyb += gy * vb;
  }
};

// The Gauss-Newton update from those sums; false when the step cannot be taken.
// The residual is projected on the central differences g of A; how it changes with the
// shift is the derivative of B as sampled. For Catmull-Rom that is g itself (its derivative
// at a pixel is the central difference): the Hessian is sum g g^T, `gain` {1, 1}. For the
// B-spline it is the spline's derivative, steeper than g for speckle (by 3 / (2 + cos w) at
// w rad/px: 1.45 at 1.5), and sum g g^T would overshoot each step by a fifth and need two to
// converge. With A's gradient gain (SplineGain) the Hessian is sum g g^T scaled column by
// column, and one step lands.
FT_HOST_DEVICE bool apply_refine_step(const TemplateStats& tp, const RefineSums& s, const SplineGain& gain, float& dx,
                                      float& dy, float& quality) {
  const float mb = s.sb / tp.n, vb = s.sbb - s.sb * mb;
  if (vb <= 1e-6f * tp.n) return false;
  quality = s.stb / sqrtf(vb);
  const float k = tp.norm / sqrtf(vb);  // scales B's contrast to A's
  // v = sum g * ((B - mb) k - (A - ma))
  const float vx = k * (s.sgxb - mb * tp.sgx) - (tp.sgxa - tp.mean * tp.sgx);
  const float vy = k * (s.sgyb - mb * tp.sgy) - (tp.sgya - tp.mean * tp.sgy);
  // M (dx, dy) = -v with M_ij = sum g_i * (B's derivative along j) = sum g_i g_j * gain_j.
  const float mxx = tp.gxx * gain.x, mxy = tp.gxy * gain.y, myx = tp.gxy * gain.x, myy = tp.gyy * gain.y;
  const float det = mxx * myy - mxy * myx;
  if (det <= 1e-9f * (mxx * myy + 1e-12f)) return false;
  const float step_x = -(myy * vx - mxy * vy) / det;
  const float step_y = -(mxx * vy - myx * vx) / det;
  if (fabsf(step_x) > 1.0f || fabsf(step_y) > 1.0f) return false;
  dx += step_x;
  dy += step_y;
  return true;
}

// Where the integer search of one point runs in B: its centre, kept far enough inside B
// for the template and the search radius (a seed pointing outside is pulled back in).
struct SearchArea {
  int cx = 0, cy = 0;  // centre of the search window, level px
  int lo_x = 0, hi_x = -1, lo_y = 0, hi_y = -1;
  bool seed_clamped = false;  // the seed pointed out of B: the tissue left the image
  FT_HOST_DEVICE bool empty() const { return lo_x > hi_x || lo_y > hi_y; }
};

FT_HOST_DEVICE SearchArea place_search(const ImageView& b, int px, int py, float seed_dx, float seed_dy, int h, int r) {
  SearchArea s;
  s.lo_x = b.x0 + h + r;
  s.hi_x = b.x0 + b.width - 1 - h - r;
  s.lo_y = b.y0 + h + r;
  s.hi_y = b.y0 + b.height - 1 - h - r;
  const int cx = px + int(lroundf(seed_dx)), cy = py + int(lroundf(seed_dy));
  s.seed_clamped = cx < s.lo_x - r || cx > s.hi_x + r || cy < s.lo_y - r || cy > s.hi_y + r;
  s.cx = cx < s.lo_x ? s.lo_x : (cx > s.hi_x ? s.hi_x : cx);
  s.cy = cy < s.lo_y ? s.lo_y : (cy > s.hi_y ? s.hi_y : cy);
  return s;
}

// The best of one search's (2r+1)^2 scores (the first of equals). When it lies on the
// search border and this is not the last round, the window moves onto it and true is
// returned: search again. A best shift on the border may hide a higher peak beyond it.
// Walking costs a search only where the estimate from the coarser level was off
// (sheared or rotating tissue), so a small radius with a walk of up to
// kMaxSearchRounds reaches as far as a large radius everywhere would.
FT_HOST_DEVICE bool pick_best(const float* score, int r, int round, SearchArea& area, int& best) {
  const int side = 2 * r + 1;
  best = 0;
  for (int k = 1; k < side * side; ++k)
    if (score[k] > score[best]) best = k;
  const int bx = best % side - r, by = best / side - r;
  const bool on_border = r > 0 && (bx == -r || bx == r || by == -r || by == r);
  const int nx = area.cx + bx, ny = area.cy + by;
  if (!on_border || round == kMaxSearchRounds - 1 || nx < area.lo_x || nx > area.hi_x || ny < area.lo_y || ny > area.hi_y)
    return false;
  area.cx = nx;
  area.cy = ny;
  return true;
}

// The integer result of the last search with its sub-pixel peak fit.
FT_HOST_DEVICE void finish_search(const float* score, int best, int r, int px, int py, const SearchArea& area,
                                  MatchResult& result) {
  const int side = 2 * r + 1, bx = best % side - r, by = best / side - r;
  result.quality = score[best];
  if (result.quality == 0.0f) {
    result.status = kMatchFlat;
    return;
  }
  const bool border_x = bx == -r || bx == r, border_y = by == -r || by == r;
  const float sub_x = border_x ? 0.0f : peak_offset(score[best - 1], score[best], score[best + 1]);
  const float sub_y = border_y ? 0.0f : peak_offset(score[best - side], score[best], score[best + side]);
  result.dx = float(area.cx + bx - px) + sub_x;
  result.dy = float(area.cy + by - py) + sub_y;
  result.status = (border_x || border_y) && r > 0 ? kMatchOnBorder : kMatchOk;
  if (area.seed_clamped) result.status = kMatchOutside;  // the tissue left the image
}

// Whether a sub-pixel step kept the estimate on the integer peak it started from.
FT_HOST_DEVICE bool stays_on_peak(float dx, float dy, float peak_dx, float peak_dy) {
  return !(fabsf(dx - peak_dx) > 1.0f || fabsf(dy - peak_dy) > 1.0f);
}

// The sub-pixel steps from the integer peak (peak_dx, peak_dy), by match_point and
// warp_match_point alike: s.refine_iterations steps on B by Catmull-Rom, each setting the
// quality; then, where every one of those was taken and B's spline coefficients are at hand,
// s.spline_steps on the coefficients, which move the estimate and leave the quality as
// Catmull-Rom read it. A step that cannot be taken or leaves the peak ends them all.
// `step(on_spline, dx, dy, quality)` takes one; a single call site, so that a kernel holds
// one copy of the step.
template <class Step>
FT_HOST_DEVICE void refine_from_peak(const MatchSettings& s, bool spline_at_hand, float peak_dx, float peak_dy,
                                     MatchResult& result, const Step& step) {
  const int steps = s.refine_iterations + (s.refine_iterations > 0 && spline_at_hand ? s.spline_steps : 0);
  for (int it = 0; it < steps; ++it) {
    const bool on_spline = it >= s.refine_iterations;
    float dx = result.dx, dy = result.dy, q = result.quality;
    if (!step(on_spline, dx, dy, q) || !stays_on_peak(dx, dy, peak_dx, peak_dy)) break;
    result.dx = dx;
    result.dy = dy;
    if (!on_spline) result.quality = q;
  }
}

// A seed that is not a number (or absurdly far: a corrupt field) means "no seed": 0.
FT_HOST_DEVICE float usable_seed(float seed_px) { return fabsf(seed_px) <= 1e4f ? seed_px : 0.0f; }

#if !defined(__CUDACC__)
// The CPU backend's matching, four pixels at a time (FourFloats.h). Not compiled by nvcc:
// the GPU runs warp_match_point() (WarpMatch.h) with the same per-pixel maths.

// Sum and sum of squares of A's pixels in the (2h+1)^2 block at (px, py).
inline void sum_block_pixels(const ImageView& a, int px, int py, int h, float& sum, float& sum_sq) {
  const RowInFours fours(2 * h + 1);
  FourFloats s = {0, 0, 0, 0}, q = s;
  for (int j = -h; j <= h; ++j) {
    const float* ra = a.row(py + j) + px - h;
    fours.each([&](int x, FourFloats lanes) {
      const FourFloats va = load_four(ra + x) * lanes;
      s += va;
      q += va * va;
    });
  }
  sum = sum_lanes(s);
  sum_sq = sum_lanes(q);
}

// The template's values and gradients (stored in tp) and the gradient sums the sub-pixel
// steps need, from A at (px, py); tp's half, n, mean and norm already set.
inline void store_template_and_gradients(const ImageView& a, int px, int py, Template& tp) {
  const int h = tp.half, side = 2 * h + 1;
  const RowInFours fours(side);
  const TemplateStats stats = tp;  // a copy the stores to tp.t/gx/gy below cannot alias
  FourFloats gxx = {0, 0, 0, 0}, gyy = gxx, gxy = gxx, sgx = gxx, sgy = gxx, sgxa = gxx, sgya = gxx;
  // The four pixels at x of the template's row j; the sums count those `lanes` keeps.
  auto four_pixels = [&](int j, int x, FourFloats lanes) {
    const float* ra = a.row(py + j) + px - h + x;
    const float* up = a.row(py + j - 1) + px - h + x;
    const float* dn = a.row(py + j + 1) + px - h + x;
    const FourFloats va = load_four(ra);
    const FourFloats dx = central_difference(load_four(ra - 1), load_four(ra + 1));
    const FourFloats dy = central_difference(load_four(up), load_four(dn));
    const int at = (j + h) * side + x;
    store_four(tp.t + at, template_value(va, stats));
    store_four(tp.gx + at, dx);
    store_four(tp.gy + at, dy);
    const FourFloats kx = dx * lanes, ky = dy * lanes;
    gxx += kx * dx; gyy += ky * dy; gxy += kx * dy;
    sgx += kx; sgy += ky;
    sgxa += kx * va; sgya += ky * va;
  };
  for (int j = -h; j <= h; ++j) fours.each([&](int x, FourFloats lanes) { four_pixels(j, x, lanes); });
  tp.gxx = sum_lanes(gxx); tp.gyy = sum_lanes(gyy); tp.gxy = sum_lanes(gxy);
  tp.sgx = sum_lanes(sgx); tp.sgy = sum_lanes(sgy);
  tp.sgxa = sum_lanes(sgxa); tp.sgya = sum_lanes(sgya);
}

// Fills `tp` from A at (px, py); false when the block leaves A or has no texture.
inline bool prepare_template(const ImageView& a, int px, int py, int h, Template& tp) {
  if (h < kMinHalf || h > kMaxHalf || !a.holds(px, py, h + 1)) return false;
  const int side = 2 * h + 1;
  tp.half = h;
  tp.n = float(side * side);
  float sa = 0, saa = 0;
  sum_block_pixels(a, px, py, h, sa, saa);
  if (!set_template_norm(sa, saa, tp)) return false;
  store_template_and_gradients(a, px, py, tp);
  return true;
}

// Sums over a row of `side` values at the 2R+1 offsets 0..2R, each multiplied by the
// row `weights` (or 1 where `weights` is null): out[k] += sum_i w[i] * values[i + k].
// Each load of a weight feeds 2R+1 products, four pixels wide.
template <int R>
inline void add_shifted_products(const RowInFours& fours, const float* weights, const float* values, FourFloats* out) {
  fours.each([&](int x, FourFloats lanes) {
    const FourFloats w = (weights ? load_four(weights + x) : kAllLanes) * lanes;
    for (int k = 0; k <= 2 * R; ++k) out[k] += w * load_four(values + x + k);
  });
}

// zncc_search() for one radius R.
template <int R>
inline void zncc_search_for(const Template& tp, const ImageView& b, int cx, int cy, float* score) {
  constexpr int kShifts = 2 * R + 1;
  const int h = tp.half, side = 2 * h + 1, span = side + 2 * R;
  const RowInFours fours(side);
  float col_s[kMaxSide + 2 * kMaxSearchRadius] = {}, col_q[kMaxSide + 2 * kMaxSearchRadius] = {};
  const int x_left = cx - R - h;
  // Row by row (each column still summed top to bottom): B is read along its rows.
  for (int j = -h; j <= h; ++j) {
    const float* row = b.row(cy - R + j) + x_left;
    for (int x = 0; x < span; ++x) {
      col_s[x] += row[x];
      col_q[x] += row[x] * row[x];
    }
  }
  for (int sy = -R; sy <= R; ++sy) {
    if (sy > -R) {  // slide the column sums one row down
      const float* out = b.row(cy + sy - 1 - h) + x_left;
      const float* in = b.row(cy + sy + h) + x_left;
      for (int x = 0; x < span; ++x) {
        col_s[x] += in[x] - out[x];
        col_q[x] += in[x] * in[x] - out[x] * out[x];
      }
    }
    FourFloats stb[kShifts], sb[kShifts], sbb[kShifts];
    for (int k = 0; k < kShifts; ++k) stb[k] = sb[k] = sbb[k] = FourFloats{0, 0, 0, 0};
    for (int j = -h; j <= h; ++j)
      add_shifted_products<R>(fours, tp.t + (j + h) * side, b.row(cy + sy + j) + x_left, stb);
    add_shifted_products<R>(fours, nullptr, col_s, sb);
    add_shifted_products<R>(fours, nullptr, col_q, sbb);
    for (int k = 0; k < kShifts; ++k)
      score[(sy + R) * kShifts + k] = search_score(sum_lanes(stb[k]), sum_lanes(sb[k]), sum_lanes(sbb[k]), tp.n);
  }
}

// ZNCC of the template against B for every integer shift in +-r (0..kMaxSearchRadius)
// around (cx, cy). Box sums of B come from column sums slid down the search rows, so each shift costs
// one multiply-add per template pixel.
inline void zncc_search(const Template& tp, const ImageView& b, int cx, int cy, int r, float* score) {
  static_assert(kMaxSearchRadius == 4, "one instance per search radius");
  switch (r) {
    case 0: return zncc_search_for<0>(tp, b, cx, cy, score);
    case 1: return zncc_search_for<1>(tp, b, cx, cy, score);
    case 2: return zncc_search_for<2>(tp, b, cx, cy, score);
    case 3: return zncc_search_for<3>(tp, b, cx, cy, score);
    case 4: return zncc_search_for<4>(tp, b, cx, cy, score);
    default: return;  // match_point() clamps r to 0..kMaxSearchRadius
  }
}

// One Gauss-Newton step of the sub-pixel displacement (dx, dy), minimising the
// difference of the brightness-normalised blocks, B sampled at the displaced positions:
// `b` is B itself, sampled by Catmull-Rom, or (on_spline) B's cubic B-spline coefficients
// (SplineSampling.h), with A's gradient gain (apply_refine_step); the separable weights
// applied four pixels at a time. Returns false when the step cannot be taken.
inline bool refine_step(const Template& tp, const ImageView& b, bool on_spline, const SplineGain& gain, int px, int py,
                        float& dx, float& dy, float& quality) {
  const int h = tp.half, side = 2 * h + 1;
  const RowInFours fours(side);
  const int ix = int(floorf(dx)), iy = int(floorf(dy));
  if (!b.holds(px + ix, py + iy, h + 2)) return false;
  float wx[4], wy[4];
  sampling_weights(on_spline, dx - float(ix), wx);
  sampling_weights(on_spline, dy - float(iy), wy);
  // Rows interpolated along x, for the template rows and one above, two below (the
  // four pixels ending a row are written again with the same values).
  float rows[(kMaxSide + 3) * kMaxSide];
  auto sample_along_x = [&](const float* p) {
    return cubic_combine(wx, load_four(p - 1), load_four(p), load_four(p + 1), load_four(p + 2));
  };
  for (int j = 0; j < side + 3; ++j) {
    const float* rb = b.row(py + iy - h - 1 + j) + px + ix - h;
    float* out = rows + j * side;
    fours.each([&](int x, FourFloats) { store_four(out + x, sample_along_x(rb + x)); });
  }
  FourFloats sb = {0, 0, 0, 0}, sbb = sb, stb = sb, sgxb = sb, sgyb = sb;
  auto four_pixels = [&](int j, int i, FourFloats lanes) {
    const float* r0 = rows + (j + 1) * side + i;
    const FourFloats vb =
        cubic_combine(wy, load_four(r0 - side), load_four(r0), load_four(r0 + side), load_four(r0 + 2 * side)) * lanes;
    const int at = j * side + i;
    sb += vb; sbb += vb * vb;
    stb += load_four(tp.t + at) * vb; sgxb += load_four(tp.gx + at) * vb; sgyb += load_four(tp.gy + at) * vb;
  };
  for (int j = 0; j < side; ++j) fours.each([&](int x, FourFloats lanes) { four_pixels(j, x, lanes); });
  return apply_refine_step(tp, RefineSums{sum_lanes(sb), sum_lanes(sbb), sum_lanes(stb), sum_lanes(sgxb), sum_lanes(sgyb)},
                           gain, dx, dy, quality);
}

// Tracks the block centred on (px, py) in A into B, starting from the seed; `splines`
// for s.spline_steps.
inline MatchResult match_point(const ImageView& a, const ImageView& b, const SplineViews& splines, int px, int py,
                               float seed_dx, float seed_dy, const MatchSettings& s) {
  seed_dx = usable_seed(seed_dx);
  seed_dy = usable_seed(seed_dy);
  MatchResult result;
  result.dx = seed_dx;
  result.dy = seed_dy;
  const int h = clamped_half(s), r = clamped_radius(s);
  Template tp;
  if (!a.holds(px, py, h + 1)) return result;
  if (!prepare_template(a, px, py, h, tp)) {
    result.status = kMatchFlat;
    return result;
  }
  SearchArea area = place_search(b, px, py, seed_dx, seed_dy, h, r);
  if (area.empty()) return result;
  float score[(2 * kMaxSearchRadius + 1) * (2 * kMaxSearchRadius + 1)] = {};
  int best = 0;
  for (int round = 0; round < kMaxSearchRounds; ++round) {
    zncc_search(tp, b, area.cx, area.cy, r, score);
    if (!pick_best(score, r, round, area, best)) break;
  }
  finish_search(score, best, r, px, py, area, result);
  if (result.status == kMatchFlat) return result;
  const int side = 2 * r + 1;
  const float peak_dx = float(area.cx + best % side - r - px), peak_dy = float(area.cy + best / side - r - py);
  refine_from_peak(s, splines.at_hand(), peak_dx, peak_dy, result,
                   [&](bool on_spline, float& dx, float& dy, float& q) {
                     const SplineGain gain = on_spline ? *splines.a_gain : SplineGain{};
                     return refine_step(tp, on_spline ? splines.b : b, on_spline, gain, px, py, dx, dy, q);
                   });
  return result;
}

#endif  // !defined(__CUDACC__)

}  // namespace ft::gpu
