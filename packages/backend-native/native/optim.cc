// Fused optimizer updates: one pass over a variable, its gradient and its slots instead of the
// eight to ten elementwise ops (each a full pass over memory) that the same update costs as
// tfjs ops. The formulas are Keras's, as @dlts/layers writes them with tfjs ops.
//
// An output may be its input (an update in place: out[i] depends only on the inputs at i), so
// the pointers are not `__restrict`; `omp simd` vectorises the loops all the same.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "common.h"

namespace {

// Runs body(i0, i1) over [0, n) in chunks, threaded when n is large.
template <typename F>
void chunked(int64_t n, F body) {
  constexpr int64_t kChunk = 8192;
  const int64_t chunks = (n + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static) if (n > dlts::kParallelGrain)
  for (int64_t c = 0; c < chunks; ++c) body(c * kChunk, std::min(n, (c + 1) * kChunk));
}

// The RMSprop loop for one chunk, specialised on the optional slots so that it vectorises.
template <bool kMom, bool kCentered>
void rmspropRun(int64_t i0, int64_t i1, const float* w, const float* g, const float* v,
                const float* mom, const float* avg, float* ow, float* ov,
                float* omom, float* oavg, float lr, float rho, float oneMinusRho, float momentum, float eps) {
#pragma omp simd
  for (int64_t i = i0; i < i1; ++i) {
    const float gi = g[i];
    const float vi = rho * v[i] + oneMinusRho * (gi * gi);
    ov[i] = vi;
    float d;
    if constexpr (kCentered) {
      const float ai = rho * avg[i] + oneMinusRho * gi;
      oavg[i] = ai;
      d = (vi - ai * ai) + eps;
    } else {
      d = vi + eps;
    }
    const float inc = (lr * gi) / std::sqrt(d);
    if constexpr (kMom) {
      const float mi = momentum * mom[i] + inc;
      omom[i] = mi;
      ow[i] = w[i] - mi;
    } else {
      ow[i] = w[i] - inc;
    }
  }
}

template <bool kAms>
void adamRun(int64_t i0, int64_t i1, const float* w, const float* g, const float* m, const float* v,
             const float* vhat, float* ow, float* om, float* ov, float* ovhat, float alpha,
             float c1, float c2, float eps) {
#pragma omp simd
  for (int64_t i = i0; i < i1; ++i) {
    const float gi = g[i];
    const float mi = m[i] + (gi - m[i]) * c1;
    float vi = v[i] + (gi * gi - v[i]) * c2;
    om[i] = mi;
    ov[i] = vi;
    if constexpr (kAms) {
      const float h = vhat[i];
      vi = (h != h || vi != vi) ? NAN : (h > vi ? h : vi);
      ovhat[i] = vi;
    }
    ow[i] = w[i] - (mi * alpha) / (std::sqrt(vi) + eps);
  }
}

template <bool kMom, bool kNesterov>
void sgdRun(int64_t i0, int64_t i1, const float* w, const float* g, const float* mom, float* ow,
            float* omom, float lr, float momentum) {
#pragma omp simd
  for (int64_t i = i0; i < i1; ++i) {
    const float step = g[i] * lr;
    if constexpr (kMom) {
      const float vel = mom[i] * momentum - step;
      omom[i] = vel;
      if constexpr (kNesterov) ow[i] = w[i] + (vel * momentum - step);
      else ow[i] = w[i] + vel;
    } else {
      ow[i] = w[i] - step;
    }
  }
}

}  // namespace

