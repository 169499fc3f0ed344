// Matrix multiplication: tfjs's BatchMatMul and _FusedMatMul (bias + activation), on oneDNN's
// matmul primitive (brgemm kernels JIT-compiled for the CPU, multi-threaded with OpenMP).
// Transposes are expressed as strides, batches broadcast when one side has a batch of 1, and
// the bias and activation are fused into the primitive. One primitive per shape, cached.
//
// (dnnl_sgemm, oneDNN's BLAS-like call, is not used: in oneDNN 2.6 it corrupts the heap when a
// signal such as the profiler's SIGPROF arrives during a multi-threaded call.)
#include <dnnl.hpp>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "activation.h"
#include "common.h"
#include "onednn.h"

using dnnl::memory;
using dt = dnnl::memory::data_type;

namespace {

enum BiasMode : int { kNoBias = 0, kColumnBias = 1, kScalarBias = 2 };

struct MatMulEntry {
  dnnl::matmul prim;
  memory::desc a, b, c, bias, scratch;
};

struct Shape {
  int64_t batchA, batchB, M, N, K;
  bool ta, tb;
};

memory::desc aDesc(const Shape& s) {
  // a is [batchA, M, K], or [batchA, K, M] when transposed.
  return s.ta ? memory::desc({s.batchA, s.M, s.K}, dt::f32, memory::dims{s.M * s.K, 1, s.M})
              : memory::desc({s.batchA, s.M, s.K}, dt::f32, memory::dims{s.M * s.K, s.K, 1});
}

memory::desc bDesc(const Shape& s) {
  // b is [batchB, K, N], or [batchB, N, K] when transposed.
  return s.tb ? memory::desc({s.batchB, s.K, s.N}, dt::f32, memory::dims{s.K * s.N, 1, s.K})
              : memory::desc({s.batchB, s.K, s.N}, dt::f32, memory::dims{s.K * s.N, s.N, 1});
}

MatMulEntry& entry(const Shape& s, int biasMode, int act, float alpha) {
  static std::unordered_map<std::string, std::unique_ptr<MatMulEntry>> cache;
  std::string key = dlts::threadsKey();
  for (int64_t v : {s.batchA, s.batchB, s.M, s.N, s.K, int64_t(s.ta), int64_t(s.tb), int64_t(biasMode), int64_t(act)}) key += std::to_string(v) + ",";
  key += std::to_string(alpha);
  auto it = cache.find(key);
  if (it != cache.end()) return *it->second;
  if (cache.size() > 1024) cache.clear();  // bound the memory kept for shapes seen once
  auto e = std::make_unique<MatMulEntry>();
  const int64_t batch = std::max(s.batchA, s.batchB);
  e->a = aDesc(s);
  e->b = bDesc(s);
  e->c = memory::desc({batch, s.M, s.N}, dt::f32, memory::dims{s.M * s.N, s.N, 1});
  if (biasMode == kColumnBias) e->bias = memory::desc({1, 1, s.N}, dt::f32, memory::dims{s.N, s.N, 1});
  if (biasMode == kScalarBias) e->bias = memory::desc({1, 1, 1}, dt::f32, memory::dims{1, 1, 1});
  dnnl::primitive_attr attr = dlts::makeAttr(act, alpha);
#if DNNL_VERSION_MAJOR >= 3
  dnnl::matmul::primitive_desc pd(dlts::cpuEngine(), e->a, e->b, e->bias, e->c, attr);
#else
  dnnl::matmul::desc d(e->a, e->b, e->bias, e->c);
  dnnl::matmul::primitive_desc pd(d, attr, dlts::cpuEngine());
#endif
  e->prim = dnnl::matmul(pd);
  e->scratch = pd.scratchpad_desc();
  return *cache.emplace(key, std::move(e)).first->second;
}

// A small inner dimension (K <= kSmallK, e.g. the gradient of a 10-class output layer: [128,10]
// x [10,512]): oneDNN's kernels are built for long dot products and reach a few GFLOP/s there;
// rows of `out` as sums of K scaled rows of b (packed once to [K, N]) are several times faster.
constexpr int64_t kSmallK = 16;

void smallKMatMul(const float* a, const float* b, float* out, const Shape& s, const float* bias, size_t biasLen, int act, float alpha) {
  const int64_t batch = std::max(s.batchA, s.batchB);
  std::vector<float> packed(static_cast<size_t>(s.K * s.N));
  for (int64_t bi = 0; bi < batch; ++bi) {
    const float* A = a + (s.batchA == 1 ? 0 : bi) * s.M * s.K;
    const float* B = b + (s.batchB == 1 ? 0 : bi) * s.K * s.N;
    if (bi == 0 || s.batchB != 1) {
      for (int64_t k = 0; k < s.K; ++k)
        for (int64_t j = 0; j < s.N; ++j) packed[k * s.N + j] = s.tb ? B[j * s.K + k] : B[k * s.N + j];
    }
    const float* P = packed.data();
#pragma omp parallel for schedule(static) if (s.M * s.N * s.K >= dlts::kParallelMatMulGrain)
    for (int64_t i = 0; i < s.M; ++i) {
      float* row = out + (bi * s.M + i) * s.N;
      if (bias == nullptr) {
        std::fill(row, row + s.N, 0.f);
      } else {
        for (int64_t j = 0; j < s.N; ++j) row[j] = bias[biasLen == 1 ? 0 : j];
      }
      for (int64_t k = 0; k < s.K; ++k) {
        const float av = s.ta ? A[k * s.M + i] : A[i * s.K + k];
        const float* p = P + k * s.N;
#pragma omp simd
        for (int64_t j = 0; j < s.N; ++j) row[j] += av * p[j];
      }
      dlts::activateRow(row, s.N, act, alpha);
    }
  }
}

}  // namespace

