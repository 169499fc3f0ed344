// Activation functions shared by the fused kernels (matmul, conv) and the elementwise ones.
#pragma once

#include <cmath>
#include <cstdint>

namespace dlts {

// The activations of tfjs's fused kernels (`_FusedMatMul`, `FusedConv2D`), by code.
enum Activation : int { kLinear = 0, kRelu = 1, kRelu6 = 2, kElu = 3, kLeakyRelu = 4, kSigmoid = 5 };

inline float sigmoidf(float x) { return 1.f / (1.f + std::exp(-x)); }

// y = act(x) on n values, in place; `alpha` is leakyrelu's slope.
inline void activateRow(float* y, int64_t n, int act, float alpha) {
  switch (act) {
    case kRelu:
      for (int64_t i = 0; i < n; ++i) y[i] = y[i] < 0.f ? 0.f : y[i];
      break;
    case kRelu6:
      for (int64_t i = 0; i < n; ++i) y[i] = y[i] < 0.f ? 0.f : (y[i] > 6.f ? 6.f : y[i]);
      break;
    case kElu:
      for (int64_t i = 0; i < n; ++i) y[i] = y[i] < 0.f ? std::expm1(y[i]) : y[i];
      break;
    case kLeakyRelu:
      for (int64_t i = 0; i < n; ++i) y[i] = y[i] < 0.f ? alpha * y[i] : y[i];
      break;
    case kSigmoid:
      for (int64_t i = 0; i < n; ++i) y[i] = sigmoidf(y[i]);
      break;
    default:
      break;
  }
}

}  // namespace dlts
