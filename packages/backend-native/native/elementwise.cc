// Elementwise kernels: unary maths and activations, binary ops with broadcasting (the optimizers'
// updates, bias adds, losses), AddN, and row gathers. Semantics follow tfjs-backend-cpu.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "activation.h"
#include "common.h"

namespace {

enum Unary : int {
  kURelu = 0,
  kURelu6,
  kUElu,
  kULeakyRelu,
  kUSigmoid,
  kUTanh,
  kUExp,
  kULog,
  kUSqrt,
  kURsqrt,
  kUSquare,
  kUNeg,
  kUAbs,
  kUStep,
  kUSoftplus,
  kUReciprocal,
  kUSelu,
  kUClip,
  kULog1p,
  kUExpm1,
  kUErf,
  kUFloor,
  kUCeil,
  kURound,
  kUSign,
  kUCopy,
};

// y[i] = f(x[i]); outputs never alias inputs (tfjs kernels write fresh tensors).
template <typename F>
inline void mapRun(const float* __restrict x, float* __restrict y, int64_t n, F f) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}

template <typename F>
void forEach(const float* x, float* y, int64_t n, F f) {
  constexpr int64_t kChunk = 8192;
  const int64_t chunks = (n + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static) if (n > dlts::kParallelGrain)
  for (int64_t c = 0; c < chunks; ++c) {
    const int64_t i0 = c * kChunk;
    // A private copy of the functor: the loop then keeps its captures in registers.
    mapRun(x + i0, y + i0, std::min(kChunk, n - i0), F(f));
  }
}

inline float softplus(float v) {
  // tfjs-backend-cpu's formulation (thresholds from float32 epsilon).
  const float threshold = std::log(1.1920928955078125e-7f) + 2.0f;
  if (v < threshold) return std::exp(v);
  if (v > -threshold) return v;
  return std::log1p(std::exp(v));
}

enum Binary : int { kBAdd = 0, kBSub, kBMul, kBDiv, kBMax, kBMin, kBSquaredDifference, kBPow, kBDivNoNan };

// out[i] = f(a[i * ia], b[i * ib]) for i < n, with ia, ib in {0, 1}: one contiguous loop each.
template <typename A, typename B, typename O, typename F>
inline void runLoop(const A* __restrict a, const B* __restrict b, O* __restrict out, int64_t n, int64_t ia, int64_t ib, F f) {
  if (ia == 1 && ib == 1) {
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
  } else if (ia == 1 && ib == 0) {
    const B vb = b[0];
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], vb);
  } else if (ia == 0 && ib == 1) {
    const A va = a[0];
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) out[i] = f(va, b[i]);
  } else if (ia == 0 && ib == 0) {
    const O v = f(a[0], b[0]);
    for (int64_t i = 0; i < n; ++i) out[i] = v;
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = f(a[i * ia], b[i * ib]);
  }
}

template <typename A, typename B, typename O, typename F>
void broadcastLoop(const A* a, const B* b, O* out, const std::vector<int64_t>& shape, const std::vector<int64_t>& sa,
                   const std::vector<int64_t>& sb, F f) {
  const int rank = static_cast<int>(shape.size());
  const int64_t inner = shape[rank - 1];
  const int64_t ia = sa[rank - 1], ib = sb[rank - 1];
  int64_t rows = 1;
  for (int d = 0; d < rank - 1; ++d) rows *= shape[d];
  const int64_t total = rows * inner;
  if (rows == 1) {
    // One run along the innermost axis: split it between the threads in cache-friendly chunks.
    constexpr int64_t kChunk = 8192;
    const int64_t chunks = (inner + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static) if (total > dlts::kParallelGrain)
    for (int64_t c = 0; c < chunks; ++c) {
      const int64_t i0 = c * kChunk;
      const int64_t n = std::min(kChunk, inner - i0);
      runLoop(a + i0 * ia, b + i0 * ib, out + i0, n, ia, ib, f);
    }
    return;
  }
#pragma omp parallel for schedule(static) if (total > dlts::kParallelGrain)
  for (int64_t r = 0; r < rows; ++r) {
    int64_t rem = r, oa = 0, ob = 0;
    for (int d = rank - 2; d >= 0; --d) {
      const int64_t idx = rem % shape[d];
      rem /= shape[d];
      oa += idx * sa[d];
      ob += idx * sb[d];
    }
    runLoop(a + oa, b + ob, out + r * inner, inner, ia, ib, f);
  }
}

}  // namespace