// matmul(a, b, out, batchA, batchB, M, N, K, transposeA, transposeB, bias|null, activation, alpha)
// a: [batchA, M, K] (or [batchA, K, M] transposed), b: [batchB, K, N] (or [batchB, N, K]),
// out: [max(batchA, batchB), M, N]; batchA and batchB are equal or one of them is 1.
// bias has 1 or N values (broadcast over rows); activation as in activation.h.
DLTS_EXPORT(matmul) {
  float* a = args.f32(0);
  float* b = args.f32(1);
  float* out = args.f32(2);
  Shape s{args.i64(3), args.i64(4), args.i64(5), args.i64(6), args.i64(7), args.i64(8) != 0, args.i64(9) != 0};
  size_t biasLen = 0;
  float* bias = args.f32opt(10, &biasLen);
  const int act = static_cast<int>(args.i64(11));
  const float alpha = static_cast<float>(args.f64(12));
  if (s.batchA != s.batchB && s.batchA != 1 && s.batchB != 1) throw dlts::Error("matmul: batches must match or be 1");
  const int64_t batch = std::max(s.batchA, s.batchB);
  if (s.M == 0 || s.N == 0 || batch == 0) return dlts::undefinedValue(args.env());
  if (s.K == 0) {
    // An empty sum: bias and activation of zeros. Rare: done here rather than by oneDNN.
    for (int64_t r = 0; r < batch * s.M; ++r) {
      float* row = out + r * s.N;
      for (int64_t j = 0; j < s.N; ++j) row[j] = bias == nullptr ? 0.f : bias[biasLen == 1 ? 0 : j];
      dlts::activateRow(row, s.N, act, alpha);
    }
    return dlts::undefinedValue(args.env());
  }
  dlts::SerialScope serial(batch * s.M * s.N * s.K < dlts::kParallelMatMulGrain);
  const int biasMode = bias == nullptr ? kNoBias : (biasLen == 1 ? kScalarBias : kColumnBias);
  if (biasMode == kColumnBias && static_cast<int64_t>(biasLen) != s.N) throw dlts::Error("matmul: bias must have 1 or N values");
  if (s.K <= kSmallK) {
    smallKMatMul(a, b, out, s, bias, biasLen, act, alpha);
    return dlts::undefinedValue(args.env());
  }
  try {
    MatMulEntry& e = entry(s, biasMode, act, alpha);
    auto& eng = dlts::cpuEngine();
    std::unordered_map<int, memory> margs = {{DNNL_ARG_SRC, memory(e.a, eng, a)},
                                             {DNNL_ARG_WEIGHTS, memory(e.b, eng, b)},
                                             {DNNL_ARG_DST, memory(e.c, eng, out)},
                                             {DNNL_ARG_SCRATCHPAD, dlts::scratchMemory(e.scratch)}};
    if (bias != nullptr) margs.emplace(DNNL_ARG_BIAS, memory(e.bias, eng, bias));
    e.prim.execute(dlts::cpuStream(), margs);
    dlts::cpuStream().wait();
  } catch (const dnnl::error& err) {
    throw dlts::Error(std::string("matmul: ") + err.what());
  }
  return dlts::undefinedValue(args.env());
}
