// Whether a CUDA device can be used. Without a GPU the runtime answers with an error
// (e.g. "CUDA driver version is insufficient"): any error means "no GPU".
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

}  // namespace ft::gpu