// unary(op, x, out, alpha, beta)
DLTS_EXPORT(unary) {
  const int op = static_cast<int>(args.i64(0));
  size_t n = 0, m = 0;
  const float* x = args.f32(1, &n);
  float* y = args.f32(2, &m);
  if (m < n) throw dlts::Error("unary: output too small");
  const float alpha = static_cast<float>(args.f64(3));
  const float beta = static_cast<float>(args.f64(4));
  const int64_t len = static_cast<int64_t>(n);
  switch (op) {
    case kURelu: forEach(x, y, len, [](float v) { return v < 0.f ? 0.f : v; }); break;
    case kURelu6: forEach(x, y, len, [](float v) { return v < 0.f ? 0.f : (v > 6.f ? 6.f : v); }); break;
    case kUElu: forEach(x, y, len, [](float v) { return v < 0.f ? std::expm1(v) : v; }); break;
    case kULeakyRelu: forEach(x, y, len, [alpha](float v) { return v < 0.f ? alpha * v : v; }); break;
    case kUSigmoid: forEach(x, y, len, [](float v) { return 1.f / (1.f + std::exp(-v)); }); break;
    case kUTanh: forEach(x, y, len, [](float v) { return std::tanh(v); }); break;
    case kUExp: forEach(x, y, len, [](float v) { return std::exp(v); }); break;
    case kULog: forEach(x, y, len, [](float v) { return std::log(v); }); break;
    case kUSqrt: forEach(x, y, len, [](float v) { return std::sqrt(v); }); break;
    case kURsqrt: forEach(x, y, len, [](float v) { return 1.f / std::sqrt(v); }); break;
    case kUSquare: forEach(x, y, len, [](float v) { return v * v; }); break;
    case kUNeg: forEach(x, y, len, [](float v) { return -v; }); break;
    case kUAbs: forEach(x, y, len, [](float v) { return std::fabs(v); }); break;
    case kUStep:
      forEach(x, y, len, [alpha](float v) {
        const float s = v > 0.f ? 1.f : alpha;
        return v != v ? v : s;  // NaN stays NaN (branch-free, so that it vectorises)
      });
      break;
    case kUSoftplus: forEach(x, y, len, softplus); break;
    case kUReciprocal: forEach(x, y, len, [](float v) { return 1.f / v; }); break;
    case kUSelu:
      forEach(x, y, len, [](float v) {
        const float scale = 1.0507009873554804934193349852946f;
        const float scaleAlpha = 1.7580993408473768599402175208123f;
        return v >= 0.f ? scale * v : scaleAlpha * std::expm1(v);
      });
      break;
    case kUClip: forEach(x, y, len, [alpha, beta](float v) { return v > beta ? beta : (v < alpha ? alpha : v); }); break;
    case kULog1p: forEach(x, y, len, [](float v) { return std::log1p(v); }); break;
    case kUExpm1: forEach(x, y, len, [](float v) { return std::expm1(v); }); break;
    case kUErf: forEach(x, y, len, [](float v) { return std::erf(v); }); break;
    case kUFloor: forEach(x, y, len, [](float v) { return std::floor(v); }); break;
    case kUCeil: forEach(x, y, len, [](float v) { return std::ceil(v); }); break;
    case kURound: forEach(x, y, len, [](float v) { return std::nearbyint(v); }); break;
    case kUSign: forEach(x, y, len, [](float v) { return v < 0.f ? -1.f : (v > 0.f ? 1.f : v); }); break;
    case kUCopy: forEach(x, y, len, [](float v) { return v; }); break;
    default: throw dlts::Error("unary: unknown op " + std::to_string(op));
  }
  return dlts::undefinedValue(args.env());
}

