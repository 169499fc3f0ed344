// Reductions (Sum, Mean, Max, Min, Prod over contiguous axes) and row-wise Softmax. Sums are
// accumulated in double, as tfjs-backend-cpu does with JS numbers.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "common.h"

namespace {

enum Reduce : int { kSum = 0, kMean, kMax, kMin, kProd };

// out[o] = reduce(x[o, 0..n)) for rows of n contiguous values.
void reduceRows(int op, const float* x, float* out, int64_t outer, int64_t n) {
#pragma omp parallel for schedule(static) if (outer * n > dlts::kParallelGrain && outer > 1)
  for (int64_t o = 0; o < outer; ++o) {
    const float* p = x + o * n;
    if (op == kSum || op == kMean) {
      double s = 0;
#pragma omp simd reduction(+ : s)
      for (int64_t k = 0; k < n; ++k) s += p[k];
      out[o] = static_cast<float>(op == kMean ? s / static_cast<double>(n) : s);
    } else if (op == kProd) {
      double s = 1;
      for (int64_t k = 0; k < n; ++k) s *= p[k];
      out[o] = static_cast<float>(s);
    } else {
      float m = n > 0 ? p[0] : (op == kMax ? -INFINITY : INFINITY);
      for (int64_t k = 0; k < n; ++k) {
        const float v = p[k];
        if (std::isnan(v) || (op == kMax ? v > m : v < m)) m = v;
      }
      out[o] = m;
    }
  }
}

// One long row reduced by every thread (outer == 1, large n): partial sums combined at the end.
float reduceLongRow(int op, const float* x, int64_t n) {
  const int threads = omp_get_max_threads();
  std::vector<double> partial(threads, op == kProd ? 1.0 : 0.0);
  std::vector<float> partialM(threads, op == kMax ? -INFINITY : INFINITY);
  std::vector<char> sawNan(threads, 0);
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    const int nt = omp_get_num_threads();
    const int64_t chunk = (n + nt - 1) / nt;
    const int64_t s0 = std::min(n, t * chunk), s1 = std::min(n, s0 + chunk);
    if (op == kSum || op == kMean) {
      double s = 0;
#pragma omp simd reduction(+ : s)
      for (int64_t k = s0; k < s1; ++k) s += x[k];
      partial[t] = s;
    } else if (op == kProd) {
      double s = 1;
      for (int64_t k = s0; k < s1; ++k) s *= x[k];
      partial[t] = s;
    } else {
      float m = partialM[t];
      for (int64_t k = s0; k < s1; ++k) {
        const float v = x[k];
        if (std::isnan(v)) sawNan[t] = 1;
        else if (op == kMax ? v > m : v < m) m = v;
      }
      partialM[t] = m;
    }
  }
  if (op == kSum || op == kMean) {
    double s = 0;
    for (double p : partial) s += p;
    return static_cast<float>(op == kMean ? s / static_cast<double>(n) : s);
  }
  if (op == kProd) {
    double s = 1;
    for (double p : partial) s *= p;
    return static_cast<float>(s);
  }
  for (char c : sawNan)
    if (c) return NAN;
  float m = partialM[0];
  for (float p : partialM) m = op == kMax ? std::max(m, p) : std::min(m, p);
  return m;
}

// out[o, i] = reduce_k x[o, k, i] (the reduced axes are in the middle, inner > 1).
void reduceMiddle(int op, const float* x, float* out, int64_t outer, int64_t n, int64_t inner) {
  const bool additive = op == kSum || op == kMean;
  const int threads = omp_get_max_threads();
  if (additive && outer < threads && n * inner > dlts::kParallelGrain) {
    // Few outputs rows, many reduced ones (a bias gradient): split the reduced axis.
    for (int64_t o = 0; o < outer; ++o) {
      const float* p = x + o * n * inner;
      std::vector<double> acc(static_cast<size_t>(threads) * inner, 0.0);
#pragma omp parallel num_threads(threads)
      {
        const int t = omp_get_thread_num();
        const int nt = omp_get_num_threads();
        const int64_t chunk = (n + nt - 1) / nt;
        const int64_t k0 = std::min(n, t * chunk), k1 = std::min(n, k0 + chunk);
        double* a = acc.data() + static_cast<size_t>(t) * inner;
        for (int64_t k = k0; k < k1; ++k) {
          const float* row = p + k * inner;
#pragma omp simd
          for (int64_t i = 0; i < inner; ++i) a[i] += row[i];
        }
      }
      for (int64_t i = 0; i < inner; ++i) {
        double s = 0;
        for (int t = 0; t < threads; ++t) s += acc[static_cast<size_t>(t) * inner + i];
        out[o * inner + i] = static_cast<float>(op == kMean ? s / static_cast<double>(n) : s);
      }
    }
    return;
  }
#pragma omp parallel for schedule(static) if (outer * n * inner > dlts::kParallelGrain && outer > 1)
  for (int64_t o = 0; o < outer; ++o) {
    const float* p = x + o * n * inner;
    float* q = out + o * inner;
    if (additive || op == kProd) {
      std::vector<double> acc(inner, op == kProd ? 1.0 : 0.0);
      for (int64_t k = 0; k < n; ++k) {
        const float* row = p + k * inner;
        if (op == kProd) {
          for (int64_t i = 0; i < inner; ++i) acc[i] *= row[i];
        } else {
#pragma omp simd
          for (int64_t i = 0; i < inner; ++i) acc[i] += row[i];
        }
      }
      for (int64_t i = 0; i < inner; ++i) q[i] = static_cast<float>(op == kMean ? acc[i] / static_cast<double>(n) : acc[i]);
    } else {
      for (int64_t i = 0; i < inner; ++i) q[i] = n > 0 ? p[i] : (op == kMax ? -INFINITY : INFINITY);
      for (int64_t k = 0; k < n; ++k) {
        const float* row = p + k * inner;
        for (int64_t i = 0; i < inner; ++i) {
          const float v = row[i];
          if (std::isnan(v) || (op == kMax ? v > q[i] : v < q[i])) q[i] = v;
        }
      }
    }
  }
}

}  // namespace

