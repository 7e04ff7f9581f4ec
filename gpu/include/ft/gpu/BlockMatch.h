#pragma once
// Block matching of one grid point, written once for the CPU and the GPU.
//
// Zero-mean normalised cross-correlation (ZNCC) of a (2h+1)^2 template of frame A
// against frame B over integer shifts within +-radius of the seed, then sub-pixel
// refinement. A 3-point Gaussian/parabolic peak fit alone is biased toward integer
// shifts ("pixel locking"); we use it only to start Gauss-Newton steps on the
// brightness-normalised block difference with bilinear sampling of B, which has no
// such bias. B is sampled with Catmull-Rom cubic interpolation: bilinear sampling has
// a third-order error that itself biases smooth textures by a few hundredths of a px
// (bench/ measures the residual bias and RMSE over sub-pixel sweeps).
#include <math.h>

#include "ft/gpu/HostDevice.h"
#include "ft/gpu/ImageView.h"

namespace ft::gpu {

constexpr int kMaxSearchRadius = 4;

enum MatchStatus : unsigned char {
  kMatchOk = 0,
  kMatchOutside = 1,     // template or search area leaves the image
  kMatchFlat = 2,        // no texture to match (e.g. shadow, anechoic)
  kMatchOnBorder = 3,    // best integer shift on the search border: may be a false peak
};

struct MatchSettings {
  int half = 8;                // template half size, px
  int radius = 2;              // integer search radius, px (<= kMaxSearchRadius)
  int refine_iterations = 2;   // Gauss-Newton sub-pixel steps (0: peak fit only)
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

// ZNCC of the template at (px, py) in A against B at integer position (qx, qy).
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

// One Gauss-Newton step of the sub-pixel displacement (dx, dy), minimising the
// difference of the brightness-normalised blocks with B sampled at the displaced
// positions. Returns false when the step cannot be taken.
FT_HOST_DEVICE bool refine_step(const ImageView& a, const ImageView& b, int px, int py, int h, float& dx, float& dy,
                                float& quality) {
  const int ix = int(floorf(dx)), iy = int(floorf(dy));
  if (!a.holds(px, py, h + 1) || !b.holds(px + ix, py + iy, h + 2)) return false;
  float wx[4], wy[4];
  cubic_weights(dx - float(ix), wx);
  cubic_weights(dy - float(iy), wy);
  float sa = 0, saa = 0, sb = 0, sbb = 0, sab = 0;
  float gxx = 0, gyy = 0, gxy = 0, sgx = 0, sgy = 0, sgxa = 0, sgya = 0, sgxb = 0, sgyb = 0;
  for (int j = -h; j <= h; ++j) {
    const float* ra = a.row(py + j) + px;
    const float* ra_up = a.row(py + j - 1) + px;
    const float* ra_dn = a.row(py + j + 1) + px;
    const float* rb[4];
    for (int m = 0; m < 4; ++m) rb[m] = b.row(py + iy + j + m - 1) + px + ix;
    for (int i = -h; i <= h; ++i) {
      const float va = ra[i];
      float vb = 0.0f;
      for (int m = 0; m < 4; ++m)
        vb += wy[m] * (wx[0] * rb[m][i - 1] + wx[1] * rb[m][i] + wx[2] * rb[m][i + 1] + wx[3] * rb[m][i + 2]);
      const float gx = 0.5f * (ra[i + 1] - ra[i - 1]);
      const float gy = 0.5f * (ra_dn[i] - ra_up[i]);
      sa += va; saa += va * va; sb += vb; sbb += vb * vb; sab += va * vb;
      gxx += gx * gx; gyy += gy * gy; gxy += gx * gy;
      sgx += gx; sgy += gy;
      sgxa += gx * va; sgya += gy * va; sgxb += gx * vb; sgyb += gy * vb;
    }
  }
  const float n = float((2 * h + 1) * (2 * h + 1));
  const float ma = sa / n, mb = sb / n;
  const float va = saa - sa * ma, vb = sbb - sb * mb;
  if (va <= 1e-6f * n || vb <= 1e-6f * n) return false;
  quality = (sab - sa * mb) / sqrtf(va * vb);
  const float k = sqrtf(va / vb);  // scales B's contrast to A's
  // v = sum g * ((B - mb) k - (A - ma))
  const float vx = k * (sgxb - mb * sgx) - (sgxa - ma * sgx);
  const float vy = k * (sgyb - mb * sgy) - (sgya - ma * sgy);
  const float det = gxx * gyy - gxy * gxy;
  if (det <= 1e-9f * (gxx * gyy + 1e-12f)) return false;
  const float step_x = -(gyy * vx - gxy * vy) / det;
  const float step_y = -(gxx * vy - gxy * vx) / det;
  if (fabsf(step_x) > 1.0f || fabsf(step_y) > 1.0f) return false;
  dx += step_x;
  dy += step_y;
  return true;
}

// Tracks the template centred on (px, py) in A into B, starting from the seed.
FT_HOST_DEVICE MatchResult match_point(const ImageView& a, const ImageView& b, int px, int py, float seed_dx,
                                       float seed_dy, const MatchSettings& s) {
  MatchResult result;
  result.dx = seed_dx;
  result.dy = seed_dy;
  const int h = s.half;
  const int r = s.radius < kMaxSearchRadius ? s.radius : kMaxSearchRadius;
  if (!a.holds(px, py, h)) return result;
  int cx = px + int(lroundf(seed_dx)), cy = py + int(lroundf(seed_dy));
  // Keep the search area inside B; a seed pointing outside is pulled back in.
  const int lo_x = b.x0 + h + r, hi_x = b.x0 + b.width - 1 - h - r;
  const int lo_y = b.y0 + h + r, hi_y = b.y0 + b.height - 1 - h - r;
  if (lo_x > hi_x || lo_y > hi_y) return result;
  const bool seed_clamped = cx < lo_x - r || cx > hi_x + r || cy < lo_y - r || cy > hi_y + r;
  cx = cx < lo_x ? lo_x : (cx > hi_x ? hi_x : cx);
  cy = cy < lo_y ? lo_y : (cy > hi_y ? hi_y : cy);

  float score[(2 * kMaxSearchRadius + 1) * (2 * kMaxSearchRadius + 1)] = {};
  const int side = 2 * r + 1;
  int best = 0, bx = 0, by = 0;
  // A best shift on the search border may hide a higher peak beyond it: move the
  // window onto it and search again (twice at most).
  for (int round = 0; round < 3; ++round) {
    best = 0;
    for (int sy = -r; sy <= r; ++sy) {
      for (int sx = -r; sx <= r; ++sx) {
        const int k = (sy + r) * side + (sx + r);
        score[k] = zncc_at(a, b, px, py, cx + sx, cy + sy, h);
        if (score[k] > score[best]) best = k;
      }
    }
    bx = best % side - r;
    by = best / side - r;
    const bool on_border = r > 0 && (bx == -r || bx == r || by == -r || by == r);
    const int nx = cx + bx, ny = cy + by;
    if (!on_border || round == 2 || nx < lo_x || nx > hi_x || ny < lo_y || ny > hi_y) break;
    cx = nx;
    cy = ny;
  }
  result.quality = score[best];
  if (result.quality == 0.0f) {
    result.status = kMatchFlat;
    return result;
  }
  const bool border_x = bx == -r || bx == r, border_y = by == -r || by == r;
  const float sub_x = border_x ? 0.0f : peak_offset(score[best - 1], score[best], score[best + 1]);
  const float sub_y = border_y ? 0.0f : peak_offset(score[best - side], score[best], score[best + side]);
  result.dx = float(cx + bx - px) + sub_x;
  result.dy = float(cy + by - py) + sub_y;
  result.status = (border_x || border_y) && r > 0 ? kMatchOnBorder : kMatchOk;
  if (seed_clamped) result.status = kMatchOutside;  // the tissue left the image
  for (int it = 0; it < s.refine_iterations; ++it) {
    float dx = result.dx, dy = result.dy, q = result.quality;
    if (!refine_step(a, b, px, py, h, dx, dy, q)) break;
    if (fabsf(dx - float(cx + bx - px)) > 1.0f || fabsf(dy - float(cy + by - py)) > 1.0f) break;  // left the peak
    result.dx = dx;
    result.dy = dy;
    result.quality = q;
  }
  return result;
}

}  // namespace ft::gpu
