#pragma once
// Clean-up of a matched grid: outliers found by the normalised median test or a low
// correlation are replaced by the median of their neighbours (and marked not valid),
// then a light quality-weighted smoothing.
#include <cstdint>
#include <vector>

#include "WorkerPool.h"

namespace ft::gpu {

struct GridValues {
  int columns = 0;
  int rows = 0;
  std::vector<float> dx;
  std::vector<float> dy;
  std::vector<float> quality;
  std::vector<std::uint8_t> valid;
};

// Marks points failing the normalised median test (residual / (median residual + eps)
// > threshold, on the 3x3 neighbourhood) or with quality < min_quality as not valid.
// Rows are shared out over `pool`.
void reject_outliers(GridValues& g, float median_threshold, float min_quality, WorkerPool& pool, float eps_px = 0.1f);
// Replaces every not-valid point by the median of its valid neighbours, growing
// outwards until all are filled (a field with no valid point is left as is).
void fill_invalid(GridValues& g);
// 3x3 smoothing: own value weight 1, each neighbour `weight` x its quality.
void smooth(GridValues& g, float weight, WorkerPool& pool);

}  // namespace ft::gpu
