#pragma once
// FT_HOST_DEVICE marks per-pixel math compiled for both the CPU and CUDA, so that the
// CPU tests cover exactly the code the GPU runs.
#if defined(__CUDACC__)
#define FT_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define FT_HOST_DEVICE inline
#endif
