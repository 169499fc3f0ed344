#include "onednn.h"

#include <omp.h>

#include <cstdlib>

#include "activation.h"
#include "common.h"

namespace dlts {

dnnl::engine& cpuEngine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

dnnl::stream& cpuStream() {
  static dnnl::stream s(cpuEngine());
  return s;
}

void* scratchpad(size_t bytes) {
  static AlignedBuffer buffer;
  return buffer.get(bytes == 0 ? 64 : bytes);
}

void* AlignedBuffer::get(size_t n) {
  if (n > bytes) {
    std::free(ptr);
    bytes = (n + 4095) & ~size_t(4095);
    ptr = std::aligned_alloc(64, bytes);
    if (ptr == nullptr) {
      bytes = 0;
      throw Error("out of memory for a buffer of " + std::to_string(n) + " bytes");
    }
  }
  return ptr;
}

AlignedBuffer::~AlignedBuffer() { std::free(ptr); }

dnnl::primitive_attr makeAttr(int act, float alpha) {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  if (act == kLinear) return attr;
  dnnl::algorithm alg = dnnl::algorithm::eltwise_relu;
  float a = 0.f, b = 0.f;
  switch (act) {
    case kRelu: alg = dnnl::algorithm::eltwise_relu; break;
    case kLeakyRelu: alg = dnnl::algorithm::eltwise_relu; a = alpha; break;
    case kRelu6: alg = dnnl::algorithm::eltwise_clip; a = 0.f; b = 6.f; break;
    case kElu: alg = dnnl::algorithm::eltwise_elu; a = 1.f; break;
    case kSigmoid: alg = dnnl::algorithm::eltwise_logistic; break;
    default: throw Error("unsupported fused activation " + std::to_string(act));
  }
  dnnl::post_ops po;
#if DNNL_VERSION_MAJOR >= 3
  po.append_eltwise(alg, a, b);
#else
  po.append_eltwise(1.f, alg, a, b);
#endif
  attr.set_post_ops(po);
  return attr;
}

std::string threadsKey() { return std::to_string(omp_get_max_threads()) + "t:"; }

SerialScope::SerialScope(bool serial) {
  if (!serial) return;
  previous_ = omp_get_max_threads();
  omp_set_num_threads(1);
}

SerialScope::~SerialScope() {
  if (previous_ > 0) omp_set_num_threads(previous_);
}

}  // namespace dlts