// rmsprop(w, g, v, mom|null, avg|null, outW, outV, outMom|null, outAvg|null, lr, rho, momentum, epsilon)
//   v' = rho v + (1 - rho) g^2;  centered: a' = rho a + (1 - rho) g, d = v' - a'^2 + eps; else d = v' + eps
//   inc = lr g / sqrt(d);  momentum: m' = momentum m + inc, w' = w - m';  else w' = w - inc
DLTS_EXPORT(rmsprop) {
  size_t n = 0;
  const float* w = args.f32(0, &n);
  const float* g = args.f32(1);
  const float* v = args.f32(2);
  const float* mom = args.f32opt(3);
  const float* avg = args.f32opt(4);
  float* ow = args.f32(5);
  float* ov = args.f32(6);
  float* omom = args.f32opt(7);
  float* oavg = args.f32opt(8);
  const float lr = static_cast<float>(args.f64(9)), rho = static_cast<float>(args.f64(10));
  const float momentum = static_cast<float>(args.f64(11)), eps = static_cast<float>(args.f64(12));
  const float oneMinusRho = 1.f - rho;
  if ((mom == nullptr) != (omom == nullptr) || (avg == nullptr) != (oavg == nullptr)) throw dlts::Error("rmsprop: slot without output");
  const auto run = [&](auto kMom, auto kCentered) {
    chunked(static_cast<int64_t>(n), [=](int64_t i0, int64_t i1) {
      rmspropRun<decltype(kMom)::value, decltype(kCentered)::value>(i0, i1, w, g, v, mom, avg, ow, ov, omom, oavg, lr, rho, oneMinusRho, momentum, eps);
    });
  };
  if (mom && avg) run(std::true_type{}, std::true_type{});
  else if (mom) run(std::true_type{}, std::false_type{});
  else if (avg) run(std::false_type{}, std::true_type{});
  else run(std::false_type{}, std::false_type{});
  return dlts::undefinedValue(args.env());
}

// adam(w, g, m, v, vhat|null, outW, outM, outV, outVhat|null, alpha, beta1, beta2, epsilon)
//   m' = m + (g - m)(1 - b1);  v' = v + (g^2 - v)(1 - b2);  amsgrad: vh' = max(vh, v'), used for v'
//   w' = w - m' alpha / (sqrt(v') + eps)   (alpha = lr sqrt(1 - b2^t) / (1 - b1^t))
DLTS_EXPORT(adam) {
  size_t n = 0;
  const float* w = args.f32(0, &n);
  const float* g = args.f32(1);
  const float* m = args.f32(2);
  const float* v = args.f32(3);
  const float* vhat = args.f32opt(4);
  float* ow = args.f32(5);
  float* om = args.f32(6);
  float* ov = args.f32(7);
  float* ovhat = args.f32opt(8);
  const float alpha = static_cast<float>(args.f64(9)), b1 = static_cast<float>(args.f64(10));
  const float b2 = static_cast<float>(args.f64(11)), eps = static_cast<float>(args.f64(12));
  const float c1 = 1.f - b1, c2 = 1.f - b2;
  if ((vhat == nullptr) != (ovhat == nullptr)) throw dlts::Error("adam: slot without output");
  if (vhat != nullptr) {
    chunked(static_cast<int64_t>(n), [=](int64_t i0, int64_t i1) { adamRun<true>(i0, i1, w, g, m, v, vhat, ow, om, ov, ovhat, alpha, c1, c2, eps); });
  } else {
    chunked(static_cast<int64_t>(n), [=](int64_t i0, int64_t i1) { adamRun<false>(i0, i1, w, g, m, v, vhat, ow, om, ov, ovhat, alpha, c1, c2, eps); });
  }
  return dlts::undefinedValue(args.env());
}

// sgd(w, g, mom|null, outW, outMom|null, lr, momentum, nesterov)
//   step = g lr;  no momentum: w' = w - step
//   else vel = mom momentum - step, m' = vel, w' = w + (nesterov ? vel momentum - step : vel)
DLTS_EXPORT(sgd) {
  size_t n = 0;
  const float* w = args.f32(0, &n);
  const float* g = args.f32(1);
  const float* mom = args.f32opt(2);
  float* ow = args.f32(3);
  float* omom = args.f32opt(4);
  const float lr = static_cast<float>(args.f64(5)), momentum = static_cast<float>(args.f64(6));
  const bool nesterov = args.i64(7) != 0;
  if ((mom == nullptr) != (omom == nullptr)) throw dlts::Error("sgd: slot without output");
  const int64_t len = static_cast<int64_t>(n);
  if (mom == nullptr) chunked(len, [=](int64_t i0, int64_t i1) { sgdRun<false, false>(i0, i1, w, g, mom, ow, omom, lr, momentum); });
  else if (nesterov) chunked(len, [=](int64_t i0, int64_t i1) { sgdRun<true, true>(i0, i1, w, g, mom, ow, omom, lr, momentum); });
  else chunked(len, [=](int64_t i0, int64_t i1) { sgdRun<true, false>(i0, i1, w, g, mom, ow, omom, lr, momentum); });
  return dlts::undefinedValue(args.env());
}
