#pragma once
// What `fibretrack info --gpu` says about the GPU: whether this build has CUDA, the
// device found (or why none), and the matching kernel's resources as the driver loaded
// it (cudaFuncGetAttributes), which the tests check against what the kernel was
// designed for: no local memory, shared memory within the 48 KiB default.
#include <cstddef>
#include <string>
#include <vector>

namespace ft::gpu {

struct KernelResources {
  std::string name;
  int registers_per_thread = 0;
  std::size_t local_bytes_per_thread = 0;  // stack and spills: 0 by design
  std::size_t static_shared_bytes = 0;
  std::size_t largest_dynamic_shared_bytes = 0;  // what the largest template and search take
  int max_threads_per_block = 0;                 // what the registers allow
  int threads_per_block = 0;                     // what the backend launches
};

struct GpuReport {
  bool built_with_cuda = false;
  bool device_present = false;
  std::string device;     // e.g. "NVIDIA H200, compute 9.0, 132 SMs, 139.8 GiB"
  std::string no_device;  // why none can be used (the runtime's words)
  std::vector<KernelResources> kernels;
  std::string kernel_error;  // why the kernels' attributes could not be read
};

GpuReport gpu_report();

}  // namespace ft::gpu