// binary(op, a, b, out, shape, stridesA, stridesB): out[i] = f(a[...], b[...]) with broadcasting;
// shape and strides are the collapsed output shape and the operands' strides (0 = broadcast).
DLTS_EXPORT(binary) {
  const int op = static_cast<int>(args.i64(0));
  const float* a = args.f32(1);
  const float* b = args.f32(2);
  float* out = args.f32(3);
  const std::vector<int64_t> shape = args.dims(4), sa = args.dims(5), sb = args.dims(6);
  if (shape.empty() || sa.size() != shape.size() || sb.size() != shape.size()) throw dlts::Error("binary: bad shape");
  for (int64_t d : shape)
    if (d == 0) return dlts::undefinedValue(args.env());
  switch (op) {
    case kBAdd: broadcastLoop(a, b, out, shape, sa, sb, [](float x, float y) { return x + y; }); break;
    case kBSub: broadcastLoop(a, b, out, shape, sa, sb, [](float x, float y) { return x - y; }); break;
    case kBMul: broadcastLoop(a, b, out, shape, sa, sb, [](float x, float y) { return x * y; }); break;
    case kBDiv: broadcastLoop(a, b, out, shape, sa, sb, [](float x, float y) { return x / y; }); break;
    case kBMax:
      broadcastLoop(a, b, out, shape, sa, sb, [](float x, float y) { return (std::isnan(x) || std::isnan(y)) ? NAN : (x > y ? x : y); });
      break;
    case kBMin:
      broadcastLoop(a, b, out, shape, sa, sb, [](float x, float y) { return (std::isnan(x) || std::isnan(y)) ? NAN : (x < y ? x : y); });
      break;
    case kBSquaredDifference: broadcastLoop(a, b, out, shape, sa, sb, [](float x, float y) { return (x - y) * (x - y); }); break;
    case kBPow: broadcastLoop(a, b, out, shape, sa, sb, [](float x, float y) { return std::pow(x, y); }); break;
    case kBDivNoNan: broadcastLoop(a, b, out, shape, sa, sb, [](float x, float y) { return y == 0.f ? 0.f : x / y; }); break;
    default: throw dlts::Error("binary: unknown op " + std::to_string(op));
  }
  return dlts::undefinedValue(args.env());
}

// addN(out, x0, x1, ...): out = x0 + x1 + ... (same sizes).
DLTS_EXPORT(addN) {
  size_t n = 0;
  float* out = args.f32(0, &n);
  std::vector<const float*> xs;
  for (size_t i = 1; i < args.size(); ++i) {
    size_t m = 0;
    xs.push_back(args.f32(i, &m));
    if (m != n) throw dlts::Error("addN: operands differ in size");
  }
  if (xs.empty()) throw dlts::Error("addN: no operands");
  const int64_t len = static_cast<int64_t>(n);
  const int64_t k = static_cast<int64_t>(xs.size());
#pragma omp parallel for schedule(static) if (len * k > dlts::kParallelGrain)
  for (int64_t start = 0; start < len; start += 4096) {
    const int64_t end = std::min(len, start + 4096);
    std::memcpy(out + start, xs[0] + start, sizeof(float) * (end - start));
    for (int64_t j = 1; j < k; ++j) {
      const float* x = xs[j];
#pragma omp simd
      for (int64_t i = start; i < end; ++i) out[i] += x[i];
    }
  }
  return dlts::undefinedValue(args.env());
}

// gather(x, indices, out, outer, axisSize, inner): out[o, j, :] = x[o, indices[j], :] for 4-byte
// elements (float32 or int32, passed as Float32Array views). Returns -1, or the first bad index.
DLTS_EXPORT(gather) {
  const float* x = args.f32(0);
  size_t nIdx = 0;
  const int32_t* idx = args.array<int32_t>(1, &nIdx);
  float* out = args.f32(2);
  const int64_t outer = args.i64(3), axis = args.i64(4), inner = args.i64(5);
  const int64_t k = static_cast<int64_t>(nIdx);
  for (int64_t j = 0; j < k; ++j)
    if (idx[j] < 0 || idx[j] >= axis) return dlts::numberValue(args.env(), static_cast<double>(j));
#pragma omp parallel for collapse(2) schedule(static) if (outer * k * inner > dlts::kParallelGrain)
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t j = 0; j < k; ++j) {
      std::memcpy(out + (o * k + j) * inner, x + (o * axis + idx[j]) * inner, sizeof(float) * inner);
    }
  }
  return dlts::numberValue(args.env(), -1);
}