// reduce(op, x, out, outer, n, inner): out[o, i] = op over k of x[o, k, i].
DLTS_EXPORT(reduce) {
  const int op = static_cast<int>(args.i64(0));
  const float* x = args.f32(1);
  float* out = args.f32(2);
  const int64_t outer = args.i64(3), n = args.i64(4), inner = args.i64(5);
  if (op < kSum || op > kProd) throw dlts::Error("reduce: unknown op " + std::to_string(op));
  if (inner == 1) {
    if (outer == 1 && n > dlts::kParallelGrain) out[0] = reduceLongRow(op, x, n);
    else reduceRows(op, x, out, outer, n);
  } else {
    reduceMiddle(op, x, out, outer, n, inner);
  }
  return dlts::undefinedValue(args.env());
}

// softmax(x, out, rows, n): softmax of each row of n values.
DLTS_EXPORT(softmax) {
  const float* x = args.f32(0);
  float* out = args.f32(1);
  const int64_t rows = args.i64(2), n = args.i64(3);
#pragma omp parallel for schedule(static) if (rows * n > dlts::kParallelGrain && rows > 1)
  for (int64_t r = 0; r < rows; ++r) {
    const float* p = x + r * n;
    float* q = out + r * n;
    float m = -INFINITY;
    for (int64_t k = 0; k < n; ++k) m = std::isnan(p[k]) || p[k] > m ? p[k] : m;
    double s = 0;
    for (int64_t k = 0; k < n; ++k) {
      q[k] = std::exp(p[k] - m);
      s += q[k];
    }
    const float sum = static_cast<float>(s);
    for (int64_t k = 0; k < n; ++k) q[k] /= sum;
  }
  return dlts::undefinedValue(args.env());
}

// softmaxCrossEntropy(logits, labels, loss, backprop, rows, n): per row r of n values,
//   loss[r] = -sum(y logSoftmax(x)) = logsumexp(x) sum(y) - sum(y x)
//   backprop[r] = softmax(x) sum(y) - y       (d loss[r] / dx)
// TensorFlow's SoftmaxCrossEntropyWithLogits, in one pass over each row.
DLTS_EXPORT(softmaxCrossEntropy) {
  const float* x = args.f32(0);
  const float* y = args.f32(1);
  float* loss = args.f32(2);
  float* bp = args.f32(3);
  const int64_t rows = args.i64(4), n = args.i64(5);
#pragma omp parallel for schedule(static) if (rows * n > dlts::kParallelGrain && rows > 1)
  for (int64_t r = 0; r < rows; ++r) {
    const float* p = x + r * n;
    const float* t = y + r * n;
    float* q = bp + r * n;
    float m = -INFINITY;
    for (int64_t k = 0; k < n; ++k) m = std::isnan(p[k]) || p[k] > m ? p[k] : m;
    double s = 0, ySum = 0, yx = 0;
    for (int64_t k = 0; k < n; ++k) {
      q[k] = std::exp(p[k] - m);
      s += q[k];
      ySum += t[k];
      yx += static_cast<double>(t[k]) * (p[k] - m);
    }
    // logsumexp(x) sum(y) - sum(y x) = (m + log s) sum(y) - sum(y x) = log(s) sum(y) - sum(y (x - m))
    loss[r] = static_cast<float>(std::log(s) * ySum - yx);
    const float scale = static_cast<float>(ySum / s);
    for (int64_t k = 0; k < n; ++k) q[k] = q[k] * scale - t[k];
  }
  return dlts::undefinedValue(args.env());
}
