// The one translation unit of core that instantiates ITK templates (compile cost).
#include "ft/core/FibreOrientation.h"

#include <itkGradientRecursiveGaussianImageFilter.h>
#include <itkImage.h>
#include <itkSmoothingRecursiveGaussianImageFilter.h>

#include <algorithm>
#include <cmath>

namespace ft {
namespace {
using Image = itk::Image<float, 2>;

Image::Pointer crop(const Frame& frame, const PixelRect& r, double mm_per_px) {
  auto image = Image::New();
  Image::RegionType region;
  region.SetSize({{std::size_t(r.width_px()), std::size_t(r.height_px())}});
  image->SetRegions(region);
  const double spacing[2] = {mm_per_px, mm_per_px};
  image->SetSpacing(spacing);
  image->Allocate();
  float* out = image->GetBufferPointer();
  for (int y = 0; y < r.height_px(); ++y)
    for (int x = 0; x < r.width_px(); ++x) out[std::size_t(y) * r.width_px() + x] = frame.value(r.x0_px + x, r.y0_px + y);
  return image;
}

Image::Pointer smoothed(const Image::Pointer& input, double sigma_mm) {
  auto filter = itk::SmoothingRecursiveGaussianImageFilter<Image, Image>::New();
  filter->SetInput(input);
  filter->SetSigma(sigma_mm);
  filter->Update();
  return filter->GetOutput();
}

}  // namespace

FibreField fibre_orientation(const Frame& frame, const PixelRect& r, const DisplacementField& grid, double mm_per_px,
                             double gradient_sigma_mm, double integration_sigma_mm) {
  FibreField out;
  out.angle_deg.assign(grid.size(), 0.0f);
  out.coherence.assign(grid.size(), 0.0f);
  if (r.empty() || grid.size() == 0) return out;
  if (mm_per_px <= 0) mm_per_px = 1.0;
  const Image::Pointer image = crop(frame, r, mm_per_px);
  using GradientFilter = itk::GradientRecursiveGaussianImageFilter<Image>;
  auto gradient = GradientFilter::New();
  gradient->SetInput(image);
  gradient->SetSigma(gradient_sigma_mm);
  gradient->Update();
  // Structure tensor components J = g g^T, integrated over the neighbourhood.
  Image::Pointer jxx = Image::New(), jxy = Image::New(), jyy = Image::New();
  for (auto& j : {jxx, jxy, jyy}) {
    j->CopyInformation(image);
    j->SetRegions(image->GetLargestPossibleRegion());
    j->Allocate();
  }
  const auto* g = gradient->GetOutput()->GetBufferPointer();
  const std::size_t n = std::size_t(r.width_px()) * std::size_t(r.height_px());
  for (std::size_t i = 0; i < n; ++i) {
    jxx->GetBufferPointer()[i] = float(g[i][0] * g[i][0]);
    jxy->GetBufferPointer()[i] = float(g[i][0] * g[i][1]);
    jyy->GetBufferPointer()[i] = float(g[i][1] * g[i][1]);
  }
  const auto sxx = smoothed(jxx, integration_sigma_mm), sxy = smoothed(jxy, integration_sigma_mm),
             syy = smoothed(jyy, integration_sigma_mm);
  for (int row = 0; row < grid.rows; ++row)
    for (int col = 0; col < grid.columns; ++col) {
      const int x = std::clamp(int(std::lround(grid.x_px(col))) - r.x0_px, 0, r.width_px() - 1);
      const int y = std::clamp(int(std::lround(grid.y_px(row))) - r.y0_px, 0, r.height_px() - 1);
      const std::size_t k = std::size_t(y) * r.width_px() + x;
      const double a = sxx->GetBufferPointer()[k], b = sxy->GetBufferPointer()[k], c = syy->GetBufferPointer()[k];
      // Gradient direction: 0.5 atan2(2b, a - c); fibres run perpendicular to it.
      double angle = 0.5 * std::atan2(2.0 * b, a - c) * 180.0 / M_PI + 90.0;
      if (angle > 90.0) angle -= 180.0;
      const double trace = a + c;
      const std::size_t i = grid.index(col, row);
      out.angle_deg[i] = float(angle);
      out.coherence[i] = trace > 0 ? float(std::sqrt((a - c) * (a - c) + 4 * b * b) / trace) : 0.0f;
    }
  return out;
}

double mean_orientation_deg(const std::vector<float>& angle_deg, const std::vector<float>& weight) {
  double sc = 0, ss = 0;
  for (std::size_t i = 0; i < angle_deg.size(); ++i) {
    const double a = 2.0 * angle_deg[i] * M_PI / 180.0;
    sc += weight[i] * std::cos(a);
    ss += weight[i] * std::sin(a);
  }
  return 0.5 * std::atan2(ss, sc) * 180.0 / M_PI;
}

}  // namespace ft
