// What the oneDNN-based kernels share: one CPU engine and stream, one scratchpad, aligned
// buffers, and the fused activations as oneDNN post-ops.
#pragma once

#include <dnnl.hpp>

#include <cstddef>
#include <string>

namespace dlts {

dnnl::engine& cpuEngine();
dnnl::stream& cpuStream();

// One scratchpad for all primitives (calls are sequential, from the JS thread), grown on demand.
void* scratchpad(size_t bytes);

inline dnnl::memory scratchMemory(const dnnl::memory::desc& md) { return dnnl::memory(md, cpuEngine(), scratchpad(md.get_size())); }

// A 64-byte aligned buffer owned by a cached primitive (a reordered filter, for example).
struct AlignedBuffer {
  void* ptr = nullptr;
  size_t bytes = 0;
  void* get(size_t n);
  AlignedBuffer() = default;
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  ~AlignedBuffer();
};

// Primitive attributes: user scratchpad, and the activation `act` (activation.h codes) as a
// post-op; `alpha` is leakyrelu's slope.
dnnl::primitive_attr makeAttr(int act = 0, float alpha = 0.f);

// The thread count primitives are created for (part of every cache key).
std::string threadsKey();

}  // namespace dlts