// compare(op, a, b, out (Uint8Array), shape, stridesA, stridesB): out = a <op> b as 0/1 (tfjs bool),
// op: 0 equal, 1 notEqual, 2 greater, 3 greaterEqual, 4 less, 5 lessEqual. Float operands.
DLTS_EXPORT(compare) {
  const int op = static_cast<int>(args.i64(0));
  const float* a = args.f32(1);
  const float* b = args.f32(2);
  uint8_t* out = args.array<uint8_t>(3);
  const std::vector<int64_t> shape = args.dims(4), sa = args.dims(5), sb = args.dims(6);
  if (shape.empty() || sa.size() != shape.size() || sb.size() != shape.size()) throw dlts::Error("compare: bad shape");
  for (int64_t d : shape)
    if (d == 0) return dlts::undefinedValue(args.env());
  using u8 = uint8_t;
  switch (op) {
    case 0: broadcastLoop(a, b, out, shape, sa, sb, [](float x, float y) -> u8 { return x == y; }); break;
    case 1: broadcastLoop(a, b, out, shape, sa, sb, [](float x, float y) -> u8 { return x != y; }); break;
    case 2: broadcastLoop(a, b, out, shape, sa, sb, [](float x, float y) -> u8 { return x > y; }); break;
    case 3: broadcastLoop(a, b, out, shape, sa, sb, [](float x, float y) -> u8 { return x >= y; }); break;
    case 4: broadcastLoop(a, b, out, shape, sa, sb, [](float x, float y) -> u8 { return x < y; }); break;
    case 5: broadcastLoop(a, b, out, shape, sa, sb, [](float x, float y) -> u8 { return x <= y; }); break;
    default: throw dlts::Error("compare: unknown op " + std::to_string(op));
  }
  return dlts::undefinedValue(args.env());
}

// logical(op, a, b, out, shape, stridesA, stridesB) on bool (Uint8Array) tensors: 0 and, 1 or.
DLTS_EXPORT(logical) {
  const int op = static_cast<int>(args.i64(0));
  const uint8_t* a = args.array<uint8_t>(1);
  const uint8_t* b = args.array<uint8_t>(2);
  uint8_t* out = args.array<uint8_t>(3);
  const std::vector<int64_t> shape = args.dims(4), sa = args.dims(5), sb = args.dims(6);
  if (shape.empty() || sa.size() != shape.size() || sb.size() != shape.size()) throw dlts::Error("logical: bad shape");
  for (int64_t d : shape)
    if (d == 0) return dlts::undefinedValue(args.env());
  using u8 = uint8_t;
  if (op == 0) broadcastLoop(a, b, out, shape, sa, sb, [](u8 x, u8 y) -> u8 { return (x != 0) & (y != 0); });
  else if (op == 1) broadcastLoop(a, b, out, shape, sa, sb, [](u8 x, u8 y) -> u8 { return (x != 0) | (y != 0); });
  else throw dlts::Error("logical: unknown op " + std::to_string(op));
  return dlts::undefinedValue(args.env());
}

// select(condition (Uint8Array), a, b, out, rows, inner): out = condition ? a : b, where the
// condition has one value per element (inner == 1 per row) or one per row of `inner` values.
DLTS_EXPORT(select) {
  size_t nc = 0, n = 0;
  const uint8_t* c = args.array<uint8_t>(0, &nc);
  const float* a = args.f32(1, &n);
  const float* b = args.f32(2);
  float* out = args.f32(3);
  const int64_t inner = args.i64(4);
  if (inner <= 0 || static_cast<int64_t>(nc) * inner != static_cast<int64_t>(n)) throw dlts::Error("select: bad shapes");
  const int64_t total = static_cast<int64_t>(n);
#pragma omp parallel for schedule(static) if (total > dlts::kParallelGrain)
  for (int64_t r = 0; r < static_cast<int64_t>(nc); ++r) {
    const float* src = c[r] ? a : b;
    for (int64_t i = r * inner; i < (r + 1) * inner; ++i) out[i] = src[i];
  }
  return dlts::undefinedValue(args.env());
}

// argMinMax(x, out (Int32Array), outer, n, inner, isMax): index of the first max (or min) along the
// middle axis of [outer, n, inner], as tfjs-backend-cpu (NaN never wins after the first value).
DLTS_EXPORT(argMinMax) {
  const float* x = args.f32(0);
  int32_t* out = args.array<int32_t>(1);
  const int64_t outer = args.i64(2), n = args.i64(3), inner = args.i64(4);
  const bool isMax = args.i64(5) != 0;
#pragma omp parallel for schedule(static) if (outer * n * inner > dlts::kParallelGrain)
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const float* p = x + o * n * inner + i;
      float best = p[0];
      int32_t where = 0;
      for (int64_t k = 1; k < n; ++k) {
        const float v = p[k * inner];
        if (isMax ? v > best : v < best) {
          best = v;
          where = static_cast<int32_t>(k);
        }
      }
      out[o * inner + i] = where;
    }
  }
  return dlts::undefinedValue(args.env());
}
