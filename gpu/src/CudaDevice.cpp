// Whether a CUDA device can be used, and what it is. Without a GPU the runtime answers
// with an error (e.g. "CUDA driver version is insufficient"): any error means "no GPU".
#include <cstdio>
#include <exception>

#include "MatcherBackend.h"
#include "ft/gpu/GpuReport.h"
#include "ft/gpu/TrackingParameters.h"

#if defined(FT_HAVE_CUDA)
#include <cuda_runtime_api.h>
#endif

namespace ft::gpu {

bool cuda_device_available() noexcept {
#if defined(FT_HAVE_CUDA)
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky error
    return false;
  }
  return count > 0;
#else
  return false;
#endif
}

GpuReport gpu_report() {
  GpuReport r;
#if defined(FT_HAVE_CUDA)
  r.built_with_cuda = true;
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess || count == 0) {
    r.no_device = status != cudaSuccess ? cudaGetErrorString(status) : "no CUDA device";
    cudaGetLastError();
    return r;
  }
  cudaDeviceProp p{};
  if (cudaGetDeviceProperties(&p, 0) != cudaSuccess) {
    r.no_device = "the device's properties could not be read";
    cudaGetLastError();
    return r;
  }
  char text[320];
  std::snprintf(text, sizeof text, "%s, compute %d.%d, %d SMs, %.1f GiB", p.name, p.major, p.minor, p.multiProcessorCount,
                double(p.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0));
  r.device_present = true;
  r.device = text;
  try {
    r.kernels = cuda_kernel_resources();
  } catch (const std::exception& e) {  // a broken device is what this report must explain
    r.kernel_error = e.what();
  }
#else
  r.no_device = "this build has no CUDA support (nvcc was not found)";
#endif
  return r;
}

}  // namespace ft::gpu
